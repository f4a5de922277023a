import pytest

pytestmark = pytest.mark.browser


class TestHomePage:
    def test_outline_is_shown_and_the_page_is_clean(self, page, assert_accessible, screenshot):
        response = page.goto("/")
        assert response.status == 200
        assert page.locator("h2#outline-title").is_visible()
        assert page.locator(".outline__item").count() >= 1
        assert page.locator("nav[aria-label=Main] a").all_inner_texts() == [
            "Lessons",
            "Simulator",
            "Challenges",
            "Quizzes",
            "Grammar",
            "Glossary",
            "Classroom",
            "Your system",
        ]
        screenshot(page, "home-desktop")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_skip_link_moves_focus_to_the_main_content(self, page):
        page.goto("/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

    def test_reads_well_on_a_phone_in_the_dark(self, page, assert_accessible, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.emulate_media(color_scheme="dark")
        page.goto("/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(21, 22, 26)"
        screenshot(page, "home-phone-dark")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_a_missing_page_gets_the_styled_404(self, page, assert_accessible, screenshot):
        response = page.goto("/no/such/page/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "This page was never published"
        screenshot(page, "404")
        assert_accessible(page)
