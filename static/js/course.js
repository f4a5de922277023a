// Small enhancements for the course pages; every page works without this file.
(function () {
  "use strict";

  function revealPrintButtons(root) {
    root.querySelectorAll("[data-print][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { revealPrintButtons(document); });
  } else {
    revealPrintButtons(document);
  }
})();
