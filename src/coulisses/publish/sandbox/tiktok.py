"""Sandbox routes for TikTok's Content Posting API: creator info, init, chunk PUTs, status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox.context import Sandbox, content_range

P = "tiktok"


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"data": data, "error": {"code": "ok", "message": "", "log_id": "sb"}})


def chunk_plan_error(sb: Sandbox, size: int, chunk: int, count: int) -> str | None:
    """Why TikTok's media transfer rules refuse this plan, or None."""
    rules = sb.apis[P].chunks
    if count < 1 or count > rules.max_count or chunk < 1:
        return "The total chunk count is invalid"
    if count == 1:
        return None if chunk == size and size <= rules.single_max_bytes else \
            "The chunk size is invalid"
    if not rules.min_bytes <= chunk <= rules.max_bytes or count != size // chunk:
        return "The chunk size is invalid"
    last = size - chunk * (count - 1)
    if rules.last_max_bytes is not None and last > rules.last_max_bytes:
        return "The chunk size is invalid"
    return None


def routes(sb: Sandbox) -> APIRouter:
    r = APIRouter(prefix="/tiktok")
    api = sb.apis[P]

    @r.post(api.endpoints["creator_info"])
    def creator_info(request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        return _ok({"creator_username": account, "creator_nickname": account,
                    "privacy_level_options": api.options["privacy"].values,
                    "comment_disabled": False, "duet_disabled": False, "stitch_disabled": False,
                    "max_video_post_duration_sec": int(api.limits.max_seconds)})

    @r.post(api.endpoints["init"])
    async def init(request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        body = await request.json()
        source = body.get("source_info") or {}
        info = body.get("post_info") or {}
        if source.get("source") != "FILE_UPLOAD":
            raise sb.fail(P, 400, "invalid_params", "source must be FILE_UPLOAD here")
        if info.get("privacy_level") not in api.options["privacy"].values:
            raise sb.fail(P, 400, "invalid_params", "privacy_level is not one of the options")
        size, chunk, count = (int(source.get(k) or 0) for k in
                              ("video_size", "chunk_size", "total_chunk_count"))
        problem = chunk_plan_error(sb, size, chunk, count)
        if problem is None and sb.dice.roll("chunk_size"):
            problem = "The chunk size is invalid"
        if problem:
            raise sb.fail(P, 400, "invalid_params", problem)
        sb.quota(P)
        number = sb.store.next_number("tiktok")
        publish_id = f"v_pub_file~v2-1.{number}"
        sid = sb.store.new_session(P, account, {
            "publish_id": publish_id, "size": size, "chunk": chunk, "count": count,
            "caption": info.get("title", ""), "options": info, "status": "PROCESSING_UPLOAD"})
        url = f"{str(request.base_url).rstrip('/')}/tiktok/upload/{sid}"
        return _ok({"publish_id": publish_id, "upload_url": url})

    @r.put("/upload/{sid}")
    async def upload(sid: str, request: Request) -> Response:
        sb.gate(P)
        session = sb.store.session(sid)
        if session is None or session["platform"] != P:
            raise sb.fail(P, 404, "invalid_params", "no such upload")
        chunk = await request.body()
        try:
            first, last, total = content_range(request.headers.get("content-range", ""))
        except ValueError:
            raise sb.fail(P, 400, "invalid_params", "Content-Range is malformed") from None
        if first is None or last is None or total != session["size"]:
            raise sb.fail(P, 400, "invalid_params", "Content-Range does not match the init")
        index = first // session["chunk"]
        expected_first = index * session["chunk"]
        expected_last = (session["size"] - 1 if index == session["count"] - 1
                         else expected_first + session["chunk"] - 1)
        if (first, last) != (expected_first, expected_last) or len(chunk) != last - first + 1:
            raise sb.fail(P, 400, "invalid_params", "the chunk does not follow the plan")
        if first > session["received"]:
            raise sb.fail(P, 400, "invalid_params", "chunks must be sent in order")
        received = max(session["received"], sb.store.write_bytes(sid, first, chunk))
        session = sb.store.update(sid, received=received)
        if received < session["size"]:
            return Response(status_code=206)
        if session["status"] == "PROCESSING_UPLOAD":
            if sb.dice.roll("processing"):
                sb.store.update(sid, status="FAILED", fail_reason="file_format_check_failed")
            else:
                post_id = str(7_300_000_000_000_000_000 + sb.store.next_number("tiktok-post"))
                sb.store.record_post(session, post_id)
                sb.store.update(sid, status="PUBLISH_COMPLETE", post_id=post_id)
            sb.drop_after_commit(request)
        return Response(status_code=201)

    @r.post(api.endpoints["status"])
    async def status(request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        body = await request.json()
        session = sb.store.find_session(P, "publish_id", str(body.get("publish_id", "")))
        if session is None or session["account"] != account:
            raise sb.fail(P, 400, "invalid_publish_id", "no such publish_id")
        data: dict[str, Any] = {"status": session["status"],
                                "uploaded_bytes": session["received"]}
        if session["status"] == "FAILED":
            data["fail_reason"] = session.get("fail_reason", "")
        if session.get("post_id"):
            data["publicaly_available_post_id"] = [int(session["post_id"])]
        return _ok(data)

    return r
