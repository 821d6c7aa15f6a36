// The jury page's keys: j/k or arrows move between entries, 1-5 score the current one (the
// form is posted as is, so the page works the same without this script), n focuses its note.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-entry]"));
  if (!cards.length) { return; }
  var at = Math.max(0, cards.findIndex(function (c) { return "#" + c.id === location.hash; }));
  function show(i) {
    at = Math.min(cards.length - 1, Math.max(0, i));
    cards.forEach(function (c, j) { c.classList.toggle("current", j === at); });
    cards[at].focus();
    cards[at].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "TEXTAREA") {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); e.target.form.requestSubmit(); }
      if (e.key === "Escape") { e.target.blur(); }
      return;
    }
    if (tag === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var card = cards[at];
    if (e.key === "j" || e.key === "ArrowRight") { show(at + 1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowLeft") { show(at - 1); e.preventDefault(); }
    else if (e.key >= "1" && e.key <= "5") {
      var radio = card.querySelector('input[name="score"][value="' + e.key + '"]');
      if (radio) { radio.checked = true; radio.form.requestSubmit(); }
    } else if (e.key === "n") {
      var note = card.querySelector("textarea"); if (note) { note.focus(); e.preventDefault(); }
    } else if (e.key === " ") {
      var video = card.querySelector("video");
      if (video) { if (video.paused) { video.play(); } else { video.pause(); } e.preventDefault(); }
    }
  });
  show(at);
})();
