import pytest

pytestmark = pytest.mark.browser

PASTE = "\n".join(
    (
        "PlaceOrder",
        "OrderPlaced",
        "send_welcome_email",
        "charge.refunded",
        "OrderPlacedCommand",
        "CustomerData",
        "12345",
    )
)


class TestGrammarPage:
    def test_paste_a_list_and_read_the_verdicts(self, page, assert_accessible, screenshot):
        assert page.goto("/grammar/").status == 200
        assert page.locator("h1").inner_text() == "The grammatical test"
        page.get_by_label("Message names, one per line").fill(PASTE)
        page.get_by_role("button", name="Check the names").click()
        rows = page.locator("#grammar-results tbody tr")
        rows.first.wait_for()
        assert rows.count() == 7
        link = page.get_by_role("link", name="Link to these results")
        assert "names=PlaceOrder" in link.get_attribute("href"), "the results are linkable"
        place = rows.nth(0)
        assert "Command" in place.inner_text()
        assert "OrderPlaced" in place.locator("td").last.inner_text()
        assert "Event" in rows.nth(1).inner_text()
        assert "EmailSent" in rows.nth(2).inner_text() or "email_sent" in rows.nth(2).inner_text()
        assert "Smell" in rows.nth(4).inner_text()
        assert "Unclear" in rows.nth(5).inner_text()
        assert "Not a name" in rows.nth(6).inner_text()
        screenshot(page, "grammar-desktop")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_a_shared_link_shows_the_results_on_a_phone(self, page, assert_accessible, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.emulate_media(color_scheme="dark")
        page.goto("/grammar/?names=SendEmail%0Ainvoice.voided%0AResetPassword")
        assert page.locator("#grammar-results tbody tr").count() == 3
        assert (
            page.get_by_label("Message names, one per line").input_value().startswith("SendEmail")
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
        screenshot(page, "grammar-phone-dark")
        assert_accessible(page)
        page.watch.assert_clean()
