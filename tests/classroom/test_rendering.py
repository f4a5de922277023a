"""Panels drawn once and shared between learners are the panels each learner would get alone."""

from django.template.loader import render_to_string

from classroom import rendering
from classroom.room import TEACHER
from tests.classroom.helpers import QUESTION, Room


def drawn_alone(state, pid: str) -> str:
    return render_to_string(f"{rendering.TEMPLATE}#inbox", rendering.context(state, pid, ["inbox"]))


def test_a_shared_inbox_is_exactly_each_learners_own():
    rendering._inboxes.clear()
    room = Room()
    ana, ben, cy, dee, eve = room.join("Ana", "Ben", "Cy", "Dee", "Eve")  # Eve takes no role
    for pid, service in ((ana, "Email"), (ben, "Fraud"), (cy, "Analytics")):
        room.subscribe(pid, service)
    room.instance(dee)
    learners = (ana, ben, cy, dee, eve)

    def check() -> dict[str, str]:
        drawn = {pid: rendering.render_panels(room.state, pid, ["inbox"]) for pid in learners}
        for pid in learners:
            assert drawn[pid] == drawn_alone(room.state, pid), pid
        return drawn

    first = room.message(room.act(TEACHER, "publish", name="OrderPlaced"))["mid"]
    second = room.message(room.act(TEACHER, "publish", name="OrderCancelled"))["mid"]
    drawn = check()
    assert drawn[ben] == drawn[cy]
    room.act(ana, "ack", mid=first)
    drawn = check()
    assert drawn[ana] != drawn[ben]
    assert f'id="inbox-{second}"' in drawn[ana]
    assert f'id="inbox-{first}"' not in drawn[ana]
    room.act(ben, "ack", mid=first)
    drawn = check()
    assert drawn[ana] == drawn[ben] != drawn[cy]
    room.act(ana, "ack", mid=second)
    drawn = check()  # nothing waits for Ana or for Eve, but Ana has answered two events
    assert "OrderCancelled: Acknowledged" in drawn[ana]
    assert "Take a role" in drawn[eve]

    command = room.message(room.act(TEACHER, "send", name="ProcessPayment"))["mid"]
    assert f'id="inbox-{command}"' in check()[dee]
    room.act(dee, "reject", mid=command, reason="card declined")
    assert "Rejected (card declined)" in check()[dee]


def test_after_the_reveal_each_learner_has_their_own_choice_and_its_verdict():
    room = Room()
    ana, ben, cy = room.join("Ana", "Ben", "Cy")
    room.act(TEACHER, "poll", question=QUESTION)
    room.act(ana, "answer", choice=1)
    room.act(ben, "answer", choice=0)
    before = rendering.context(room.state, ana, ["poll"])["poll"]
    assert (before["mine_text"], before["mine_right"]) == ("OrderPlaced", False)
    room.act(TEACHER, "reveal")
    polls = {pid: rendering.context(room.state, pid, ["poll"])["poll"] for pid in (ana, ben, cy)}
    assert (polls[ana]["mine_text"], polls[ana]["mine_right"]) == ("OrderPlaced", True)
    assert (polls[ben]["mine_text"], polls[ben]["mine_right"]) == ("PlaceOrder", False)
    assert (polls[cy]["mine"], polls[cy]["mine_text"], polls[cy]["mine_right"]) == (None, "", False)


def test_the_board_stops_waiting_for_someone_who_changed_role():
    room = Room()
    ana, ben = room.join("Ana", "Ben")
    room.subscribe(ana, "Email")
    room.subscribe(ben, "Fraud")
    room.act(TEACHER, "publish", name="OrderPlaced")
    (row,) = rendering.context(room.state, TEACHER, ["board"])["board"]
    assert (row["acked"], row["total"], row["waiting"]) == (0, 2, ["Ana", "Ben"])
    handed, _ = room.act(ana, "leave_role")
    assert rendering.concerns(handed, ana)
    assert not rendering.concerns(handed, ben)
    (row,) = rendering.context(room.state, TEACHER, ["board"])["board"]
    assert (row["acked"], row["total"], row["waiting"], row["released"]) == (0, 1, ["Ben"], ["Ana"])
    html = rendering.render_panels(room.state, TEACHER, ["board"])
    assert "0 of 1 acknowledged" in html
    assert "released unacknowledged by Ana" in html
