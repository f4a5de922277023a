"""Pages for a learner's own system: import a document, correct the mapping, design, export,
save, share and run it.

Only Save and Run it store anything (a SavedSystem); every other page is computed from what was
posted, so a bad document or a bad form changes nothing anywhere.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from learners.identity import learner_for_request

from .design import Design
from .examples import EXAMPLES
from .export import to_yaml
from .forms import MAX_ROWS, bound_forms, design_from, initial_forms
from .judging import judge
from .loading import MAX_BYTES, DocumentError, load
from .mapping import to_design
from .services import (
    SystemRefused,
    design_of,
    owns,
    system_by_token,
    system_delete,
    system_save,
    systems_of,
    world_key,
)
from .worlds import world_data

SAMPLE = """asyncapi: 3.0.0
info:
  title: Orders
  version: 1.0.0
channels:
  orders:
    address: shop.orders
    messages:
      ShipOrder:
        payload: {type: object}
operations:
  shipOrder:
    action: send
    channel: {$ref: '#/channels/orders'}
"""


def is_partial(request) -> bool:
    """An htmx request for a fragment; a boosted link or form wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def _home(request, *, text: str = "", error: str = "", status: int = 200):
    context = {"text": text, "error": error, "max_mb": MAX_BYTES // 1_000_000, "sample": SAMPLE}
    return render(request, "systems/home.html", context, status=status)


def _system_page(
    request,
    design: Design,
    system,
    routes,
    *,
    source: str,
    status: int = 200,
    saved=None,
    mine: bool = False,
    error: str = "",
):
    judgements = judge(design)
    world, notes = world_data(design, judgements)
    context = {
        "design": design,
        "system_form": system,
        "routes": routes,
        "judgements": judgements,
        "smelly": sum(1 for j in judgements if j.smells),
        "world": world,
        "world_notes": notes,
        "too_many": len(design.routes) > MAX_ROWS,
        "max_rows": MAX_ROWS,
        "source": source,
        "saved": saved,
        "mine": mine,
        "save_error": error,
        "run_url": _run_url(saved) if saved else "",
    }
    template = "systems/system.html#verdicts" if is_partial(request) else "systems/system.html"
    return render(request, template, context, status=status)


def _run_url(saved) -> str:
    return reverse("simulator") + "?" + urlencode({"world": world_key(saved)})


@require_safe
def home(request):
    return _home(request)


@require_POST
def import_document(request):
    # A body past DATA_UPLOAD_MAX_MEMORY_SIZE never gets here: config/input_guard.py answers 413.
    upload = request.FILES.get("upload")
    text = request.POST.get("document", "")
    if upload is not None:
        raw = upload.read(MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _home(request, error="The file is not UTF-8 text.", status=400)
    try:
        design = to_design(load(text))
    except DocumentError as error:
        shown = text if len(text) <= 200_000 else ""
        return _home(
            request, text=shown, error=f"The document was not imported: {error}", status=400
        )
    system, routes = initial_forms(design)
    return _system_page(request, design, system, routes, source="import")


@require_safe
def designer(request):
    name = request.GET.get("example", "")
    example = EXAMPLES.get(name)
    design = example or Design(title="My system", application="My service")
    system, routes = initial_forms(design)
    return _system_page(request, design, system, routes, source="example" if example else "blank")


def _posted(request):
    system, routes = bound_forms(request.POST)
    if system.is_valid() and routes.is_valid():
        return design_from(system, routes), system, routes
    return None, system, routes


@require_POST
def check(request):
    design, system, routes = _posted(request)
    if design is None:
        context = {"system_form": system, "routes": routes, "invalid": True, "max_rows": MAX_ROWS}
        template = "systems/system.html#verdicts" if is_partial(request) else "systems/system.html"
        return render(request, template, context, status=400)
    return _system_page(request, design, system, routes, source="check")


def _store(request, *, then: str):
    """Save and Run it: stores the posted design for the learner, then shows it or runs it."""
    design, system, routes = _posted(request)
    if design is None:
        context = {"system_form": system, "routes": routes, "invalid": True, "max_rows": MAX_ROWS}
        return render(request, "systems/system.html", context, status=400)
    learner = learner_for_request(request, create=True)
    try:
        saved = system_save(learner=learner, design=design, token=request.POST.get("token", ""))
    except SystemRefused as error:
        return _system_page(
            request, design, system, routes, source="check", status=400, error=str(error)
        )
    if then == "run":
        return redirect(_run_url(saved))
    return redirect("systems-saved", token=saved.token)


@require_POST
def save(request):
    return _store(request, then="page")


@require_POST
def run(request):
    return _store(request, then="run")


@require_safe
def saved_system(request, token: str):
    """A saved system by its share link: its owner edits it, anyone else sees it read-only
    (saving makes them a copy of their own)."""
    try:
        saved = system_by_token(token)
        design = design_of(saved)
    except SystemRefused as error:
        return render(request, "systems/missing.html", {"error": str(error)}, status=404)
    mine = owns(learner_for_request(request, create=False), saved)
    system, routes = initial_forms(design)
    return _system_page(request, design, system, routes, source="saved", saved=saved, mine=mine)


@require_safe
def my_systems(request):
    learner = learner_for_request(request, create=False)
    return render(request, "systems/mine.html", {"systems": systems_of(learner)})


@require_POST
def delete(request, token: str):
    learner = learner_for_request(request, create=False)
    try:
        if learner is None:
            raise SystemRefused("You have no saved system at this link.")
        system_delete(learner=learner, token=token)
    except SystemRefused as error:
        return render(request, "systems/missing.html", {"error": str(error)}, status=404)
    return redirect("systems-mine")


@require_POST
def export(request):
    design, system, routes = _posted(request)
    if design is None:
        context = {"system_form": system, "routes": routes, "invalid": True, "max_rows": MAX_ROWS}
        return render(request, "systems/system.html", context, status=400)
    text = to_yaml(design)
    if request.POST.get("download"):
        response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="asyncapi.yaml"'
        return response
    return render(request, "systems/export.html", {"design": design, "text": text})
