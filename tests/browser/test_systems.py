import re

import pytest
from playwright.sync_api import expect

from tests.systems.helpers import read

pytestmark = pytest.mark.browser


def row_of(page, message):
    """The index of ``message`` in the correction form."""
    for index in range(page.locator("#system-form tbody tr").count()):
        if page.locator(f"#id_routes-{index}-message").input_value() == message:
            return index
    raise AssertionError(f"{message} is not in the form")


class TestYourOwnSystem:
    def test_paste_correct_export_and_reimport(self, page, assert_accessible, screenshot):
        assert page.goto("/systems/").status == 200
        assert_accessible(page)
        page.get_by_label("Paste the document (YAML or JSON)").fill(
            read("streetlights-kafka-3.1.yml")
        )
        page.get_by_role("button", name="Import and judge").click()
        tally = page.locator("#system-tally")
        assert tally.inner_text() == "4 messages judged; 3 with a smell."
        assert page.locator('[data-smell="command-in-disguise"]').count() == 3
        assert "does not say how it delivers" in page.locator("#system-assumptions").inner_text()
        screenshot(page, "systems-verdicts")
        assert_accessible(page)

        # The learner says the dim channel is really a queue: the verdict follows, live.
        dim = row_of(page, "dimLight")
        page.locator(f"#id_routes-{dim}-delivery").select_option("queue")
        expect(page.locator("#system-tally")).to_contain_text("2 with a smell")
        world = page.locator("#system-world")
        assert "Command dimLight: handled by lightsDim receiver" in world.inner_text()
        # And the same without script: the button posts the whole form.
        page.get_by_role("button", name="Check again").click()
        assert page.locator("#system-tally").inner_text() == "4 messages judged; 2 with a smell."
        world_before = page.locator("#system-world").inner_text()

        page.get_by_role("button", name="Export as AsyncAPI 3").click()
        exported = page.get_by_label("The document").input_value()
        assert exported.startswith("asyncapi: 3.0.0")
        assert "x-delivery: queue" in exported
        assert_accessible(page)
        page.get_by_role("button", name="Import this document again").click()
        assert page.locator("#system-tally").inner_text() == "4 messages judged; 2 with a smell."
        assert page.locator("#system-world").inner_text() == world_before
        assert page.locator("#system-assumptions").count() == 0, "the export leaves no guesses"
        page.watch.assert_clean()

    def test_a_bad_document_is_refused_with_a_reason(self, page):
        page.goto("/systems/")
        page.get_by_label("Paste the document (YAML or JSON)").fill("x-a: &a [*a]\n")
        page.get_by_role("button", name="Import and judge").click()
        assert "Nothing was imported." in page.locator("#import-error").inner_text()
        assert page.get_by_label("Paste the document (YAML or JSON)").input_value() == (
            "x-a: &a [*a]\n"
        )

    def test_the_refund_designer_on_a_phone(self, page, assert_accessible, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/systems/")
        page.get_by_role("link", name="Start from a refund flow").click()
        assert page.locator("#system-tally").inner_text() == "6 messages judged; 4 with a smell."
        notify = row_of(page, "NotifyCustomer")
        page.locator(f"#id_routes-{notify}-message").fill("CustomerNotified")
        page.locator(f"#id_routes-{notify}-message").dispatch_event("change")
        expect(page.locator("#system-tally")).to_contain_text("1 with a smell")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "systems-refund-phone")
        assert_accessible(page)
        page.watch.assert_clean()


class TestTheCapstone:
    def test_from_the_last_lesson_to_a_running_system_and_back(
        self, page, assert_accessible, screenshot
    ):
        page.goto("/lessons/order-flow/")
        page.get_by_role("link", name="bring your team's AsyncAPI document").click()
        page.get_by_label("Paste the document (YAML or JSON)").fill(
            read("streetlights-kafka-3.1.yml")
        )
        page.get_by_role("button", name="Import and judge").click()
        assert page.locator("#system-tally").inner_text() == "4 messages judged; 3 with a smell."

        # Correct an assumption, then run the corrected system.
        dim = row_of(page, "dimLight")
        page.locator(f"#id_routes-{dim}-delivery").select_option("queue")
        expect(page.locator("#system-tally")).to_contain_text("2 with a smell")
        page.get_by_role("button", name="Run it in the simulator").click()
        expect(page).to_have_url(re.compile(r"/simulator/\?world=system%3A"))
        assert "Streetlights Kafka API" in page.locator("h1").inner_text()
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        queue = page.locator('.diagram--wide [data-node="queue-lightsdim-receiver"]')
        expect(queue).to_have_count(1)

        # Send the corrected command: the log says where it went and the diagram lights its route.
        page.locator(".palette__form select[name=name]").first.select_option("dimLight")
        page.get_by_role("button", name="Send command", exact=True).click()
        log = page.locator("#sim-log-lines")
        expect(log).to_contain_text("sends the command dimLight to lightsDim receiver")
        expect(
            page.locator('.diagram--wide .edge--lit[data-target="queue-lightsdim-receiver"]')
        ).to_have_count(1)
        screenshot(page, "systems-running")
        assert_accessible(page)

        # Back to the saved system: export it and import the export to the same world.
        page.get_by_role("link", name="Back to its verdicts").click()
        assert "Saved, and yours to share" in page.locator("#system-saved").inner_text()
        assert_accessible(page)
        world_before = page.locator("#system-world").inner_text()
        assert "Command dimLight: handled by lightsDim receiver" in world_before
        page.get_by_role("button", name="Export as AsyncAPI 3").click()
        page.get_by_role("button", name="Import this document again").click()
        assert page.locator("#system-world").inner_text() == world_before
        page.goto("/systems/mine/")
        assert page.locator("#systems-list li").count() == 1
        assert_accessible(page)
        page.watch.assert_clean()
