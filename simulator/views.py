from django.shortcuts import render
from django.views.decorators.http import require_safe

from courseware.services import learner_for_request
from simulator import sandboxes
from simulator.diagram import layout
from simulator.engine import DomainError, list_scenarios, load_scenario
from simulator.models import Sandbox
from simulator.rendering import page_context
from simulator.runner import Runner


def _owner(request) -> str:
    learner = learner_for_request(request, create=True)
    if learner.user_id is not None:
        return f"user:{learner.user_id}"
    return f"learner:{learner.session_key}"


@require_safe
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
        diagram=layout(runner.engine.world),
        scenario_list=[load_scenario(name) for name in list_scenarios()],
    )
    return render(request, "simulator/simulator.html", context, status=status)
