// Moderation queue shortcuts: on a focused row, a approves, d declines, b declines and
// blocks, t trusts; j and k move between rows; x selects the row for a bulk action.
"use strict";
(function () {
  const form = document.getElementById("bs-queue");
  if (!form) return;
  const keys = { a: "approve", d: "decline", b: "block", t: "trust" };
  const rows = () => Array.from(form.querySelectorAll("tr[data-comment]"));
  form.addEventListener("keydown", (event) => {
    const row = event.target.closest && event.target.closest("tr[data-comment]");
    if (!row || event.ctrlKey || event.metaKey || event.altKey) return;
    const box = row.querySelector("input[type=checkbox]");
    const list = rows(), at = list.indexOf(row);
    if (event.key === "j" || event.key === "k") {
      const next = list[at + (event.key === "j" ? 1 : -1)];
      if (next) next.focus();
    } else if (event.key === "x") {
      box.checked = !box.checked;
    } else if (keys[event.key]) {
      if (!form.querySelector("input[name=comment]:checked")) box.checked = true;
      const button = form.querySelector(`button[value=${keys[event.key]}]`);
      if (button) button.click();
    } else {
      return;
    }
    event.preventDefault();
  });
})();
