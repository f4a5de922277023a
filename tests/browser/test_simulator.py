import re
import uuid

import pytest
from playwright.sync_api import expect

from simulator.engine import list_scenarios, load_scenario
from tests.browser.helpers import SCREENSHOTS

pytestmark = pytest.mark.browser

PASSWORD = "a-long-and-unusual-passphrase-58"
FAN_OUT = re.compile(r"OrderPlaced \(event\) from Order delivered to .*Email.*Inventory.*Fraud")


def skip_prediction(page) -> None:
    """A guided run waits for a prediction; these tests watch without making one."""
    page.get_by_role("button", name="Skip: just watch").click()
    expect(page.locator("#sim-play")).to_be_enabled()


def play_to_the_end(page, *, until_text: str, key: bool = False) -> None:
    """Presses Play (again after each guided pause) until the log shows `until_text`."""
    log = page.locator("#sim-log-lines")
    if page.locator("#predict-title").count():
        skip_prediction(page)
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
        page.locator(".diagram:visible [data-node=svc-payment]").click()
        page.locator("#row-svc-payment select[name=count]").select_option("3")
        expect(page.locator("#row-svc-payment")).to_contain_text("3 instances")
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


# Makes the page believe it is hidden or visible, as switching tabs would, so that htmx's
# WebSocket extension closes the socket and later reopens it, exactly as it does for a real tab.
SET_VISIBILITY = """(hidden) => {
  Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
  Object.defineProperty(document, "visibilityState", {
    configurable: true, get: () => (hidden ? "hidden" : "visible"),
  });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def open_simulator(page, path="/simulator/?scenario="):
    page.goto(path)
    expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")


def log_text(page) -> str:
    return page.locator("#sim-log-lines").inner_text()


class TestGuidedPauses:
    def test_a_guided_pause_says_why_it_stopped_until_the_run_moves_on(
        self, page, assert_accessible, screenshot
    ):
        open_simulator(page, "/simulator/?scenario=email-down")
        callout = page.locator("#sim-pause")
        expect(callout).to_have_attribute("role", "status")
        expect(callout).to_be_empty()
        skip_prediction(page)
        page.locator("#sim-transport select[name=value]").select_option("4.0")
        page.locator("#sim-play").click()
        expect(callout).to_contain_text("parked in Email's own buffer", timeout=15_000)
        expect(page.locator("#sim-play")).to_have_text("Play")
        expect(page.locator("#sim-log-lines")).to_contain_text("waits in Email's buffer")
        screenshot(page, "simulator-pause-callout")
        assert_accessible(page)

        page.locator("#sim-step").click()
        expect(callout).to_be_empty()
        page.locator("#sim-play").click()
        expect(callout).to_contain_text("Email is back", timeout=15_000)
        page.locator("#sim-play").click()
        expect(callout).to_be_empty()
        page.watch.assert_clean()

    def test_the_callout_fits_a_phone_and_survives_a_reload(self, page, screenshot):
        page.set_viewport_size({"width": 390, "height": 844})
        open_simulator(page, "/simulator/?scenario=competing-consumers")
        skip_prediction(page)
        page.locator("#sim-transport select[name=value]").select_option("4.0")
        page.locator("#sim-play").click()
        callout = page.locator("#sim-pause")
        expect(callout).to_contain_text("went to Payment#1", timeout=15_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        full = screenshot(page, "simulator-pause-phone-full")
        # The full page is too tall to judge at phone width; this one shows what the eye meets.
        callout.scroll_into_view_if_needed()
        page.screenshot(path=str(full.with_name("simulator-pause-phone.png")))
        page.reload()
        expect(page.locator("#sim-pause")).to_contain_text("went to Payment#1")
        page.watch.assert_clean()


class TestReconnect:
    def test_a_hidden_tab_catches_up_with_what_another_tab_did(self, page):
        # This tab was opened on a scenario; coming back must resume the sandbox as the other
        # tab left it, not open the scenario again on top of it.
        open_simulator(page, "/simulator/?scenario=email-down")
        page.evaluate(SET_VISIBILITY, True)
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "paused")

        other = page.context.new_page()
        open_simulator(other, "/simulator/?scenario=")
        expect(other.locator("#sim-log-empty")).to_be_visible()
        other.get_by_role("button", name="Send command").click()
        expect(other.locator("#sim-log-lines")).to_contain_text("sends the command PlaceOrder")
        other.locator("#sim-step").click()
        expect(other.locator("#sim-log-lines")).to_contain_text("delivered to Order")
        other.locator("#sim-step").click()
        expect(other.locator("#sim-log-lines")).to_contain_text("Order handled PlaceOrder")
        assert page.locator(".log__entry").count() == 0

        page.evaluate(SET_VISIBILITY, False)
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        expect(page.locator("#sim-log-lines")).to_contain_text("Order handled PlaceOrder")
        assert log_text(page) == log_text(other)
        expect(page.locator("#sim-log-lines")).not_to_contain_text("Email goes offline")
        other.close()
        page.watch.assert_clean()

    def test_a_dropped_connection_reconnects_and_shows_the_log_it_missed(self, page):
        # Every socket of this page goes through a pass-through proxy that the test can cut, as
        # a server restart or a flaky network would.
        sockets = []

        def through_proxy(route):
            sockets.append((route, route.connect_to_server()))

        page.route_web_socket(re.compile(r"/ws/simulator/"), through_proxy)
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        expect(page.locator("#sim-log-empty")).to_be_visible()
        other = page.context.new_page()
        open_simulator(other, "/simulator/")

        # The other tab acts while this one is still connected: tabs do not talk to each other,
        # so this one learns of it only by reconnecting, and its own stale copy, saved as its
        # socket closes, must not undo the other tab's work.
        other.get_by_role("button", name="Send command").click()
        expect(other.locator("#sim-log-lines")).to_contain_text("sends the command PlaceOrder")
        route, server = sockets[-1]
        server.close()
        route.close(code=1012, reason="the server is restarting")
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "closed")

        expect(page.locator("#sim-connection")).to_have_attribute(
            "data-state", "open", timeout=15_000
        )
        expect(page.locator("#sim-log-lines")).to_contain_text("sends the command PlaceOrder")
        assert log_text(page) == log_text(other)
        assert len(sockets) == 2
        other.close()


class TestSignIn:
    def test_signing_up_keeps_what_was_done_in_the_simulator(self, page):
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        expect(page.locator("#sim-log-empty")).to_be_visible()
        page.get_by_label("Your own message name").fill("AuditTrailRequested")
        page.get_by_role("button", name="Publish as event").click()
        expect(page.locator("#sim-log-lines")).to_contain_text("AuditTrailRequested")

        page.get_by_role("link", name="Sign up").click()
        page.wait_for_url("**/accounts/signup/**")
        page.get_by_label("Username").fill(f"tinkerer-{uuid.uuid4().hex[:8]}")
        page.get_by_label("Email").fill(f"tinkerer-{uuid.uuid4().hex[:8]}@example.org")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create the account").click()
        page.wait_for_url(re.compile(r"/(simulator/.*)?$"))

        open_simulator(page, "/simulator/")
        expect(page.locator("#sim-log-lines")).to_contain_text("AuditTrailRequested")
        page.watch.assert_clean()


# -- keyboard only ------------------------------------------------------------------------------

IS_FOCUSED = "element => element === document.activeElement"
FOCUS_RING = """element => {
  const style = getComputedStyle(element);
  return {
    focusVisible: element.matches(":focus-visible"),
    outline: style.outlineStyle,
    width: parseFloat(style.outlineWidth) || 0,
  };
}"""


DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  return e ? `${e.tagName} ${e.id} ${(e.textContent || e.value || "").trim().slice(0, 40)}` : "-";
}"""


def describe_focus(page) -> str:
    return page.evaluate(DESCRIBE_FOCUS)


def tab_to(page, target, *, backwards: bool = False, limit: int = 200) -> None:
    """Presses Tab (or Shift+Tab) until `target` has the focus, and checks that it shows."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate(IS_FOCUSED):
            ring = target.evaluate(FOCUS_RING)
            assert ring["focusVisible"], f"{describe_focus(page)} has no :focus-visible"
            assert ring["outline"] != "none", ring
            assert ring["width"] >= 2, ring
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}; the focus is on {describe_focus(page)}")


NODE_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || !e.matches('.node__button[role="button"]') || !e.checkVisibility()) return null;
  const node = e.parentNode;
  return {id: node.dataset.node, x: +node.dataset.cx, y: +node.dataset.cy};
}"""


def select_node(page, node: str) -> None:
    """Tabs to the diagram, moves to `node` with the arrow keys alone and presses Enter."""
    for _ in range(200):
        if page.evaluate(NODE_FOCUSED):
            break
        page.keyboard.press("Tab")
    target = page.locator(f".diagram:visible [data-node={node}]")
    goal = {"x": int(target.get_attribute("data-cx")), "y": int(target.get_attribute("data-cy"))}
    for _ in range(20):
        here = page.evaluate(NODE_FOCUSED)
        assert here, describe_focus(page)
        if here["id"] == node:
            break
        if here["y"] != goal["y"] and here["x"] == goal["x"]:
            page.keyboard.press("ArrowDown" if goal["y"] > here["y"] else "ArrowUp")
        elif here["x"] != goal["x"]:
            page.keyboard.press("ArrowRight" if goal["x"] > here["x"] else "ArrowLeft")
        else:
            page.keyboard.press("ArrowDown" if goal["y"] > here["y"] else "ArrowUp")
    assert page.evaluate(NODE_FOCUSED)["id"] == node
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-{node}")).to_be_visible()


def entries(page) -> int:
    return page.locator("#sim-log-lines .log__entry").count()


def expect_more_entries(page, before: int) -> int:
    expect(page.locator("#sim-log-lines .log__entry")).not_to_have_count(before)
    after = entries(page)
    assert after > before
    return after


class TestKeyboardOnly:
    def test_every_control_of_the_sandbox_works_from_the_keyboard(self, page):
        open_simulator(page)
        transport = page.locator("#sim-transport")
        status = transport.locator(".transport__status")
        log = page.locator("#sim-log-lines")

        reset = page.get_by_role("button", name="Reset")
        tab_to(page, reset)
        page.keyboard.press("Enter")
        expect(page.locator("#sim-log-empty")).to_be_visible()
        expect(reset).to_be_focused()

        # Palette: a command and an event from the lists, then a name of one's own.
        tab_to(page, page.get_by_role("button", name="Send command"))
        page.keyboard.press("Enter")
        expect(log).to_contain_text("Checkout sends the command PlaceOrder")
        events = page.locator(".palette__form:has(input[value=publish]) select")
        tab_to(page, events)
        page.keyboard.press("ArrowDown")
        chosen = events.input_value()
        tab_to(page, page.get_by_role("button", name="Publish event"))
        page.keyboard.press("Space")
        expect(log).to_contain_text(f"publishes the event {chosen}")
        tab_to(page, page.get_by_label("Your own message name"))
        page.keyboard.type("RecalculateTotals")
        page.keyboard.press("Enter")
        expect(log).to_contain_text("sends the command RecalculateTotals")
        tab_to(page, page.get_by_role("button", name="Publish as event"))
        page.keyboard.press("Enter")
        expect(log).to_contain_text("publishes the event RecalculateTotals")

        # Transport: back up to it with Shift+Tab, then step, speed, play and pause.
        # A step shows the next virtual instant, which may add no line to the log (an instance
        # merely finishing its work), so the clock in the status line is what must move.
        step = transport.get_by_role("button", name="Step")
        tab_to(page, step, backwards=True)
        before = status.inner_text()
        page.keyboard.press("Enter")
        expect(status).not_to_have_text(before)
        expect(step).to_be_focused()
        before = status.inner_text()
        page.keyboard.press(".")
        expect(status).not_to_have_text(before)
        speed = transport.get_by_label("Speed")
        tab_to(page, speed)
        page.keyboard.press("ArrowDown")
        expect(speed).to_have_value("2.0")
        expect(speed).to_be_focused()
        play = transport.locator("#sim-play")
        tab_to(page, play, backwards=True)
        page.keyboard.press("Enter")
        expect(status).to_contain_text("Playing")
        expect(play).to_have_text("Pause")
        expect(play).to_be_focused()
        page.keyboard.press("Enter")
        expect(status).not_to_contain_text("Playing")
        page.keyboard.press("k")
        expect(status).to_contain_text("Playing")
        page.keyboard.press("k")
        expect(status).not_to_contain_text("Playing")

        # Timeline: one step back with an arrow key looks back; one step forward is the present.
        timeline = transport.get_by_label("Timeline")
        tab_to(page, timeline)
        before = entries(page)
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#sim-log-lines .log__entry")).not_to_have_count(before)
        assert entries(page) < before
        expect(timeline).to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(page.locator("#sim-log-lines .log__entry")).to_have_count(before)
        expect(timeline).to_be_focused()

        # Each kind of per-service control, on a service that has it: Tab to the diagram, arrow
        # keys to the service, Enter opens its panel with the focus on its first control.
        select_node(page, "svc-email")
        email = page.locator("#row-svc-email")
        expect(email.get_by_role("button", name="Take offline")).to_be_focused()
        for position, (name, effect) in enumerate(
            [
                ("Take offline", "Email goes offline"),
                ("Slow", None),
                ("Fail next", None),
                ("Idempotent", None),
            ]
        ):
            tab_to(page, email.get_by_role("button", name=name))
            count = entries(page)
            page.keyboard.press("Enter")
            count = expect_more_entries(page, count)
            if effect:
                expect(log).to_contain_text(effect)
            # The button may change its words ("Bring online"), but it keeps the focus.
            expect(email.locator(".services__controls > button").nth(position)).to_be_focused()
        expect(email).to_contain_text("offline")
        expect(email.get_by_role("button", name="Slow")).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Escape")
        expect(email).to_be_hidden()
        email_node = page.locator(".diagram--wide [data-node=svc-email] .node__button")
        expect(email_node).to_be_focused()
        expect(email_node).to_have_attribute("aria-label", re.compile("Email: offline, slow"))
        select_node(page, "svc-payment")
        instances = page.locator("#row-svc-payment").get_by_label("Instances of Payment")
        tab_to(page, instances)
        count = entries(page)
        page.keyboard.press("ArrowDown")
        expect(page.locator("#row-svc-payment")).to_contain_text("2 instances")
        expect_more_entries(page, count)
        expect(instances).to_be_focused()
        expect(
            page.locator(".diagram--wide [data-node=svc-payment] .slot:not(.slot--off)")
        ).to_have_count(2)
        select_node(page, "svc-loyalty")
        subscribe = page.get_by_role("button", name="Subscribe Loyalty")
        tab_to(page, subscribe)
        count = entries(page)
        page.keyboard.press("Enter")
        expect_more_entries(page, count)
        expect(log).to_contain_text("Loyalty subscribes")
        # The button goes once Loyalty has subscribed; the focus stays in Loyalty's row rather
        # than falling back to the top of the page.
        expect(subscribe).to_have_count(0)
        expect(page.locator("#row-svc-loyalty button").first).to_be_focused()

        # The world's controls, in the palette beside the stage.
        world = page.get_by_role("group", name="World")
        for name in [
            "Duplicate the next delivery",
            "Drop the next delivery",
            "Replay the event log",
            "Replay the command log",
        ]:
            button = world.get_by_role("button", name=name)
            tab_to(page, button)
            count = entries(page)
            page.keyboard.press("Enter")
            expect_more_entries(page, count)
            expect(button).to_be_focused()
        page.watch.assert_clean()

    def test_a_guided_scenario_can_be_played_and_answered_from_the_keyboard(self, page):
        open_simulator(page, "/simulator/?scenario=command-in-disguise")
        skip = page.get_by_role("button", name="Skip: just watch")
        tab_to(page, skip)
        page.keyboard.press("Enter")
        expect(page.locator("#sim-play")).to_be_enabled()
        page.locator("body").press("k")
        callout = page.locator("#sim-pause")
        expect(callout).to_contain_text("naming smell", timeout=15_000)
        page.keyboard.press("k")
        expect(callout).to_be_empty()
        question = page.locator("#sim-question")
        expect(question).to_be_visible(timeout=20_000)

        first = question.get_by_role("radio").first
        tab_to(page, first)
        page.keyboard.press("ArrowDown")
        expect(question.get_by_role("radio").nth(1)).to_be_checked()
        page.keyboard.press("ArrowUp")
        expect(first).to_be_checked()
        tab_to(page, question.get_by_role("button", name="Check my answer"))
        page.keyboard.press("Enter")
        expect(question.locator(".feedback--right")).to_contain_text("Right")
        expect(question.get_by_role("button", name="Check my answer")).to_be_focused()
        page.watch.assert_clean()


# -- the stage ----------------------------------------------------------------------------------

SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# The part of an element the screen shows, measured the way a person sees it.
# A box that scrolls (the narration) may hide part of what it holds: that part is not in view.
IN_VIEW = """element => {
  const box = element.getBoundingClientRect();
  const clip = element.parentElement.closest(".stage__narration");
  const within = clip ? clip.getBoundingClientRect() : {top: -1e9, bottom: 1e9};
  return {
    top: Math.max(box.top, within.top) === box.top ? box.top : -1e9,
    bottom: Math.min(box.bottom, within.bottom) === box.bottom ? box.bottom : 1e9,
    height: box.height,
    screen: window.innerHeight,
  };
}"""


def assert_in_view(page, locator, what: str) -> None:
    box = locator.evaluate(IN_VIEW)
    assert box["height"] > 0, f"{what} is not shown"
    assert box["top"] >= -1, f"{what} starts above the screen: {box}"
    assert box["bottom"] <= box["screen"] + 1, f"{what} ends below the screen: {box}"


def assert_stage_in_view(page, what: str) -> None:
    assert_in_view(page, page.locator("#sim-play"), f"Play, {what}")
    assert_in_view(page, page.locator(".diagram:visible"), f"the diagram, {what}")
    assert_in_view(page, page.locator(".transport__status"), f"the status, {what}")


def label_sizes(page) -> list[float]:
    return page.eval_on_selector_all(
        ".diagram:not([style*='none']) .node__label",
        "labels => labels.filter(l => l.getBoundingClientRect().height > 0).map(l => {"
        "  const svg = l.ownerSVGElement;"
        "  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;"
        "  return parseFloat(getComputedStyle(l).fontSize) * scale;"
        "})",
    )


def viewport_shot(page, name: str) -> None:
    """What the eye meets without scrolling, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def play_to_next_stop(page) -> str:
    """Presses Play and waits for the run to stop: "paused" at a guided pause, or "finished"."""
    status = page.locator(".transport__status")
    before = status.inner_text()
    page.locator("#sim-play").click()
    expect(status).not_to_have_text(before)
    expect(status).not_to_have_attribute("data-status", "playing", timeout=30_000)
    return status.get_attribute("data-status")


@pytest.mark.parametrize("size", ["laptop", "phone"])
class TestStage:
    def test_controls_words_and_diagram_share_the_screen_at_every_pause(self, page, size):
        page.set_viewport_size(SIZES[size])
        for name in list_scenarios():
            open_simulator(page, f"/simulator/?scenario={name}")
            skip_prediction(page)
            page.locator("#sim-transport select[name=value]").select_option("4.0")
            callout = page.locator("#sim-pause")
            pauses = 0
            while play_to_next_stop(page) != "finished":
                pauses += 1
                assert pauses <= len(load_scenario(name).pauses)
                expect(callout).not_to_be_empty()
                assert_stage_in_view(page, f"{name} pause {pauses}")
                assert_in_view(page, callout, f"the words of {name} pause {pauses}")
                if pauses == 1:
                    viewport_shot(page, f"stage-{name}-{size}")
            expect(page.locator("#sim-play")).to_have_text("Replay")
            question = page.locator("#sim-question")
            expect(question).to_be_visible()
            expect(question.locator("h2")).to_be_focused()
            assert_in_view(page, question.locator("h2"), f"the question of {name}")
            viewport_shot(page, f"stage-{name}-{size}-finished")
        assert min(label_sizes(page)) >= 12
        page.watch.assert_clean()


class TestPredictThenWatch:
    @pytest.mark.parametrize("size", ["laptop", "phone"])
    def test_a_prediction_gates_play_and_the_debrief_shows_it(self, page, size, assert_accessible):
        question = load_scenario("competing-consumers").question
        wrong = next(i for i in range(len(question.choices)) if i != question.answer)
        page.set_viewport_size(SIZES[size])
        open_simulator(page, "/simulator/?scenario=competing-consumers")
        play, status = page.locator("#sim-play"), page.locator(".transport__status")
        predict = page.locator("#sim-predict")
        expect(play).to_be_disabled()
        expect(status).to_have_attribute("data-status", "waiting")
        page.locator("body").press("k")
        expect(status).to_have_attribute("data-status", "waiting")
        assert_in_view(page, predict.get_by_role("button", name="Commit my prediction"), "Commit")
        assert_accessible(page)

        predict.get_by_label(question.choices[wrong]).check()
        predict.get_by_role("button", name="Commit my prediction").click()
        expect(predict).to_contain_text(re.compile(rf"Your prediction\s*{question.choices[wrong]}"))
        expect(play).to_be_enabled()
        page.reload()
        expect(page.locator("#sim-connection")).to_have_attribute("data-state", "open")
        expect(predict).to_contain_text(question.choices[wrong])

        page.locator("#sim-transport select[name=value]").select_option("4.0")
        while play_to_next_stop(page) != "finished":
            pass
        debrief = page.locator("#sim-question")
        expect(debrief.locator("h2")).to_be_focused()
        predicted, happened = question.choices[wrong], question.choices[question.answer]
        expect(debrief).to_contain_text(re.compile(rf"You predicted\s*{re.escape(predicted)}"))
        expect(debrief).to_contain_text(re.compile(rf"run showed\s*{re.escape(happened)}"))
        expect(debrief.locator(".feedback--wrong")).to_contain_text("Not what happened")
        if question.feedback:
            expect(debrief).to_contain_text(question.feedback[wrong])
        viewport_shot(page, f"debrief-{size}")
        assert_accessible(page)
        page.watch.assert_clean()


class TestInstances:
    def test_three_instances_are_three_boxes_and_a_command_lands_on_one(self, page):
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        expect(page.locator("#sim-log-empty")).to_be_visible()
        payment = page.locator(".diagram--wide [data-node=svc-payment]")
        expect(payment.locator(".slot:not(.slot--off)")).to_have_count(1)
        payment.click()
        page.locator("#row-svc-payment select[name=count]").select_option("3")
        expect(payment.locator(".slot:not(.slot--off)")).to_have_count(3)
        page.locator("#sim-transport select[name=value]").select_option("0.25")

        commands = page.locator(".palette__form:has(input[value=send]) select")
        commands.select_option("ProcessPayment")
        page.get_by_role("button", name="Send command").click()
        log = page.locator("#sim-log-lines")
        handed = re.compile(r"ProcessPayment \(command\) from Checkout delivered to Payment#(\d)")
        for _ in range(10):
            if handed.search(log.inner_text()):
                break
            page.locator("#sim-step").click()
            page.wait_for_timeout(200)
        number = handed.search(log.inner_text()).group(1)
        took = page.locator(".diagram--wide .slot--took")
        expect(took).to_have_count(1)
        expect(took).to_have_attribute("data-slot", number)
        viewport_shot(page, "instances-laptop")
        page.watch.assert_clean()


class TestTimeline:
    def test_scrubbing_both_ways_loses_nothing_and_a_fork_can_be_undone(self, page):
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        expect(page.locator("#sim-log-empty")).to_be_visible()
        page.get_by_role("button", name="Send command").click()
        status = page.locator(".transport__status")
        for _ in range(8):
            before = status.inner_text()
            page.locator("#sim-step").click()
            expect(status).not_to_have_text(before)
        present = entries(page)
        lines = page.locator("#sim-log-lines .log__entry")

        # With the pointer: a click near the start of the timeline looks back.
        timeline = page.locator("#sim-timeline")
        box = timeline.bounding_box()
        page.mouse.click(box["x"] + 4, box["y"] + box["height"] / 2)
        expect(status).to_have_attribute("data-status", "past")
        assert entries(page) < present
        viewport_shot(page, "timeline-past-laptop")
        # With the keyboard: End is the present again, with every line back.
        timeline.focus()
        page.keyboard.press("End")
        expect(lines).to_have_count(present)
        expect(status).not_to_have_attribute("data-status", "past")

        page.keyboard.press("Home")
        expect(status).to_have_attribute("data-status", "past")
        page.get_by_role("button", name="Fork from here").click()
        expect(status).not_to_have_attribute("data-status", "past")
        assert entries(page) < present
        page.get_by_role("button", name="Undo the fork").click()
        expect(lines).to_have_count(present)
        expect(page.get_by_role("button", name="Undo the fork")).to_have_count(0)
        page.watch.assert_clean()

    def test_next_event_steps_until_an_event_is_published(self, page):
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        page.get_by_role("button", name="Send command").click()
        page.get_by_role("button", name="Next event").click()
        expect(page.locator("#sim-log-lines")).to_contain_text("publishes the event OrderPlaced")
        expect(page.locator("#sim-now")).to_contain_text("OrderPlaced")
        page.watch.assert_clean()


class TestShare:
    def test_a_shared_link_replays_the_same_run(
        self, page, browser, site_server, assert_accessible
    ):
        open_simulator(page, "/simulator/?scenario=competing-consumers")
        skip_prediction(page)
        page.locator("#sim-transport select[name=value]").select_option("4.0")
        while play_to_next_stop(page) != "finished":
            pass
        original = log_text(page)
        page.get_by_role("button", name="Share this run").click()
        link = page.locator("[data-share-link]")
        expect(link).to_have_value(re.compile(r"^http://.*/simulator/\?replay="))
        address = link.input_value()

        # Someone else, in a browser of their own, opens the link.
        context = browser.new_context(base_url=site_server.url)
        other = context.new_page()
        other.watch = type(page.watch)(other)
        open_simulator(other, address)
        expect(other.locator("h1")).to_contain_text("Shared replay")
        expect(other.locator("#sim-play")).to_be_enabled()
        other.locator("#sim-transport select[name=value]").select_option("4.0")
        while play_to_next_stop(other) != "finished":
            pass
        assert log_text(other) == original
        assert_accessible(other)
        context.close()
        page.watch.assert_clean()


class TestPalette:
    @pytest.mark.parametrize("size", ["laptop", "phone"])
    def test_sending_while_paused_says_so_and_offers_play(self, page, size):
        page.set_viewport_size(SIZES[size])
        open_simulator(page)
        page.get_by_role("button", name="Reset").click()
        expect(page.locator("#sim-log-empty")).to_be_visible()
        page.get_by_role("button", name="Send command").click()
        hint = page.locator("#sim-hint")
        expect(hint).to_contain_text("the run is paused")
        assert_stage_in_view(page, "after sending")
        assert_in_view(page, hint, "the hint")
        viewport_shot(page, f"sent-while-paused-{size}")
        hint.get_by_role("button", name="Play it").click()
        expect(page.locator(".transport__status")).to_have_attribute("data-status", "playing")
        expect(hint).to_be_empty()
        page.watch.assert_clean()


class TestSequence:
    def test_one_arrow_per_delivery_and_a_selected_arrow_lights_its_causes(
        self, page, assert_accessible
    ):
        scenario = load_scenario("order-flow")
        run = scenario.run()
        deliveries = [r for r in run.trace if r.step in ("delivered", "redelivered")]
        subscriptions = len(run.world.topics[run.world.topic_of("OrderPlaced")])
        open_simulator(page, "/simulator/?scenario=order-flow")
        skip_prediction(page)
        page.locator("#sim-transport select[name=value]").select_option("4.0")
        while play_to_next_stop(page) != "finished":
            pass
        page.get_by_role("tab", name="Sequence").click()
        expect(page.locator("#sim-sequence")).to_be_visible()
        expect(page.locator("#sim-picture")).to_be_hidden()
        arrows = page.locator(".seq__row--event .seq__arrow, .seq__row--command .seq__arrow")
        expect(arrows).to_have_count(len(deliveries))
        fan_out = page.locator(".seq__row--event", has_text="OrderPlaced").first
        expect(fan_out.locator(".seq__arrow")).to_have_count(subscriptions)
        for row in page.locator(".seq__row--command").all():
            expect(row.locator(".seq__arrow")).to_have_count(1)
        expect(page.locator(".seq__row--reply .seq__arrow")).not_to_have_count(0)

        # ProcessPayment was caused by OrderPlaced, itself caused by PlaceOrder.
        payment = page.locator(".seq__row--command", has_text="ProcessPayment").first
        payment.focus()
        page.keyboard.press("Enter")
        expect(payment).to_have_attribute("aria-pressed", "true")
        lit = page.locator("#sim-log-lines .log__entry.is-chain")
        for name in ("PlaceOrder", "OrderPlaced", "ProcessPayment", "PaymentCompleted"):
            expect(lit.filter(has_text=name).first).to_be_visible()
        viewport_shot(page, "sequence-laptop")
        assert_accessible(page)
        # A log line selects its chain too; selecting it again clears it.
        line = page.locator("#sim-log-lines .log__entry", has_text="sends the command PlaceOrder")
        line.first.click()
        line.first.click()
        expect(lit).to_have_count(0)
        page.watch.assert_clean()
