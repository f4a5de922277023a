// Keeps a room page pleasant while the server redraws its panels: says whether the socket is
// connected, keeps what a learner is typing (a rejection reason) across redraws, keeps the log
// scrolled to the newest line, and marks an inbox item that has just arrived. The room's state
// always comes from the server; nothing here decides anything.
(() => {
  let kept = null;

  function setConnection(state, text) {
    Live.setConnection("room-connection", state, text);
  }

  function keepTyping() {
    const fields = document.querySelectorAll("#room-inbox input[type=text], #room-poll input:checked");
    const active = document.activeElement;
    kept = {
      values: Array.from(fields, (field) => [field.id, field.value]).filter(([id]) => id),
      focus: active && active.id ? active.id : null,
    };
  }

  function restoreTyping() {
    if (!kept) return;
    for (const [id, value] of kept.values) {
      const field = document.getElementById(id);
      if (field && field.type === "text" && !field.value) field.value = value;
    }
    if (kept.focus && document.activeElement === document.body) {
      const field = document.getElementById(kept.focus);
      if (field) field.focus();
    }
    kept = null;
  }

  document.addEventListener("htmx:ws:before:message:incoming", keepTyping);

  Live.onFrame((frame) => {
    restoreTyping();
    // Connected only once the room itself has arrived: a socket the server closes at once (its
    // messaging is down) must not flash "Connected".
    if (frame.type === "room") setConnection("open", "Connected");
    if (frame.type !== "error") {
      const box = document.getElementById("room-error");
      if (box && frame.type === "update") box.textContent = "";
    }
    if (frame.for_you && frame.record && frame.record.mid) {
      const item = document.getElementById(`inbox-${frame.record.mid}`);
      if (item) item.classList.add("inbox-item--new");
    }
    Live.scrollLog();
  });

  // Something new for this learner (a message in their inbox, a poll, a poll's answer): the
  // server's sentence goes to the live region, the panel it names is brought into view unless
  // the learner is typing, and the phone buzzes where the browser lets a page do that.
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let quiet = null;
  Live.onFrame((frame) => {
    const box = document.getElementById("room-announce");
    if (!frame.announce || !box) return;
    box.textContent = frame.announce;
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      box.textContent = "";
    }, 12000);
    const target = frame.target && document.getElementById(frame.target);
    const typing = document.activeElement && document.activeElement.matches("input[type=text], textarea");
    if (target && !typing) {
      target.scrollIntoView({ block: "center", behavior: reduceMotion.matches ? "auto" : "smooth" });
    }
    const allowed = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (typeof navigator.vibrate === "function" && allowed) navigator.vibrate(150);
  });

  Live.onClose((code) => {
    if (code === 4003) {
      setConnection("closed", "You are not in this room. Join it again with its code.");
    } else if (code === 4029) {
      setConnection("closed", "This room is open in too many of your tabs: use one of those.");
    } else {
      setConnection("closed", "Connection lost: reconnecting. Nothing in the room is lost.");
    }
  });
})();
