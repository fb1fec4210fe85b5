/* Behaviour that used to sit in inline handlers, which the Content-Security-Policy (script-src 'self')
   forbids. Wired with data- attributes; every page still works without it:
   - <form data-confirm="Question?">: asks before submitting (no JS: submits at once, as a plain form);
   - <a data-history-back href="fallback">: goes back in history when there is one, else follows href;
   - <ul data-scroll-to-active>: a row of tabs wider than the screen is scrolled so that its active tab
     shows (no JS: the row starts at its first tab). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.closest) return;
    var asking = form.closest("[data-confirm]");
    if (asking && !window.confirm(asking.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scroll-to-active]").forEach(function (row) {
      var active = row.querySelector(".active");
      if (active && row.scrollWidth > row.clientWidth) {
        row.scrollLeft = active.offsetLeft - (row.clientWidth - active.offsetWidth) / 2;
      }
    });
  });
})();
