// The projector's own touches on the simulator's diagram: it writes on each service's box the
// names of the learners who play it (read from the cast list the server sends), and repeats the
// newest line of the room's log in large type under the picture. The tokens themselves are
// moved by the simulator's script from the routes in each frame; nothing here decides anything.
(() => {
  // Roughly how wide a caption's letter is, in the diagram's units, for a drawing that is not
  // shown (the phone's or the laptop's), which the browser cannot measure.
  const LETTER = 7.5;

  function fit(text, names, room) {
    // As many names as fit on the box, then how many more there are.
    const measure = () => (text.getComputedTextLength() || text.textContent.length * LETTER);
    for (let shown = names.length; shown > 0; shown -= 1) {
      const rest = names.length - shown;
      text.textContent = names.slice(0, shown).join(", ") + (rest ? ` +${rest}` : "");
      if (measure() <= room) return;
    }
    text.textContent = `${names.length} playing`;
  }

  function writeCaptions() {
    const cast = new Map();
    for (const row of document.querySelectorAll("#room-roster li[data-node]")) {
      cast.set(row.dataset.node, Array.from(row.querySelectorAll("[data-person]"), (p) => p.textContent.trim()));
    }
    for (const text of document.querySelectorAll(".diagram [data-caption]")) {
      const names = cast.get(text.dataset.caption) || [];
      const node = text.closest(".node");
      node.classList.toggle("node--played", names.length > 0);
      if (!names.length) {
        text.textContent = "nobody yet";
        continue;
      }
      fit(text, names, Number(node.dataset.w) - 10);
    }
  }

  function sayNow() {
    const now = document.getElementById("projector-now");
    const lines = document.querySelectorAll("#room-log-lines .log__line");
    if (now) now.textContent = lines.length ? lines[lines.length - 1].textContent.trim() : "";
  }

  function refresh() {
    writeCaptions();
    sayNow();
  }

  document.addEventListener("htmx:ws:after:message:incoming", refresh);
  refresh();
})();
