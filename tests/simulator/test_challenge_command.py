"""``manage.py challenge``: the level list, a fair level's check, and the exit codes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from simulator.engine.levels import list_levels


def run(*args):
    out = StringIO()
    call_command("challenge", *args, stdout=out)
    return out.getvalue()


def test_list_names_every_level_with_its_par():
    text = run("--list")
    for name in list_levels():
        assert name in text
    assert "par 10" in text


def test_check_prints_each_part_for_the_solution_and_the_empty_run():
    text = run("the-latecomer", "--check")
    assert "stored solution:" in text
    assert "doing nothing:" in text
    assert "[x] Loyalty awarded points" in text
    assert "[ ] Loyalty awarded points" in text
    assert text.strip().endswith("doing nothing does not")


def test_an_unknown_level_exits_2():
    with pytest.raises(CommandError) as caught:
        run("no-such-level", "--check")
    assert caught.value.returncode == 2


def test_an_unfair_level_exits_1(tmp_path, monkeypatch):
    from simulator.engine import levels

    source = (levels.LEVEL_DIR / "the-latecomer.toml").read_text()
    (tmp_path / "the-latecomer.toml").write_text(source.replace("catch_up = true", ""))
    monkeypatch.setattr(levels, "LEVEL_DIR", tmp_path)
    with pytest.raises(CommandError) as caught:
        run("the-latecomer", "--check")
    assert caught.value.returncode == 1
