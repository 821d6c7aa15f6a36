// The rush page as an editor's tool: set the cut's in and out points from the player (buttons,
// or the keys I and O), by shift-clicking a second word, or by selecting transcript words; the
// fields show time codes as the cut page does (mm:ss.ff), the span is drawn on the timeline. Vertical platforms turn captions
// and reframing on until the editor changes those boxes by hand.
(function () {
  "use strict";
  const video = document.querySelector("video[data-player]");
  const start = document.getElementById("cut-start");
  const end = document.getElementById("cut-end");
  const length = document.getElementById("inout-length");
  const lanes = document.getElementById("rush-timeline");
  const band = document.getElementById("timeline-selection");
  if (!start || !end) return;

  // the server's timecode.format_timecode: mm:ss.ff, hh:mm:ss.ff from an hour on
  function clock(t) {
    const cs = Math.max(0, Math.round(t * 100));
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    const s = Math.floor(cs / 100) % 60, rest = cs % 100;
    const two = function (n) { return String(n).padStart(2, "0"); };
    return (h ? two(h) + ":" : "") + two(m) + ":" + two(s) + "." + two(rest);
  }
  function seconds(text) {
    const parts = String(text || "").trim().replace(",", ".").split(":");
    if (!parts[0]) return NaN;
    return parts.reduce(function (acc, p) { return acc * 60 + parseFloat(p); }, 0);
  }
  function show() {
    const a = seconds(start.value), b = seconds(end.value);
    const ok = !isNaN(a) && !isNaN(b) && b > a;
    if (length) length.textContent = ok ? "(" + clock(b - a) + ")" : "";
    if (band && lanes) {
      const d = parseFloat(lanes.dataset.duration || "0");
      const x0 = parseFloat(lanes.dataset.x0 || "0"), w = parseFloat(lanes.dataset.width || "1000");
      band.setAttribute("x", String(ok && d > 0 ? x0 + (a / d) * w : x0));
      band.setAttribute("width", String(ok && d > 0 ? ((b - a) / d) * w : 0));
    }
  }
  function set(field) { if (video) { field.value = clock(video.currentTime); show(); } }

  const setIn = document.getElementById("set-in"), setOut = document.getElementById("set-out");
  if (setIn) setIn.addEventListener("click", function () { set(start); });
  if (setOut) setOut.addEventListener("click", function () { set(end); });
  start.addEventListener("input", show);
  end.addEventListener("input", show);
  document.addEventListener("keydown", function (event) {
    const tag = (event.target && event.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].indexOf(tag) >= 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "i" || event.key === "I") { set(start); event.preventDefault(); }
    if (event.key === "o" || event.key === "O") { set(end); event.preventDefault(); }
  });

  // words: shift-click extends from the last clicked word; a text selection sets both points
  const words = Array.from(document.querySelectorAll(".transcript .word"));
  let anchor = null;
  function choose(first, last) {
    const a = Math.min(parseFloat(first.dataset.seek), parseFloat(last.dataset.seek));
    const b = Math.max(parseFloat(first.dataset.end), parseFloat(last.dataset.end));
    start.value = clock(a);
    end.value = clock(b);
    words.forEach(function (w) {
      const t = parseFloat(w.dataset.seek);
      w.classList.toggle("selected", t >= a && t < b);
    });
    show();
  }
  words.forEach(function (word) {
    word.addEventListener("click", function (event) {
      if (event.shiftKey && anchor) { choose(anchor, word); } else { anchor = word; }
    });
  });
  document.addEventListener("mouseup", function () {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const picked = words.filter(function (w) { return selection.containsNode(w, true); });
    if (picked.length > 1) choose(picked[0], picked[picked.length - 1]);
  });

  // captions and reframing follow the vertical platforms until changed by hand
  const defaults = Array.from(document.querySelectorAll("[data-vertical-default]"));
  defaults.forEach(function (box) { box.addEventListener("change", function () { box.dataset.touched = "1"; }); });
  document.querySelectorAll("input[name=platforms]").forEach(function (box) {
    box.addEventListener("change", function () {
      const upright = Array.from(document.querySelectorAll("input[name=platforms][data-vertical]")).some(function (b) { return b.checked; });
      defaults.forEach(function (d) { if (!d.dataset.touched) d.checked = upright; });
    });
  });
  show();
})();
