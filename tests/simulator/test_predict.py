"""Predict, then watch: a guided run waits for a prediction, keeps it, and debriefs it."""

import re

import pytest
from channels.db import database_sync_to_async

from simulator.engine import load_scenario
from simulator.models import PREDICTION_SKIPPED, Sandbox
from tests.simulator.helpers import learner_session, open_tab, request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]

SCENARIO = "competing-consumers"


def transport(content: str) -> str:
    return re.search(r'<div id="sim-transport".*?\n</div>', content, re.S).group()


async def error_of(tab, frame: dict) -> dict:
    await tab.send_json_to(frame)
    reply = await tab.receive_json_from(timeout=5)
    assert reply["type"] == "error", reply
    return reply


async def stored(key: str, until) -> Sandbox:
    import asyncio

    for _ in range(100):
        sandbox = await database_sync_to_async(Sandbox.objects.get)(session_key=f"{key}")
        if until(sandbox):
            return sandbox
        await asyncio.sleep(0.02)
    raise AssertionError("the sandbox was never stored as expected")


async def play_until_finished(tab) -> dict:
    state = await request(tab, {"action": "play"}, "state")
    for _ in range(2000):
        frame = await tab.receive_json_from(timeout=5)
        if 'data-status="finished"' in frame.get("content", ""):
            return frame
        if frame["type"] == "state" and not frame["playing"]:
            state = await request(tab, {"action": "play"}, "state")
    raise AssertionError(f"the run never finished; last state {state['length']}")


async def test_play_and_step_wait_for_a_prediction():
    cookie, _ = await learner_session()
    tab, first = await open_tab(cookie, f"/ws/simulator/?scenario={SCENARIO}")
    assert 'id="predict-title"' in first["content"]
    assert "disabled" in transport(first["content"]).split('id="sim-play"')[1].split(">")[0]
    assert "Waiting for your prediction" in first["content"]

    for action in ("play", "step"):
        refused = await error_of(tab, {"action": action})
        assert "prediction" in refused["message"]
    state = await request(tab, {"action": "sync"}, "state")
    assert state["length"] == first["length"] == 0
    await tab.disconnect()


async def test_a_prediction_is_kept_across_a_reload_and_a_replay():
    cookie, key = await learner_session()
    tab, _ = await open_tab(cookie, f"/ws/simulator/?scenario={SCENARIO}")
    state = await request(tab, {"action": "predict", "choice": "2"}, "state")
    choice = load_scenario(SCENARIO).question.choices[2]
    assert "Your prediction" in state["content"]
    assert choice in state["content"]
    assert 'id="predict-title"' not in state["content"]
    await stored(key, lambda s: s.prediction == 2)
    await request(tab, {"action": "play"}, "state")
    await request(tab, {"action": "reset"}, "state")
    await tab.disconnect()

    tab, reloaded = await open_tab(cookie, "/ws/simulator/")
    assert choice in reloaded["content"]
    assert "disabled" not in transport(reloaded["content"]).split('id="sim-play"')[1].split(">")[0]
    # Another scenario asks its own question afresh.
    other = await request(tab, {"action": "scenario", "name": "email-down"}, "state")
    assert 'id="predict-title"' in other["content"]
    assert (await stored(key, lambda s: s.scenario == "email-down")).prediction is None
    await tab.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"action": "predict"},
        {"action": "predict", "choice": 9},
        {"action": "predict", "choice": -1},
        {"action": "predict", "choice": "two"},
        {"action": "predict", "skip": "maybe"},
    ],
)
async def test_a_bad_prediction_is_refused_and_changes_nothing(frame):
    cookie, key = await learner_session()
    tab, _ = await open_tab(cookie, f"/ws/simulator/?scenario={SCENARIO}")
    await error_of(tab, frame)
    state = await request(tab, {"action": "sync"}, "state")
    assert 'id="predict-title"' in state["content"]
    sandbox = await database_sync_to_async(Sandbox.objects.get)(session_key=f"{key}")
    assert sandbox.prediction is None
    await tab.disconnect()


async def test_the_free_sandbox_asks_for_no_prediction():
    cookie, _ = await learner_session()
    tab, first = await open_tab(cookie, "/ws/simulator/?scenario=")
    assert 'id="predict-title"' not in first["content"]
    await error_of(tab, {"action": "predict", "choice": 0})
    await request(tab, {"action": "send", "name": "PlaceOrder"}, "steps")
    await request(tab, {"action": "step"}, "steps")
    await tab.disconnect()


@pytest.mark.parametrize("choice", [0, 1])
async def test_the_debrief_compares_the_prediction_with_the_run(choice):
    question = load_scenario(SCENARIO).question
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, f"/ws/simulator/?scenario={SCENARIO}")
    await request(tab, {"action": "predict", "choice": choice}, "state")
    await request(tab, {"action": "speed", "value": 4.0}, "state")
    finished = await play_until_finished(tab)
    state = await request(tab, {"action": "sync"}, "state")
    content = state["content"]
    assert "Finished" in transport(content)
    assert ">Replay<" in transport(content)
    debrief = re.search(r'<section id="sim-question".*?</section>', content, re.S).group()
    assert " hidden" not in debrief.split(">")[0]
    assert question.choices[choice] in debrief  # what was predicted
    assert question.choices[question.answer] in debrief  # what the run showed
    assert question.explanation.split()[0] in debrief
    if question.feedback:
        assert question.feedback[choice] in debrief
    right = choice == question.answer
    assert ("feedback--right" in debrief) is right
    assert ("feedback--wrong" in debrief) is not right
    assert finished["length"] == state["length"]
    await tab.disconnect()


async def test_a_skipped_prediction_asks_the_question_after_the_run():
    cookie, key = await learner_session()
    tab, _ = await open_tab(cookie, f"/ws/simulator/?scenario={SCENARIO}")
    await request(tab, {"action": "predict", "skip": True}, "state")
    await stored(key, lambda s: s.prediction == PREDICTION_SKIPPED)
    await request(tab, {"action": "speed", "value": 4.0}, "state")
    await play_until_finished(tab)
    state = await request(tab, {"action": "sync"}, "state")
    assert "Check my answer" in state["content"]
    assert "Your prediction" not in state["content"]
    await tab.disconnect()
