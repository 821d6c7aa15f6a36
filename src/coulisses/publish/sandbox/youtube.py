"""Sandbox routes for YouTube's resumable upload: session, 256 KiB pieces, 308 Range, status."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox.context import Sandbox, content_range

P = "youtube"


def _video(session: dict[str, Any]) -> dict[str, Any]:
    failed = session["state"] == "failed"
    return {"kind": "youtube#video", "id": session.get("video_id", ""),
            "snippet": session["meta"].get("snippet", {}),
            "status": {**session["meta"].get("status", {}),
                       "uploadStatus": "failed" if failed else "uploaded",
                       **({"failureReason": "conversion"} if failed else {})}}


def _incomplete(received: int) -> Response:
    headers = {"Range": f"bytes=0-{received - 1}"} if received else {}
    return Response(status_code=308, headers=headers)


def routes(sb: Sandbox) -> APIRouter:
    r = APIRouter(prefix="/youtube")
    path = sb.apis[P].endpoints["upload"]
    multiple = sb.apis[P].chunks.multiple_of

    @r.post(path)
    async def start(request: Request) -> Response:
        sb.gate(P)
        account = sb.account_of(P, request)
        if request.query_params.get("uploadType") != "resumable":
            raise sb.fail(P, 400, "invalidParameter", "uploadType must be resumable")
        try:
            size = int(request.headers.get("x-upload-content-length", ""))
        except ValueError:
            raise sb.fail(P, 400, "invalidParameter",
                          "X-Upload-Content-Length is required") from None
        meta = await request.json()
        sb.quota(P)
        snippet = meta.get("snippet") or {}
        sid = sb.store.new_session(P, account, {
            "size": size, "meta": meta, "caption": snippet.get("description", ""),
            "options": {"notifySubscribers": request.query_params.get("notifySubscribers", "true"),
                        **(meta.get("status") or {})}})
        location = f"{str(request.base_url).rstrip('/')}/youtube{path}?uploadType=resumable" \
                   f"&upload_id={sid}"
        return Response(status_code=200, headers={"Location": location})

    @r.put(path)
    async def put(request: Request) -> Response:
        sb.gate(P)
        sb.account_of(P, request)
        session = sb.store.session(request.query_params.get("upload_id", ""))
        if session is None or session["platform"] != P:
            raise sb.fail(P, 404, "notFound", "no such upload session")
        try:
            first, last, total = content_range(request.headers.get("content-range", ""))
        except ValueError:
            raise sb.fail(P, 400, "invalidParameter", "Content-Range is malformed") from None
        if total != session["size"]:
            raise sb.fail(P, 400, "invalidParameter", "the total does not match the session")
        if first is None or last is None:  # a status query
            if session["state"] in ("done", "failed"):
                return JSONResponse(_video(session), status_code=200)
            return _incomplete(session["received"])
        body = await request.body()
        if len(body) != last - first + 1:
            raise sb.fail(P, 400, "invalidParameter", "the body does not match Content-Range")
        if last + 1 < total and len(body) % multiple:
            raise sb.fail(P, 400, "invalidParameter",
                          f"pieces must be multiples of {multiple} bytes")
        if first > session["received"]:
            raise sb.fail(P, 400, "invalidParameter", "bytes are missing before this piece")
        if session["state"] in ("done", "failed"):
            return JSONResponse(_video(session), status_code=200)
        received = max(session["received"], sb.store.write_bytes(session["id"], first, body))
        session = sb.store.update(session["id"], received=received)
        if received < total:
            return _incomplete(received)
        video_id = f"yt{sb.store.next_number('yt-video'):09d}"
        if sb.dice.roll("processing"):
            session = sb.store.update(session["id"], state="failed", video_id=video_id)
        else:
            sb.store.record_post(session, video_id)
            session = sb.store.update(session["id"], state="done", video_id=video_id)
        sb.drop_after_commit(request)
        return JSONResponse(_video(session), status_code=201)

    @r.post(sb.apis[P].endpoints["thumbnail"])
    async def thumbnail(request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        video_id = request.query_params.get("videoId", "")
        session = sb.store.find_session(P, "video_id", video_id)
        if session is None or session["account"] != account or session["state"] != "done":
            raise sb.fail(P, 404, "videoNotFound", f"no video {video_id}")
        image = await request.body()
        if not image or len(image) > 2 * 1024 * 1024:
            raise sb.fail(P, 400, "mediaBodyRequired" if not image else "invalidImage",
                          "the thumbnail must be an image of at most 2 MB")
        digest = hashlib.sha256(image).hexdigest()
        sb.store.update(session["id"], thumbnail=digest)
        return JSONResponse({"kind": "youtube#thumbnailSetResponse",
                             "items": [{"default": {"url": f"sandbox://{digest}"}}]})

    return r
