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


# -- save, share, run ------------------------------------------------------------------------


@pytest.mark.django_db
def test_save_stores_the_corrected_design_and_shows_its_share_link(client):
    from systems.models import SavedSystem

    post = rows_post(REFUND_FLOW, title="My refunds")
    response = client.post(reverse("systems-save"), post)
    saved = SavedSystem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/systems/s/{saved.token}/"
    page = client.get(response["Location"]).content.decode()
    assert "Saved, and yours to share" in page
    assert f"/systems/s/{saved.token}/" in page
    assert f'name="token" value="{saved.token}"' in page
    listing = client.get(reverse("systems-mine")).content.decode()
    assert "My refunds" in listing


@pytest.mark.django_db
def test_run_it_saves_and_opens_the_simulator_on_the_system(client):
    from systems.models import SavedSystem

    response = client.post(reverse("systems-run"), rows_post(REFUND_FLOW))
    saved = SavedSystem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/simulator/?world=system%3A{saved.token}"
    assert "RequestRefund" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_saving_again_from_the_saved_page_changes_that_system(client):
    from systems.models import SavedSystem

    client.post(reverse("systems-save"), rows_post(REFUND_FLOW))
    token = SavedSystem.objects.get().token
    client.post(reverse("systems-save"), rows_post(REFUND_FLOW, title="Renamed", token=token))
    assert list(SavedSystem.objects.values_list("token", "title")) == [(token, "Renamed")]


@pytest.mark.django_db
def test_a_shared_link_is_read_only_for_others(client, django_user_model):
    from django.test import Client

    from systems.models import SavedSystem

    client.post(reverse("systems-save"), rows_post(REFUND_FLOW))
    saved = SavedSystem.objects.get()
    other = Client()
    page = other.get(f"/systems/s/{saved.token}/").content.decode()
    assert "Shared with you" in page
    assert 'name="token"' not in page
    assert "Save a copy" in page
    assert f"/simulator/?world=system%3A{saved.token}" in page
    # Even posting the owner's token does not change the owner's system: it makes a copy.
    other.post(reverse("systems-save"), rows_post(REFUND_FLOW, title="Hijack", token=saved.token))
    saved.refresh_from_db()
    assert saved.title == "Refund flow"
    assert SavedSystem.objects.count() == 2
    # Nor can the other learner delete it.
    assert other.post(f"/systems/s/{saved.token}/delete/").status_code == 404
    assert SavedSystem.objects.filter(pk=saved.pk).exists()


@pytest.mark.django_db
def test_the_owner_deletes_a_system(client):
    from systems.models import SavedSystem

    client.post(reverse("systems-save"), rows_post(REFUND_FLOW))
    token = SavedSystem.objects.get().token
    assert client.post(f"/systems/s/{token}/delete/").status_code == 302
    assert not SavedSystem.objects.exists()
    assert client.get(f"/systems/s/{token}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["systems-save", "systems-run"])
def test_a_bad_form_saves_nothing(client, url):
    from systems.models import SavedSystem

    post = rows_post(REFUND_FLOW, **{"routes-0-message": "Has spaces", "application": ""})
    response = client.post(reverse(url), post)
    assert response.status_code == 400
    assert "Nothing was checked" in response.content.decode()
    assert not SavedSystem.objects.exists()


@pytest.mark.django_db
def test_an_unknown_share_link_is_a_clear_404(client, db):
    response = client.get("/systems/s/AAAAAAAAAAAAAAAA/")
    assert response.status_code == 404
    assert "There is no saved system at this link" in response.content.decode()


@pytest.mark.django_db
def test_the_list_is_empty_for_a_new_visitor(client, db):
    response = client.get(reverse("systems-mine"))
    assert "You have not saved a system yet" in response.content.decode()


@pytest.mark.django_db
def test_the_last_lesson_links_the_designer_as_the_capstone(client):
    from django.urls import resolve

    from courseware.content import load_course

    last = load_course().lessons[-1]
    page = client.get(reverse("lesson-detail", args=[last.slug])).content.decode()
    links = re.findall(r'href="(/systems/[^"]*)"', page)
    assert "/systems/design/?example=refund" in [html.unescape(link) for link in links]
    for link in links:
        assert resolve(html.unescape(link).split("?")[0])  # the link leads somewhere
