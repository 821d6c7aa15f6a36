"""Sandbox routes for Meta: Instagram Reels containers and Facebook Page Reels, both with
resumable uploads to ``rupload`` (``offset`` and ``file_size`` headers)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox import polls
from coulisses.publish.sandbox.context import Sandbox

CONTAINER_LIFETIME_S = 24 * 3600


async def _params(request: Request) -> dict[str, str]:
    """Graph API parameters: the query string and a form or JSON body, merged."""
    values = dict(request.query_params)
    kind = request.headers.get("content-type", "")
    if "json" in kind:
        body = await request.json()
        values.update({k: str(v) for k, v in body.items()})
    elif "form" in kind:
        form = await request.form()
        values.update({k: str(v) for k, v in form.items()})
    return values


async def _rupload(sb: Sandbox, platform: str, sid: str, request: Request) -> JSONResponse:
    sb.gate(platform)
    account = sb.account_of(platform, request)
    session = sb.store.session(sid)
    if session is None or session["platform"] != platform or session["account"] != account:
        raise sb.fail(platform, 400, "100/33", "no such upload session")
    try:
        offset = int(request.headers.get("offset", ""))
        size = int(request.headers.get("file_size", ""))
    except ValueError:
        raise sb.fail(platform, 400, "100", "offset and file_size headers are required") from None
    chunk = await request.body()
    if offset > session["received"] or offset + len(chunk) > size:
        raise sb.fail(platform, 400, "100", f"offset {offset} does not follow "
                                           f"{session['received']} bytes received")
    received = max(session["received"], sb.store.write_bytes(sid, offset, chunk))
    sb.store.update(sid, received=received, size=size,
                    state="uploaded" if received == size else "uploading")
    return JSONResponse({"success": True, "debug_info": {"received": received}})


def instagram(sb: Sandbox) -> APIRouter:
    P = "instagram"
    r = APIRouter(prefix="/instagram")
    v = sb.apis[P].api_version.value

    def container(cid: str, account: str) -> dict[str, Any]:
        session = sb.store.find_session(P, "container", cid)
        if session is None or session["account"] != account:
            raise sb.fail(P, 400, "100/33", f"object {cid} does not exist")
        return session

    def status_of(session: dict[str, Any]) -> str:
        state = session["state"]
        if state in ("PUBLISHED", "ERROR", "FINISHED"):
            return str(state)
        if time.time() - session["created"] > CONTAINER_LIFETIME_S:
            return "EXPIRED"
        if state == "uploaded":  # processing takes one status read, then ends
            failed = sb.dice.roll("processing")
            sb.store.update(session["id"], state="ERROR" if failed else "FINISHED")
            return "IN_PROGRESS"
        return "IN_PROGRESS"

    @r.post(f"/{v}/{{user}}/media")
    async def create(user: str, request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        if user != account:
            raise sb.fail(P, 400, "100/33", f"cannot post as {user}")
        p = await _params(request)
        if p.get("media_type") != "REELS":
            raise sb.fail(P, 400, "100/2207023", "media_type must be REELS for a video")
        if p.get("upload_type") != "resumable":
            raise sb.fail(P, 400, "100", "the sandbox takes upload_type=resumable only")
        extra: dict[str, Any] = {}
        if "poll_attachment" in p:  # a caption add-on poll: write-once, here or never
            texts = polls.instagram_poll(p["poll_attachment"])
            if texts is None:
                raise sb.fail(P, 400, "100", "poll_attachment: 2 to 4 options, option_a to "
                                             "option_d")
            if not p.get("caption", "").strip():
                raise sb.fail(P, 400, "100", "a caption add-on needs a caption: the caption "
                                             "is the poll's question")
            extended = p.get("is_poll_duration_extended", "false") == "true"
            extra = {"poll": texts, "votes": [0] * len(texts),
                     "poll_days": 0 if extended else polls.IG_POLL_DAYS}
        cid = str(17_900_000_000_000_000 + sb.store.next_number("ig-container"))
        options = {k: p[k] for k in p if k not in ("caption", "access_token", "poll_attachment",
                                                   "is_poll_duration_extended")}
        sid = sb.store.new_session(P, account, {"container": cid, "caption": p.get("caption", ""),
                                                "options": options, **extra})
        uri = f"{str(request.base_url).rstrip('/')}/instagram/rupload/ig-api-upload/{v}/{sid}"
        return JSONResponse({"id": cid, "uri": uri})

    @r.post(f"/rupload/ig-api-upload/{v}/{{sid}}")
    async def rupload(sid: str, request: Request) -> JSONResponse:
        return await _rupload(sb, P, sid, request)

    @r.get(f"/{v}/{{node}}/media")
    def media(node: str, request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        items = [{"id": p["platform_id"], "caption": p["caption"],
                  "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(p["time"]))}
                 for p in reversed(sb.store.posts()) if p["platform"] == P
                 and p["account"] == account]
        return JSONResponse({"data": items[:50]})

    @r.get(f"/{v}/{{node}}/poll_attachment")
    def poll_attachment(node: str, request: Request) -> JSONResponse:
        """The caption poll's shares (null when the media has none)."""
        sb.gate(P)
        account = sb.account_of(P, request)
        session = sb.store.find_session(P, "media_id", node)
        if session is None or session["account"] != account:
            raise sb.fail(P, 400, "100/33", f"object {node} does not exist")
        if "poll" not in session:
            return JSONResponse(None)
        days = session.get("poll_days", polls.IG_POLL_DAYS)
        ends = session.get("published_at", session["created"]) + (days or 3650) * 86400
        return JSONResponse(polls.instagram_view(session["poll"], session["votes"], ends))

    @r.get(f"/{v}/{{node}}")
    def status(node: str, request: Request) -> JSONResponse:
        sb.gate(P)
        session = container(node, sb.account_of(P, request))
        code = status_of(session)
        text = {"ERROR": "Error: the video could not be processed (2207026)"}.get(code, code)
        return JSONResponse({"id": node, "status_code": code, "status": text})

    @r.post(f"/{v}/{{user}}/media_publish")
    async def publish(user: str, request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        session = container((await _params(request)).get("creation_id", ""), account)
        code = status_of(session)
        if code == "PUBLISHED":
            raise sb.fail(P, 400, "9/2207006", "the container was already published")
        if code != "FINISHED":
            raise sb.fail(P, 400, "9007/2207027", f"the media is not ready ({code})")
        sb.quota(P)
        media_id = str(18_000_000_000_000_000 + sb.store.next_number("ig-media"))
        sb.store.record_post(session, media_id)
        sb.store.update(session["id"], state="PUBLISHED", media_id=media_id,
                        published_at=time.time())
        sb.drop_after_commit(request)
        return JSONResponse({"id": media_id})

    return r


def facebook(sb: Sandbox) -> APIRouter:
    P = "facebook"
    r = APIRouter(prefix="/facebook")
    v = sb.apis[P].api_version.value

    @r.post(f"/{v}/{{page}}/video_reels")
    async def reels(page: str, request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        if page != account:
            raise sb.fail(P, 400, "100/33", f"cannot post as {page}")
        p = await _params(request)
        phase = p.get("upload_phase")
        if phase == "start":
            vid = str(1_200_000_000_000_000 + sb.store.next_number("fb-video"))
            sid = sb.store.new_session(P, account, {"video": vid})
            base = str(request.base_url).rstrip("/")
            return JSONResponse({"video_id": vid,
                                 "upload_url": f"{base}/facebook/rupload/video-upload/{v}/{sid}"})
        if phase != "finish":
            raise sb.fail(P, 400, "100", "upload_phase must be start or finish")
        session = sb.store.find_session(P, "video", p.get("video_id", ""))
        if session is None or session["account"] != account:
            raise sb.fail(P, 400, "100/33", "no such video")
        if session["state"] not in ("uploaded", "published", "error"):
            raise sb.fail(P, 400, "6000", "the upload is not complete")
        if session["state"] == "uploaded":
            sb.quota(P)
            session = sb.store.update(session["id"], caption=p.get("description", ""),
                                      options={"title": p.get("title", "")})
            if sb.dice.roll("processing"):
                sb.store.update(session["id"], state="error")
            else:
                sb.store.record_post(session, session["video"])
                sb.store.update(session["id"], state="published")
            sb.drop_after_commit(request)
        return JSONResponse({"success": True})

    @r.post(f"/rupload/video-upload/{v}/{{sid}}")
    async def rupload(sid: str, request: Request) -> JSONResponse:
        return await _rupload(sb, P, sid, request)

    @r.get(f"/{v}/{{vid}}")
    def status(vid: str, request: Request) -> JSONResponse:
        sb.gate(P)
        account = sb.account_of(P, request)
        session = sb.store.find_session(P, "video", vid)
        if session is None or session["account"] != account:
            raise sb.fail(P, 400, "100/33", f"object {vid} does not exist")
        state = session["state"]
        publishing = {"published": "complete", "error": "error"}.get(state, "not_started")
        video_status = {"published": "ready", "error": "error"}.get(state, "upload_incomplete"
                                                                   if state == "uploading"
                                                                   else "processing")
        return JSONResponse({"id": vid, "status": {
            "video_status": video_status,
            "uploading_phase": {"status": "complete" if state != "uploading" else "in_progress",
                                "bytes_transferred": session["received"]},
            "processing_phase": {"status": "error" if state == "error" else "complete"},
            "publishing_phase": {"status": publishing}}})

    return r
