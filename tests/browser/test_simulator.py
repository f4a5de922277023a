import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FAN_OUT = re.compile(r"OrderPlaced \(event\) from Order delivered to .*Email.*Inventory.*Fraud")


def play_to_the_end(page, *, until_text: str, key: bool = False) -> None:
    """Presses Play (again after each guided pause) until the log shows `until_text`."""
    log = page.locator("#sim-log-lines")
    page.locator("#sim-transport select[name=value]").select_option("4.0")
    for _ in range(12):
        if until_text in log.inner_text():
            return
        if key:
            page.locator("body").press("k")
        else:
            page.locator("#sim-play").click()
        try:
            expect(log).to_contain_text(until_text, timeout=6_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the log never showed {until_text!r}")


class TestSimulator:
    def test_order_flow_reaches_its_four_subscribers(self, page, assert_accessible, screenshot):
        page.goto("/simulator/?scenario=order-flow")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        play_to_the_end(page, until_text="OrderShipped (event) from Fulfillment delivered")
        expect(page.locator("#sim-log-lines")).to_contain_text(FAN_OUT)
        screenshot(page, "simulator-order-flow")
        assert_accessible(page)
        page.watch.assert_clean()

    def test_email_offline_buffers_then_delivers(self, page):
        page.goto("/simulator/?scenario=email-down")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        play_to_the_end(page, until_text="Email is back online")
        log = page.locator("#sim-log-lines")
        expect(log).to_contain_text("waits in Email's buffer")
        play_to_the_end(page, until_text="Email handled OrderShipped")
        page.watch.assert_clean()

    def test_payment_scaled_to_three_instances_takes_each_command_once(self, page):
        page.goto("/simulator/?scenario=")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        page.get_by_role("button", name="Reset").click()
        page.locator("#row-svc-payment select[name=count]").select_option("3")
        expect(page.locator("#row-svc-payment")).to_contain_text("\u00d73")
        page.get_by_role("button", name="Send command").click()
        play_to_the_end(page, until_text="handled ProcessPayment")
        text = page.locator("#sim-log-lines").inner_text()
        assert len(re.findall(r"Payment#\d handled ProcessPayment", text)) == 1
        page.watch.assert_clean()

    def test_keyboard_only_run_and_reload_keeps_the_sandbox(self, page):
        page.goto("/simulator/?scenario=order-flow")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        play_to_the_end(page, until_text="Order publishes the event OrderPlaced", key=True)
        count = page.locator(".log__entry").count()
        page.goto("/simulator/")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        assert page.locator(".log__entry").count() >= count
        page.watch.assert_clean()

    def test_a_phone_sized_screen_does_not_scroll_sideways(self, page, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/simulator/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        screenshot(page, "simulator-phone")
