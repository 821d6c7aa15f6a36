"""Upload routes: the upload page, the resumable API (create, HEAD offset, PATCH chunk,
finish, cancel) and the plain multipart form for browsers without JavaScript.

Bytes stream to disk as they arrive (never held in memory), so a large upload does not block
other requests; limits and type checks are in ``coulisses.studio.uploads``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from coulisses.errors import UploadError, UsageError
from coulisses.settings import Settings
from coulisses.studio.files import make_thumbnail, relative, thumbs_dir
from coulisses.studio.tables import AuditEvent, Membership, Rush
from coulisses.studio.uploads import MB, Upload, UploadStore
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.forms import settings_of
from coulisses.web.request_state import release

router = APIRouter()
_CHUNK = 1024 * 1024


def store_of(settings: Settings) -> UploadStore:
    return UploadStore(settings.data_dir, settings.upload_max_mb * MB)


def _headers(upload: Upload) -> dict[str, str]:
    return {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.size),
            "Cache-Control": "no-store"}


@router.get("/w/{workspace_id}/rushes/upload", name="rushes_upload_page")
def upload_page(request: Request, workspace_id: int,
                member: Membership = Depends(require("rush.upload"))) -> Response:
    return render(request, "rushes_upload.html",
                  {"max_mb": settings_of(request).upload_max_mb})


@router.post("/api/w/{workspace_id}/uploads", name="api_upload_create", status_code=201)
def create(request: Request, workspace_id: int, body: dict[str, Any] = Body(...),
           member: Membership = Depends(require("rush.upload"))) -> JSONResponse:
    """Start an upload: ``{"name": ..., "size": bytes}``."""
    try:
        size = int(body.get("size", -1))
    except (TypeError, ValueError):
        raise UsageError("size must be a number of bytes") from None
    upload = store_of(settings_of(request)).create(workspace_id, member.user_id,
                                                   str(body.get("name", "")), size)
    url = f"/api/w/{workspace_id}/uploads/{upload.id}"
    return JSONResponse({"id": upload.id, "name": upload.name, "offset": 0, "url": url},
                        status_code=201, headers=_headers(upload) | {"Location": url})


@router.head("/api/w/{workspace_id}/uploads/{upload_id}", name="api_upload_offset")
def offset(request: Request, workspace_id: int, upload_id: str,
           member: Membership = Depends(require("rush.upload"))) -> Response:
    upload = store_of(settings_of(request)).get(workspace_id, upload_id)
    return Response(status_code=200, headers=_headers(upload))


@router.patch("/api/w/{workspace_id}/uploads/{upload_id}", name="api_upload_append")
async def append(request: Request, workspace_id: int, upload_id: str,
                 member: Membership = Depends(require("rush.upload"))) -> Response:
    """Append the body at ``Upload-Offset``; 409 with the real offset when it differs."""
    raw = request.headers.get("upload-offset", "")
    if not raw.isdigit():
        raise UsageError("the Upload-Offset header is missing", hint="send the byte offset")
    store = store_of(settings_of(request))
    try:
        upload = await run_in_threadpool(store.append, workspace_id, upload_id, int(raw),
                                         _sync_chunks(request.stream()))
    except ClientDisconnect:  # what arrived is kept: the client asks the offset and resumes
        return Response(status_code=400)
    return Response(status_code=204, headers=_headers(upload))


@router.post("/api/w/{workspace_id}/uploads/{upload_id}/finish", name="api_upload_finish",
             status_code=201)
def finish(request: Request, workspace_id: int, upload_id: str, db: SessionDep,
           member: Membership = Depends(require("rush.upload"))) -> JSONResponse:
    """Check the finished file is video and add it as a rush."""
    settings = settings_of(request)
    upload, path = store_of(settings).finish(workspace_id, upload_id)
    rush = _add_rush(db, settings, workspace_id, member.user_id, upload.name, path)
    url = f"/w/{workspace_id}/rushes/{rush.id}"
    return JSONResponse({"rush_id": rush.id, "name": rush.name, "url": url}, status_code=201,
                        headers={"Location": url})


@router.delete("/api/w/{workspace_id}/uploads/{upload_id}", name="api_upload_cancel",
               status_code=204)
def cancel(request: Request, workspace_id: int, upload_id: str,
           member: Membership = Depends(require("rush.upload"))) -> Response:
    store = store_of(settings_of(request))
    store.get(workspace_id, upload_id)
    store.discard(workspace_id, upload_id)
    return Response(status_code=204)


@router.post("/w/{workspace_id}/rushes/upload", name="rushes_upload_form")
async def upload_form(request: Request, workspace_id: int, db: SessionDep,
                      member: Membership = Depends(require("rush.upload"))) -> Response:
    """The plain form: each file goes through the same store, checks and limits."""
    settings = settings_of(request)
    store = store_of(settings)
    length = int(request.headers.get("content-length") or 0)
    if length > store.max_bytes + MB:
        raise UploadError(f"the upload is over the {settings.upload_max_mb} MB limit",
                          http_status=413, hint="upload fewer or smaller files")
    form = await request.form()
    try:
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not files:
            raise UsageError("no file was chosen", hint="choose one or more video files")
        last: Rush | None = None
        for item in files:
            size = int(getattr(item, "size", None) or 0)
            upload = store.create(workspace_id, member.user_id, str(item.filename), size)
            try:
                await run_in_threadpool(store.append, workspace_id, upload.id, 0,
                                        _file_chunks(item.file))
                _, path = await run_in_threadpool(store.finish, workspace_id, upload.id)
            except BaseException:
                store.discard(workspace_id, upload.id)
                raise
            last = await run_in_threadpool(_add_rush, db, settings, workspace_id, member.user_id,
                                           upload.name, path)
    finally:  # spooled temporary files, also on refusal
        await form.close()
    target = f"/w/{workspace_id}/rushes/{last.id}" if len(files) == 1 and last else \
        f"/w/{workspace_id}/rushes"
    return RedirectResponse(target, status_code=303)


def _add_rush(db: Session, settings: Settings, workspace_id: int, user_id: int, name: str,
              path: Path) -> Rush:
    """Probe the published file, grab its thumbnail and record the rush.

    The slow parts (probe, ffmpeg) run before the insert, so no database lock or connection
    is held while they do.
    """
    from coulisses.errors import FFmpegError
    from coulisses.media.probe import probe

    release(db)
    info = probe(path)
    video = info.require_video()
    duration = float(info.duration)
    try:  # named after the file on disk, which is unique; a rush without one is still a rush
        thumb = relative(settings.data_dir, make_thumbnail(
            path, thumbs_dir(settings.data_dir, workspace_id) / f"{path.stem}.jpg", duration))
    except FFmpegError:
        thumb = ""
    rush = Rush(workspace_id=workspace_id, name=name, path=relative(settings.data_dir, path),
                thumb=thumb, size_bytes=info.size_bytes, duration=duration,
                width=video.display_width, height=video.display_height,
                fps=float(video.frame_rate), status="uploaded", error="", analysis="",
                moments="", transcript_text="", uploaded_by=user_id)
    db.add(rush)
    db.add(AuditEvent(workspace_id=workspace_id, user_id=user_id, action="rush.upload",
                      detail=name[:200]))
    db.commit()
    return rush


def _sync_chunks(stream: AsyncIterator[bytes]) -> Iterator[bytes]:
    """The request body as a blocking iterator for a worker thread (the event loop reads)."""
    loop = asyncio.get_running_loop()

    def generate() -> Iterator[bytes]:
        iterator = stream.__aiter__()

        async def next_chunk() -> bytes:
            return await iterator.__anext__()

        while True:
            try:
                chunk = asyncio.run_coroutine_threadsafe(next_chunk(), loop).result()
            except StopAsyncIteration:
                return
            yield chunk

    return generate()


def _file_chunks(file: Any) -> Iterator[bytes]:
    file.seek(0)
    while True:
        chunk = file.read(_CHUNK)
        if not chunk:
            return
        yield chunk
