import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from systems.examples import REFUND_FLOW
from systems.loading import load
from systems.mapping import to_design
from systems.worlds import world_data
from tests.systems.helpers import read


def rows_post(design, **overrides):
    """The designer form as a browser would post it for ``design``."""
    data = {
        "title": design.title,
        "application": design.application,
        "assumptions": "",
        "routes-TOTAL_FORMS": str(len(design.routes)),
        "routes-INITIAL_FORMS": str(len(design.routes)),
        "routes-MIN_NUM_FORMS": "0",
        "routes-MAX_NUM_FORMS": "100",
    }
    for i, r in enumerate(design.routes):
        data.update(
            {
                f"routes-{i}-message": r.message,
                f"routes-{i}-channel": r.channel,
                f"routes-{i}-delivery": r.delivery,
                f"routes-{i}-sender": r.sender,
                f"routes-{i}-receivers": ", ".join(r.receivers),
                f"routes-{i}-reply_to": r.reply_to or "",
                f"routes-{i}-address": r.address or "",
            }
        )
    data.update(overrides)
    return data


def test_the_home_page_offers_import_and_design(client):
    response = client.get(reverse("systems"))
    assert response.status_code == 200
    assert b"Import an AsyncAPI document" in response.content
    assert b"?example=refund" in response.content


def test_a_pasted_document_is_judged(client):
    response = client.post(
        reverse("systems-import"), {"document": read("streetlights-kafka-3.1.yml")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "4 messages judged; 3 with a smell." in body
    assert 'data-smell="command-in-disguise"' in body
    assert "does not say who receives" in body


def test_an_uploaded_file_is_judged(client):
    upload = SimpleUploadedFile("doc.yml", read("rpc-server-2.6.yml").encode())
    response = client.post(reverse("systems-import"), {"document": "", "upload": upload})
    assert response.status_code == 200
    assert "2 messages judged; no smells." in response.content.decode()


@pytest.mark.parametrize(
    "text",
    [
        "asyncapi: 3.0.0\ninfo: [",
        read("adeo-kafka-request-reply-3.1.yml"),
        "x-a: &a [*a, *a]\nx-b: &b [*a, *a]\n",
    ],
)
def test_a_bad_document_gets_a_clear_error_and_a_400(client, text):
    response = client.post(reverse("systems-import"), {"document": text})
    assert response.status_code == 400
    assert "Nothing was imported." in response.content.decode()


def test_a_binary_upload_is_refused(client):
    upload = SimpleUploadedFile("doc.yml", b"\xff\xfe\x00bad")
    response = client.post(reverse("systems-import"), {"upload": upload})
    assert response.status_code == 400


def test_a_correction_is_judged_again(client):
    design = to_design(load(read("streetlights-kafka-3.1.yml")))
    dim = next(i for i, r in enumerate(design.routes) if r.message == "dimLight")
    response = client.post(
        reverse("systems-check"), rows_post(design, **{f"routes-{dim}-delivery": "queue"})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "4 messages judged; 2 with a smell." in body
    assert "Command <code>dimLight</code>: handled by lightsDim receiver" in body


def test_an_invalid_correction_changes_nothing_and_says_why(client):
    design = to_design(load(read("rpc-server-3.1.yml")))
    data = rows_post(design, **{"routes-0-receivers": "", "routes-1-reply_to": "nothing"})
    response = client.post(reverse("systems-check"), data)
    assert response.status_code == 400
    assert "Name at least one receiver." in response.content.decode()


def test_live_checks_get_only_the_verdicts(client):
    data = rows_post(REFUND_FLOW)
    response = client.post(reverse("systems-check"), data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="system-verdicts"')
    assert "<html" not in body


def test_the_refund_example_shows_its_two_planted_mistakes(client):
    body = client.get(reverse("systems-design"), {"example": "refund"}).content.decode()
    assert 'data-smell="command-in-disguise"' in body
    assert 'data-smell="event-in-disguise"' in body


def test_export_then_import_gives_the_same_world(client):
    design = to_design(load(read("slack-rtm-2.6.yml")))
    response = client.post(reverse("systems-export"), rows_post(design))
    assert response.status_code == 200
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.content.decode(), re.S)[1]
    again = to_design(load(html.unescape(text)))
    assert world_data(again) == world_data(design)


def test_the_export_downloads(client):
    response = client.post(reverse("systems-export"), rows_post(REFUND_FLOW, download="1"))
    assert response["Content-Disposition"] == 'attachment; filename="asyncapi.yaml"'
    assert world_data(to_design(load(response.content.decode()))) == world_data(REFUND_FLOW)


def test_pages_refuse_the_wrong_method(client):
    assert client.get(reverse("systems-import")).status_code == 405
    assert client.post(reverse("systems")).status_code == 405


def test_a_paste_beyond_the_request_limit_is_refused_plainly(client):
    response = client.post(reverse("systems-import"), {"document": "x" * 3_000_000})
    assert response.status_code == 413
    assert "larger than the site accepts" in response.content.decode()
