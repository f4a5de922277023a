import re
from urllib.parse import urlsplit

from django.shortcuts import render
from django.views.decorators.http import require_GET

from courseware.content import load_course
from courseware.services import learner_for_request
from simulator import sandboxes
from simulator.diagram import layouts
from simulator.engine import DomainError, list_scenarios, load_scenario
from simulator.models import Sandbox
from simulator.rendering import page_context
from simulator.runner import Runner


def _owner(request) -> str:
    learner = learner_for_request(request, create=True)
    if learner.user_id is not None:
        return f"user:{learner.user_id}"
    return f"learner:{learner.session_key}"


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


@require_GET
def simulator_page(request):
    sandbox = sandboxes.sandbox_for(_owner(request))
    requested = request.GET.get("scenario")
    error, status = "", 200
    if requested is not None and requested != sandbox.scenario:
        try:
            # Drawn as the socket will load it; the socket does the saving.
            preview = Sandbox(owner="")
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
    context.update(
        error=error,
        socket_url=socket_url,
        diagrams=layouts(
            runner.engine.world, context["scenario"].inputs if context["scenario"] else ()
        ),
        scenario_list=[load_scenario(name) for name in list_scenarios()],
        from_lesson=_from_lesson(request) if sandbox.scenario else None,
        next_scenario=_next_scenario(sandbox.scenario) if sandbox.scenario else None,
    )
    return render(request, "simulator/simulator.html", context, status=status)
