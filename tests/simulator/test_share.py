"""A shared run replays exactly, read-only; the trace downloads as JSON Lines."""

import json
import re
from html import unescape
from urllib.parse import quote, unquote

import pytest

from simulator.engine import load_scenario
from tests.simulator.helpers import LOG, learner_session, open_tab, request

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fast_pacing")]


def log_lines(frame: dict) -> list[str]:
    return re.findall(r"<li class=\"log__entry[^>]*>(.*?)</li>", LOG.search(frame["content"])[0])


async def finish(tab) -> dict:
    """Plays on through every pause until nothing is left to happen; the state then."""
    await request(tab, {"action": "play"}, "state")
    for _ in range(3000):
        frame = await tab.receive_json_from(timeout=5)
        if 'data-status="finished"' in frame.get("content", ""):
            break
        if frame["type"] == "state" and not frame["playing"]:
            await request(tab, {"action": "play"}, "state")
    return await request(tab, {"action": "sync"}, "state")


async def shared_token(tab) -> str:
    frame = await request(tab, {"action": "share"}, "share")
    link = re.search(r'value="([^"]+)" data-share-link', frame["content"])[1]
    return unquote(unescape(link).split("?replay=", 1)[1])


async def test_a_shared_link_replays_exactly_this_run():
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, "/ws/simulator/?scenario=email-down")
    await request(tab, {"action": "predict", "skip": True}, "state")
    # The learner's own input changes the story: the replay must show it too.
    await request(tab, {"action": "set_instances", "service": "Payment", "count": 2}, "steps")
    original = await finish(tab)
    token = await shared_token(tab)
    await tab.disconnect()

    viewer, _ = await learner_session()
    replay, first = await open_tab(viewer, f"/ws/simulator/?replay={quote(token)}")
    assert 'id="predict-title"' not in first["content"]  # a replay asks nothing
    assert first["length"] == 0
    replayed = await finish(replay)
    assert log_lines(replayed) == log_lines(original)
    assert "Payment now runs 2 instance" in replayed["content"]
    await replay.disconnect()


async def test_a_run_shared_before_it_ends_replays_to_the_same_end():
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, "/ws/simulator/?scenario=late-subscriber")
    await request(tab, {"action": "predict", "skip": True}, "state")
    token = await shared_token(tab)  # nothing played yet: every input is still to come
    original = await finish(tab)
    await tab.disconnect()

    replay, _ = await open_tab(cookie, f"/ws/simulator/?replay={quote(token)}")
    replayed = await finish(replay)
    assert log_lines(replayed) == log_lines(original)
    assert "Loyalty subscribes" in replayed["content"]
    await replay.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"action": "send", "name": "PlaceOrder"},
        {"action": "set_online", "service": "Email", "online": False},
        {"action": "scenario", "name": "order-flow"},
        {"action": "predict", "choice": 0},
    ],
)
async def test_a_replay_can_be_watched_but_not_changed(frame):
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, "/ws/simulator/?scenario=order-flow")
    token = await shared_token(tab)
    await tab.disconnect()
    replay, _ = await open_tab(cookie, f"/ws/simulator/?replay={quote(token)}")
    await replay.send_json_to(frame)
    refused = await replay.receive_json_from(timeout=5)
    assert refused["type"] == "error"
    assert "shared replay" in refused["message"]
    await replay.disconnect()


async def test_a_changed_link_is_refused_with_a_clear_message(client):
    cookie, _ = await learner_session()
    tab, _ = await open_tab(cookie, "/ws/simulator/?replay=not-a-real-token")
    error = await tab.receive_json_from(timeout=5)
    assert error["type"] == "error"
    assert error["code"] == "bad_replay"
    await tab.disconnect()


def test_the_replay_page_and_a_broken_one(client):
    scenario = load_scenario("order-flow")
    from simulator.engine import Engine
    from simulator.models import Sandbox
    from simulator.sandboxes import share_token

    engine = Engine.from_inputs(
        [dict(i, at=i.get("at", 0)) for i in scenario.inputs], seed=scenario.seed
    )
    token = share_token(Sandbox(scenario="order-flow", seed=scenario.seed), engine)
    page = client.get("/simulator/", {"replay": token})
    assert page.status_code == 200
    assert "A shared replay" in page.content.decode()
    assert 'id="sim-services"' not in page.content.decode()
    broken = client.get("/simulator/", {"replay": token[:-3] + "xyz"})
    assert broken.status_code == 400
    assert "incomplete or was changed" in broken.content.decode()

    download = client.get("/simulator/trace.jsonl", {"replay": token})
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    records = [json.loads(line) for line in download.content.decode().splitlines()]
    scenario_run = scenario.run()
    assert len(records) == len(scenario_run.trace)
    assert records[0] == scenario_run.trace[0].to_dict()
    bad = client.get("/simulator/trace.jsonl", {"replay": "nonsense"})
    assert bad.status_code == 400


def test_the_learner_downloads_their_own_sandbox_trace(client):
    client.get("/simulator/")
    download = client.get("/simulator/trace.jsonl")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/x-ndjson")
    assert download.content.decode() == ""
