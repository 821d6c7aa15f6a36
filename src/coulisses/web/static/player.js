// The rush and cut players: click a word, shot, moment or comment to seek; the word being
// spoken is highlighted and the timeline cursor follows (job progress is studio.js's).
(function () {
  "use strict";
  const video = document.querySelector("video[data-player]");

  function seek(t) {
    if (!video) return;
    video.currentTime = parseFloat(t);
    video.focus();
  }

  document.addEventListener("click", function (event) {
    const target = event.target.closest("[data-seek]");
    if (!target || !video) return;
    event.preventDefault();
    seek(target.dataset.seek);
  });
  document.addEventListener("keydown", function (event) {
    const target = event.target.closest && event.target.closest("[data-seek]");
    if (target && (event.key === "Enter" || event.key === " ") && target.tagName !== "BUTTON" && target.tagName !== "A") {
      event.preventDefault();
      seek(target.dataset.seek);
    }
  });

  if (video) {
    const words = Array.from(document.querySelectorAll(".transcript [data-seek]"));
    const cursor = document.getElementById("timeline-cursor");
    const duration = parseFloat(video.dataset.duration || "0");
    const lanes = cursor ? cursor.closest("svg") : null;  // the rush's lanes start after labels
    const x0 = lanes && lanes.dataset.x0 ? parseFloat(lanes.dataset.x0) : 0;
    const width = lanes && lanes.dataset.width ? parseFloat(lanes.dataset.width) : 1000;
    let current = null;
    video.addEventListener("timeupdate", function () {
      const t = video.currentTime;
      if (cursor && duration > 0) cursor.setAttribute("x", String(x0 + (t / duration) * width));
      let found = null;
      for (const w of words) {
        if (parseFloat(w.dataset.seek) <= t && t < parseFloat(w.dataset.end)) { found = w; break; }
      }
      if (found !== current) {
        if (current) current.classList.remove("speaking");
        if (found) found.classList.add("speaking");
        current = found;
      }
    });
  }

})();
