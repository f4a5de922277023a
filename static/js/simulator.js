// Decorates the simulator: moves tokens along the diagram for each route the server sends,
// reflects service states on the diagram, keeps the log scrolled, and adds keyboard shortcuts.
// The log, rendered by the server, stays the source of truth; nothing here decides the flow.
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let speed = 1;

  function centre(id) {
    const node = document.getElementById(id);
    if (!node) return null;
    return { x: Number(node.dataset.cx), y: Number(node.dataset.cy), node };
  }

  function flash(node, step) {
    if (!node) return;
    const name = `node--flash-${step}`;
    node.classList.remove(name);
    // Restart the highlight even when the same step repeats quickly.
    void node.getBoundingClientRect();
    node.classList.add(name);
    window.setTimeout(() => node.classList.remove(name), 1200 / speed);
  }

  function token(route) {
    const group = document.createElementNS(SVG, "g");
    const kind = route.step === "replied" || route.step === "rejected" ? "reply" : route.kind;
    group.setAttribute("class", `token token--${kind} token--${route.step}`);
    let shape;
    if (kind === "command") {
      shape = document.createElementNS(SVG, "rect");
      shape.setAttribute("x", "-9");
      shape.setAttribute("y", "-9");
      shape.setAttribute("width", "18");
      shape.setAttribute("height", "18");
    } else {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("r", kind === "reply" ? "7" : "10");
    }
    const letter = document.createElementNS(SVG, "text");
    letter.setAttribute("dy", "0.35em");
    letter.textContent = route.step === "rejected" ? "✕" : kind === "reply" ? "✓" : kind === "command" ? "C" : "E";
    group.append(shape, letter);
    return group;
  }

  function animate(route) {
    const to = route.target ? centre(route.target) : null;
    const from = route.source ? centre(route.source) : null;
    if (!route.moves || !from || !to || reduceMotion.matches) {
      flash(to && to.node, route.step);
      return;
    }
    const layer = document.getElementById("sim-tokens");
    if (!layer) return;
    const item = token(route);
    layer.append(item);
    const end = route.step === "dropped" ? { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 } : to;
    const motion = item.animate(
      [
        { transform: `translate(${from.x}px, ${from.y}px)`, opacity: 1 },
        { transform: `translate(${end.x}px, ${end.y}px)`, opacity: route.step === "dropped" ? 0 : 1 },
      ],
      { duration: 650 / speed, easing: "ease-in-out", fill: "forwards" },
    );
    motion.finished.then(() => {
      item.remove();
      flash(to.node, route.step);
    }, () => item.remove());
  }

  function applyView(view) {
    if (!view || !view.services) return;
    for (const [id, state] of Object.entries(view.services)) {
      const node = document.getElementById(id);
      if (!node) continue;
      node.classList.toggle("node--offline", !state.online);
      node.classList.toggle("node--slow", state.slow);
      const badge = node.querySelector(".node__badge");
      if (badge) {
        const parts = [];
        if (state.instances > 1) parts.push(`×${state.instances}`);
        if (state.buffered) parts.push(`${state.buffered} waiting`);
        badge.textContent = parts.join(" ");
      }
    }
  }

  function scrollLog() {
    const log = document.querySelector(".log__scroll");
    if (log) log.scrollTop = log.scrollHeight;
  }

  function setConnection(state, text) {
    const status = document.getElementById("sim-connection");
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  }

  // Remembers the focused control and the nearest element with an id around it, so that a
  // control removed by the frame it caused (Subscribe, once subscribed) hands the keyboard focus
  // to its neighbours instead of dropping it back to the top of the page.
  let lastFocus = null;
  document.addEventListener("focusin", (event) => {
    const holder = event.target.parentElement && event.target.parentElement.closest("[id]");
    lastFocus = { element: event.target, holder: holder ? holder.id : null };
  });

  function keepFocus() {
    if (!lastFocus || lastFocus.element.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const holder = lastFocus.holder && document.getElementById(lastFocus.holder);
    const next = holder && holder.querySelector("button, select, input, [tabindex='0']");
    if (next) next.focus();
  }

  document.addEventListener("htmx:ws:after:message:incoming", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.detail.message.data);
    } catch {
      return;
    }
    if (typeof frame.speed === "number") speed = frame.speed;
    if (frame.type === "error") return;
    const box = document.getElementById("sim-error");
    if (box && frame.type === "steps") box.textContent = "";
    applyView(frame.view);
    (frame.routes || []).forEach(animate);
    scrollLog();
    keepFocus();
  });

  document.addEventListener("htmx:ws:after:connection", (event) => {
    setConnection("open", "Connected");
    // `?scenario=` asks the first connection to load a scenario. A reconnect (the tab was hidden,
    // the network dropped) must pick up the sandbox as it is now, perhaps changed in another tab,
    // so later attempts go to the bare endpoint and the server answers with the whole state.
    const connection = event.detail && event.detail.connection;
    if (connection && typeof connection.url === "string") {
      const url = new URL(connection.url);
      url.searchParams.delete("scenario");
      connection.url = url.toString();
    }
  });
  document.addEventListener("htmx:ws:close", () => {
    if (document.hidden) {
      setConnection("paused", "Paused while this tab is hidden: it catches up when you return.");
    } else {
      setConnection("closed", "Connection lost: reconnecting, your sandbox is saved…");
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    const button = document.querySelector(`[data-shortcut="${CSS.escape(event.key.toLowerCase())}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
