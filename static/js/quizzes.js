// After an answer is graded in place, move focus to its feedback so keyboard and screen-reader
// users land on the verdict instead of on the page's start. The page works without this file.
(function () {
  "use strict";

  document.addEventListener("htmx:after:settle", function () {
    var target = document.querySelector("[data-focus]");
    if (target) {
      target.removeAttribute("data-focus");
      target.focus();
    }
  });
})();
