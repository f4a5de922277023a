import pytest

from courseware.content import load_course
from courseware.glossary import load_glossary

pytestmark = pytest.mark.browser

GLOSSARY = load_glossary()


class TestGlossary:
    def test_terms_are_listed_with_anchors_and_links(self, page, assert_accessible, screenshot):
        page.goto("/glossary/")
        assert page.locator("h1").inner_text() == "Glossary"
        entries = page.locator(".glossary__entry")
        assert entries.count() == len(GLOSSARY.terms)
        assert entries.locator("dt").all_inner_texts() == [t.term for t in GLOSSARY.terms]
        screenshot(page, "glossary")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_a_see_also_link_jumps_to_its_entry(self, page):
        term = next(t for t in GLOSSARY.terms if t.see_also)
        target = term.see_also[0]
        page.goto(f"/glossary/#{term.slug}")
        page.locator(f"#{term.slug} a[href='#{target}']").click()
        page.wait_for_url(f"**/glossary/#{target}")
        assert page.locator(f"#{target}").evaluate("el => el.matches(':target')")

    def test_a_lesson_links_its_terms_to_the_glossary(self, page):
        lesson = load_course().lessons[0]
        page.goto(f"/lessons/{lesson.slug}/")
        link = page.locator(".prose a.link-glossary").first
        slug = link.get_attribute("href").split("#")[1]
        link.click()
        page.wait_for_url(f"**/glossary/#{slug}")
        assert page.locator(f"#{slug} dt").is_visible()
        page.watch.assert_clean()

    def test_fits_a_phone(self, page, assert_accessible):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/glossary/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_accessible(page)
