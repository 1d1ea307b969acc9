// Review page: Enter moves to the next field, Ctrl+Enter accepts the card, focusing a field highlights
// its evidence in the page text. The page works without it (Tab and the button).
(function () {
  "use strict";
  var form = document.getElementById("card");
  if (!form) return;
  var texts = {};
  document.querySelectorAll("pre.page-text").forEach(function (pre) {
    texts[pre.dataset.page] = { pre: pre, text: pre.textContent };
  });

  function clearMarks() {
    Object.keys(texts).forEach(function (key) {
      var entry = texts[key];
      if (entry.pre.querySelector("mark")) entry.pre.textContent = entry.text;
    });
  }

  function highlight(field) {
    clearMarks();
    if (!field || !field.dataset.page) return;
    var entry = texts[field.dataset.page];
    var start = Number(field.dataset.start), end = Number(field.dataset.end);
    if (!entry || !(end > start) || end > entry.text.length) return;
    var mark = document.createElement("mark");
    mark.textContent = entry.text.slice(start, end);
    entry.pre.textContent = "";
    entry.pre.append(entry.text.slice(0, start), mark, entry.text.slice(end));
    mark.scrollIntoView({ block: "nearest" });
  }

  function controls() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tagName !== "FIELDSET" && el.offsetParent !== null;
    });
  }

  form.addEventListener("focusin", function (event) {
    highlight(event.target.closest(".field"));
  });
  form.addEventListener("click", function (event) {
    var field = event.target.closest(".field");
    if (field && !event.target.closest("input, select, textarea, a, button")) {
      var control = field.querySelector("input:not([type=hidden]), select, textarea");
      if (control) control.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    var target = event.target;
    if (target.form !== form || event.shiftKey || target.tagName === "TEXTAREA" || target.tagName === "BUTTON") return;
    event.preventDefault();
    var all = controls();
    var next = all[all.indexOf(target) + 1];
    if (next) next.focus();
  });
})();
