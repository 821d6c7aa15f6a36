// Resumable chunked upload of rushes (tus-like): create, PATCH chunks at Upload-Offset,
// ask the offset with HEAD after a failure, then finish. The plain form still works without JS.
(function () {
  "use strict";
  const form = document.querySelector("form[data-upload-api]");
  if (!form) return;
  const api = form.dataset.uploadApi;
  const token = form.querySelector("input[name=csrf_token]").value;
  const input = form.querySelector("input[type=file]");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const CHUNK = 8 * 1024 * 1024;
  const headers = { "X-CSRF-Token": token, "Accept": "application/json" };

  function say(text) { status.textContent = text; }

  async function problem(response) {
    try { const body = await response.json(); return body.error + (body.hint ? " (" + body.hint + ")" : ""); }
    catch (e) { return response.status + " " + response.statusText; }
  }

  async function offsetOf(url) {
    const r = await fetch(url, { method: "HEAD", headers: headers, credentials: "same-origin" });
    if (!r.ok) throw new Error(await problem(r));
    return parseInt(r.headers.get("Upload-Offset"), 10);
  }

  async function sendFile(file, index, count) {
    let r = await fetch(api, {
      method: "POST", credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "application/json" }, headers),
      body: JSON.stringify({ name: file.name, size: file.size }),
    });
    if (!r.ok) throw new Error(await problem(r));
    const created = await r.json();
    let offset = 0, failures = 0;
    while (offset < file.size) {
      const end = Math.min(offset + CHUNK, file.size);
      try {
        r = await fetch(created.url, {
          method: "PATCH", credentials: "same-origin", body: file.slice(offset, end),
          headers: Object.assign({ "Content-Type": "application/offset+octet-stream",
                                   "Upload-Offset": String(offset) }, headers),
        });
        if (r.status === 409) { offset = await offsetOf(created.url); continue; }
        if (!r.ok) throw new Error(await problem(r));
        offset = parseInt(r.headers.get("Upload-Offset"), 10);
        failures = 0;
      } catch (err) {
        if (err instanceof TypeError && failures < 8) {  // network: wait, ask, resume
          failures += 1;
          say(form.dataset.msgRetry || "connection lost, resuming...");
          await new Promise((ok) => setTimeout(ok, 1000 * failures));
          offset = await offsetOf(created.url);
          continue;
        }
        throw err;
      }
      bar.value = Math.round(((index + offset / file.size) / count) * 100);
      say(file.name + ": " + Math.round((offset / file.size) * 100) + " %");
    }
    r = await fetch(created.url + "/finish", { method: "POST", credentials: "same-origin", headers: headers });
    if (!r.ok) throw new Error(await problem(r));
    return r.json();
  }

  form.addEventListener("submit", async function (event) {
    if (!window.fetch || !input.files.length) return;  // the plain form does the work
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    bar.hidden = false;
    let last = null;
    try {
      for (let i = 0; i < input.files.length; i++) {
        last = await sendFile(input.files[i], i, input.files.length);
      }
      bar.value = 100;
      say(form.dataset.msgDone || "done");
      if (last && last.url) window.location.assign(input.files.length === 1 ? last.url : form.dataset.after);
    } catch (err) {
      say(String(err.message || err));
      status.setAttribute("role", "alert");
    } finally {
      button.disabled = false;
    }
  });
})();
