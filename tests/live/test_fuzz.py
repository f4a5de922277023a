"""Generated frames and form bodies against a live daphne: whatever arrives, the server answers
without a 1011 close, a 500 or a traceback, and another learner's stored work stays as it was.

Bounded so that it runs in well under a minute: a few hundred examples in all, each on a fresh
connection (so the per-socket rate limit never decides the outcome).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import string
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from classroom import services
from classroom.models import RoomRecord
from simulator.engine import ACTIONS as ENGINE_ACTIONS
from simulator.frames import CONTROL_ACTIONS
from simulator.models import Sandbox
from tests.classroom.test_cross_process import Browser, join

pytestmark = pytest.mark.django_db(transaction=True)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SERVER_ERROR = 1011

# Text that reaches for every edge: controls, surrogates' neighbours, look-alikes, markup.
awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("\x00\x01\x07\x1b\x7f\x85\x9b\u200b\u202e\ufeff\t\n\r<>&\"'\\"),
        st.characters(codec="utf-8"),
        st.sampled_from(string.ascii_letters),
    ),
    max_size=40,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    awkward_text,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(awkward_text, inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "name", "payload", "service", "count", "online", "seq", "value", "choice", "mid",
    "reason", "kind", "topic", "question", "by", "amount", "headers",
]  # fmt: skip


def frames(actions: list[str]):
    structured = st.fixed_dictionaries(
        {"action": st.one_of(st.sampled_from(actions), awkward_text)},
        optional={field: values for field in FIELDS},
    ).map(json.dumps)
    raw = st.one_of(
        st.integers(1, 3000).map(lambda n: '{"action": "ping", "x": ' + "[" * n + "]" * n + "}"),
        st.integers(20, 5000).map(lambda n: '{"action": "answer", "choice": ' + "9" * n + "}"),
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]).map(
            lambda n: '{"action": "speed", "value": ' + n + "}"
        ),
        st.sampled_from(actions).map(lambda a: '{"action": "' + a + '", "name": "\\u0000"}'),
        awkward_text,
    )
    return st.one_of(structured, raw)


async def exchange(url: str, headers: dict, text: str) -> int | None:
    """Sends one frame, then a ping, and reads until the pong; the close code if it closed."""
    async with connect(url, additional_headers=headers, max_size=None) as ws:
        await asyncio.wait_for(ws.recv(), 10)  # the first state
        try:
            await ws.send(text)
            await ws.send(json.dumps({"action": "ping"}))
            while True:
                reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
                assert "type" in reply
                if reply["type"] == "pong":
                    return None
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


def assert_clean(server) -> None:
    log = server.log()
    assert "Traceback" not in log
    assert '" 500 ' not in log
    assert "failed handling" not in log


@pytest.fixture
def server(daphne_cluster):
    (process,) = daphne_cluster(1)
    return process


def bystander_sandbox(server) -> tuple[Browser, str]:
    """Another learner, with one stored input, whose row must come through the fuzzing as it was."""
    bystander = Browser()
    assert bystander.get(server, "/simulator/")[0] == 200

    async def act():
        url = f"{server.ws_url}/ws/simulator/"
        headers = {"Origin": server.url, "Cookie": bystander.cookie_header()}
        async with connect(url, additional_headers=headers) as ws:
            await ws.recv()
            await ws.send(json.dumps({"action": "send", "name": "PlaceOrder"}))
            while json.loads(await ws.recv())["type"] != "steps":
                pass

    asyncio.run(act())
    (row,) = [s for s in Sandbox.objects.all() if len(s.inputs) == 1]
    return bystander, row.owner


def test_generated_simulator_frames_never_break_the_server(server):
    _, owner = bystander_sandbox(server)
    before = Sandbox.objects.get(owner=owner)
    learner = Browser()
    assert learner.get(server, "/simulator/")[0] == 200
    headers = {"Origin": server.url, "Cookie": learner.cookie_header()}
    url = f"{server.ws_url}/ws/simulator/"

    @FUZZ
    @given(frames(sorted(CONTROL_ACTIONS) + sorted(ENGINE_ACTIONS)))
    def one(text):
        assert asyncio.run(exchange(url, headers, text)) != SERVER_ERROR

    one()
    after = Sandbox.objects.get(owner=owner)
    assert (after.inputs, after.until, after.scenario) == (
        before.inputs,
        before.until,
        before.scenario,
    )
    assert_clean(server)


def test_generated_classroom_frames_never_break_the_server(server):
    from classroom.frames import ACTIONS

    teacher = get_user_model().objects.create_user("teacher", is_staff=True)
    room = services.room_open(teacher=teacher, scenario="order-flow")
    ana = join(server, room.code, "Ana")
    bystander_records = RoomRecord.objects.filter(room=room).count()
    headers = {"Origin": server.url, "Cookie": ana.cookie_header()}
    url = f"{server.ws_url}/ws/classroom/{room.code}/"

    @FUZZ
    @given(frames(sorted(ACTIONS)))
    def one(text):
        assert asyncio.run(exchange(url, headers, text)) != SERVER_ERROR

    one()
    # Nothing a learner sent may have rewritten what was there before it.
    first = list(RoomRecord.objects.filter(room=room).order_by("seq")[:bystander_records])
    assert [r.seq for r in first] == list(range(1, bystander_records + 1))
    assert_clean(server)


FORMS = {
    "/grammar/": ["names"],
    "/classroom/join/": ["code", "name"],
    "/accounts/login/": ["username", "password"],
    "/accounts/signup/": ["username", "password1", "password2"],
}
form_bodies = st.tuples(
    st.sampled_from(sorted(FORMS)),
    st.dictionaries(
        st.sampled_from(["names", "code", "name", "username", "password"]), awkward_text
    ),
    st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus", ""]),
    st.binary(max_size=64),
)


def test_generated_form_bodies_never_get_a_500(server):
    browser = Browser()
    assert browser.get(server, "/classroom/")[0] == 200
    token = browser.cookies["csrftoken"]

    @settings(FUZZ, max_examples=150)
    @given(form_bodies)
    def one(case):
        path, fields, charset, junk = case
        body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode() + junk
        content_type = "application/x-www-form-urlencoded" + (
            f"; charset={charset}" if charset else ""
        )
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": content_type,
                    "Cookie": browser.cookie_header(),
                    "Origin": server.url,
                },
            )
            status = conn.getresponse().status
        finally:
            conn.close()
        assert status < 500

    one()
    assert_clean(server)
