"""Classroom pages: join by code, open a room, the learner's and the teacher's room, the review.

The room itself lives on its WebSocket; these views only let people in and draw the first frame,
so that the page shows the room even before the socket connects.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from classroom import acting, identity, projector, qr, replay, services, throttle
from classroom.models import Room
from classroom.rendering import context
from classroom.room import NAME_MAX, TEACHER, RoomRefused
from classroom.summary import summarise, to_csv
from learners.identity import learner_for_request
from simulator.engine import list_scenarios, load_scenario
from throttles import limited, wait_words

logger = logging.getLogger(__name__)


def _home(request, *, error: str = "", status: int = 200, code: str = "", name: str = ""):
    teacher = services.is_teacher(request.user)
    rooms = Room.objects.filter(teacher=request.user)[:20] if teacher else []
    scenarios = [load_scenario(n) for n in list_scenarios()]
    return render(
        request,
        "classroom/home.html",
        {
            "error": error,
            "code": code or request.GET.get("code", "")[:12],
            "name": name,
            "name_max": NAME_MAX,
            "is_teacher": teacher,
            "rooms": rooms,
            "scenarios": scenarios,
        },
        status=status,
    )


@require_safe
def classroom_home(request):
    return _home(request)


@require_POST
def room_join(request):
    address = request.META.get("REMOTE_ADDR", "")
    raw_code = request.POST.get("code", "")
    name = request.POST.get("name", "")[:200]
    try:
        if throttle.join_blocked(address):
            return _home(
                request,
                error="Too many wrong codes from here. Wait a few minutes, then try again.",
                status=429,
            )
    except Exception:
        logger.warning("join throttle unavailable", exc_info=False)
        return _home(request, error="The classroom is reconnecting; try again shortly.", status=503)
    code = services.normalise_code(raw_code)
    room = Room.objects.filter(code=code, is_open=True).first() if code else None
    if room is None:
        throttle.join_failed(address)
        return _home(
            request,
            error="No open room has that code. Check it with your teacher.",
            status=404,
            code=raw_code[:12],
            name=name,
        )
    if identity.actor_for(user=request.user, session=request.session, code=code) == TEACHER:
        return redirect("classroom-teach", code=code)
    # Wrong codes have their own, stricter count above; these limit joining real rooms, which
    # is how one address could fill a room or one learner flood it with joins.
    learner = learner_for_request(request, create=True)
    if limited(request, "join-address") or limited(request, "join-learner", key=learner.identity):
        return _home(
            request,
            error="Too many joins from here in a short time. Wait a minute, then try again.",
            status=429,
            code=code,
            name=name,
        )
    existing = identity.learner_id(request.session, code)
    state = services.room_state(code)
    if existing and state is not None and existing in state.participants:
        return redirect("classroom-room", code=code)
    try:
        pid, _ = acting.join(code=code, name=name, was=existing)
    except RoomRefused as refusal:
        return _home(request, error=str(refusal), status=400, code=code, name=name)
    identity.remember(request.session, code, pid)
    return redirect("classroom-room", code=code)


@require_POST
def room_open(request):
    if not services.is_teacher(request.user):
        raise PermissionDenied("Only teachers can open rooms.")
    scenario = request.POST.get("scenario", "order-flow")
    if scenario not in list_scenarios():
        return _home(request, error="Pick one of the listed flows.", status=400)
    title = " ".join(request.POST.get("title", "").split())[:80]
    room = services.room_open(teacher=request.user, scenario=scenario, title=title)
    return redirect("classroom-teach", code=room.code)


def _throttled_outsider(request):
    """Anyone who is not in a room gets the same answer from its pages whether or not the room
    exists, counted against the same throttle, so guessing codes here learns nothing that the
    join form would not. The throttle's page when this address has asked too often, else None.
    """
    if limited(request, "room-probe-address"):
        return render(request, "429.html", {"wait": wait_words("room-probe-address")}, status=429)
    return None


def _page(request, code: str, viewer: str, template: str):
    state = services.room_state(code)
    ctx = context(state, viewer)
    join_with_code = qr.join_url(request, code)
    ctx.update(
        oob=False,
        lines=services.room_log_tail(code),
        socket_url=f"/ws/classroom/{code}/",
        join_url=request.build_absolute_uri(reverse("classroom-home")),
        join_with_code=join_with_code,
        # segno's own markup, built from our URL only: nothing typed by anyone goes into it.
        join_qr=mark_safe(qr.qr_svg(join_with_code)) if viewer == TEACHER else "",
    )
    return render(request, template, ctx)


@require_safe
def room_page(request, code):
    code = services.normalise_code(code)
    actor = identity.actor_for(user=request.user, session=request.session, code=code)
    if actor == TEACHER:
        return redirect("classroom-teach", code=code)
    state = services.room_state(code) if actor is not None else None
    if state is None or actor not in state.participants:
        # An unknown code, a removed learner and a visitor are all sent to the join form.
        return _throttled_outsider(request) or redirect(f"{reverse('classroom-home')}?code={code}")
    return _page(request, code, actor, "classroom/room.html")


def _teachers_room(request, code, refusal: str):
    """The room, when the visitor is its teacher; anyone else is refused with `refusal`,
    whether or not there is such a room (or gets the throttle's page, as `(None, page)`)."""
    code = services.normalise_code(code)
    if identity.actor_for(user=request.user, session=request.session, code=code) != TEACHER:
        # A page of its own rather than PermissionDenied, which logs a traceback for every
        # made-up code someone types.
        refused = render(request, "403.html", {"reason": refusal}, status=403)
        return None, _throttled_outsider(request) or refused
    return code, Room.objects.get(code=code)


@require_safe
def teach_page(request, code):
    code, room = _teachers_room(request, code, "Only this room's teacher can run it.")
    if code is None:
        return room
    return _page(request, code, TEACHER, "classroom/teach.html")


@require_safe
def projector_page(request, code):
    """The room for the class to watch on the big screen: no controls, opened by the teacher."""
    code, room = _teachers_room(request, code, "Only this room's teacher can open its projector.")
    if code is None:
        return room
    state = services.room_state(code)
    join_with_code = qr.join_url(request, code)
    ctx = context(state, projector.PROJECTOR, ["poll"])
    ctx.update(
        oob=False,
        projector=True,
        cast=projector.cast(state),
        diagrams=projector.diagrams_for(state.scenario),
        replay=True,  # the diagram's services are pictures here, not buttons
        lines=services.room_log_tail(code, limit=30),
        socket_url=f"/ws/classroom/{code}/projector/",
        join_with_code=join_with_code,
        join_qr=mark_safe(qr.qr_svg(join_with_code)),
    )
    return render(request, "classroom/projector.html", ctx)


@require_safe
def replay_page(request, code):
    """The room's log drawn in the simulator's sequence view, for its teacher and its learners,
    during the class or after it."""
    code = services.normalise_code(code)
    actor = identity.actor_for(user=request.user, session=request.session, code=code)
    state = services.room_state(code) if actor is not None else None
    if state is None or (actor != TEACHER and actor not in state.participants):
        reason = "Only this room's teacher and learners can replay it."
        refused = render(request, "403.html", {"reason": reason}, status=403)
        return _throttled_outsider(request) or refused
    room = Room.objects.get(code=code)
    return render(
        request,
        "classroom/replay.html",
        {
            "room": room,
            "state": state,
            "teacher": actor == TEACHER,
            "entries": replay.sequence_entries(services.room_log(room)),
            "diagrams": projector.diagrams_for(state.scenario)[:1],
            "replay": True,
        },
    )


@require_safe
def review_page(request, code):
    code, room = _teachers_room(request, code, "Only this room's teacher can read its log.")
    if code is None:
        return room
    return render(
        request,
        "classroom/review.html",
        {"room": room, "records": services.room_log(room), "state": services.room_state(code)},
    )


@require_safe
def summary_csv(request, code):
    """One row per learner of the room, for the teacher to keep after class."""
    code, room = _teachers_room(request, code, "Only this room's teacher can read its summary.")
    if code is None:
        return room
    response = HttpResponse(
        to_csv(summarise(services.room_log(room))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="room-{code}-summary.csv"'
    return response
