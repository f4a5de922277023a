"""Challenge levels in a real browser: every level solved through its page by the stored
solution's actions, wrong attempts told which part fails, keyboard only, and a phone's width."""

import re

import pytest

from challenges.actions import LABELS
from simulator.engine.levels import list_levels, load_level
from tests.challenges.attempts import WRONG

pytestmark = pytest.mark.browser

LEVELS = list_levels()


def do(page, action: dict) -> None:
    """Fill in and submit the level page's form for one stored action, as a learner would."""
    form = page.locator("form.level-form").filter(
        has=page.get_by_role("heading", name=LABELS[action["action"]], exact=True)
    )
    if "name" in action:
        form.get_by_label("Message name").fill(action["name"])
    if "from" in action:
        form.get_by_label("From").select_option(action["from"])
    payload = action.get("payload") or {}
    for field, label in (("customer", "Customer"), ("amount", "Amount"), ("order_id", "Order id")):
        if field in payload:
            form.get_by_label(label).fill(str(payload[field]))
    if "service" in action:
        form.get_by_label("Service").select_option(action["service"])
    if "online" in action:
        form.get_by_label("State").select_option("online" if action["online"] else "offline")
    if "idempotent" in action:
        form.get_by_label("Remembers what it handled").select_option(
            "yes" if action["idempotent"] else "no"
        )
    if "count" in action:
        form.get_by_label("Instances").select_option(str(action["count"]))
    if action.get("catch_up"):
        form.get_by_label("Read the log from the start").check()
    form.get_by_role("button", name=LABELS[action["action"]]).click()
    page.locator(".level__news p").first.wait_for()


class TestChallenges:
    @pytest.mark.parametrize("name", LEVELS)
    def test_each_level_is_solved_through_its_page(self, page, name):
        level = load_level(name)
        page.goto(f"/lessons/{level.lesson}/")  # reading the lesson opens its levels
        page.get_by_role("link", name=level.title, exact=True).click()
        page.wait_for_url(f"**/challenges/{name}/")
        for action in level.solution:
            do(page, action)
        solved = page.locator(".level__solved")
        solved.wait_for()
        assert f"Solved in {len(level.solution)} action" in solved.inner_text()
        assert page.locator(".goal__part--open").count() == 0
        page.watch.assert_clean()

    @pytest.mark.parametrize("name", LEVELS)
    def test_a_wrong_attempt_shows_the_unmet_part_in_words(self, page, screenshot, name):
        actions, failing = WRONG[name]
        page.goto(f"/lessons/{load_level(name).lesson}/")
        page.goto(f"/challenges/{name}/")
        for action in actions:
            do(page, action)
        unmet = page.locator(".goal__part--open")
        assert unmet.count() >= 1
        assert any(failing in text for text in unmet.all_inner_texts())
        assert "Not yet" in unmet.first.inner_text()
        assert page.locator(".level__solved").count() == 0
        if name == LEVELS[0]:
            screenshot(page, "challenge-wrong-attempt")

    def test_the_map_and_a_level_are_accessible_on_a_phone(
        self, page, assert_accessible, screenshot
    ):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/challenges/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_accessible(page)
        screenshot(page, "challenge-map-phone")
        page.get_by_role("link", name=load_level(LEVELS[0]).title).click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_accessible(page)
        screenshot(page, "challenge-level-phone")
        page.watch.assert_clean()

    def test_a_level_can_be_solved_by_keyboard_alone(self, page):
        page.goto(f"/challenges/{LEVELS[0]}/")

        def tab_to(predicate: str, limit: int = 80) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if page.evaluate(f"(() => {{ const el = document.activeElement; {predicate} }})()"):
                    return
            raise AssertionError(f"Tab never reached: {predicate}")

        tab_to("return el.id === 'publish-name';")
        page.keyboard.type("OrderPlaced")
        tab_to("return el.id === 'publish-from';")
        page.keyboard.type("Order")  # a focused list box jumps to the option typed
        assert page.locator("#publish-from").input_value() == "Order"
        tab_to("return el.tagName === 'BUTTON' && el.textContent.trim() === 'Publish an event';")
        page.keyboard.press("Enter")
        page.locator(".level__solved").wait_for()
        page.watch.assert_clean()

    def test_show_me_steps_through_the_solution(self, page):
        name = "email-is-away"
        page.goto(f"/challenges/{name}/show/")
        assert "Step 1 of 2" in page.locator("main").inner_text()
        page.get_by_role("link", name="Next step").click()
        assert "Step 2 of 2" in page.locator("main").inner_text()
        assert page.locator(".goal__part--open").count() == 0
        page.get_by_role("link", name="Back to the level").click()
        page.wait_for_url(f"**/challenges/{name}/")

    def test_progress_survives_reload_and_sign_up_and_the_map_shows_it(self, page):
        name = LEVELS[0]
        page.goto(f"/challenges/{name}/")
        for action in load_level(name).solution:
            do(page, action)
        page.reload()
        assert page.locator(".level__solved").count() == 1
        page.goto("/accounts/signup/")
        page.get_by_label("Username").fill("levelplayer")
        page.get_by_label("Email").fill("levelplayer@example.org")
        page.get_by_label("Password", exact=True).fill("correct-horse-battery-staple-7")
        page.get_by_label("Password confirmation").fill("correct-horse-battery-staple-7")
        page.get_by_role("button", name="Create the account").click()
        page.wait_for_url(re.compile(r"/$"))
        page.goto("/challenges/")
        solved = page.locator(".level-map__item--solved")
        assert solved.count() == 1
        assert load_level(name).title in solved.inner_text()
        assert "1 action, at par" in solved.inner_text()
        page.watch.assert_clean()
