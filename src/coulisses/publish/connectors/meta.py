"""Meta connectors: Instagram Reels (container, resumable upload, status, media_publish) and
Facebook Page Reels (start, upload, finish). Both upload to ``rupload`` with offset headers."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from coulisses.errors import PlatformError, TransientError
from coulisses.publish.connectors.base import (
    Context,
    Journal,
    Published,
    Upload,
    option_fields,
    read_piece,
)
from coulisses.publish.failures import UNCONFIRMED, UnknownOutcome


def _rupload(ctx: Context, up: Upload, journal: Journal, url: str, uploaded: int) -> None:
    piece = ctx.endpoints.api.chunks.chunk_bytes
    while uploaded < up.size:
        data = read_piece(up.path, uploaded, min(piece, up.size - uploaded))
        ctx.client.call("POST", url, scheme="OAuth", content=data,
                        headers={"offset": str(uploaded), "file_size": str(up.size),
                                 "Content-Type": "application/octet-stream"})
        uploaded += len(data)
        journal.outcome("upload", uploaded=uploaded)


class InstagramConnector:
    P = "instagram"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.api = ctx.endpoints.api

    def _status(self, container: str) -> str:
        r = self.ctx.client.call("GET", self.ctx.endpoints.url("status", container_id=container),
                                 params={"fields": "status_code,status"})
        return str(r.json().get("status_code", ""))

    def _find(self, up: Upload, since: float) -> Published | None:
        """The published reel, found in the account's media by its exact caption and time:
        the Graph API does not link a published container to its media id."""
        r = self.ctx.client.call("GET", self.ctx.endpoints.url("media", user_id=up.account),
                                 params={"fields": "id,caption,timestamp"})
        for item in r.json().get("data") or []:
            stamp = datetime.strptime(item.get("timestamp", "1970-01-01T00:00:00+0000"),
                                      "%Y-%m-%dT%H:%M:%S%z").timestamp()
            if item.get("caption") == up.caption and stamp >= since - 120:
                return Published(str(item["id"]), "")
        return None

    def publish(self, up: Upload, journal: Journal) -> Published:
        st = journal.state
        c = self.ctx.client
        if "container" not in st:
            params: dict[str, Any] = {"media_type": "REELS", "upload_type": "resumable",
                                      "caption": up.caption}
            for key, value in option_fields(self.api, up.options).items():
                params[key] = ",".join(value) if isinstance(value, list) else \
                    str(value).lower() if isinstance(value, bool) else str(value)
            if up.options.get("poll_attachment"):  # a caption poll: at creation or never
                params["poll_attachment"] = json.dumps(up.options["poll_attachment"])
            journal.intent("container")
            r = c.call("POST", self.ctx.endpoints.url("container", user_id=up.account),
                       data=params)
            body = r.json()
            journal.outcome("container", container=str(body["id"]), uri=str(body["uri"]),
                            uploaded=0)
        cid = st["container"]
        if st.get("publishing_since"):  # resumed after asking to publish: ask first
            status = self._status(cid)
            if status == "PUBLISHED":
                found = self._find(up, float(st["publishing_since"]))
                if found:
                    return found
                raise PlatformError(self.P, "published, but the reel is not in the account's "
                                            "media yet", code=UNCONFIRMED,
                                    hint="check the account, then run `publish complete ID URL`")
        if int(st.get("uploaded", 0)) < up.size:
            _rupload(self.ctx, up, journal, st["uri"], int(st.get("uploaded", 0)))
        for _ in range(self.ctx.max_polls):
            status = self._status(cid)
            if status in ("ERROR", "EXPIRED"):
                raise PlatformError(self.P, f"the container is {status}", code=status)
            if status in ("FINISHED", "PUBLISHED"):
                break
            time.sleep(self.ctx.poll_s)
        else:
            raise TransientError("instagram: the container is still processing")
        tries = 0
        while status == "FINISHED":
            tries += 1
            journal.intent("publish", publishing_since=time.time())
            try:
                r = c.call("POST", self.ctx.endpoints.url("publish", user_id=up.account),
                           final=True, data={"creation_id": cid})
                journal.outcome("publish", media_id=str(r.json()["id"]))
                return Published(str(r.json()["id"]), "")
            except UnknownOutcome:
                status = self._status(cid)  # FINISHED: it never landed, safe to ask again
                if status == "FINISHED" and tries >= 3:
                    raise TransientError("instagram: media_publish got no answer three times "
                                         "and the container is not published") from None
        found = self._find(up, float(st.get("publishing_since") or 0))
        if found is None:
            raise PlatformError(self.P, "the container is published but its reel was not found",
                                code=UNCONFIRMED,
                                hint="check the account, then run `publish complete ID URL`")
        return found


class FacebookConnector:
    P = "facebook"

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.api = ctx.endpoints.api

    def _status(self, video: str) -> dict[str, Any]:
        r = self.ctx.client.call("GET", self.ctx.endpoints.url("status", video_id=video),
                                 params={"fields": "status"})
        status: dict[str, Any] = r.json().get("status") or {}
        return status

    def _check(self, video: str) -> Published | None:
        status = self._status(video)
        phase = (status.get("publishing_phase") or {}).get("status")
        if phase == "complete":
            return Published(video, f"https://www.facebook.com/reel/{video}")
        if status.get("video_status") == "error" or phase == "error":
            raise PlatformError(self.P, "Facebook could not process the reel", code="error")
        return None

    def publish(self, up: Upload, journal: Journal) -> Published:
        st = journal.state
        c = self.ctx.client
        reels = self.ctx.endpoints.url("reels", page_id=up.account)
        if "video" not in st:
            journal.intent("start")
            body = c.call("POST", reels, data={"upload_phase": "start"}).json()
            journal.outcome("start", video=str(body["video_id"]), uri=str(body["upload_url"]),
                            uploaded=0)
        elif st.get("finishing"):
            done = self._check(st["video"])
            if done:
                return done
        uploaded = int(st.get("uploaded", 0))
        if uploaded < up.size:
            status = self._status(st["video"])
            uploaded = int((status.get("uploading_phase") or {}).get("bytes_transferred", 0))
            _rupload(self.ctx, up, journal, st["uri"], min(uploaded, int(st.get("uploaded", 0))))
        while not st.get("finished"):
            journal.intent("finish", finishing=True)
            try:
                c.call("POST", reels, final=True, data={
                    "upload_phase": "finish", "video_id": st["video"],
                    "video_state": "PUBLISHED", "description": up.caption,
                    **option_fields(self.api, up.options)})
            except UnknownOutcome:
                phase = (self._status(st["video"]).get("publishing_phase") or {}).get("status")
                if phase == "not_started":  # the finish never landed: safe to send again
                    continue
            journal.outcome("finish", finished=True)
        for _ in range(self.ctx.max_polls):
            done = self._check(st["video"])
            if done:
                return done
            time.sleep(self.ctx.poll_s)
        raise TransientError("facebook: the reel is still processing")
