"""The projector in Chromium: a teacher runs a room, three phones play it, the big screen follows.

Each person has a browser context of their own; the projector is a second tab of the teacher's.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.classroom_helpers import (
    close_room,
    connected,
    inbox_item,
    join,
    open_room,
    sign_in,
)
from tests.browser.helpers import PageWatch
from tests.classroom.helpers import expected_qr_modules, qr_modules

pytestmark = pytest.mark.browser


def take_role(phone, role: str, service: str) -> None:
    if role == "handler":
        phone.get_by_label("Run an instance of").select_option(service)
        phone.get_by_role("button", name="Start instance").click()
    else:
        phone.get_by_label("Subscribe to order-events as").select_option(service)
        phone.locator("form").filter(
            has=phone.get_by_label("Subscribe to order-events as")
        ).get_by_role("button", name="Subscribe").click()


def caption(screen, node: str):
    return screen.locator(f'.diagram--wide [data-caption="{node}"]')


class TestProjector:
    def test_the_projector_follows_a_class_of_three(
        self,
        page,
        person,
        teacher_account,
        assert_accessible,
        screenshot,
    ):
        sign_in(page, teacher_account)
        code = open_room(page, "Projector class")
        screen = page.context.new_page()
        screen.watch = PageWatch(screen)
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.set_default_timeout(10_000)
        screen.goto(f"/classroom/{code}/projector/")
        connected(screen)

        # The QR code is there, and it holds the join link with the code filled in.
        join_link = screen.locator(".projector__url").inner_text().strip()
        assert join_link.endswith(f"/classroom/?code={code}")
        qr = screen.locator(".projector__qr svg").evaluate("svg => svg.outerHTML")
        assert qr_modules(qr) == expected_qr_modules(join_link)
        assert screen.locator(".projector__qr svg").bounding_box()["width"] >= 200

        phones = {}
        for name, role, service in (
            ("Ana", "subscriber", "Email"),
            ("Ben", "subscriber", "Inventory"),
            ("Cy", "handler", "Payment"),
        ):
            phone = person(width=390, height=844)
            phone.goto(join_link.replace(re.match(r"https?://[^/]+", join_link).group(0), ""))
            expect(phone.get_by_label("Room code")).to_have_value(code)
            phone.get_by_label("Your display name").fill(name)
            phone.get_by_role("button", name="Join", exact=True).click()
            phone.wait_for_url(f"**/classroom/{code}/")
            connected(phone)
            take_role(phone, role, service)
            phones[name] = phone
        expect(caption(screen, "svc-email")).to_have_text("Ana")
        expect(caption(screen, "svc-inventory")).to_have_text("Ben")
        expect(caption(screen, "svc-payment")).to_have_text("#1 Cy")
        expect(caption(screen, "svc-fraud")).to_have_text("nobody yet")

        # An event: one token flies to each service whose phone received it.
        page.get_by_label(re.compile(r"^Event\b")).select_option("OrderPlaced")
        page.get_by_role("button", name="Publish to every subscriber").click()
        tokens = screen.locator(".diagram--wide .diagram__tokens .token--delivered")
        expect(tokens).to_have_count(2)
        expect(screen.locator(".projector__now")).to_contain_text("OrderPlaced (event)")
        # ...and the phone announces it.
        ana = phones["Ana"]
        expect(ana.locator("#room-announce")).to_contain_text("New in your inbox: OrderPlaced")
        expect(inbox_item(ana, "OrderPlaced")).to_be_in_viewport()
        ana.get_by_role("button", name="Acknowledge OrderPlaced").click()
        expect(screen.locator(".diagram--wide .token--replied")).to_have_count(1)

        # A command to Cy, refused: the refusal flies back to its sender on the big screen.
        page.get_by_label(re.compile(r"^Command\b")).select_option("ProcessPayment")
        page.get_by_role("button", name="Send to one instance").click()
        cy = phones["Cy"]
        expect(cy.locator("#room-announce")).to_contain_text("ProcessPayment")
        expect(screen.locator('.diagram--wide .slot--took[data-slot="1"]')).to_have_count(1)
        cy.get_by_label("Reason").fill("Card declined")
        cy.get_by_role("button", name="Reject").click()
        expect(screen.locator(".diagram--wide .token--rejected")).to_have_count(1)
        expect(screen.locator(".projector__now")).to_contain_text("rejected ProcessPayment")
        screenshot(screen, "projector-rejected")

        # A poll: the histogram grows as phones answer, and each phone learns its own result.
        page.get_by_role("button", name="Ask the room").click()
        ben = phones["Ben"]
        expect(ben.locator("#room-announce")).to_contain_text("New poll")
        expect(ben.locator("#room-poll")).to_be_in_viewport()
        expect(screen.locator("#room-poll")).to_be_visible()
        choices = ben.locator("#room-poll input[type=radio]").count()
        for phone, choice in ((ana, 0), (ben, 1), (cy, 1)):
            phone.locator("#room-poll input[type=radio]").nth(choice % choices).check()
            phone.locator("#room-poll button[type=submit]").click()
        expect(screen.locator("#room-poll .poll__total")).to_contain_text("3 of 3 answered")
        counts = screen.locator("#room-poll .histogram__count")
        expect(counts.nth(0)).to_have_text("1")
        expect(counts.nth(1)).to_have_text("2")
        page.get_by_role("button", name="Reveal the answer").click()
        expect(screen.locator("#room-poll .histogram__row--right")).to_have_count(1)
        for phone in phones.values():
            expect(phone.locator("#room-poll .poll__mine")).to_contain_text("You answered")
            expect(phone.locator("#room-announce")).to_contain_text("The poll's answer is out")
        screenshot(screen, "projector-poll")
        screenshot(ben, "classroom-phone-poll-revealed")
        assert_accessible(screen)

        # With reduced motion nothing flies: the services light up where the tokens would land.
        screen.emulate_media(reduced_motion="reduce")
        page.get_by_label(re.compile(r"^Event\b")).select_option("OrderPlaced")
        page.get_by_role("button", name="Publish to every subscriber").click()
        expect(
            screen.locator('.diagram--wide [data-node="svc-email"].node--flash-delivered')
        ).to_have_count(1)
        expect(screen.locator(".diagram--wide .diagram__tokens .token")).to_have_count(0)

        for tab in (screen, page, *phones.values()):
            tab.watch.assert_clean()

    def test_a_closed_room_replays_in_the_sequence_view(
        self,
        page,
        person,
        teacher_account,
        assert_accessible,
        screenshot,
    ):
        sign_in(page, teacher_account)
        code = open_room(page)
        phone = person(width=390, height=844)
        join(phone, code, "Dee")
        take_role(phone, "handler", "Payment")
        expect(phone.locator("#room-role")).to_contain_text("Payment#1")
        page.get_by_label(re.compile(r"^Command\b")).select_option("ProcessPayment")
        page.get_by_role("button", name="Send to one instance").click()
        phone.get_by_role("button", name="Accept ProcessPayment").click()
        expect(page.locator("#room-board")).to_contain_text("Accepted")
        close_room(page)
        expect(page.locator("#room-status")).to_contain_text("closed")
        page.get_by_role("link", name="replay its messages").click()
        page.wait_for_url(f"**/classroom/{code}/replay/")
        rows = page.locator("#sim-sequence-svg .seq__row")
        expect(rows).to_have_count(2)
        expect(rows.first).to_have_attribute("aria-label", "ProcessPayment: Order to Payment#1")
        rows.last.click()
        expect(page.locator("#sim-log-lines .log__entry.is-chain")).to_have_count(2)
        assert_accessible(page)
        screenshot(page, "classroom-replay")
        phone.goto(f"/classroom/{code}/replay/")
        expect(phone.locator("#sim-sequence-svg .seq__row")).to_have_count(2)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        page.watch.assert_clean()
        phone.watch.assert_clean()
