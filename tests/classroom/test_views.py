"""The classroom's pages: joining by code, opening a room, who may see which page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from classroom import services, throttle
from classroom.models import Room
from classroom.room import TEACHER

pytestmark = pytest.mark.django_db


def post_join(client: Client, code: str, name: str = "Ana"):
    return client.post("/classroom/join/", {"code": code, "name": name})


def pid_in(client: Client, code: str) -> str | None:
    return (client.session.get("classroom_rooms") or {}).get(code)


@pytest.fixture
def teacher_client(teacher_user):
    client = Client()
    client.force_login(teacher_user)
    return client


# -- the home page -------------------------------------------------------------------------------


def test_a_learner_sees_the_join_form_and_no_way_to_open_a_room(client):
    response = client.get("/classroom/?code=k7qmx2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join a room" in html
    assert 'value="k7qmx2"' in html
    assert "Open a room" not in html
    assert "Sign in</a> with a teacher account" in html


def test_a_teacher_sees_the_form_to_open_a_room_and_their_rooms(teacher_client, room):
    html = teacher_client.get("/classroom/").content.decode()
    assert "Open a room" in html
    assert room.code in html
    assert f"/classroom/{room.code}/teach/" in html
    assert f"/classroom/{room.code}/log/" in html


def test_a_signed_in_learner_who_is_no_teacher_cannot_open_a_room(client, room):
    client.force_login(get_user_model().objects.create_user("learner"))
    html = client.get("/classroom/").content.decode()
    assert "Open a room" not in html
    assert room.code not in html
    assert client.post("/classroom/open/", {"scenario": "order-flow"}).status_code == 403
    assert Room.objects.count() == 1


# -- joining -------------------------------------------------------------------------------------


def test_a_right_code_joins_and_remembers_the_learner(client, room):
    response = post_join(client, f" {room.code.lower()[:3]} {room.code.lower()[3:]} ", "  Ana  ")
    assert response.status_code == 302
    assert response["Location"] == f"/classroom/{room.code}/"
    pid = pid_in(client, room.code)
    state = services.room_state(room.code)
    assert state.participants[pid]["name"] == "Ana"
    page = client.get(f"/classroom/{room.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are <strong>Ana</strong>" in html
    assert f'hx-ws:connect="/ws/classroom/{room.code}/"' in html
    assert "Ana joined the room." in html


def test_joining_again_reuses_the_same_learner(client, room):
    post_join(client, room.code, "Ana")
    pid = pid_in(client, room.code)
    response = post_join(client, room.code, "Another name")
    assert response.status_code == 302
    assert pid_in(client, room.code) == pid
    assert list(services.room_state(room.code).participants) == [pid]


def test_a_taken_or_missing_name_is_refused_with_a_message(client, room):
    post_join(Client(), room.code, "Ana")
    response = post_join(client, room.code, "ana")
    assert response.status_code == 400
    assert "already called ana" in response.content.decode()
    response = post_join(client, room.code, "   ")
    assert response.status_code == 400
    assert "Your display name is missing." in response.content.decode()
    assert pid_in(client, room.code) is None


def test_a_display_name_is_shown_as_text_never_as_markup(client, room):
    post_join(client, room.code, "<b>Ana</b>")
    html = client.get(f"/classroom/{room.code}/").content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html
    assert "<b>Ana</b>" not in html


def test_a_wrong_code_is_a_404_with_a_message(client, room):
    response = post_join(client, "ZZZZZZ", "Ana")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No open room has that code." in html
    assert 'value="ZZZZZZ"' in html
    assert 'value="Ana"' in html
    assert post_join(client, "not a code at all", "Ana").status_code == 404


def test_twenty_wrong_codes_from_one_address_block_even_the_right_one(client, room):
    for _ in range(throttle.FAILED_JOINS_ALLOWED):
        assert post_join(client, "ZZZZZZ").status_code == 404
    response = post_join(client, room.code)
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert pid_in(client, room.code) is None
    # Another address, say a classmate at home, is not held back.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert post_join(other, room.code, "Ben").status_code == 302


def test_right_codes_do_not_count_as_guesses(room):
    for n in range(throttle.FAILED_JOINS_ALLOWED + 5):
        assert post_join(Client(), room.code, f"Learner {n}").status_code == 302


def test_a_closed_room_can_no_longer_be_joined(client, room):
    services.room_act(code=room.code, actor=TEACHER, action="close", fields={})
    response = post_join(client, room.code)
    assert response.status_code == 404
    assert "No open room has that code." in response.content.decode()


def test_the_teacher_joining_their_own_room_goes_to_the_teaching_page(teacher_client, room):
    response = post_join(teacher_client, room.code, "Teacher")
    assert response["Location"] == f"/classroom/{room.code}/teach/"
    assert services.room_state(room.code).participants == {}
    response = teacher_client.get(f"/classroom/{room.code}/")
    assert response["Location"] == f"/classroom/{room.code}/teach/"


def test_joining_needs_a_post(client):
    assert client.get("/classroom/join/").status_code == 405


# -- the room pages ------------------------------------------------------------------------------


def test_the_learner_page_needs_having_joined(client, room):
    response = client.get(f"/classroom/{room.code}/")
    assert response.status_code == 302
    assert response["Location"] == f"/classroom/?code={room.code}"


def test_a_learner_can_read_a_closed_room_they_were_in(client, room):
    post_join(client, room.code)
    services.room_act(code=room.code, actor=TEACHER, action="close", fields={})
    html = client.get(f"/classroom/{room.code}/").content.decode()
    assert "This room is closed." in html
    assert "Subscribe" not in html


@pytest.mark.parametrize("page", ["teach/", "log/"])
def test_only_the_rooms_teacher_sees_its_teaching_page_and_log(client, room, page):
    url = f"/classroom/{room.code}/{page}"
    assert client.get(url).status_code == 403
    post_join(client, room.code)
    assert client.get(url).status_code == 403
    other = Client()
    other.force_login(get_user_model().objects.create_user("other-teacher", is_staff=True))
    assert other.get(url).status_code == 403


def test_the_teacher_runs_the_room_from_its_teaching_page(teacher_client, room):
    post_join(Client(), room.code, "Ana")
    response = teacher_client.get(f"/classroom/{room.code}/teach/")
    assert response.status_code == 200
    html = response.content.decode()
    assert room.code in html
    assert "Run the flow" in html
    assert "Next: Checkout sends PlaceOrder" in html
    assert "Close the room" in html
    assert "Ana joined the room." in html
    assert "http://testserver/classroom/" in html


def test_opening_a_room_leads_to_its_teaching_page(teacher_client):
    response = teacher_client.post(
        "/classroom/open/", {"scenario": "competing-consumers", "title": "  Group   B "}
    )
    room = Room.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/classroom/{room.code}/teach/"
    assert room.title == "Group B"
    assert room.scenario == "competing-consumers"
    assert room.is_open
    response = teacher_client.post("/classroom/open/", {"scenario": "no-such-flow"})
    assert response.status_code == 400
    assert "Pick one of the listed flows." in response.content.decode()
    assert Room.objects.count() == 1


def test_the_log_page_reads_every_record_of_a_closed_room(teacher_client, room):
    pid = services.participant_join(code=room.code, name="Ana")
    services.room_act(
        code=room.code,
        actor=pid,
        action="role",
        fields={"kind": "subscriber", "service": "Email", "topic": "order-events"},
    )
    services.room_act(
        code=room.code, actor=TEACHER, action="publish", fields={"name": "OrderPlaced"}
    )
    services.room_act(code=room.code, actor=pid, action="ack", fields={"mid": "r1"})
    services.room_act(code=room.code, actor=TEACHER, action="close", fields={})
    response = teacher_client.get(f"/classroom/{room.code}/log/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Ana joined the room.",
        "Ana now plays Email, subscribed to order-events.",
        "Ana acknowledged OrderPlaced.",
        "The teacher closed the room.",
        "6 records",
    ):
        assert text in html
    assert "still open" not in html
    home = teacher_client.get("/classroom/").content.decode()
    assert f"/classroom/{room.code}/teach/" not in home


@pytest.mark.parametrize(
    "path",
    [
        "/classroom/ZZZZZZ/",
        "/classroom/ZZZZZZ/teach/",
        "/classroom/ZZZZZZ/log/",
        "/classroom/short/",
        "/classroom/%F0%9F%98%80%00/",
        "/classroom/" + "A" * 300 + "/teach/",
        "/classroom/K7Q%20MX2/log/",
    ],
)
def test_bad_codes_in_addresses_get_an_outsiders_answer(teacher_client, path):
    expected = 302 if path.count("/") == 3 else 403
    assert teacher_client.get(path).status_code == expected
    assert Client().get(path).status_code == expected


@pytest.mark.parametrize(("page", "status"), [("", 302), ("teach/", 403), ("log/", 403)])
def test_probing_a_code_answers_alike_whether_or_not_the_room_exists(
    client, room, page, status, caplog
):
    real = client.get(f"/classroom/{room.code}/{page}")
    made_up = client.get(f"/classroom/ZZZZZZ/{page}")
    assert real.status_code == made_up.status_code == status
    assert real.content.replace(room.code.encode(), b"ZZZZZZ") == made_up.content
    assert [r for r in caplog.records if r.exc_info] == [], "a probe logged a traceback"
    if status == 302:
        assert real["Location"] == f"/classroom/?code={room.code}"
        assert made_up["Location"] == "/classroom/?code=ZZZZZZ"


def test_probing_codes_is_throttled_alike_for_real_and_made_up_rooms(settings, client, room):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "room-probe-address": "10/m"}
    for n in range(10):
        code = room.code if n % 2 else "ZZZZZZ"
        assert client.get(f"/classroom/{code}/").status_code == 302
    for code in (room.code, "ZZZZZZ"):
        response = client.get(f"/classroom/{code}/teach/")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Slow down a little" in html
        assert 'class="site-header"' in html
    # A learner in the room still reaches it from another address.
    member = Client(REMOTE_ADDR="10.4.4.4")
    post_join(member, room.code, "Ben")
    assert member.get(f"/classroom/{room.code}/").status_code == 200


def test_a_learner_joining_again_and_again_is_throttled(settings, room):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "join-learner": "3/m"}
    learner = Client(REMOTE_ADDR="10.5.5.5")
    for n in range(3):
        if n:
            pid = pid_in(learner, room.code)
            services.room_act(code=room.code, actor=TEACHER, action="remove", fields={"pid": pid})
        assert post_join(learner, room.code, f"Ana {n}").status_code == 302
    services.room_act(
        code=room.code, actor=TEACHER, action="remove", fields={"pid": pid_in(learner, room.code)}
    )
    response = post_join(learner, room.code, "Ana 3")
    assert response.status_code == 429
    assert "Too many joins" in response.content.decode()


def test_one_address_cannot_fill_a_room(settings, room):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "join-address": "20/m"}
    codes = [post_join(Client(), room.code, f"Bot {n}").status_code for n in range(25)]
    assert codes == [302] * 20 + [429] * 5
    assert len(services.room_state(room.code).participants) == 20
    assert post_join(Client(REMOTE_ADDR="10.6.6.6"), room.code, "Person").status_code == 302


def test_a_locked_out_learner_cannot_join_again_from_the_same_browser(client, room):
    post_join(client, room.code)
    services.room_act(
        code=room.code, actor=TEACHER, action="lock_out", fields={"pid": pid_in(client, room.code)}
    )
    assert client.get(f"/classroom/{room.code}/").status_code == 302
    response = post_join(client, room.code, "Ana again")
    assert response.status_code == 400
    assert "The teacher has removed you from this room." in response.content.decode()


def test_a_removed_learner_may_join_again(client, room):
    post_join(client, room.code)
    first = pid_in(client, room.code)
    services.room_act(code=room.code, actor=TEACHER, action="remove", fields={"pid": first})
    assert post_join(client, room.code, "Ana").status_code == 302
    assert pid_in(client, room.code) not in (None, first)


def test_a_locked_room_takes_nobody_new(client, room):
    services.room_act(code=room.code, actor=TEACHER, action="lock", fields={})
    response = post_join(client, room.code)
    assert response.status_code == 400
    assert "locked this room" in response.content.decode()
    services.room_act(code=room.code, actor=TEACHER, action="unlock", fields={})
    assert post_join(client, room.code).status_code == 302


def test_the_teacher_downloads_the_summary_as_csv(teacher_client, client, room):
    pid = services.participant_join(code=room.code, name="Ana")
    services.room_act(
        code=room.code, actor=pid, action="role", fields={"kind": "handler", "service": "Payment"}
    )
    services.room_act(
        code=room.code, actor=TEACHER, action="send", fields={"name": "ProcessPayment"}
    )
    services.room_act(
        code=room.code, actor=pid, action="reject", fields={"mid": "r1", "reason": "Card declined"}
    )
    url = f"/classroom/{room.code}/summary.csv"
    assert url in teacher_client.get(f"/classroom/{room.code}/log/").content.decode()
    response = teacher_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="room-{room.code}-summary.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("name,roles played,events received")
    assert len(lines) == 2
    assert lines[1].startswith("Ana,Payment#1,0,0,1,0,1,ProcessPayment: Card declined,")
    post_join(client, room.code, "Ben")
    assert client.get(url).status_code == 403
    assert teacher_client.get("/classroom/ZZZZZZ/summary.csv").status_code == 403


def test_the_projector_shows_the_diagram_the_join_qr_code_and_no_control(teacher_client, room):
    response = teacher_client.get(f"/classroom/{room.code}/projector/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-ws:connect="/ws/classroom/{room.code}/projector/"' in html
    assert 'class="diagram diagram--wide"' in html
    assert 'data-caption="svc-payment"' in html
    assert '<svg role="img" viewBox' in html  # the QR code, inline
    assert f"http://testserver/classroom/?code={room.code}" in html
    assert "<form" not in html.split('id="main"')[1]
    assert "hx-ws:send" not in html
    assert 'role="button"' not in html


@pytest.mark.parametrize("page", ["projector/"])
def test_only_the_rooms_teacher_opens_its_projector(client, room, page):
    url = f"/classroom/{room.code}/{page}"
    assert client.get(url).status_code == 403
    post_join(client, room.code)
    assert client.get(url).status_code == 403


def test_the_teachers_page_shows_the_join_qr_code_and_links_the_projector(teacher_client, room):
    html = teacher_client.get(f"/classroom/{room.code}/teach/").content.decode()
    assert '<svg role="img" viewBox' in html
    assert f'href="/classroom/{room.code}/projector/"' in html
    assert f'href="/classroom/{room.code}/replay/"' in html


def test_the_join_link_in_the_qr_code_opens_the_form_with_the_code_filled_in(client, room):
    html = client.get(f"/classroom/?code={room.code}").content.decode()
    assert f'value="{room.code}"' in html
    response = post_join(client, room.code, "Ana")
    assert response["Location"] == f"/classroom/{room.code}/"


def test_a_learners_page_puts_an_open_poll_before_the_inbox_and_the_role(client, room):
    post_join(client, room.code)
    html = client.get(f"/classroom/{room.code}/").content.decode()
    assert 'id="room-announce"' in html
    assert (
        html.index('id="room-poll"') < html.index('id="room-inbox"') < html.index('id="room-role"')
    )
    assert (
        '<section id="room-poll" class="card poll" aria-labelledby="room-poll-title" hidden>'
        in html
    )


def test_the_replay_draws_the_rooms_messages_for_its_teacher_and_its_learners(
    client, teacher_client, room
):
    pid = services.participant_join(code=room.code, name="Ana")
    services.room_act(
        code=room.code, actor=pid, action="role", fields={"kind": "handler", "service": "Payment"}
    )
    services.room_act(
        code=room.code, actor=TEACHER, action="send", fields={"name": "ProcessPayment"}
    )
    learner = Client()
    post_join(learner, room.code, "Cy")
    services.room_act(code=room.code, actor=TEACHER, action="close", fields={})
    url = f"/classroom/{room.code}/replay/"
    assert client.get(url).status_code == 403
    assert learner.get(url).status_code == 200
    html = teacher_client.get(url).content.decode()
    assert (
        'data-step="delivered" data-message="ProcessPayment" data-from="Order" data-to="Payment#1"'
        in html
    )
    assert 'id="sim-sequence-svg"' in html
    post_join(client, room.code, "Ben")  # a closed room takes nobody new
    assert client.get(url).status_code == 403
    closed_page = teacher_client.get(f"/classroom/{room.code}/teach/").content.decode()
    assert f'href="{url}"' in closed_page
