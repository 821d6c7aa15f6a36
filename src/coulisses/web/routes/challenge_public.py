"""A challenge's public pages, in the backstage address space: the submission page (brief,
rules, resumable upload, consent items, declarations), the parent's confirmation page and the
withdrawal page. No sign-in; an unknown or closed challenge, and a forged or altered link,
answer the same 404 as any unknown address. The domain rules are in ``challenges.intake``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from coulisses.challenges import consent, intake, purge
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import CoulissesError, NotFoundError, UploadError, UsageError
from coulisses.studio.tables import Workspace
from coulisses.studio.uploads import MB, Upload
from coulisses.web.csrf import csrf_input, csrf_token
from coulisses.web.deps import SessionDep
from coulisses.web.error_text import error_line
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import settings_of
from coulisses.web.i18n_web import pick_lang, translator
from coulisses.web.publiclimit import Budget
from coulisses.web.routes.backstage_public import address
from coulisses.web.routes.uploads import _sync_chunks

router = APIRouter()
COUNTRIES = ("FR", "BE", "CH", "LU", "MC", "CA", "GB", "DE", "ES", "IT", "PT", "NL", "US",
             "MA", "DZ", "TN", "SN", "CI")


def store_of(request: Request) -> intake.EntryUploads:
    """The entry uploads under the data folder, below the 4 GiB hard cap."""
    settings = settings_of(request)
    return intake.EntryUploads(settings.data_dir,
                               min(intake.HARD_CAP - 1, settings.upload_max_mb * MB))


def spend(request: Request) -> None:
    """A dependency of every public challenge route: one request off the address's budget.

    Raises:
        RateLimitError: too many requests from this address.
    """
    state = request.app.state
    if getattr(state, "challenge_budget", None) is None:
        state.challenge_budget = Budget(limit=120)
    state.challenge_budget.spend(address(request))


def _owner(db: Session, row: ChallengeRow) -> str:
    workspace = db.get(Workspace, row.workspace_id) if row.workspace_id else None
    return workspace.name if workspace is not None else "coulisses"


def _page(request: Request, template: str, lang: str, context: dict[str, Any],
          status: int = 200) -> Response:
    full = {"request": request, "lang": lang, "t": translator(lang),
            "csrf_token": csrf_token(request), "csrf_input": lambda: csrf_input(request),
            **context}
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, full, status_code=status)
    return response


def _form_context(db: Session, row: ChallengeRow, lang: str) -> dict[str, Any]:
    from typing import get_args

    from coulisses.campaign.schema import AgeBand

    challenge = intake.rules_of(row)
    bands = challenge.eligibility.age_bands or get_args(AgeBand)
    countries = tuple(c.upper() for c in challenge.eligibility.countries) or COUNTRIES
    return {"row": row, "challenge": challenge, "terms": intake.terms(challenge, _owner(db, row),
                                                                      lang),
            "bands": bands, "countries": countries,
            "accept": ",".join(f".{f}" for f in challenge.formats)}


@router.get("/b/c/{slug}", name="challenge_submit_page", dependencies=[Depends(spend)])
def submit_page(request: Request, slug: str, db: SessionDep) -> Response:
    row = intake.taking(db, slug)
    lang = pick_lang(request, "", intake.rules_of(row).language or "en")
    context = _form_context(db, row, lang)
    return _page(request, "challenge_submit.html", lang,
                 {**context, "sent": request.query_params.get("m") == "sent",
                  "waiting": request.query_params.get("w") == "parent",
                  "problem": "", "values": {}})


@router.post("/b/c/{slug}/uploads", name="challenge_upload_create", status_code=201,
             dependencies=[Depends(spend)])
async def upload_create(request: Request, slug: str, db: SessionDep) -> JSONResponse:
    """Start an entry's upload: ``{"name": ..., "size": bytes}``; its extension and size are
    checked here, before any byte is sent."""
    row = await run_in_threadpool(intake.taking, db, slug)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise UsageError("the upload's name and size are missing",
                         hint="send them as JSON: name, size")
    return await run_in_threadpool(_create, request, row, slug, body)


def _create(request: Request, row: ChallengeRow, slug: str,
            body: dict[str, Any]) -> JSONResponse:
    try:
        size = int(body.get("size", -1))
    except (TypeError, ValueError):
        raise UsageError("size must be a number of bytes") from None
    name = str(body.get("name", ""))[:300]
    formats = intake.rules_of(row).formats
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in {f.lower().lstrip(".") for f in formats}:
        raise UploadError(f"{name or 'the file'}: this challenge takes {', '.join(formats)} "
                          "files", http_status=415, hint="send a video such as MP4 or MOV")
    if size >= intake.HARD_CAP:
        raise UploadError(f"{name}: {size / MB:.0f} MB is over the 4 GB an entry may be",
                          http_status=413, hint="send a shorter or smaller video")
    upload = store_of(request).create(row.id, 0, name, size)
    url = f"/b/c/{slug}/uploads/{upload.id}"
    return JSONResponse({"id": upload.id, "offset": 0, "url": url}, status_code=201,
                        headers=_headers(upload) | {"Location": url})


def _headers(upload: Upload) -> dict[str, str]:
    return {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.size),
            "Cache-Control": "no-store"}


# the chunks of an upload are not counted against the address's budget (a 4 GB entry is 500
# of them): only an upload's creation, which they need, is
@router.head("/b/c/{slug}/uploads/{upload_id}", name="challenge_upload_offset")
def upload_offset(request: Request, slug: str, upload_id: str, db: SessionDep) -> Response:
    row = intake.taking(db, slug, grace=intake.UPLOAD_GRACE)
    return Response(status_code=200, headers=_headers(store_of(request).get(row.id, upload_id)))


@router.patch("/b/c/{slug}/uploads/{upload_id}", name="challenge_upload_append")
async def upload_append(request: Request, slug: str, upload_id: str,
                        db: SessionDep) -> Response:
    """Append the body at ``Upload-Offset``; 409 with the real offset when it differs."""
    row = await run_in_threadpool(
        lambda: intake.taking(db, slug, grace=intake.UPLOAD_GRACE))
    raw = request.headers.get("upload-offset", "")
    if not raw.isdigit():
        raise UsageError("the Upload-Offset header is missing", hint="send the byte offset")
    store = store_of(request)
    try:
        upload = await run_in_threadpool(store.append, row.id, upload_id, int(raw),
                                         _sync_chunks(request.stream()))
    except ClientDisconnect:
        return Response(status_code=400)
    return Response(status_code=204, headers=_headers(upload))


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k in form if isinstance(v := form.get(k), str)}


def _submission(data: dict[str, str], lang: str) -> intake.Submission:
    return intake.Submission(
        email=data.get("email", ""), age_band=data.get("age_band", ""),
        country=data.get("country", ""), city=data.get("city", ""), name=data.get("name", ""),
        link=data.get("link", ""), parent_email=data.get("parent_email", ""),
        face_matching=data.get("face_matching") == "yes", lang=lang,
        answers={item: data.get(f"consent_{item}") == "yes"
                 for item in ("data", "release", "scope")})


@router.post("/b/c/{slug}", name="challenge_submit", dependencies=[Depends(spend)])
async def submit(request: Request, slug: str, db: SessionDep) -> Response:
    """The form: its declarations and consent are checked first, then its finished upload
    (type, content, repeats), then the entry is recorded and its messages queued."""
    data = await _fields(request)

    def work() -> tuple[ChallengeRow, str, ChallengeEntry | CoulissesError]:
        row = intake.taking(db, slug, grace=intake.UPLOAD_GRACE)  # an upload begun in time
        lang = data.get("lang") if data.get("lang") in ("en", "fr") else \
            pick_lang(request, "", intake.rules_of(row).language or "en")
        lang = str(lang)
        try:
            checked = intake.check(intake.rules_of(row), _submission(data, lang))
            upload_id = data.get("upload_id", "")
            if not upload_id:
                raise UsageError("No video was sent.", hint="choose your video, then send")
            store = store_of(request)
            upload, path = store.finish(row.id, upload_id)
            target = path.with_name(f"{upload.id[:12]}.{path.suffix.lstrip('.') or 'mp4'}")
            path.rename(target)
            try:
                intake.check_media(intake.rules_of(row), target, upload.name)
                entry = intake.add_entry(
                    db, row, checked, path=target, sha256=intake.file_sha256(target),
                    original_name=upload.name, address=address(request),
                    agent=request.headers.get("user-agent", ""), owner=_owner(db, row))
                db.commit()
            except BaseException:
                db.rollback()
                target.unlink(missing_ok=True)
                raise
        except NotFoundError as exc:
            if "upload" in exc.message:
                return row, lang, exc
            raise
        except CoulissesError as exc:
            return row, lang, exc
        return row, lang, entry

    row, lang, outcome = await run_in_threadpool(work)
    if isinstance(outcome, CoulissesError):
        status = outcome.http_status
        if wants_json(request):
            return JSONResponse({"error": error_line(outcome, lang)}, status_code=status)
        context = _form_context(db, row, lang)
        return _page(request, "challenge_submit.html", lang,
                     {**context, "sent": False, "waiting": False,
                      "problem": error_line(outcome, lang),
                      "values": {k: v for k, v in data.items() if k != "csrf_token"}},
                     status=status)
    entry = outcome
    if wants_json(request):
        return JSONResponse({"id": entry.public_id, "consent": entry.consent}, status_code=201)
    waiting = "&w=parent" if entry.consent == consent.PENDING_PARENT else ""
    return RedirectResponse(f"/b/c/{slug}?m=sent{waiting}&lang={lang}", status_code=303)


# --- the parent's confirmation ------------------------------------------------------------

@router.get("/b/c/{slug}/parent/{public_id}", name="challenge_parent_page",
            dependencies=[Depends(spend)])
def parent_page(request: Request, slug: str, public_id: str, db: SessionDep) -> Response:
    row = intake.by_slug(db, slug)
    token = request.query_params.get("t", "")
    entry = intake.entry_by_link(db, row, intake.PARENT, public_id, token)
    lang = pick_lang(request, "", intake.rules_of(row).language or "en")
    return _parent(request, db, row, entry, token, lang, done="")


def _parent(request: Request, db: Session, row: ChallengeRow, entry: ChallengeEntry,
            token: str, lang: str, done: str) -> Response:
    challenge = intake.rules_of(row)
    given = "parent" in consent.granted_now(db, entry.id)
    state = done or ("withdrawn" if entry.status in ("withdrawn", "purged") else
                     "given" if given else "")
    return _page(request, "challenge_parent.html", lang, {
        "row": row, "challenge": challenge, "entry": entry, "token": token, "state": state,
        "terms": intake.terms(challenge, _owner(db, row), lang)})


@router.post("/b/c/{slug}/parent/{public_id}", name="challenge_parent",
             dependencies=[Depends(spend)])
async def parent_answer(request: Request, slug: str, public_id: str,
                        db: SessionDep) -> Response:
    data = await _fields(request)

    def work() -> Response:
        row = intake.by_slug(db, slug)
        token = data.get("t", "")
        entry = intake.entry_by_link(db, row, intake.PARENT, public_id, token)
        lang = data.get("lang") if data.get("lang") in ("en", "fr") else \
            pick_lang(request, "", intake.rules_of(row).language or "en")
        answer = data.get("answer") == "yes"
        if entry.status in ("withdrawn", "purged"):
            return _parent(request, db, row, entry, token, str(lang), done="withdrawn")
        recorded = intake.confirm_parent(db, row, entry, answer=answer,
                                         address=address(request),
                                         agent=request.headers.get("user-agent", ""),
                                         lang=str(lang), owner=_owner(db, row))
        db.commit()
        done = ("confirmed" if answer else "refused") if recorded else "given"
        return _parent(request, db, row, entry, token, str(lang), done=done)

    return await run_in_threadpool(work)


# --- withdrawal ---------------------------------------------------------------------------

@router.get("/b/c/{slug}/withdraw/{public_id}", name="challenge_withdraw_page",
            dependencies=[Depends(spend)])
def withdraw_page(request: Request, slug: str, public_id: str, db: SessionDep) -> Response:
    row = intake.by_slug(db, slug)
    token = request.query_params.get("t", "")
    entry = intake.entry_by_link(db, row, intake.WITHDRAW, public_id, token)
    lang = pick_lang(request, "", intake.rules_of(row).language or "en")
    return _withdrawn(request, db, row, entry, token, lang, just=False)


def _withdrawn(request: Request, db: Session, row: ChallengeRow, entry: ChallengeEntry,
               token: str, lang: str, *, just: bool) -> Response:
    receipt = purge.receipt_of(db, entry)
    return _page(request, "challenge_withdraw.html", lang, {
        "row": row, "entry": entry, "token": token, "just": just, "receipt": receipt,
        "deleted": purge.deleted_words(json.loads(receipt.deleted), lang)
        if receipt is not None else [],
        "challenge": intake.rules_of(row)})


@router.post("/b/c/{slug}/withdraw/{public_id}", name="challenge_withdraw",
             dependencies=[Depends(spend)])
async def withdraw(request: Request, slug: str, public_id: str, db: SessionDep) -> Response:
    """Withdraw at once (a replayed link finds it withdrawn and changes nothing)."""
    data = await _fields(request)

    def work() -> Response:
        row = intake.by_slug(db, slug)
        token = data.get("t", "")
        entry = intake.entry_by_link(db, row, intake.WITHDRAW, public_id, token)
        lang = data.get("lang") if data.get("lang") in ("en", "fr") else \
            pick_lang(request, "", intake.rules_of(row).language or "en")
        just = intake.withdraw(db, row, entry)
        db.commit()
        if wants_json(request):
            return JSONResponse({"id": entry.public_id, "status": entry.status,
                                 "withdrawn_now": just})
        return _withdrawn(request, db, row, entry, token, str(lang), just=just)

    return await run_in_threadpool(work)
