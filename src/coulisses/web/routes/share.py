"""Client review links: the team makes and revokes them on a cut version; a client opens
``/s/<token>`` without an account, watches, comments at a time code and decides, under the name
they give. A link reaches its own version only; an unknown, revoked or expired link gets the
same 404 with no hint. The public routes spend a per-address budget (``publiclimit``); a
link's password is throttled like sign-in (``ratelimit``), and every post carries the CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError, UsageError
from coulisses.studio import review, sharing
from coulisses.studio.board_tables import ShareLink
from coulisses.studio.files import resolve
from coulisses.studio.scope import scoped
from coulisses.studio.tables import (
    Approval,
    Comment,
    Cut,
    CutVariant,
    CutVersion,
    LoginAttempt,
    Membership,
    User,
)
from coulisses.web import ratelimit
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.error_text import error_line
from coulisses.web.forms import number, settings_of
from coulisses.web.i18n_web import pick_lang, timecode, translator
from coulisses.web.passwords import MAX_PASSWORD
from coulisses.web.publiclimit import Budget
from coulisses.web.request_state import release
from coulisses.web.security import hash_password, verify_password

router = APIRouter()
UNLOCK_COOKIE = "coulisses_share_{}"
NAME_MAX = 200


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def budget(request: Request) -> None:
    """A dependency of every public link route: one request off the address's budget.

    Raises:
        RateLimitError: too many requests from this address.
    """
    state = request.app.state
    if getattr(state, "share_budget", None) is None:
        state.share_budget = Budget()
    state.share_budget.spend(_address(request))


# --- the team's side ---------------------------------------------------------------------

@router.post("/w/{workspace_id}/versions/{version_id:int}/share", name="share_create")
def share_create(request: Request, workspace_id: int, version_id: int,
                 *, days: str = Form("14"), password: str = Form(""), label: str = Form(""),
                 db: SessionDep,
                 member: Membership = Depends(require("cut.share"))) -> Response:
    """Make a link; its address is shown once, on the page this answers."""
    version = scoped(db, CutVersion, workspace_id, version_id)
    try:
        valid_days = int(days)
    except ValueError:
        raise UsageError(f"{days[:20]!r} is not a number of days.") from None
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"A link's password holds at most {MAX_PASSWORD} characters.")
    release(db)
    hashed = hash_password(password) if password else ""  # argon2, off the database
    link, token = sharing.create_link(db=db, version=version, user_id=member.user_id,
                                      days=valid_days, password_hash=hashed, label=label)
    cut = db.get(Cut, version.cut_id)
    url = str(request.base_url).rstrip("/") + f"/s/{token}"
    public = settings_of(request).public_url.rstrip("/")
    if public:
        url = f"{public}/s/{token}"
    return render(request, "share_created.html", {
        "link": link, "url": url, "cut": cut, "version": version}, status_code=201)


@router.post("/w/{workspace_id}/shares/{link_id:int}/revoke", name="share_revoke")
def share_revoke(workspace_id: int, link_id: int, db: SessionDep,
                 member: Membership = Depends(require("cut.share"))) -> Response:
    link = sharing.revoke(db=db, workspace_id=workspace_id, link_id=link_id,
                          user_id=member.user_id)
    version = scoped(db, CutVersion, workspace_id, link.version_id)
    return RedirectResponse(f"/w/{workspace_id}/cuts/{version.cut_id}?v={version.number}"
                            "#share-h", status_code=303)


# --- the client's side (no account) ------------------------------------------------------

def _unlock_value(link: ShareLink) -> str:
    return hmac.new(link.password_hash.encode(), link.token_hash.encode(),
                    hashlib.sha256).hexdigest()


def _unlocked(request: Request, link: ShareLink) -> bool:
    if not link.password_hash:
        return True
    given = request.cookies.get(UNLOCK_COOKIE.format(link.id), "")
    return hmac.compare_digest(given.encode(), _unlock_value(link).encode())


def _open(db: Session, request: Request, token: str) -> tuple[ShareLink, CutVersion]:
    """The live, unlocked link and its version.

    Raises:
        NotFoundError: unknown, revoked or expired, or locked by a password not given yet.
    """
    link = sharing.open_link(db, token)
    if not _unlocked(request, link):
        raise NotFoundError("This link does not open.")
    return link, sharing.version_of(db, link)


def _page(request: Request, db: Session, token: str, link: ShareLink, version: CutVersion,
          *, problems: list[str] | None = None, status_code: int = 200,
          form: dict[str, str] | None = None) -> Response:
    cut = db.get(Cut, version.cut_id)
    comments = list(db.scalars(select(Comment).where(Comment.version_id == version.id)
                               .order_by(Comment.t_start, Comment.id)))
    approvals = list(db.scalars(select(Approval).where(Approval.version_id == version.id)
                                .order_by(Approval.id)))
    ids = {c.author_id for c in comments} | {a.user_id for a in approvals}
    names = {u.id: u.name for u in db.scalars(select(User).where(User.id.in_(ids)))}
    variants = list(version.variants)
    release(db)
    return render(request, "share_review.html", {
        "token": token, "link": link, "version": version, "cut": cut, "comments": comments,
        "approvals": approvals, "names": names, "variants": variants, "timecode": timecode,
        "problems": problems or [], "form": form or {}, "nonce": secrets.token_urlsafe(12),
        "duration": (version.end or 0) - (version.start or 0)}, status_code=status_code)


@router.get("/s/{token}", name="share_open", dependencies=[Depends(budget)])
def share_open(request: Request, token: str, db: SessionDep) -> Response:
    link = sharing.open_link(db, token)
    if not _unlocked(request, link):
        release(db)
        return render(request, "share_password.html", {"token": token, "problems": []},
                      status_code=401)
    return _page(request, db, token, link, sharing.version_of(db, link))


@router.post("/s/{token}/unlock", name="share_unlock", dependencies=[Depends(budget)])
def share_unlock(request: Request, token: str, *, password: str = Form(""),
                 db: SessionDep) -> Response:
    link = sharing.open_link(db, token)
    t = translator(pick_lang(request, default=settings_of(request).lang))
    if not link.password_hash:
        return RedirectResponse(f"/s/{token}", status_code=303)
    counters = ratelimit.share_keys(link.id, _address(request))
    try:  # counted before the check: parallel guesses cannot outrun the count
        attempt = ratelimit.attempt(db, counters)
    except ratelimit.Limited as exc:
        message = t("auth.rate_limited") if exc.locked else \
            t("auth.slow_down", n=exc.retry_after)
        return render(request, "share_password.html", {"token": token, "problems": [message]},
                      status_code=429)
    release(db)  # argon2 takes a while: hold no connection meanwhile
    if len(password) > MAX_PASSWORD or \
            not verify_password(User(password_hash=link.password_hash), password):
        return render(request, "share_password.html", {
            "token": token, "problems": [t("share.bad_password")]}, status_code=401)
    db.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(attempt)))
    db.commit()
    response = RedirectResponse(f"/s/{token}", status_code=303)
    from coulisses.web.proxy import secure_cookies

    response.set_cookie(UNLOCK_COOKIE.format(link.id), _unlock_value(link), httponly=True,
                        samesite="lax", path="/s/", secure=secure_cookies(request,
                                                                          settings_of(request)),
                        max_age=int((link.expires_at - link.created_at).total_seconds()))
    return response


@router.get("/s/{token}/variants/{variant_id:int}/video", name="share_video",
            dependencies=[Depends(budget)])
def share_video(request: Request, token: str, variant_id: int, db: SessionDep) -> Response:
    link, version = _open(db, request, token)
    variant = db.scalars(select(CutVariant).where(CutVariant.id == variant_id,
                                                  CutVariant.version_id == version.id)).first()
    if variant is None:  # another version's file: never through this link
        raise NotFoundError("This link does not open.")
    path = resolve(settings_of(request).data_dir, variant.video, link.workspace_id)
    return FileResponse(path, media_type="video/mp4", content_disposition_type="inline",
                        filename=path.name, headers={"Cache-Control": "private, no-store"})


def _guest(name: str) -> str:
    clean = " ".join(name.split())[:NAME_MAX]
    if not clean:
        raise UsageError("Give your name, so the team knows who wrote.")
    return clean


def _post_comment(db: Session, version: CutVersion, data: dict[str, Any]) -> Comment:
    return review.add_comment(
        db=db, version=version, author_id=None, guest_name=_guest(str(data.get("name", ""))),
        body=review.clean_body(str(data.get("body") or "")),
        t_start=number(data.get("t_start"), "time"), t_end=number(data.get("t_end"), "range end"),
        platform=str(data.get("platform") or ""), nonce=str(data.get("nonce") or "")[:60] or None)


@router.post("/s/{token}/comments", name="share_comment", dependencies=[Depends(budget)])
async def share_comment(request: Request, token: str, db: SessionDep) -> Response:
    link, version = await run_in_threadpool(_open, db, request, token)
    form = await request.form()
    data = {k: form.get(k) for k in form}
    try:
        comment = await run_in_threadpool(_post_comment, db, version, data)
    except UsageError as exc:
        problem = error_line(exc, pick_lang(request, default=settings_of(request).lang))
        kept = {k: str(v) for k, v in data.items() if k in ("name", "body", "t_start")}
        return await run_in_threadpool(
            lambda: _page(request, db, token, link, version, problems=[problem],
                          status_code=400, form=kept))
    return RedirectResponse(f"/s/{token}#comment-{comment.id}", status_code=303)


@router.post("/s/{token}/decision", name="share_decision", dependencies=[Depends(budget)])
def share_decision(request: Request, token: str, *, decision: str = Form(""),
                   name: str = Form(""), note: str = Form(""), db: SessionDep) -> Response:
    link, version = _open(db, request, token)
    try:
        # a client's open comments are their own requests: their approval stands over them
        # (the team still sees the open threads); only the team is asked to confirm
        review.decide(db=db, version=version, user_id=None, decision=decision, note=note,
                      guest_name=_guest(name), confirmed=True)
    except UsageError as exc:
        lang = pick_lang(request, default=settings_of(request).lang)
        return _page(request, db, token, link, version, problems=[error_line(exc, lang)],
                     status_code=400, form={"name": name, "note": note})
    return RedirectResponse(f"/s/{token}#decision-h", status_code=303)

