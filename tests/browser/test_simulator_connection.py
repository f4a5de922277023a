import pytest

pytestmark = pytest.mark.browser


class TestSimulatorConnection:
    def test_the_page_opens_a_websocket_that_answers_a_ping(
        self, page, assert_accessible, screenshot
    ):
        with page.expect_websocket() as socket_info:
            page.goto("/simulator/")
        socket = socket_info.value
        assert socket.url.endswith("/ws/simulator/")
        page.wait_for_function("() => !!document.querySelector('[hx-ws\\\\:connect]')")
        page.get_by_role("button", name="Ping the server").click()
        result = page.locator("#ping-result")
        result.filter(has_text="ping number 1").wait_for()
        page.get_by_role("button", name="Ping the server").click()
        result.filter(has_text="ping number 2").wait_for()
        screenshot(page, "simulator-ping")
        assert_accessible(page)
        page.watch.assert_clean()
