import json
import re
from urllib.parse import quote, urlsplit

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from courseware.content import load_course
from diagram import drawable, layouts
from learners.identity import learner_for_request
from simulator import sandboxes
from simulator.engine import DomainError, list_scenarios, load_scenario
from simulator.models import Sandbox
from simulator.rendering import page_context
from simulator.runner import Runner

LESSON_PATH = re.compile(r"^/lessons/([a-z0-9][a-z0-9-]*)/$")


def _from_lesson(request):
    """The lesson whose link opened this page, from the Referer of our own site; else None."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return None
    match = LESSON_PATH.match(referer.path)
    return load_course().by_slug.get(match.group(1)) if match else None


def _next_scenario(name: str):
    names = list_scenarios()
    if name not in names or names.index(name) + 1 == len(names):
        return None
    return load_scenario(names[names.index(name) + 1])


@require_safe
def simulator_page(request):
    replay = request.GET.get("replay")
    if replay is not None:
        return _replay_page(request, replay)
    world = request.GET.get("world")
    error, status = "", 200
    try:
        sandbox = sandboxes.sandbox_for(learner_for_request(request, create=True), world)
    except DomainError as refused:
        sandbox, world = sandboxes.sandbox_for(learner_for_request(request, create=True)), None
        error, status = str(refused), 404
    requested = request.GET.get("scenario") if world is None else None
    if requested is not None and requested != sandbox.scenario:
        try:
            # Drawn as the socket will load it; the socket does the saving.
            preview = Sandbox()
            sandboxes.sandbox_load_scenario(sandbox=preview, name=requested or None)
            sandbox = preview
        except DomainError:
            error, status = f"There is no scenario called “{requested[:60]}”.", 404
            requested = None
    runner = Runner(sandboxes.engine_for(sandbox), emit=None)
    context = page_context(sandbox, runner)
    socket_url = "/ws/simulator/"
    if requested is not None:
        socket_url += f"?scenario={sandbox.scenario}"
    elif world is not None:
        socket_url += f"?world={quote(world)}"
    drawn, diagram_note = drawable(runner.engine.world)
    # What the learner already published is drawn too: an event of their own named there puts
    # the default topic on the diagram.
    inputs = [*(context["scenario"].inputs if context["scenario"] else ()), *runner.engine.inputs]
    context.update(
        error=error,
        socket_url=socket_url,
        diagrams=layouts(drawn, inputs),
        diagram_note=diagram_note,
        scenario_list=[load_scenario(name) for name in list_scenarios()],
        from_lesson=_from_lesson(request) if sandbox.scenario else None,
        next_scenario=_next_scenario(sandbox.scenario) if sandbox.scenario else None,
        world_choice=sandbox.world_choice,
    )
    return render(request, "simulator/simulator.html", context, status=status)


def _replay_page(request, token: str):
    """A shared run, read-only, played from its start by the socket."""
    try:
        sandbox = sandboxes.sandbox_from_share(token)
    except DomainError as error:
        sandbox, token, status = Sandbox(), None, 400
        message = str(error)
    else:
        status, message = 200, ""
    runner = Runner(sandboxes.engine_for(sandbox), emit=None)
    context = page_context(sandbox, runner)
    world, diagram_note = drawable(runner.engine.world)
    context.update(
        world_choice=sandbox.world_choice,
        diagram_note=diagram_note,
        error=message,
        replay=token,
        socket_url=f"/ws/simulator/?replay={quote(token)}" if token else "/ws/simulator/",
        diagrams=layouts(world, sandbox.scheduled),
        scenario_list=[load_scenario(name) for name in list_scenarios()],
    )
    return render(request, "simulator/simulator.html", context, status=status)


@require_safe
def trace_download(request):
    """The whole trace of the learner's sandbox, or of a shared run, one JSON object a line."""
    token = request.GET.get("replay")
    try:
        if token is not None:
            engine = sandboxes.engine_of_share(token)
        else:
            world = request.GET.get("world")
            engine = sandboxes.engine_for(
                sandboxes.sandbox_for(learner_for_request(request, create=True), world)
            )
    except DomainError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    text = "".join(json.dumps(step.to_dict(), sort_keys=True) + "\n" for step in engine.trace)
    response = HttpResponse(text, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="simulator-trace.jsonl"'
    return response
