"""YouTube Data API videos.insert, resumable: session URI, 256 KiB pieces, status by Range."""

from __future__ import annotations

import json
from typing import Any

import httpx

from coulisses.errors import PlatformError
from coulisses.publish.connectors.base import Context, Journal, Published, Upload, read_piece
from coulisses.publish.failures import UnknownOutcome

P = "youtube"


def _range_end(response: httpx.Response) -> int:
    """Bytes the server holds, from a 308's ``Range: bytes=0-N`` (none: 0)."""
    value = response.headers.get("range", "")
    return int(value.rsplit("-", 1)[1]) + 1 if "-" in value else 0


class YouTubeConnector:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.api = ctx.endpoints.api

    def _finished(self, response: httpx.Response) -> Published:
        video: dict[str, Any] = response.json()
        status = video.get("status") or {}
        if status.get("uploadStatus") in ("failed", "rejected"):
            reason = status.get("failureReason") or status.get("rejectionReason") or ""
            raise PlatformError(P, f"YouTube could not process the video ({reason})",
                                code=str(reason))
        return Published(str(video["id"]), f"https://www.youtube.com/watch?v={video['id']}")

    def _thumbnail(self, up: Upload, journal: Journal, done: Published) -> Published:
        """Set the custom thumbnail (thumbnails.set); setting it twice is harmless, and a
        refusal (unverified channels cannot use custom thumbnails) does not undo the upload."""
        if up.cover is None or journal.state.get("thumbnail"):
            return done
        kind = "image/png" if up.cover.suffix.lower() == ".png" else "image/jpeg"
        try:
            self.ctx.client.call("POST", self.ctx.endpoints.url("thumbnail"),
                                 params={"videoId": done.platform_id},
                                 content=up.cover.read_bytes(), headers={"Content-Type": kind})
        except (PlatformError, OSError) as exc:
            journal.outcome("thumbnail", thumbnail="refused", thumbnail_error=str(exc))
            return done
        journal.outcome("thumbnail", thumbnail="set")
        return done

    def _metadata(self, up: Upload) -> dict[str, Any]:
        o = up.options
        snippet: dict[str, Any] = {"title": o.get("title") or up.caption.split("\n")[0][:100],
                                   "description": up.caption,
                                   "categoryId": o.get("category", "22")}
        if o.get("tags"):
            snippet["tags"] = o["tags"]
        status = {"privacyStatus": o.get("privacy", "private"),
                  "selfDeclaredMadeForKids": bool(o.get("made_for_kids", False)),
                  "containsSyntheticMedia": bool(o.get("ai_generated", False))}
        return {"snippet": snippet, "status": status}

    def publish(self, up: Upload, journal: Journal) -> Published:
        st = journal.state
        c = self.ctx.client
        uploaded = 0
        if "session" in st:  # resumed: ask the session how many bytes it holds
            r = c.call("PUT", st["session"], ok=(200, 201, 404),
                       headers={"Content-Range": f"bytes */{up.size}"})
            if r.status_code in (200, 201):
                return self._thumbnail(up, journal, self._finished(r))
            if r.status_code == 308:
                uploaded = _range_end(r)
            else:  # the session expired before the last byte: no video exists
                st.pop("session")
        if "session" not in st:
            notify = "true" if up.options.get("notify_subscribers", True) else "false"
            journal.intent("session")
            r = c.call("POST", self.ctx.endpoints.url("upload"), params={
                "uploadType": "resumable", "part": "snippet,status",
                "notifySubscribers": notify},
                content=json.dumps(self._metadata(up)).encode(),
                headers={"Content-Type": "application/json; charset=UTF-8",
                         "X-Upload-Content-Length": str(up.size),
                         "X-Upload-Content-Type": "video/mp4"})
            journal.outcome("session", session=r.headers["location"])
        piece = self.api.chunks.chunk_bytes
        while True:
            last = min(uploaded + piece, up.size) - 1
            final = last == up.size - 1
            if final:
                journal.intent("commit", first=uploaded)
            try:
                r = c.call("PUT", st["session"], final=final,
                           content=read_piece(up.path, uploaded, last - uploaded + 1),
                           headers={"Content-Range": f"bytes {uploaded}-{last}/{up.size}"})
            except UnknownOutcome:
                r = c.call("PUT", st["session"], headers={"Content-Range": f"bytes */{up.size}"})
            if r.status_code in (200, 201):
                journal.outcome("commit", uploaded=up.size)
                return self._thumbnail(up, journal, self._finished(r))
            uploaded = _range_end(r)
            journal.outcome("chunk", uploaded=uploaded)
