// Decorates the simulator: moves tokens along the diagram's routes for each record the server
// sends, reflects service states on the diagram, opens a service's panel from its node, draws
// the sequence view from the log lines, keeps the stage in view and the log scrolled, and adds
// keyboard shortcuts. The log, rendered by the server, stays the source of truth; nothing here
// decides the flow.
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let speed = 1;
  let lastView = null;
  let lastLength = 0;

  // Two drawings of one world are in the page (wide and tall); the screen's width picks one.
  function diagram() {
    for (const svg of document.querySelectorAll(".diagram")) {
      if (getComputedStyle(svg).display !== "none") return svg;
    }
    return null;
  }

  function nodeOf(svg, id) {
    return id ? svg.querySelector(`[data-node="${CSS.escape(id)}"]`) : null;
  }

  function point(element) {
    return { x: Number(element.dataset.cx), y: Number(element.dataset.cy) };
  }

  // "Payment#2" took the command: its slot is where the token lands. A single instance is
  // named without a number, and is slot #1.
  function slotOf(node, instance) {
    if (!node) return null;
    const number = instance ? instance.split("#")[1] : "1";
    return node.querySelector(`[data-slot="${CSS.escape(number || "1")}"]`);
  }

  // What the last instant did stays drawn (highlights, and tokens where they arrived) until the
  // next instant is shown: a run stopped at a pause still shows who got what.
  let shown = [];
  let instant = 0; // counts the instants shown, so a token still flying from an older one lands and goes

  function keep(element, name) {
    if (name) element.classList.add(name);
    shown.push([element, name]);
  }

  function forget() {
    instant += 1;
    for (const [element, name] of shown) {
      if (name) element.classList.remove(name);
      else element.remove();
    }
    shown = [];
  }

  function flash(element, step) {
    if (!element) return;
    const name = `node--flash-${step}`;
    element.classList.remove(name);
    // Restart the highlight even when the same step repeats quickly.
    void element.getBoundingClientRect();
    keep(element, name);
  }

  function light(edge) {
    if (edge) keep(edge, "edge--lit");
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
      shape.setAttribute("r", kind === "reply" ? "7" : "9");
    }
    const letter = document.createElementNS(SVG, "text");
    letter.setAttribute("dy", "0.35em");
    letter.textContent = route.step === "rejected" ? "✕" : kind === "reply" ? "✓" : kind === "command" ? "C" : "E";
    group.append(shape, letter);
    return group;
  }

  // The drawn route between two nodes, and the points a token passes along it.
  function path(svg, source, target) {
    const forward = svg.querySelector(
      `.edge[data-source="${CSS.escape(source)}"][data-target="${CSS.escape(target)}"]`,
    );
    const edge =
      forward ||
      svg.querySelector(`.edge[data-source="${CSS.escape(target)}"][data-target="${CSS.escape(source)}"]`);
    if (!edge) return { edge: null, points: null };
    const length = edge.getTotalLength();
    const points = [];
    for (let i = 0; i <= 12; i += 1) {
      const at = edge.getPointAtLength((length * i) / 12);
      points.push({ x: at.x, y: at.y });
    }
    if (!forward) points.reverse();
    return { edge, points };
  }

  function animate(route) {
    const svg = diagram();
    if (!svg) return;
    let to = nodeOf(svg, route.target);
    const from = nodeOf(svg, route.source);
    // A command handed to a handler lands on the instance that took it.
    const handOver = route.kind === "command" && ["delivered", "redelivered"].includes(route.step);
    const slot = handOver ? slotOf(to, route.instance) : null;
    if (slot) keep(slot, "slot--took");
    const { edge, points } = from && to ? path(svg, route.source, route.target) : { edge: null };
    light(edge);
    if (!route.moves || !from || !to || reduceMotion.matches) {
      flash(slot || to || from, route.step);
      return;
    }
    let stops = points || [point(from), point(to)];
    if (slot) stops = [...stops, point(slot)];
    if (route.step === "dropped") stops = stops.slice(0, Math.ceil(stops.length / 2));
    const layer = svg.querySelector(".diagram__tokens");
    const item = token(route);
    layer.append(item);
    const frames = stops.map((p, i) => ({
      transform: `translate(${p.x}px, ${p.y}px)`,
      opacity: route.step === "dropped" && i === stops.length - 1 ? 0 : 1,
    }));
    // A token stays where it arrived, so the copies of one event can be counted at their
    // subscribers; the next instant clears them.
    const motion = item.animate(frames, { duration: 900 / speed, easing: "ease-in-out", fill: "forwards" });
    const born = instant;
    motion.finished.then(() => {
      if (born !== instant) {
        item.remove();
        return;
      }
      keep(item);
      flash(slot || to, route.step);
    }, () => item.remove());
  }

  // Buffered messages, drawn as a short stack of tokens with their number beside it.
  function drawWaiting(node, count) {
    const holder = node.querySelector(".node__waiting");
    if (!holder) return;
    holder.replaceChildren();
    if (!count) return;
    // The stack straddles the box's top right corner, clear of the name; the top token says
    // how many wait.
    const x = Number(node.dataset.x) + Number(node.dataset.w) - 4;
    const y = Number(node.dataset.y) - 9;
    const depth = Math.min(count, 3);
    for (let i = depth - 1; i >= 0; i -= 1) {
      const block = document.createElementNS(SVG, "rect");
      block.setAttribute("class", "waiting__token");
      block.setAttribute("x", String(x - 16 - i * 3));
      block.setAttribute("y", String(y + i * 3));
      block.setAttribute("width", "16");
      block.setAttribute("height", "16");
      holder.append(block);
    }
    const label = document.createElementNS(SVG, "text");
    label.setAttribute("class", "waiting__count");
    label.setAttribute("x", String(x - 8));
    label.setAttribute("y", String(y + 12));
    label.setAttribute("text-anchor", "middle");
    label.textContent = String(count);
    holder.append(label);
  }

  // What a screen reader says about a service: its name and its state, as the picture shows it.
  function describe(node, state) {
    const parts = [state.online ? "online" : "offline"];
    if (state.slow) parts.push("slow");
    if (node.querySelector("[data-slot]")) parts.push(`${state.instances} instance${state.instances === 1 ? "" : "s"}`);
    if (state.buffered) parts.push(`${state.buffered} waiting`);
    return `${node.dataset.label}: ${parts.join(", ")}`;
  }

  function applyView(view) {
    if (!view || !view.services) return;
    lastView = view;
    for (const svg of document.querySelectorAll(".diagram")) {
      for (const [id, state] of Object.entries(view.services)) {
        const node = nodeOf(svg, id);
        if (!node) continue;
        const button = node.querySelector(".node__button");
        if (button) button.setAttribute("aria-label", describe(node, state));
        node.classList.toggle("node--offline", !state.online);
        node.classList.toggle("node--slow", state.slow);
        for (const slot of node.querySelectorAll("[data-slot]")) {
          slot.classList.toggle("slot--off", Number(slot.dataset.slot) > state.instances);
        }
        drawWaiting(node, state.buffered);
        // A subscription the service may take during the run is drawn once it has taken it.
        for (const edge of svg.querySelectorAll(`.edge[data-later][data-target="${CSS.escape(id)}"]`)) {
          edge.classList.toggle("edge--off", !(state.topics || []).includes(edge.dataset.source));
        }
      }
    }
  }

  // -- controls on the nodes: select a service to open its panel ----------------------------

  let selected = null;
  const BUTTONS = '.node__button[role="button"]';

  function showPanels() {
    for (const panel of document.querySelectorAll(".node-panel")) {
      panel.hidden = panel.dataset.service !== selected;
    }
    for (const button of document.querySelectorAll(BUTTONS)) {
      const id = button.parentNode.dataset.node;
      button.setAttribute("aria-expanded", String(id === selected));
      button.parentNode.classList.toggle("node--selected", id === selected);
    }
  }

  function select(id, { focusPanel = false } = {}) {
    selected = selected === id && !focusPanel ? null : id;
    showPanels();
    const panel = selected && document.getElementById(`row-${selected}`);
    if (!panel) return;
    panel.scrollIntoView({ block: "nearest" });
    if (focusPanel) {
      const first = panel.querySelector(".services__controls button, .services__controls select");
      if (first) first.focus();
    }
  }

  function closePanel() {
    const id = selected;
    selected = null;
    showPanels();
    const svg = diagram();
    const node = svg && nodeOf(svg, id);
    if (node) node.querySelector(".node__button").focus();
  }

  // Arrow keys move to the nearest service in that direction; one node at a time is in the
  // Tab order, the one last visited.
  const DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
  function neighbour(button, [dx, dy]) {
    const from = point(button.parentNode);
    let best = null;
    let bestScore = Infinity;
    for (const other of button.ownerSVGElement.querySelectorAll(BUTTONS)) {
      if (other === button) continue;
      const to = point(other.parentNode);
      const along = (to.x - from.x) * dx + (to.y - from.y) * dy;
      if (along <= 0) continue;
      const across = Math.abs((to.x - from.x) * dy) + Math.abs((to.y - from.y) * dx);
      const score = along + across * 2;
      if (score < bestScore) {
        best = other;
        bestScore = score;
      }
    }
    return best;
  }

  function moveTo(button) {
    for (const other of button.ownerSVGElement.querySelectorAll(BUTTONS)) {
      other.setAttribute("tabindex", other === button ? "0" : "-1");
    }
    button.focus();
  }

  document.addEventListener("click", (event) => {
    // The whole box opens the panel, its instance slots included.
    const node = event.target.closest && event.target.closest(".node");
    if (node && node.querySelector(BUTTONS)) select(node.dataset.node);
    if (event.target.closest && event.target.closest("[data-close-panel]")) closePanel();
  });

  document.addEventListener("keydown", (event) => {
    const button = event.target.closest && event.target.closest(BUTTONS);
    if (button && DIRECTIONS[event.key]) {
      event.preventDefault();
      const next = neighbour(button, DIRECTIONS[event.key]);
      if (next) moveTo(next);
    } else if (button && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(button.parentNode.dataset.node, { focusPanel: true });
    } else if (event.key === "Escape" && selected && event.target.closest && event.target.closest(".node-panel")) {
      closePanel();
    }
  });

  // -- the sequence view: one lane per service, one row per message handed over -------------

  const ARROWS = new Set(["delivered", "redelivered", "replied", "rejected"]);
  const LANE = 104;
  const ROW = 30;
  let chain = null; // the message id whose causation chain is lit

  function svgEl(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function drawSequence() {
    const panel = document.getElementById("sim-sequence");
    const svg = document.getElementById("sim-sequence-svg");
    if (!panel || !svg || panel.hidden) return;
    const lanes = [...document.querySelectorAll(".diagram--wide .node--service")].map((n) => n.dataset.label);
    const laneX = (name) => {
      const index = lanes.indexOf(String(name || "").split("#")[0]);
      return index < 0 ? null : LANE / 2 + index * LANE;
    };
    // One row per hand-over, except that the copies of one event share the row of the first:
    // they leave one topic together, whatever small delays each subscription adds.
    const rows = [];
    const fanOut = new Map();
    for (const li of document.querySelectorAll("#sim-log-lines .log__entry[data-to]")) {
      if (!ARROWS.has(li.dataset.step)) continue;
      const kind = li.classList.contains("log__entry--event") ? "event" : "command";
      const row = { data: li.dataset, kind, receivers: li.dataset.to.split("|") };
      if (kind === "event" && li.dataset.step === "delivered") {
        const first = fanOut.get(li.dataset.id);
        if (first) {
          first.receivers.push(...row.receivers);
          continue;
        }
        fanOut.set(li.dataset.id, row);
      }
      rows.push(row);
    }
    const width = lanes.length * LANE;
    const height = 40 + rows.length * ROW + 10;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    const marker = svgEl("marker", {
      id: "seq-arrow",
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse",
    });
    marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
    const defs = svgEl("defs", {});
    defs.append(marker);
    const parts = [defs];
    lanes.forEach((name, i) => {
      const x = LANE / 2 + i * LANE;
      parts.push(svgEl("text", { x, y: 18, class: "seq__lane-name" }, name));
      parts.push(svgEl("line", { x1: x, y1: 26, x2: x, y2: height, class: "seq__lane" }));
    });
    rows.forEach(({ data, kind: sort, receivers: all }, i) => {
      const y = 44 + i * ROW;
      const from = laneX(data.from);
      const receivers = all.filter((name) => laneX(name) !== null);
      if (from === null || !receivers.length) return;
      const reply = data.step === "replied" || data.step === "rejected";
      const kind = reply ? "reply" : sort;
      const row = svgEl("g", {
        class: `seq__row seq__row--${kind}`,
        role: "button",
        tabindex: -1,
        "data-id": data.id,
        "data-seq": data.seq,
        "aria-label": `${data.message}: ${data.from} to ${receivers.join(", ")}${reply ? " (reply)" : ""}`,
      });
      for (const receiver of receivers) {
        const to = laneX(receiver);
        if (to === from) {
          row.append(svgEl("path", { d: `M${from},${y - 6} c26,0 26,12 0,12`, class: "seq__arrow", "marker-end": "url(#seq-arrow)" }));
        } else {
          const end = to > from ? to - 3 : to + 3;
          row.append(svgEl("line", { x1: from, y1: y, x2: end, y2: y, class: "seq__arrow", "marker-end": "url(#seq-arrow)" }));
        }
        if (receiver.includes("#")) {
          // Drawn beside the row, not in it: the row's name already says which instance, and
          // a name must contain all the text its element shows.
          const number = `#${receiver.split("#")[1]}`;
          parts.push(svgEl("text", { x: to, y: y + 13, class: "seq__instance", "aria-hidden": "true" }, number));
        }
      }
      const far = Math.max(...receivers.map(laneX));
      const near = Math.min(...receivers.map(laneX), from);
      row.append(svgEl("text", { x: (near + Math.max(far, from)) / 2, y: y - 5, class: "seq__label" }, data.message));
      parts.push(row);
    });
    svg.replaceChildren(...parts);
    const rowsDrawn = svg.querySelectorAll(".seq__row");
    if (rowsDrawn.length) rowsDrawn[rowsDrawn.length - 1].setAttribute("tabindex", "0");
    lightChain();
  }

  // Everything linked to `chain` by causation ids: what caused it, and what it caused.
  function lightChain() {
    const lines = [...document.querySelectorAll("#sim-log-lines .log__entry[data-id]")];
    const lit = new Set();
    if (chain) {
      const causeOf = new Map(lines.map((li) => [li.dataset.id, li.dataset.cause]));
      for (let id = chain; id && !lit.has(id); id = causeOf.get(id)) lit.add(id);
      let grew = true;
      while (grew) {
        grew = false;
        for (const [id, cause] of causeOf) {
          if (cause && lit.has(cause) && !lit.has(id)) {
            lit.add(id);
            grew = true;
          }
        }
      }
    }
    for (const element of document.querySelectorAll(".seq__row, #sim-log-lines .log__entry[data-id]")) {
      element.classList.toggle("is-chain", lit.has(element.dataset.id));
      if (element.matches(".seq__row")) element.setAttribute("aria-pressed", String(element.dataset.id === chain));
    }
  }

  function pick(id) {
    chain = chain === id ? null : id;
    lightChain();
  }

  function showView(tab) {
    for (const other of document.querySelectorAll(".stage__tab")) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.setAttribute("tabindex", on ? "0" : "-1");
      document.getElementById(other.dataset.view).hidden = !on;
    }
    drawSequence();
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    const tab = target.closest(".stage__tab");
    if (tab) showView(tab);
    const row = target.closest(".seq__row");
    const line = target.closest("#sim-log-lines .log__entry[data-id]");
    if (row || line) pick((row || line).dataset.id);
  });

  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest(".stage__tab");
    if (tab && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      const tabs = [...document.querySelectorAll(".stage__tab")];
      const next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next.focus();
      showView(next);
      event.preventDefault();
      return;
    }
    const row = event.target.closest && event.target.closest(".seq__row");
    if (!row) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const rows = [...row.ownerSVGElement.querySelectorAll(".seq__row")];
      const next = rows[rows.indexOf(row) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        row.setAttribute("tabindex", "-1");
        next.setAttribute("tabindex", "0");
        next.focus();
      }
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      pick(row.dataset.id);
      event.preventDefault();
    }
  });

  // The log line just played, repeated on the stage; the log itself is what screen readers hear.
  function narrate() {
    const now = document.getElementById("sim-now");
    const lines = document.querySelectorAll("#sim-log-lines .log__entry");
    if (now) now.textContent = lines.length ? lines[lines.length - 1].textContent.trim() : "";
  }

  // A message sent from the palette while the run is paused waits at its sender: say so, and
  // offer Play right there, with the stage brought into view.
  let sentWhilePaused = false;
  document.addEventListener("submit", (event) => {
    if (event.target.closest && event.target.closest(".palette")) sentWhilePaused = true;
  });

  function hint() {
    const box = document.getElementById("sim-hint");
    const status = document.querySelector(".transport__status");
    if (!box || !status) return;
    const paused = ["paused", "finished", "empty"].includes(status.dataset.status);
    if (!sentWhilePaused || !paused) {
      if (!paused) box.replaceChildren();
      sentWhilePaused = false;
      return;
    }
    sentWhilePaused = false;
    const text = document.createElement("span");
    text.textContent = "Sent, and waiting: the run is paused. ";
    const play = document.createElement("button");
    play.type = "button";
    play.className = "button button--small button--primary";
    play.textContent = "Play it";
    play.addEventListener("click", () => {
      box.replaceChildren();
      const button = document.getElementById("sim-play");
      if (button) button.click();
    });
    box.replaceChildren(text, play);
    showStage();
  }

  function showStage() {
    const stage = document.getElementById("sim-stage");
    if (!stage) return;
    const box = stage.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) stage.scrollIntoView({ block: "start" });
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
    const next = holder && holder.querySelector("button:not([disabled]), select, input, [tabindex='0']");
    if (next) next.focus();
    else if (holder && holder.closest("#sim-stage")) document.getElementById("sim-play").focus();
  }

  // When a run ends, its question appears below the stage: bring it into view and move the
  // focus to it. A page opened on a finished run leaves the focus where it is.
  let questionShown = null;
  function revealQuestion() {
    const question = document.getElementById("sim-question");
    if (!question) return;
    const shown = !question.hidden;
    if (shown && questionShown === false) {
      question.scrollIntoView({ block: "start" });
      const title = question.querySelector("h2");
      if (title) title.focus({ preventScroll: true });
    }
    questionShown = shown;
  }

  Live.onFrame((frame) => {
    if (typeof frame.speed === "number") speed = frame.speed;
    if (frame.type === "error") return;
    // The server names the replay by its path; the learner copies a whole address.
    for (const input of document.querySelectorAll("[data-share-link]")) {
      input.value = new URL(input.value, window.location.href).href;
    }
    const box = document.getElementById("sim-error");
    if (box && frame.type === "steps") box.textContent = "";
    applyView(frame.view);
    showPanels();
    // A new instant, or a run started over or looked back at: the last instant's marks go.
    if ((frame.routes && frame.routes.length) || (frame.length || 0) < lastLength) forget();
    if (typeof frame.length === "number") lastLength = frame.length;
    (frame.routes || []).forEach(animate);
    Live.scrollLog();
    narrate();
    drawSequence();
    lightChain();
    if (frame.type === "steps" || frame.type === "state") hint();
    keepFocus();
    revealQuestion();
  });

  // The drawing in use changes with the screen's width; the new one gets the current state.
  window.matchMedia("(max-width: 40rem)").addEventListener("change", () => applyView(lastView));

  // Playing or stepping brings the whole stage into view first.
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("#sim-play, #sim-step, #sim-predict button")) {
      showStage();
    }
  });

  document.addEventListener("htmx:ws:after:connection", (event) => {
    Live.setConnection("sim-connection", "open", "Connected");
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
  Live.onClose(() => {
    if (document.hidden) {
      Live.setConnection("sim-connection", "paused", "Paused while this tab is hidden: it catches up when you return.");
    } else {
      Live.setConnection("sim-connection", "closed", "Connection lost: reconnecting, your sandbox is saved…");
    }
  });

  // A page whose log is all there when it loads (a classroom's replay) opens on the sequence.
  drawSequence();

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
