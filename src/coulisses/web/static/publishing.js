// coulisses publishing calendar: drag a draft or scheduled post onto another day to move it
// there at the same local time. Without JavaScript (or from the keyboard), the post's page has
// a form that does the same; the server refuses a post that started publishing. On the page
// that connects an account, it follows the link to the platform's sign-in at once.
(function () {
  "use strict";
  var onward = document.querySelector("a[data-continue]");  // connecting: on to the platform
  if (onward) { window.location.assign(onward.href); return; }
  var table = document.querySelector("table.pub-calendar");
  if (!table || table.dataset.movable !== "yes" || !window.coulisses) { return; }
  var base = "/w/" + table.dataset.workspace + "/publishing/posts/";
  table.addEventListener("dragstart", function (event) {
    var link = event.target.closest && event.target.closest("a.post[draggable=true]");
    if (!link) { return; }
    event.dataTransfer.setData("text/plain", link.dataset.post);
    event.dataTransfer.effectAllowed = "move";
  });
  table.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest("td[data-day]")) { event.preventDefault(); }
  });
  table.addEventListener("drop", function (event) {
    var cell = event.target.closest && event.target.closest("td[data-day]");
    var id = event.dataTransfer.getData("text/plain");
    if (!cell || !/^\d+$/.test(id)) { return; }
    event.preventDefault();
    var body = new URLSearchParams({ day: cell.dataset.day, tz: table.dataset.tz,
                                     csrf_token: window.coulisses.csrfToken() });
    window.coulisses.fetch(base + id + "/move", {
      method: "POST", body: body, headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return; }
      return response.text().then(function (text) {
        var note = document.createElement("p");
        note.className = "error";
        note.setAttribute("role", "alert");
        note.textContent = (text.match(/<p class="error[^>]*>([^<]*)/) || [null, text])[1]
          .slice(0, 300);
        table.parentNode.insertBefore(note, table);
      });
    });
  });
}());
