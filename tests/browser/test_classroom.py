"""A whole class in Chromium: a teacher runs a room, two learners play the order flow's services.

Each person has a browser context of their own (their own session cookie), as three laptops
would; the server is the live daphne process on the test database.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom_helpers import (
    board_row,
    close_room,
    connected,
    inbox_item,
    join,
    open_room,
    sign_in,
)
from tests.browser.helpers import PageWatch

pytestmark = pytest.mark.browser


class TestClassroom:
    def test_a_class_plays_a_refusal_on_phones_and_the_projector_and_the_summary_records_it(
        self, page, person, teacher_account, assert_accessible, screenshot
    ):
        teacher = page
        sign_in(teacher, teacher_account)
        screenshot(teacher, "classroom-home-teacher")
        assert_accessible(teacher)
        code = open_room(teacher, title="Group B")
        expect(teacher.locator("#room-status")).to_contain_text(f"Room {code} is open")
        # The projector: a second tab of the teacher's, on the big screen.
        screen = teacher.context.new_page()
        screen.watch = PageWatch(screen)
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.set_default_timeout(10_000)
        screen.goto(f"/classroom/{code}/projector/")
        connected(screen)

        ana, ben, cy = person(), person(), person()
        ana.goto("/classroom/")
        screenshot(ana, "classroom-home")
        assert_accessible(ana)
        join(ana, code, "Ana")
        join(ben, code, "Ben")
        join(cy, code, "Cy")
        expect(teacher.locator("#room-status")).to_contain_text("3 in the room")

        ana.get_by_label("Subscribe to order-events as").select_option("Email")
        ana.locator("form").filter(
            has=ana.get_by_label("Subscribe to order-events as")
        ).get_by_role("button", name="Subscribe").click()
        expect(ana.locator("#room-role")).to_contain_text("playing Email on order-events")
        for learner, service in ((ben, "Payment"), (cy, "Order")):
            learner.get_by_label("Run an instance of").select_option(service)
            learner.get_by_role("button", name="Start instance").click()
            expect(learner.locator("#room-role")).to_contain_text(f"playing {service}#1")
        roster = teacher.locator("#room-roster")
        expect(roster).to_contain_text("Payment#1: Ben")
        expect(roster.locator(".roster-topic").first).to_contain_text("Ana")

        def next_step(step: str) -> None:
            button = teacher.get_by_role("button", name=f"Next: {step}")
            button.click()
            expect(button).to_have_count(0)

        # The script waits for each command's answer: what comes next depends on it.
        next_step("Checkout sends PlaceOrder")
        controls = teacher.locator("#room-controls")
        expect(controls).to_contain_text("Waiting for the answer to PlaceOrder (Order#1)")
        inbox_item(cy, "PlaceOrder").get_by_role("button", name="Accept PlaceOrder").click()
        next_step("Order publishes OrderPlaced")
        next_step("Order sends ProcessPayment")

        # An event reaches the subscriber, who still has it after a reload.
        placed = inbox_item(ana, "OrderPlaced")
        expect(placed).to_contain_text("it already happened")
        expect(inbox_item(ana, "ProcessPayment")).to_have_count(0)
        expect(inbox_item(ben, "OrderPlaced")).to_have_count(0)
        ana.reload()
        connected(ana)
        expect(ana.locator("#room-role")).to_contain_text("playing Email on order-events")
        expect(inbox_item(ana, "OrderPlaced")).to_have_count(1)
        screenshot(ana, "classroom-learner")
        assert_accessible(ana)
        ana.get_by_role("button", name="Acknowledge OrderPlaced").click()
        expect(ana.locator("#room-inbox .inbox__done")).to_contain_text("OrderPlaced: Acknowledged")
        expect(inbox_item(ana, "OrderPlaced")).to_have_count(0)

        # A command reaches the one instance, who refuses it with a reason: the room compensates.
        payment = inbox_item(ben, "ProcessPayment")
        expect(payment).to_contain_text("for you alone as Payment#1")
        payment.get_by_label("Reason").fill("card declined")
        payment.get_by_role("button", name="Reject").click()
        expect(ben.locator("#room-inbox .inbox__done")).to_contain_text(
            "ProcessPayment: Rejected (card declined)"
        )
        expect(screen.locator(".diagram--wide .token--rejected")).to_have_count(1)
        expect(screen.locator(".projector__now")).to_contain_text("rejected ProcessPayment")
        next_step("Payment publishes PaymentDeclined")
        next_step("Order publishes OrderCancelled")
        expect(controls).to_contain_text("script is finished")
        expect(inbox_item(ana, "OrderCancelled")).to_have_count(1)
        # The compensation is on the big screen and in every phone's account of the room.
        expect(screen.locator(".projector__now")).to_contain_text("OrderCancelled")
        screenshot(screen, "classroom-projector-compensated")
        for learner in (ana, ben, cy):
            lines = learner.locator("#room-log-lines")
            expect(lines).to_contain_text("rejected ProcessPayment: card declined")
            expect(lines).to_contain_text("OrderCancelled")
            expect(lines).not_to_contain_text("PaymentCompleted")

        expect(board_row(teacher, "OrderPlaced")).to_contain_text("1 of 1 acknowledged")
        expect(board_row(teacher, "ProcessPayment")).to_contain_text("Payment#1: Ben alone")
        expect(board_row(teacher, "ProcessPayment")).to_contain_text("Rejected: card declined")
        expect(board_row(teacher, "PaymentDeclined")).to_contain_text(
            "nobody in the room subscribed to payment-events"
        )
        log = teacher.locator("#room-log-lines")
        expect(log).to_contain_text("Ben (Payment#1) rejected ProcessPayment: card declined.")
        expect(log).not_to_contain_text("PaymentCompleted")
        screenshot(teacher, "classroom-branch")

        # A live poll: answers come in as a histogram, then the answer is revealed.
        question = teacher.get_by_label(re.compile(r"^Question\b"))
        question.select_option(index=0)
        prompt = question.locator("option").first.inner_text().split(": ", 1)[1][:40]
        teacher.get_by_role("button", name="Ask the room").click()
        for learner, choice in ((ana, 0), (ben, 1), (cy, 1)):
            expect(learner.locator("#room-poll")).to_contain_text(prompt.rstrip("…"))
            learner.locator("#room-poll .poll__choice").nth(choice).click()
            learner.get_by_role("button", name="Answer", exact=True).click()
            expect(learner.locator("#room-poll")).to_contain_text("Answer received")
        expect(teacher.locator("#room-poll")).to_contain_text("3 of 3 answered")
        counts = teacher.locator("#room-poll .histogram__count")
        expect(counts.nth(0)).to_have_text("1")
        expect(counts.nth(1)).to_have_text("2")
        screenshot(teacher, "classroom-teacher")
        assert_accessible(teacher)
        teacher.get_by_role("button", name="Reveal the answer").click()
        for learner in (ana, ben, cy):
            expect(learner.locator("#room-poll")).to_contain_text("(right answer)")
            expect(learner.locator("#room-poll .poll__explanation")).not_to_be_empty()

        # Closing the room asks first; then everyone sees it, and the log stays for the teacher.
        close = teacher.get_by_role("button", name="Yes, close the room")
        expect(close).to_be_hidden()
        teacher.get_by_text("Close the room…").click()
        expect(close).to_be_visible()
        expect(teacher.locator("#close-warning")).to_contain_text("cannot be opened again")
        screenshot(teacher, "classroom-close-confirm")
        assert_accessible(teacher)
        teacher.get_by_text("Close the room…").click()  # changed their mind
        expect(close).to_be_hidden()
        expect(teacher.locator("#room-status")).to_contain_text(f"Room {code} is open")
        teacher.get_by_text("Close the room…").click()
        close.click()
        for everyone in (teacher, ana, ben, cy):
            expect(everyone.locator("#room-status")).to_contain_text("This room is closed.")
        expect(ana.get_by_role("button", name="Subscribe")).to_have_count(0)
        teacher.get_by_role("link", name="read later").click()
        teacher.wait_for_url(f"**/classroom/{code}/log/")
        review = teacher.locator(".review-log")
        for line in (
            "Ana joined the room.",
            "Ana acknowledged OrderPlaced.",
            "Ben (Payment#1) rejected ProcessPayment: card declined.",
            "The poll's answer was revealed (3 answered).",
            "The teacher closed the room.",
        ):
            expect(review).to_contain_text(line)
        screenshot(teacher, "classroom-review")
        assert_accessible(teacher)
        with teacher.expect_download() as download:
            teacher.get_by_role("link", name="Download the summary per learner (CSV)").click()
        with open(download.value.path(), encoding="utf-8") as saved:
            rows = saved.read().splitlines()
        assert rows[0].startswith("name,roles played,events received,events acknowledged")
        assert [row.split(",")[0] for row in rows[1:]] == ["Ana", "Ben", "Cy"]
        assert "ProcessPayment: card declined" in rows[2]

        # A closed room's code no longer lets anyone in.
        late = person()
        late.goto("/classroom/")
        late.get_by_label("Room code").fill(code)
        late.get_by_label("Your display name").fill("Late")
        late.get_by_role("button", name="Join", exact=True).click()
        expect(late.locator("#join-error")).to_have_text(
            "No open room has that code. Check it with your teacher."
        )
        # The refused join answers 404, which the browser reports as a failed load; nothing else.
        assert late.watch.page_errors == []
        assert late.watch.csp_violations() == []
        assert all("404" in message for message in late.watch.console_errors)
        for everyone in (teacher, screen, ana, ben, cy):
            everyone.watch.assert_clean()

    def test_a_learner_plays_with_the_keyboard_alone(self, page, person, teacher_account):
        teacher = page
        sign_in(teacher, teacher_account)
        code = open_room(teacher)
        learner = person()
        join(learner, code, "Kim")

        tab_to(learner, learner.get_by_label("Run an instance of"))
        learner.keyboard.type("Payment")
        tab_to(learner, learner.get_by_role("button", name="Start instance"))
        learner.keyboard.press("Enter")
        expect(learner.locator("#room-role")).to_contain_text("playing Payment#1")

        teacher.get_by_label(re.compile(r"^Command\b")).select_option("ProcessPayment")
        teacher.get_by_role("button", name="Send to one instance").click()
        teacher.get_by_label(re.compile(r"^Command\b")).select_option("ProcessPayment")
        teacher.get_by_role("button", name="Send to one instance").click()
        expect(learner.locator("#room-inbox .inbox-item")).to_have_count(2)
        tab_to(learner, learner.get_by_role("button", name="Accept ProcessPayment").first)
        learner.keyboard.press("Enter")
        expect(learner.locator("#room-inbox .inbox-item")).to_have_count(1)
        tab_to(learner, learner.get_by_label("Reason"))
        learner.keyboard.type("out of stock")
        learner.keyboard.press("Enter")
        expect(learner.locator("#room-inbox .inbox__done")).to_contain_text(
            "ProcessPayment: Rejected (out of stock)"
        )

        tab_to(learner, learner.get_by_role("button", name="Leave my role"))
        learner.keyboard.press("Space")
        expect(learner.locator("#room-role")).to_contain_text("watching without a role")
        tab_to(learner, learner.get_by_label("Subscribe to order-events as"))
        learner.keyboard.type("Email")
        tab_to(learner, learner.get_by_role("button", name="Subscribe").first)
        learner.keyboard.press("Enter")
        expect(learner.locator("#room-role")).to_contain_text("playing Email on order-events")

        teacher.get_by_label(re.compile(r"^Event\b")).select_option("OrderPlaced")
        teacher.get_by_role("button", name="Publish to every subscriber").click()
        acknowledge = learner.get_by_role("button", name="Acknowledge OrderPlaced")
        tab_to(learner, acknowledge)
        learner.keyboard.press("Enter")
        expect(acknowledge).to_have_count(0)

        teacher.get_by_role("button", name="Ask the room").click()
        first_choice = learner.locator("#room-poll input[name=choice]").first
        tab_to(learner, first_choice)
        learner.keyboard.press("ArrowDown")
        learner.keyboard.press("Enter")
        expect(learner.locator("#room-poll")).to_contain_text("Answer received")
        expect(learner.locator("#room-poll input[name=choice]").nth(1)).to_be_checked()
        expect(teacher.locator("#room-poll")).to_contain_text("1 of 1 answered")
        close_room(teacher)
        learner.watch.assert_clean()
        teacher.watch.assert_clean()

    def test_the_learner_page_fits_a_phone(self, person, teacher_account, page, screenshot):
        sign_in(page, teacher_account)
        code = open_room(page)
        phone = person(width=390, height=844)
        phone.emulate_media(reduced_motion="reduce")  # and the screenshot shows no half-faded item
        join(phone, code, "Pat")
        phone.get_by_label("Subscribe to order-events as").select_option("Email")
        phone.get_by_role("button", name="Subscribe").first.click()
        expect(phone.locator("#room-role")).to_contain_text("playing Email on order-events")
        page.get_by_label(re.compile(r"^Event\b")).select_option("OrderPlaced")
        page.get_by_role("button", name="Publish to every subscriber").click()
        expect(inbox_item(phone, "OrderPlaced")).to_have_count(1)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "classroom-learner-phone")
        phone.goto("/classroom/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(phone, "classroom-home-phone")
        close_room(page)
        phone.watch.assert_clean()

    def test_the_teacher_sends_someone_out_and_locks_the_room(
        self, page, person, teacher_account, assert_accessible, screenshot
    ):
        sign_in(page, teacher_account)
        code = open_room(page)
        ana, ben = person(), person()
        join(ana, code, "Ana")
        join(ben, code, "Ben")
        people = page.locator("#room-people")
        expect(people).to_contain_text("2 in the room")
        screenshot(page, "accounts-teacher-people")
        assert_accessible(page)

        people.get_by_role("button", name="Lock out Ana").click()
        expect(ana.locator("#room-error")).to_contain_text(
            "The teacher removed you from this room."
        )
        expect(ana.locator("#room-connection")).to_contain_text("You are not in this room")
        expect(people).not_to_contain_text("Ana")
        expect(page.locator("#room-log-lines")).to_contain_text(
            "removed Ana from the room for good"
        )
        screenshot(ana, "accounts-learner-removed")
        ana.goto("/classroom/")
        ana.get_by_label("Room code").fill(code)
        ana.get_by_label("Your display name").fill("Anna")
        ana.get_by_role("button", name="Join", exact=True).click()
        expect(ana.get_by_role("alert")).to_contain_text("The teacher has removed you")

        people.get_by_role("button", name="Lock the room").click()
        expect(page.locator("#room-status")).to_contain_text("locked: nobody new can join")
        cy = person()
        cy.goto("/classroom/")
        cy.get_by_label("Room code").fill(code)
        cy.get_by_label("Your display name").fill("\u0412en")  # a Cyrillic B: looks like Ben
        cy.get_by_role("button", name="Join", exact=True).click()
        expect(cy.get_by_role("alert")).to_contain_text("locked this room")
        people.get_by_role("button", name="Unlock the room").click()
        expect(people).to_contain_text("Anyone with the code can join")
        cy.get_by_role("button", name="Join", exact=True).click()
        expect(cy.get_by_role("alert")).to_contain_text("a name that looks like")
        screenshot(cy, "accounts-look-alike-refused")
        assert_accessible(cy)
        expect(ben.locator("#room-connection")).to_have_attribute("data-state", "open")
        close_room(page)
        page.watch.assert_clean()
        ben.watch.assert_clean()


def tab_to(page, locator, limit: int = 80) -> None:
    """Presses Tab until `locator` has the focus, as a keyboard user would reach it."""
    locator.wait_for()
    for _ in range(limit):
        if locator.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")
