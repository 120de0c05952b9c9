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

  // Confirmation before destructive actions.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
    if (!event.defaultPrevented && form.dataset && form.dataset.busy !== undefined) {
      var note = form.querySelector("[data-busy-note]");
      if (note) note.hidden = false;
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhancePicker);
  });
})();
