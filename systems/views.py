"""Pages for a learner's own system: import a document, correct the mapping, design, export.

Nothing is stored: every page is computed from what was posted, so a bad document or a bad form
changes nothing anywhere.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from .design import Design
from .examples import EXAMPLES
from .export import to_yaml
from .forms import MAX_ROWS, bound_forms, design_from, initial_forms
from .judging import judge
from .loading import MAX_BYTES, DocumentError, load
from .mapping import to_design
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


def _system_page(request, design: Design, system, routes, *, source: str, status: int = 200):
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
    }
    template = "systems/system.html#verdicts" if is_partial(request) else "systems/system.html"
    return render(request, template, context, status=status)


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
