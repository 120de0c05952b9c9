// tracker — small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Vietnamese text without diacritics, so "so tai chinh" finds "Sở Tài chính".
  function fold(text) {
    return (text || "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  window.trackerFold = fold;

  // Agency pickers: a filter box above each agency <select> that searches as you type.
  function enhancePicker(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.placeholder = document.documentElement.lang === "en" ? "Type to search…" : "Gõ để tìm (có dấu hoặc không dấu)…";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options).map(function (o) { return [o, fold(o.text)]; });
    box.addEventListener("input", function () {
      var q = fold(box.value);
      var matches = options.filter(function (pair) { return !q || pair[1].indexOf(q) !== -1; });
      // one agency: the first that matches what is typed (never the one an earlier keystroke
      // picked: typing "tai chinh" letter by letter must end on Sở Tài chính)
      if (!select.multiple && q) {
        var first = matches.filter(function (pair) { return pair[0].value; })[0];
        if (first) select.value = first[0].value;
      }
      options.forEach(function (pair) {
        pair[0].hidden = !(matches.indexOf(pair) !== -1 || pair[0].selected);
      });
    });
  }

  function busyText() {
    return document.documentElement.lang === "en" ? "Working…" : "Đang xử lý…";
  }

  // Long work (saving a review, uploads, imports, exports) shows that it is working: the
  // button says "Đang xử lý…" and cannot be pressed twice. Disabled only after the submit
  // event, so the pressed button's name/value still reaches the server.
  function markBusy(button) {
    if (button.dataset.idleLabel === undefined) button.dataset.idleLabel = button.textContent;
    button.textContent = busyText();
    button.setAttribute("aria-disabled", "true");
    button.classList.add("busy");
  }
  function clearBusy(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".busy"), function (b) {
      if (b.dataset.idleLabel !== undefined) b.textContent = b.dataset.idleLabel;
      b.removeAttribute("aria-disabled");
      b.classList.remove("busy");
      b.disabled = false;
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-busy-note]"), function (n) { n.hidden = true; });
  }

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
    if (!event.defaultPrevented) form.dataset.submitting = "1";
    if (!event.defaultPrevented && form.dataset && form.dataset.busy !== undefined) {
      var note = form.querySelector("[data-busy-note]");
      if (note) note.hidden = false;
      var pressed = event.submitter || form.querySelector("button:not([type=button])");
      if (pressed) markBusy(pressed);
      var buttons = form.querySelectorAll("button");
      window.setTimeout(function () {
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      }, 0);
    }
  });

  // A download link (exports) answers with a file and the page stays: busy for a few seconds.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-busy]");
    if (!link) return;
    if (link.classList.contains("busy")) { event.preventDefault(); return; }
    markBusy(link);
    window.setTimeout(function () { clearBusy(link.parentNode); }, 4000);
  });

  // Back to a page the browser kept (bfcache): its buttons work again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) clearBusy(document); });

  // A form marked data-guard asks before the page is left with unsaved edits; "always" (the
  // extraction review, which exists nowhere but in this page) asks even without an edit.
  function guard(form) {
    var dirty = form.dataset.guard === "always";
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || form.dataset.submitting) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  // The header's menu on a narrow screen: one button shows and hides the links.
  function menuToggle(button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.hidden = false;
    document.documentElement.classList.add("js-menu");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }

  // The task form: the cadence fields only once a cadence is chosen; the rule only for "custom".
  function cadenceFields(select) {
    var form = select.form;
    function update() {
      var value = select.value;
      Array.prototype.forEach.call(form.querySelectorAll("[data-cadence-field]"), function (el) {
        var wanted = el.dataset.cadenceField;
        var show = value && value !== "none" && (wanted === "any" || wanted === value);
        var invalid = el.classList.contains("has-error");
        el.hidden = !(show || invalid);
      });
    }
    select.addEventListener("change", update);
    update();
  }

  // The extraction review: a link to a row (the error summary's) opens the row it points to.
  function openRow(hash) {
    var target = hash && hash.length > 1 && document.getElementById(hash.slice(1));
    if (!target) return;
    var details = target.querySelector("details") || (target.closest && target.closest("details"));
    if (details) details.open = true;
    var first = target.querySelector("details .has-error input, details .has-error select, details .has-error textarea");
    if (first) first.focus(); else if (target.focus) target.scrollIntoView();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open-row]");
    if (link) openRow(link.getAttribute("href"));
  });
  window.addEventListener("hashchange", function () { openRow(window.location.hash); });

  // "Chọn tất cả" ticks or clears every row's checkbox (shown only when scripts run).
  function selectAll(box) {
    var label = box.closest("label");
    if (label) label.hidden = false;
    var rows = box.form.querySelectorAll("input.select-row");
    box.addEventListener("change", function () {
      Array.prototype.forEach.call(rows, function (r) { r.checked = box.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), selectAll);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhancePicker);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-guard]"), guard);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-menu-toggle]"), menuToggle);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-cadence]"), cadenceFields);
  });
})();
