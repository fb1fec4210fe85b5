/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // After an HTMX swap of a results region, announce the new count to screen readers and move
  // keyboard users who paged to the top of the results (not those typing in a filter).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.hasAttribute("data-results")) return;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.closest && trigger.closest(".pagination")) {
      var heading = document.getElementById(target.getAttribute("data-results-heading"));
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: false }); }
    }
  });
  // Keep shareable URLs short: drop empty filter fields ("?q=&kind=x" → "?kind=x").
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-autosubmit")) return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });
  // Filter forms submit on their own through HTMX; the submit button stays for no-JS visitors.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    document.querySelectorAll("[data-autosubmit] .js-hide-when-htmx").forEach(function (el) {
      el.classList.add("visually-hidden-focusable");
    });
  });
})();
