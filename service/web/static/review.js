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
    document.querySelectorAll(".evidence-box").forEach(function (box) { box.remove(); });
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
    reveal(boxImage(field.dataset.page, start, end) || mark);
  }

  // Scroll the document pane only (not the window, which would move the card away from the clerk).
  function reveal(el) {
    var pane = el.closest(".doc");
    if (!pane) return;
    var top = el.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    if (top < 0 || top > pane.clientHeight - 40) pane.scrollTop += top - pane.clientHeight / 3;
  }

  // On a page image the evidence is boxed at line level: the text layer gives paragraph boxes, and the
  // evidence's lines within its paragraph are taken as equal slices of the paragraph's height.
  function boxImage(pageNumber, start, end) {
    var holder = document.querySelector('.page-image[data-page="' + pageNumber + '"]');
    var entry = texts[pageNumber];
    if (!holder || !holder.dataset.blocks || !entry) return null;
    var width = Number(holder.dataset.width), height = Number(holder.dataset.height);
    var cursor = 0, shown = null;
    JSON.parse(holder.dataset.blocks).forEach(function (block) {
      var text = block[4], at = entry.text.indexOf(text, cursor);
      if (at < 0) return;
      cursor = at + text.length;
      if (end <= at || start >= at + text.length) return;
      var lines = text.split("\n");
      var first = text.slice(0, Math.max(0, start - at)).split("\n").length - 1;
      var last = text.slice(0, Math.min(text.length, end - at)).split("\n").length - 1;
      var lineHeight = (block[3] - block[1]) / lines.length;
      var box = document.createElement("div");
      box.className = "evidence-box";
      box.style.left = (100 * block[0] / width) + "%";
      box.style.width = (100 * (block[2] - block[0]) / width) + "%";
      box.style.top = (100 * (block[1] + first * lineHeight) / height) + "%";
      box.style.height = (100 * (last - first + 1) * lineHeight / height) + "%";
      holder.appendChild(box);
      shown = shown || box;
    });
    return shown;
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
