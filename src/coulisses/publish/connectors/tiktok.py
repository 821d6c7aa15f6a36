"""TikTok Content Posting API: creator info, init FILE_UPLOAD, chunk PUTs, status fetch."""

from __future__ import annotations

import time
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
from coulisses.publish.failures import UnknownOutcome

P = "tiktok"


def chunk_plan(size: int, single_max: int, chunk: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) by the media transfer guide: one chunk up to
    ``single_max``; otherwise ``floor(size / chunk)`` chunks, the remainder in the last."""
    if size <= single_max:
        return size, 1
    return chunk, size // chunk


class TikTokConnector:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.api = ctx.endpoints.api

    def _status(self, publish_id: str) -> dict[str, Any]:
        r = self.ctx.client.call("POST", self.ctx.endpoints.url("status"),
                                 json={"publish_id": publish_id})
        data: dict[str, Any] = r.json().get("data") or {}
        return data

    def _done(self, up: Upload, data: dict[str, Any]) -> Published | None:
        status = data.get("status")
        if status == "FAILED":
            raise PlatformError(P, f"TikTok could not publish: {data.get('fail_reason', '')}",
                                code=str(data.get("fail_reason", "")))
        if status in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX"):
            ids = data.get("publicaly_available_post_id") or [""]
            post_id = str(ids[0])
            return Published(post_id, f"https://www.tiktok.com/@{up.account}/video/{post_id}")
        return None

    def publish(self, up: Upload, journal: Journal) -> Published:
        st = journal.state
        c = self.ctx.client
        rules = self.api.chunks
        chunk, count = chunk_plan(up.size, rules.single_max_bytes, rules.chunk_bytes)
        if "publish_id" in st:  # resumed: ask TikTok where this upload stands
            data = self._status(st["publish_id"])
            done = self._done(up, data)
            if done:
                return done
            uploaded = int(data.get("uploaded_bytes") or 0)
        else:
            info = c.call("POST", self.ctx.endpoints.url("creator_info")).json().get("data", {})
            privacy = up.options.get("privacy", "SELF_ONLY")
            allowed = info.get("privacy_level_options") or []
            if privacy not in allowed:
                raise PlatformError(P, f"privacy {privacy} is not offered to this creator",
                                    hint=f"one of {', '.join(allowed)}; unaudited apps post "
                                         "SELF_ONLY only")
            limit = info.get("max_video_post_duration_sec")
            if limit and up.duration_s > float(limit):
                raise PlatformError(P, f"{up.duration_s:.0f} s is longer than this creator's "
                                       f"{limit} s")
            post_info = {"title": up.caption, "privacy_level": privacy,
                         **option_fields(self.api, up.options)}
            journal.intent("init")
            r = c.call("POST", self.ctx.endpoints.url("init"), json={
                "post_info": post_info,
                "source_info": {"source": "FILE_UPLOAD", "video_size": up.size,
                                "chunk_size": chunk, "total_chunk_count": count}})
            data = r.json().get("data") or {}
            journal.outcome("init", publish_id=data["publish_id"], upload_url=data["upload_url"])
            uploaded = 0
        for _ in range(self.ctx.max_polls):
            self._send(up, journal, uploaded, chunk, count)
            data = self._status(st["publish_id"])
            done = self._done(up, data)
            if done:
                return done
            uploaded = int(data.get("uploaded_bytes") or 0)
            if uploaded >= up.size:  # all bytes landed: TikTok is processing
                time.sleep(self.ctx.poll_s)
        raise TransientError("tiktok: still processing", hint="the worker asks again later")

    def _send(self, up: Upload, journal: Journal, uploaded: int, chunk: int, count: int) -> None:
        """PUT the chunks from the one holding byte ``uploaded`` on, in order."""
        for index in range(uploaded // chunk if uploaded < up.size else count, count):
            first = index * chunk
            last = up.size - 1 if index == count - 1 else first + chunk - 1
            final = index == count - 1
            if final:
                journal.intent("commit", first=first)
            try:
                self.ctx.client.call(
                    "PUT", journal.state["upload_url"], auth=False, final=final, ok=(200, 201, 206),
                    content=read_piece(up.path, first, last - first + 1),
                    headers={"Content-Type": "video/mp4",
                             "Content-Range": f"bytes {first}-{last}/{up.size}"})
            except UnknownOutcome:
                return  # the status fetch says whether the last chunk landed
            journal.outcome("commit" if final else "chunk", uploaded=last + 1)
