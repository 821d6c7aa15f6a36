// coulisses studio: no framework. Submit buttons marked data-once disable after the first
// click (double-click safety; the server also deduplicates), live job progress is polled from
// /api/jobs/{id}, and window.coulisses.fetch adds the CSRF token to every request.
(function () {
  "use strict";
  var token = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };
  window.coulisses = {
    csrfToken: token,
    fetch: function (url, options) {
      options = options || {};
      options.headers = options.headers || {};
      options.headers["X-CSRF-Token"] = token();
      options.credentials = "same-origin";
      return window.fetch(url, options);
    }
  };
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.hasAttribute("data-once")) {
      if (button.dataset.sent) { event.preventDefault(); return; }
      button.dataset.sent = "1";
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  var labels = { en: { queued: "queued", running: "running", done: "done", failed: "failed" },
                 fr: { queued: "en attente", running: "en cours", done: "terminée", failed: "échouée" } };
  function poll(el) {
    var id = el.getAttribute("data-job");
    var lang = document.documentElement.lang in labels ? document.documentElement.lang : "en";
    window.fetch("/api/jobs/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        var set = function (name, value) {
          var node = el.querySelector('[data-field="' + name + '"]');
          if (node) { if (name === "progress") { node.value = value; } else { node.textContent = value; } }
        };
        set("status", labels[lang][job.status] || job.status);
        var badge = el.querySelector('.badge[data-field="status"]');
        if (badge) { badge.className = "badge status-" + job.status; }
        set("progress", job.progress);
        set("percent", Math.round(job.progress * 100) + "%");
        set("message", job.message);
        if (job.status === "queued" || job.status === "running") {
          window.setTimeout(function () { poll(el); }, 1000);
        } else if (el.getAttribute("data-live") === "yes") {
          el.setAttribute("data-live", "no");
          window.location.reload();
        }
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job]").forEach(function (el) {
      var status = el.querySelector('[data-field="status"]');
      if (el.getAttribute("data-live") === "yes" || (status && /queued|running|attente|cours/.test(status.textContent))) {
        poll(el);
      }
    });
  });
}());
