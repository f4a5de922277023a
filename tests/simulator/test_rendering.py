"""Frames leave out the panels a socket already has, and send them again when they change."""

from simulator.models import Sandbox
from simulator.rendering import render_state, render_steps
from simulator.runner import Runner
from simulator.sandboxes import engine_for


def runner_for(sandbox: Sandbox) -> Runner:
    return Runner(engine_for(sandbox), emit=None)


def test_an_unchanged_services_table_is_sent_once_per_socket():
    sandbox = Sandbox(owner="")
    runner = runner_for(sandbox)
    memo: dict = {}
    first = render_state(sandbox, runner, full=True, memo=memo)
    assert 'id="sim-services"' in first["content"]
    again = render_steps(sandbox, runner, len(runner.engine.trace), full=False, memo=memo)
    assert 'id="sim-services"' not in again["content"]
    assert 'id="sim-transport"' in again["content"]
    runner.engine.apply({"action": "set_online", "service": "Email", "online": False})
    changed = render_steps(sandbox, runner, 0, full=False, memo=memo)
    assert 'id="sim-services"' in changed["content"]


def test_without_a_memo_every_panel_is_sent():
    sandbox = Sandbox(owner="")
    runner = runner_for(sandbox)
    frame = render_steps(sandbox, runner, 0, full=False)
    for panel in ('id="sim-services"', 'id="sim-pause"', 'id="sim-question"'):
        assert panel in frame["content"]
