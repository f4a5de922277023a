// What every live page does with its WebSocket, whatever it shows: reads each frame the server
// sends as JSON, shows whether the socket is connected, and keeps a log scrolled to its newest
// line. The page's own script (simulator.js, classroom.js) decides what a frame means to it.
(() => {
  // Calls `handle(frame, event)` for every frame that is a JSON object; anything else is not
  // the server's, or is not for the page, and is left alone.
  function onFrame(handle) {
    document.addEventListener("htmx:ws:after:message:incoming", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.detail.message.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") handle(frame, event);
    });
  }

  // Calls `handle(code)` when the socket closes; the extension reconnects by itself.
  function onClose(handle) {
    document.addEventListener("htmx:ws:close", (event) => {
      handle(event.detail && event.detail.code);
    });
  }

  // The status line's `data-state` (open, paused, closed) picks its look in site.css.
  function setConnection(id, state, text) {
    const status = document.getElementById(id);
    if (!status) return;
    status.dataset.state = state;
    status.textContent = text;
  }

  function scrollLog() {
    const log = document.querySelector(".log__scroll");
    if (log) log.scrollTop = log.scrollHeight;
  }

  window.Live = Object.freeze({ onFrame, onClose, setConnection, scrollLog });
})();
