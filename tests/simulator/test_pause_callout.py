"""The explanation a guided run shows where it pauses, frame by frame."""

import html

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from simulator.engine import load_scenario
from simulator.models import Sandbox
from simulator.rendering import page_context
from simulator.runner import Runner
from simulator.sandboxes import engine_for
from tests.simulator.helpers import render_state

ORIGIN = (b"origin", b"http://127.0.0.1:8000")

pytestmark = pytest.mark.usefixtures("fast_pacing")


def callout(content: str) -> str:
    """The text inside the pause region of a frame (empty when nothing is to be said)."""
    start = content.index('id="sim-pause"')
    tag_end = content.index(">", start) + 1
    inner = content[tag_end:]
    # The region holds at most one callout <div>; the region's own </div> closes after it.
    end = (
        inner.index("</div></div>") + len("</div>")
        if inner.startswith("<div")
        else inner.index("</div>")
    )
    return html.unescape(inner[:end].strip())


async def next_pause(communicator) -> dict:
    for _ in range(500):
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] == "state" and not frame["playing"]:
            return frame
    raise AssertionError("the guided run never paused")


@pytest.mark.django_db(transaction=True)
async def test_each_pause_shows_its_words_and_moving_on_clears_them():
    scenario = load_scenario("payment-down")
    communicator = WebsocketCommunicator(
        application, "/ws/simulator/?scenario=payment-down", headers=[ORIGIN]
    )
    await communicator.connect()
    state = await communicator.receive_json_from()
    assert callout(state["content"]) == ""
    await communicator.send_json_to({"action": "predict", "skip": True})
    await communicator.receive_json_from()

    await communicator.send_json_to({"action": "play"})
    playing = await communicator.receive_json_from()
    assert playing["playing"] is True
    assert callout(playing["content"]) == ""
    paused = await next_pause(communicator)
    assert scenario.pauses[0].text in callout(paused["content"])
    assert 'role="status"' in paused["content"].split('id="sim-pause"')[1].split(">")[0]

    await communicator.send_json_to({"action": "step"})
    stepped = await communicator.receive_json_from()
    assert stepped["type"] == "steps"
    assert callout(stepped["content"]) == ""

    await communicator.send_json_to({"action": "play"})
    assert callout((await communicator.receive_json_from())["content"]) == ""
    paused = await next_pause(communicator)
    assert scenario.pauses[1].text in callout(paused["content"])
    await communicator.disconnect()


def test_the_page_shows_the_explanation_of_the_instant_it_was_left_at():
    scenario = load_scenario("late-subscriber")
    sandbox = Sandbox(scenario=scenario.name, seed=scenario.seed)
    sandbox.inputs = [dict(i) for i in scenario.inputs if i.get("at", 0) <= 500]
    sandbox.until = 500
    runner = Runner(engine_for(sandbox), emit=None)

    assert page_context(sandbox, runner)["pause_notes"] == [scenario.pauses[0].text]
    frame = render_state(sandbox, runner, full=True)
    assert scenario.pauses[0].text in callout(frame["content"])

    runner.playing = True
    assert callout(render_state(sandbox, runner, full=False)["content"]) == ""


def test_a_free_sandbox_never_shows_a_callout():
    sandbox = Sandbox()
    runner = Runner(engine_for(sandbox), emit=None)
    assert page_context(sandbox, runner)["pause_notes"] == []
