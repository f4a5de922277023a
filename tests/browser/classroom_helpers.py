"""What the classroom's browser tests share: signing a teacher in, opening and joining rooms,
and finding things on a learner's page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/?next=/classroom/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/classroom/")


def open_room(page, title: str = "") -> str:
    """From the classroom page, opens a room on the order flow; its code."""
    if title:
        page.get_by_label("Title (optional)").fill(title)
    page.get_by_label("Flow to run").select_option("order-flow")
    page.get_by_role("button", name="Open a room").click()
    page.wait_for_url(re.compile(r"/classroom/[A-Z0-9]{6}/teach/$"))
    connected(page)
    return page.locator(".room-code--big").inner_text().strip()


def connected(page) -> None:
    expect(page.locator("#room-connection")).to_have_attribute("data-state", "open")


def join(page, code: str, name: str) -> None:
    page.goto("/classroom/")
    page.get_by_label("Room code").fill(code.lower())
    page.get_by_label("Your display name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    page.wait_for_url(f"**/classroom/{code}/")
    connected(page)


def close_room(teacher) -> None:
    """Closing asks first: open the warning, then confirm."""
    teacher.get_by_text("Close the room…").click()
    teacher.get_by_role("button", name="Yes, close the room").click()


def inbox_item(page, name: str):
    return page.locator("#room-inbox .inbox-item").filter(has_text=name)


def board_row(page, name: str):
    return page.locator("#room-board tbody tr").filter(has_text=name).first
