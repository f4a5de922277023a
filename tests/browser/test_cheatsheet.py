import re

import pytest

pytestmark = pytest.mark.browser


class TestCheatSheet:
    def test_reads_on_screen_with_a_print_button(self, page, assert_accessible, screenshot):
        page.goto("/cheatsheet/")
        button = page.get_by_role("button", name="Print this page")
        assert button.is_visible(), "course.js reveals the print button"
        screenshot(page, "cheatsheet")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_the_print_button_opens_the_print_dialog(self, page):
        page.goto("/cheatsheet/")
        page.evaluate(
            "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
        )
        page.get_by_role("button", name="Print this page").click()
        assert page.evaluate("window.__printed") == 1

    def test_prints_without_the_site_chrome_on_one_page(self, page, screenshot):
        page.goto("/cheatsheet/")
        page.emulate_media(media="print")
        for selector in [".site-header", ".site-footer", ".print-button"]:
            assert not page.locator(selector).is_visible(), f"{selector} must not print"
        assert page.locator("h1").is_visible()
        screenshot(page, "cheatsheet-print")
        pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"the cheat sheet prints on {pages} pages"

    def test_fits_a_phone(self, page):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/cheatsheet/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
