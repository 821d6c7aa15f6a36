// The campaign YAML editor: line numbers beside the text (kept in step while typing and
// scrolling), and "go to line N" from a located problem puts the caret on that line.
(function () {
  "use strict";
  const area = document.getElementById("campaign-source");
  const gutter = document.querySelector(".yaml-gutter");
  if (!area || !gutter) return;
  const flagged = new Set(Array.from(gutter.querySelectorAll(".flagged")).map(function (s) { return s.textContent; }));
  function number() {
    const parts = area.value.split("\n");  // a final newline ends the last line
    const count = Math.max(1, parts.length - (area.value.endsWith("\n") ? 1 : 0));
    if (gutter.childElementCount === count) return;
    gutter.textContent = "";
    for (let n = 1; n <= count; n++) {
      const span = document.createElement("span");
      span.textContent = String(n);
      if (flagged.has(String(n))) span.className = "flagged";
      gutter.appendChild(span);
      gutter.appendChild(document.createTextNode("\n"));
    }
  }
  area.addEventListener("input", number);
  area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
  document.querySelectorAll("[data-goto-line]").forEach(function (button) {
    button.addEventListener("click", function () {
      const n = parseInt(button.dataset.gotoLine, 10);
      const lines = area.value.split("\n");
      let at = 0;
      for (let i = 0; i < n - 1 && i < lines.length; i++) at += lines[i].length + 1;
      area.focus();
      area.setSelectionRange(at, at + (lines[n - 1] || "").length);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (n - 3) * lineHeight);
    });
  });
  number();
})();
