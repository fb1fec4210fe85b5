/* Calls and applications: deadline countdowns, conditional questions, small form-builder helpers.
   Every page works without this file: the server renders the remaining time, shows the questions that
   apply to the saved answers, and the builder's buttons are plain forms. */
(function () {
  "use strict";

  // --- countdown: <span data-countdown="ISO deadline" data-label-*="…"> -------------------------------
  function plural(el, n, one, many) {
    return n + " " + el.getAttribute(n === 1 ? "data-label-" + one : "data-label-" + many);
  }
  function renderCountdown(el) {
    var deadline = Date.parse(el.getAttribute("data-countdown"));
    if (isNaN(deadline)) return;
    var seconds = Math.floor((deadline - Date.now()) / 1000);
    if (seconds <= 0) {
      el.textContent = el.getAttribute("data-label-closed");
      el.classList.add("text-danger");
      return;
    }
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var and = " " + el.getAttribute("data-label-and") + " ";
    var left = " " + el.getAttribute("data-label-left");
    var text;
    if (days > 0) text = plural(el, days, "day", "days") + and + plural(el, hours, "hour", "hours");
    else if (hours > 0) text = plural(el, hours, "hour", "hours") + and + plural(el, minutes, "minute", "minutes");
    else text = plural(el, Math.max(minutes, 1), "minute", "minutes");
    el.textContent = text + left;
    el.classList.toggle("text-danger", days === 0);
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(renderCountdown);
  }

  // --- conditional questions: <div data-question="key" data-condition='{"field": k, "values": [...]}'> --
  function answerOf(form, key) {
    var inputs = form.querySelectorAll('[name="' + key + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      if (input.value !== "") values.push(input.value);
    });
    return values;
  }
  function applyConditions(form) {
    var changed = true, guard = 0;
    while (changed && guard++ < 10) {  // conditions may chain
      changed = false;
      form.querySelectorAll("[data-condition]").forEach(function (question) {
        var cond;
        try { cond = JSON.parse(question.getAttribute("data-condition")); } catch (e) { return; }
        var controller = form.querySelector('[data-question="' + cond.field + '"]');
        var controllerShown = !controller || !controller.classList.contains("d-none");
        var values = answerOf(form, cond.field);
        var show = controllerShown && values.some(function (v) { return cond.values.indexOf(v) !== -1; });
        if (question.classList.contains("d-none") === show) {
          question.classList.toggle("d-none", !show);
          changed = true;
        }
      });
    }
  }

  // --- form builder: show the settings of the chosen kind; "Cancel" empties an edit slot ------------
  function showKindSettings(form) {
    var kind = form.querySelector('select[name="kind"]');
    if (!kind) return;
    form.querySelectorAll("[data-kinds]").forEach(function (row) {
      row.classList.toggle("d-none", row.getAttribute("data-kinds").split(" ").indexOf(kind.value) === -1);
    });
  }

  function setup(root) {
    root.querySelectorAll("form[data-autosave]").forEach(applyConditions);
    root.querySelectorAll("form[data-field-form]").forEach(showKindSettings);
    if (window.htmx) {
      root.querySelectorAll("[data-upload-button]").forEach(function (el) { el.classList.add("d-none"); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    if (document.querySelector("[data-countdown]")) window.setInterval(tick, 30000);
    setup(document);
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
  document.addEventListener("htmx:afterSettle", function (event) { setup(event.target || document); });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form");
    if (!form) return;
    if (form.hasAttribute("data-autosave")) applyConditions(form);
    if (form.hasAttribute("data-field-form") && event.target.name === "kind") showKindSettings(form);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-clear]");
    if (!button) return;
    var slot = document.querySelector(button.getAttribute("data-clear"));
    if (slot) slot.innerHTML = "";
  });
})();
