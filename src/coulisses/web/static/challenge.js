// A challenge's submission page: the chosen video goes up in resumable chunks (the studio's
// protocol: create, PATCH at Upload-Offset, HEAD after a failure), then the form is sent with
// the upload's id. A failed form keeps the upload: fixing a field does not send it again.
(function () {
  "use strict";
  const form = document.getElementById("entry-form");
  if (!form) return;
  const api = form.dataset.uploadApi;
  const input = document.getElementById("video");
  const hidden = document.getElementById("upload-id");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const token = document.querySelector("meta[name=csrf-token]").content;
  const headers = { "X-CSRF-Token": token, "Accept": "application/json" };
  const CHUNK = 8 * 1024 * 1024;
  let sent = hidden.value ? { name: null } : null;

  function say(text) { status.textContent = text; }
  async function problem(r) {
    try { const b = await r.json(); return b.error + (b.hint ? " (" + b.hint + ")" : ""); }
    catch (e) { return r.status + " " + r.statusText; }
  }
  async function offsetOf(url) {
    const r = await fetch(url, { method: "HEAD", headers: headers, credentials: "same-origin" });
    if (!r.ok) throw new Error(await problem(r));
    return parseInt(r.headers.get("Upload-Offset"), 10);
  }
  async function upload(file) {
    let r = await fetch(api, { method: "POST", credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers),
      body: JSON.stringify({ name: file.name, size: file.size }) });
    if (!r.ok) throw new Error(await problem(r));
    const made = await r.json();
    let offset = 0, failures = 0;
    bar.hidden = false;
    while (offset < file.size) {
      const end = Math.min(offset + CHUNK, file.size);
      try {
        r = await fetch(made.url, { method: "PATCH", credentials: "same-origin",
          body: file.slice(offset, end),
          headers: Object.assign({ "Content-Type": "application/offset+octet-stream",
                                   "Upload-Offset": String(offset) }, headers) });
        if (r.status === 409) { offset = await offsetOf(made.url); continue; }
        if (!r.ok) throw new Error(await problem(r));
        offset = parseInt(r.headers.get("Upload-Offset"), 10);
        failures = 0;
      } catch (err) {
        if (err instanceof TypeError && failures < 8) {
          failures += 1;
          say(form.dataset.msgRetry);
          await new Promise((ok) => setTimeout(ok, 1000 * failures));
          offset = await offsetOf(made.url);
          continue;
        }
        throw err;
      }
      bar.value = Math.round((offset / file.size) * 100);
      say(form.dataset.msgSending + " " + bar.value + " %");
    }
    return made.id;
  }
  input.addEventListener("change", function () { sent = null; hidden.value = ""; });
  form.addEventListener("submit", async function (event) {
    if (sent && hidden.value) return;  // already up: send the form
    event.preventDefault();
    if (!input.files.length) { say(form.dataset.msgChoose); input.focus(); return; }
    const button = document.getElementById("send");
    button.disabled = true;
    try {
      hidden.value = await upload(input.files[0]);
      sent = { name: input.files[0].name };
      form.submit();
    } catch (err) {
      say(err.message);
      button.disabled = false;
    }
  });
})();
