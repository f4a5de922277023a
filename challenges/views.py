"""The level map, a level's page, its actions, and "Show me".

Small function views that work without JavaScript: every action is a form that posts and
redirects back to the level's page, which replays the learner's actions and says, part by part,
what the run shows.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from challenges import selectors, services
from challenges.actions import LABELS, ActionError, action_from_form, describe, repeat_count
from learners.identity import learner_for_request
from naming.shared import course_classifier
from simulator.engine import narrate
from simulator.engine.levels import Level, LevelError, load_level


def _level_or_404(name: str) -> Level:
    try:
        return load_level(name)
    except LevelError:
        raise Http404("No such level.") from None


def _row(level: Level, learner) -> selectors.MapRow:
    return next(r for r in selectors.level_map(learner) if r.level.name == level.name)


def _next_level(level: Level) -> Level | None:
    levels = selectors.all_levels()
    names = [lv.name for lv in levels]
    index = names.index(level.name)
    return levels[index + 1] if index + 1 < len(levels) else None


@require_safe
def level_map(request):
    learner = learner_for_request(request, create=False)
    rows = selectors.level_map(learner)
    return render(
        request,
        "challenges/map.html",
        {"rows": rows, "solved": sum(1 for r in rows if r.state == selectors.SOLVED)},
    )


def _lines(engine, start: int) -> list[str]:
    return [narrate(record) for record in list(engine.trace)[start:]]


@require_safe
def level_page(request, name: str):
    level = _level_or_404(name)
    learner = learner_for_request(request, create=False)
    row = _row(level, learner)
    attempt = selectors.attempts_by_level(learner).get(level.name)
    actions = list(attempt.actions) if attempt else []
    start = level.begin(course_classifier)
    played = services.replay(level, actions)
    before_last = level.play(actions[:-1], course_classifier) if actions else start
    context = {
        "level": level,
        "row": row,
        "locked": row.state == selectors.LOCKED,
        "lesson_title": row.lesson_title,
        "progress": level.progress(played.engine),
        "solved_now": played.solved,
        "actions": [describe(a) for a in actions],
        "start_lines": _lines(start, 0),
        "run_lines": _lines(played.engine, len(start.trace)),
        "last_lines": _lines(played.engine, len(before_last.trace)) if actions else [],
        "forms": [(a, LABELS.get(a, a)) for a in level.allowed],
        "world": start.world,
        "next_level": _next_level(level),
        "events": list(start.world.events),
        "commands": list(start.world.commands),
    }
    return render(request, "challenges/level.html", context)


@require_POST
def level_act(request, name: str):
    level = _level_or_404(name)
    learner = learner_for_request(request, create=True)
    if _row(level, learner).state == selectors.LOCKED:
        messages.error(request, "This level is still locked.")
        return redirect("challenge-level", name=level.name)
    kind = request.POST.get("action", "")
    if kind not in level.allowed:
        messages.error(request, "This level does not offer that action.")
        return redirect("challenge-level", name=level.name)
    try:
        action = action_from_form(kind, request.POST, level.world())
        times = repeat_count(kind, request.POST)
        played = services.attempt_act(learner=learner, level=level, action=action, times=times)
    except (ActionError, services.AttemptError) as error:
        messages.error(request, f"Not done: {error}")
        return redirect("challenge-level", name=level.name)
    holding = sum(r.holds for r in level.progress(played.engine))
    done = describe(action) + (f", {times} times" if times > 1 else "")
    messages.success(
        request,
        f"{done}. {holding} of {len(level.goal)} parts of the goal hold"
        + (": solved!" if played.solved else "."),
    )
    return redirect("challenge-level", name=level.name)


def _rewind(request, name: str, change, said: str):
    """Undo and Start over: change the stored attempt, if this visitor has one, and say so."""
    level = _level_or_404(name)
    learner = learner_for_request(request, create=False)
    if learner is not None:
        change(learner=learner, level=level)
        messages.info(request, said)
    return redirect("challenge-level", name=level.name)


@require_POST
def level_undo(request, name: str):
    return _rewind(request, name, services.attempt_undo, "Your last action was taken back.")


@require_POST
def level_reset(request, name: str):
    return _rewind(
        request, name, services.attempt_reset, "The level starts over; your best result is kept."
    )


@require_safe
def level_show(request, name: str):
    """The stored solution, one action at a time, on a copy: the learner's attempt is untouched."""
    level = _level_or_404(name)
    try:
        step = int(request.GET.get("step", "1"))
    except ValueError:
        step = 1
    step = max(1, min(step, len(level.solution)))
    before = level.play(level.solution[: step - 1], course_classifier)
    after = level.play(level.solution[:step], course_classifier)
    context = {
        "level": level,
        "step": step,
        "steps": len(level.solution),
        "done": [describe(a) for a in level.solution[:step]],
        "lines": _lines(after, len(before.trace)),
        "progress": level.progress(after),
    }
    return render(request, "challenges/show.html", context)
