// Review: "at current time" and "mark range end" fill the comment form's time codes from the
// player; switching the variant tab switches the player. Forms post normally (no JS needed).
(function () {
  "use strict";
  const video = document.querySelector("video[data-player]");
  const start = document.getElementById("comment-start");
  const end = document.getElementById("comment-end");

  // the server's timecode.format_timecode: mm:ss.ff, hh:mm:ss.ff from an hour on
  function timecode(t) {
    const cs = Math.max(0, Math.round(t * 100));
    const h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60;
    const s = Math.floor(cs / 100) % 60, rest = cs % 100;
    const two = function (n) { return String(n).padStart(2, "0"); };
    return (h ? two(h) + ":" : "") + two(m) + ":" + two(s) + "." + two(rest);
  }

  function stamp(field) {
    if (!video || !field) return;
    field.value = timecode(video.currentTime);
    field.dispatchEvent(new Event("change"));
  }

  const atNow = document.getElementById("comment-at-now");
  if (atNow) atNow.addEventListener("click", function () { stamp(start); if (end) end.value = ""; });
  const rangeEnd = document.getElementById("comment-range-end");
  if (rangeEnd) rangeEnd.addEventListener("click", function () { stamp(end); });

  document.querySelectorAll("[data-variant-src]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!video) return;
      const t = video.currentTime;
      video.src = button.dataset.variantSrc;
      video.currentTime = t;
      document.querySelectorAll("[data-variant-src]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      const platform = document.getElementById("comment-platform");
      if (platform) platform.value = button.dataset.platform || "";
    });
  });

  // one submit per click: a double click sends the same dedupe key twice, the server keeps one
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      const button = form.querySelector("button[type=submit]");
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();

// Version comparison: the two players of a pair play, pause and seek together.
(function () {
  "use strict";
  document.querySelectorAll(".side-by-side").forEach(function (pair) {
    const videos = Array.from(pair.querySelectorAll("video[data-sync]"));
    if (videos.length !== 2) return;
    let busy = false;
    videos.forEach(function (video, i) {
      const other = videos[1 - i];
      function follow(fn) { if (busy) return; busy = true; try { fn(); } finally { busy = false; } }
      video.addEventListener("play", function () { follow(function () { if (other.paused) other.play(); }); });
      video.addEventListener("pause", function () { follow(function () { if (!other.paused) other.pause(); }); });
      video.addEventListener("seeked", function () {
        follow(function () { if (Math.abs(other.currentTime - video.currentTime) > 0.05) other.currentTime = video.currentTime; });
      });
    });
  });
})();
