import pytest

from simulator import runner as runner_module


@pytest.fixture
def fast_pacing(monkeypatch):
    """Wall-clock pacing is for people; socket tests watch the same frames without waiting."""
    monkeypatch.setattr(runner_module, "MIN_GAP_MS", 1.0)
    monkeypatch.setattr(runner_module, "MAX_GAP_MS", 2.0)
    monkeypatch.setattr(runner_module, "SCALE", 0.01)
