"""Sandbox routes for LinkedIn: initializeUpload, PUT parts with ETags, finalizeUpload, posts
(video posts and poll posts, read back one by one or by author).

Every call must carry ``LinkedIn-Version`` equal to the active version in the data; another
version, or the ``version`` fault, gets 426 NONEXISTENT_VERSION.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox import polls
from coulisses.publish.sandbox.accounts import may_post_as
from coulisses.publish.sandbox.context import Sandbox

P = "linkedin"


def routes(sb: Sandbox) -> APIRouter:
    r = APIRouter(prefix="/linkedin")
    api = sb.apis[P]

    def check(request: Request) -> str:
        sb.gate(P)
        version = request.headers.get(api.api_version.header or "LinkedIn-Version", "")
        if not version:
            raise sb.fail(P, 400, "VERSION_MISSING", "LinkedIn-Version header is required")
        if version != api.api_version.value or sb.dice.roll("version"):
            raise sb.fail(P, 426, "NONEXISTENT_VERSION",
                          f"Requested version {version} is not active")
        return sb.account_of(P, request)

    def video(urn: str, account: str) -> dict[str, Any]:
        session = sb.store.find_session(P, "video", urn)
        if session is None or session["account"] != account:
            raise sb.fail(P, 404, "NOT_FOUND", f"no video {urn}")
        return session

    @r.post("/rest/videos")
    async def videos(request: Request) -> JSONResponse:
        account = check(request)
        action = request.query_params.get("action")
        body = await request.json()
        if action == "initializeUpload":
            req = body.get("initializeUploadRequest") or {}
            if not may_post_as(str(req.get("owner")), account):
                raise sb.fail(P, 403, "ACCESS_DENIED", "the owner is not this member")
            size = int(req.get("fileSizeBytes") or 0)
            if not 0 < size <= api.limits.max_bytes:
                raise sb.fail(P, 400, "INVALID_FILE_SIZE", "fileSizeBytes is out of range")
            urn = f"urn:li:video:D{sb.store.next_number('li-video'):010d}"
            sid = sb.store.new_session(P, account, {"video": urn, "size": size, "etags": {}})
            base = str(request.base_url).rstrip("/")
            part = api.chunks.chunk_bytes
            instructions = [{"uploadUrl": f"{base}/linkedin/upload/{sid}/{i}", "firstByte": a,
                             "lastByte": min(a + part, size) - 1}
                            for i, a in enumerate(range(0, size, part))]
            return JSONResponse({"value": {"video": urn, "uploadToken": "",
                                           "uploadInstructions": instructions}})
        if action == "finalizeUpload":
            req = body.get("finalizeUploadRequest") or {}
            session = video(str(req.get("video", "")), account)
            etags = session["etags"]
            wanted = [etags[k] for k in sorted(etags, key=int)]
            if session["received"] < session["size"] or req.get("uploadedPartIds") != wanted:
                raise sb.fail(P, 400, "INVALID_UPLOAD", "uploadedPartIds do not match the parts")
            if session["state"] == "uploading":
                failed = sb.dice.roll("processing")
                sb.store.update(session["id"], state="PROCESSING_FAILED" if failed else
                                "PROCESSING")
            return JSONResponse({})
        raise sb.fail(P, 400, "ILLEGAL_ARGUMENT", "action must be initializeUpload or "
                                                  "finalizeUpload")

    @r.put("/upload/{sid}/{index}")
    async def part(sid: str, index: int, request: Request) -> Response:
        sb.gate(P)
        session = sb.store.session(sid)
        if session is None or session["platform"] != P:
            raise sb.fail(P, 404, "NOT_FOUND", "no such upload")
        body = await request.body()
        first = index * api.chunks.chunk_bytes
        if first >= session["size"] or len(body) != min(api.chunks.chunk_bytes,
                                                          session["size"] - first):
            raise sb.fail(P, 400, "INVALID_PART", "the part does not match its byte range")
        sb.store.write_bytes(sid, first, body)
        etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
        etags = {**session["etags"], str(index): etag}
        sb.store.update(sid, etags=etags, received=sum(
            min(api.chunks.chunk_bytes, session["size"] - int(k) * api.chunks.chunk_bytes)
            for k in etags))
        return Response(status_code=200, headers={"ETag": etag})

    @r.get("/rest/videos/{urn}")
    def status(urn: str, request: Request) -> JSONResponse:
        account = check(request)
        session = video(urn, account)
        state = session["state"]
        if state == "PROCESSING":  # processing takes one status read, then ends
            sb.store.update(session["id"], state="AVAILABLE")
        shown = {"uploading": "WAITING_UPLOAD"}.get(state, state)
        return JSONResponse({"id": urn, "status": shown})

    @r.post("/rest/posts")
    async def post(request: Request) -> Response:
        account = check(request)
        body = await request.json()
        if not may_post_as(str(body.get("author")), account):
            raise sb.fail(P, 403, "ACCESS_DENIED", "the author is not this member")
        content = body.get("content") or {}
        if "poll" in content:
            return poll_post(account, body, request)
        media = (content.get("media") or {})
        session = video(str(media.get("id", "")), account)
        if session["state"] != "AVAILABLE":
            raise sb.fail(P, 400, "VIDEO_NOT_READY", f"the video is {session['state']}")
        sb.quota(P)
        urn = f"urn:li:share:{7_400_000_000_000_000_000 + sb.store.next_number('li-post')}"
        session = sb.store.update(session["id"], caption=body.get("commentary", ""),
                                  options={"visibility": body.get("visibility"),
                                           "title": media.get("title", "")})
        sb.store.record_post(session, urn)
        sb.store.update(session["id"], post=urn)
        sb.drop_after_commit(request)
        return Response(status_code=201, headers={"x-restli-id": urn})

    def poll_post(account: str, body: dict[str, Any], request: Request) -> Response:
        """A poll post: text and a poll, never media (the Posts API refuses both at once)."""
        content = body["content"]
        if set(content) != {"poll"}:
            raise sb.fail(P, 422, "UNPROCESSABLE_ENTITY", "a poll cannot be combined with media")
        spec = polls.linkedin_poll(content["poll"])
        if spec is None:
            raise sb.fail(P, 422, "UNPROCESSABLE_ENTITY", polls.LINKEDIN_RULES)
        sb.quota(P)
        urn = f"urn:li:share:{7_400_000_000_000_000_000 + sb.store.next_number('li-post')}"
        session = sb.store.session(sb.store.new_session(P, account, {
            "poll": spec, "votes": [0] * len(spec["options"]), "post": urn,
            "caption": body.get("commentary", ""), "options": {"poll": spec["question"]},
            "digest": [0, hashlib.sha256(b"").hexdigest()]}))
        assert session is not None
        sb.store.record_post(session, urn)
        sb.drop_after_commit(request)
        return Response(status_code=201, headers={"x-restli-id": urn})

    def element(p: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p["platform_id"], "commentary": p["caption"],
                               "author": f"urn:li:person:{p['account']}",
                               "lifecycleState": "PUBLISHED"}
        session = sb.store.find_session(P, "post", p["platform_id"])
        if session and "poll" in session:
            out["content"] = {"poll": polls.linkedin_view(session["poll"], session["votes"])}
        else:
            out["content"] = {"media": {"id": session["video"] if session else ""}}
        return out

    @r.get("/rest/posts/{urn}")
    def one_post(urn: str, request: Request) -> JSONResponse:
        account = check(request)
        found = sb.store.find_post(P, urn)
        if found is None or found["account"] != account:
            raise sb.fail(P, 404, "NOT_FOUND", f"no post {urn}")
        return JSONResponse(element(found))

    @r.get("/rest/posts")
    def posts(request: Request) -> JSONResponse:
        account = check(request)
        if not may_post_as(str(request.query_params.get("author")), account):
            raise sb.fail(P, 403, "ACCESS_DENIED", "author must be this member")
        elements = [element(p) for p in sb.store.posts()
                    if p["platform"] == P and p["account"] == account]
        return JSONResponse({"elements": elements[::-1]})

    return r
