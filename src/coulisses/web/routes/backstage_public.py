"""The public backstage page: read it, vote on its polls, comment, report a comment, and its
media. No sign-in; an unknown, unpublished or deleted page answers the same 404 as any unknown
address. Votes and comments need the page's CSRF token; a vote also needs its proof of work.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from coulisses.backstage import (
    challenge,
    comments,
    decisions,
    kpis,
    page,
    platform_tallies,
    pollmail,
    polls,
    votes,
)
from coulisses.backstage.tables import BackstagePage, PageItem, Poll, PollOption
from coulisses.errors import NotFoundError
from coulisses.studio.tables import utcnow
from coulisses.web.csrf import csrf_input, csrf_token
from coulisses.web.deps import SessionDep
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import settings_of
from coulisses.web.i18n_web import pick_lang, translator
from coulisses.web.playback import for_player
from coulisses.web.proxy import secure_cookies

router = APIRouter()
MESSAGES = frozenset({"counted", *votes.REASONS, "comment_visible", "comment_held",
                      "reported", "verified"})


def address(request: Request) -> str:
    """The visitor's address (the proxy middleware has already applied trusted forwards)."""
    return request.client.host if request.client else "unknown"


def visitor_of(request: Request, the_page: BackstagePage) -> challenge.Visitor:
    """The visitor this request's signed cookie names."""
    return challenge.visitor(the_page.secret, request.cookies.get(challenge.VISITOR_COOKIE))


def remember(request: Request, response: Response, the_page: BackstagePage,
             who: challenge.Visitor) -> Response:
    """Set the visitor cookie (only this page's path, HttpOnly) when it is new."""
    if who.new:
        response.set_cookie(challenge.VISITOR_COOKIE, who.cookie(the_page.secret),
                            max_age=365 * 24 * 3600, path=f"/b/{the_page.slug}", httponly=True,
                            samesite="lax", secure=secure_cookies(request,
                                                                  settings_of(request)))
    return response


def poll_blocks(db: Session, the_page: BackstagePage, found: tuple[Poll, ...],
                who: challenge.Visitor | None, now: datetime) -> list[dict[str, Any]]:
    """What the page shows of each poll: state, options, the visitor's vote, results."""
    blocks = []
    for poll in found:
        mine = votes.voted(db, poll, who) if who is not None else None
        visible = who is None or polls.results_visible(poll, now, voted=mine is not None)
        blocks.append({
            "poll": poll, "state": polls.state(poll, now), "options": polls.options_of(db, poll),
            "voted": mine, "tally": polls.tally(db, poll) if visible else None,
            "platforms": platform_tallies.tallies(db, poll) if visible else [],
            "challenge": challenge.issue(the_page.secret, poll.id, now),
            "comments": comments.visible(db, the_page, poll.id)})
    return blocks


def render_page(request: Request, db: Session, the_page: BackstagePage, *,
                preview: bool = False) -> Response:
    """The page as a visitor sees it (``preview``: as the team checks it, forms inert)."""
    now = utcnow()
    lang = pick_lang(request, "", the_page.lang)
    shown = page.view(db, the_page, settings_of(request))
    tz = page.time_zone(db, the_page)
    who = None if preview else visitor_of(request, the_page)
    message = request.query_params.get("m", "")
    context = {
        "request": request, "lang": lang, "t": translator(lang), "view": shown,
        "slug": the_page.slug, "preview": preview, "now": now,
        "local": lambda at: at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
        "polls": poll_blocks(db, the_page, shown.polls, who, now),
        "comments": comments.visible(db, the_page), "csrf_token": csrf_token(request),
        "decisions": decisions.timeline(db, the_page),
        **_cut_kpis(db, request, the_page),
        "revealed": {c.title for c in shown.cuts},
        "csrf_input": lambda: csrf_input(request),
        "message": message if message in MESSAGES else "",
        "message_poll": request.query_params.get("p", ""),
        "limits": {"body": comments.BODY_MAX, "name": comments.NAME_MAX},
    }
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, "backstage_page.html", context)
    if not preview:  # only the sites the team lists may frame the page and its polls
        from coulisses.web.security import CSP

        ancestors = page.frame_ancestors(the_page)
        response.headers["content-security-policy"] = CSP.replace(
            "frame-ancestors 'self'", f"frame-ancestors {ancestors}")
        if ancestors == "'none'":
            response.headers["x-frame-options"] = "DENY"
    return response


@router.get("/b/{slug}", name="backstage_page")
def backstage_page(request: Request, slug: str, db: SessionDep) -> Response:
    the_page = page.published(db, slug)
    kpis.count_view(db, the_page, utcnow().date())
    return render_page(request, db, the_page)


def _back(request: Request, slug: str, payload: dict[str, Any], anchor: str,
          status: int = 200) -> Response:
    if wants_json(request):
        return JSONResponse(payload, status_code=status)
    query = {"m": payload.get("message", "")}
    if payload.get("poll_id"):
        query["p"] = str(payload["poll_id"])
    return RedirectResponse(f"/b/{slug}?{urlencode(query)}#{anchor}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.json()
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    form = await request.form()
    return {k: v for k in form if isinstance(v := form.get(k), str)}


@router.post("/b/{slug}/polls/{poll_id:int}/vote", name="backstage_vote")
async def backstage_vote(request: Request, slug: str, poll_id: int,
                         db: SessionDep) -> Response:
    data = await _form(request)

    def work() -> tuple[BackstagePage, challenge.Visitor, votes.Outcome]:
        the_page = page.published(db, slug)
        poll = db.get(Poll, poll_id)
        if poll is None or poll.page_id != the_page.id:
            raise NotFoundError("No such poll.", hint="check the link")
        who = visitor_of(request, the_page)
        outcome = votes.cast(db, page=the_page, poll=poll,
                             option_id=votes.parse_option(data.get("option")),
                             challenge_text=data.get("challenge", ""),
                             solution=data.get("solution", ""), visitor=who,
                             address=address(request), now=utcnow(),
                             email=data.get("email", "")[:400],
                             lang=pick_lang(request, "", the_page.lang))
        return the_page, who, outcome

    the_page, who, outcome = await run_in_threadpool(work)
    message = "counted" if outcome.counted else outcome.reason
    response = _back(request, slug, {"counted": outcome.counted, "reason": outcome.reason,
                                     "message": message, "poll_id": poll_id},
                     f"poll-{poll_id}", 201)
    return remember(request, response, the_page, who)


@router.get("/b/{slug}/polls/{poll_id:int}/confirm/{vote_id:int}", name="backstage_confirm")
def backstage_confirm(request: Request, slug: str, poll_id: int, vote_id: int,
                      db: SessionDep) -> Response:
    """The link e-mailed to a voter of a ``verify_email`` poll: the vote counts from now."""
    the_page = page.published(db, slug)
    poll = db.get(Poll, poll_id)
    if poll is None or poll.page_id != the_page.id:
        raise NotFoundError("No such page.", hint="check the link")
    reason = pollmail.confirm(db, the_page, poll, vote_id,
                              request.query_params.get("t", "")[:80], utcnow())
    return _back(request, slug, {"counted": not reason, "reason": reason,
                                 "message": reason or "verified", "poll_id": poll_id},
                 f"poll-{poll_id}")


@router.post("/b/{slug}/comments", name="backstage_comment")
async def backstage_comment(request: Request, slug: str, db: SessionDep) -> Response:
    data = await _form(request)

    def work() -> tuple[BackstagePage, challenge.Visitor, Any]:
        the_page = page.published(db, slug)
        who = visitor_of(request, the_page)
        raw_poll = data.get("poll_id", "")
        poll_id = int(raw_poll) if raw_poll.isdigit() and len(raw_poll) < 19 else None
        lang = pick_lang(request, "", the_page.lang)
        made = comments.post(db, page=the_page, visitor=who, address=address(request),
                             body=data.get("body", ""), name=data.get("name", ""), lang=lang,
                             poll_id=poll_id, now=utcnow())
        return the_page, who, made

    the_page, who, made = await run_in_threadpool(work)
    shown = "comment_visible" if made.status == "visible" else "comment_held"
    anchor = f"poll-{made.poll_id}" if made.poll_id else "comments"
    response = _back(request, slug, {"id": made.id, "status": "visible" if made.status ==
                                     "visible" else "held", "message": shown,
                                     "poll_id": made.poll_id}, anchor, 201)
    return remember(request, response, the_page, who)


@router.post("/b/{slug}/comments/{comment_id:int}/report", name="backstage_report")
def backstage_report(request: Request, slug: str, comment_id: int,
                     db: SessionDep) -> Response:
    the_page = page.published(db, slug)
    who = visitor_of(request, the_page)
    comments.report(db, page=the_page, comment_id=comment_id, visitor=who, now=utcnow())
    response = _back(request, slug, {"message": "reported"}, "comments")
    return remember(request, response, the_page, who)


def viewable(request: Request, db: Session, slug: str) -> BackstagePage:
    """The page whose media is asked for: published, or previewed by a member of its
    workspace (the team's preview shows the same images and videos).

    Raises:
        NotFoundError: otherwise, as for any unknown address.
    """
    from coulisses.web.request_state import login_state
    from coulisses.web.roles import allowed

    found = page.by_slug(db, slug)
    if found is not None and not found.published:
        user = login_state(request, db).user
        member = None
        if user is not None:
            from sqlalchemy import select

            from coulisses.studio.tables import Membership

            member = db.scalars(select(Membership).where(
                Membership.workspace_id == found.workspace_id, Membership.user_id == user.id,
                Membership.status == "active")).first()
        if member is None or not allowed(member.role, "backstage.preview"):
            found = None
    if found is None:
        raise NotFoundError("No such page.", hint="check the link")
    return found


def _file(request: Request, relative: str) -> FileResponse:
    """A file of the data folder named by a row (never by the request).

    Raises:
        NotFoundError: empty, outside the data folder, or missing.
    """
    root = settings_of(request).data_dir.resolve()
    path = (root / relative).resolve() if relative else root
    if not relative or not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError("No such file.", hint="check the link")
    return FileResponse(Path(path))


@router.get("/b/{slug}/cuts/{item_id:int}/{what}", name="backstage_cut_media")
def backstage_cut_media(request: Request, slug: str, item_id: int, what: str,
                        db: SessionDep) -> FileResponse:
    the_page = viewable(request, db, slug)
    item = db.get(PageItem, item_id)
    if item is None or item.page_id != the_page.id or what not in ("video", "poster"):
        raise NotFoundError("No such file.", hint="check the link")
    shown = {c.item_id: c for c in page.view(db, the_page, settings_of(request)).cuts}
    cut = shown.get(item_id)
    if cut is None:  # no longer approved, or its rights gate closed since
        raise NotFoundError("No such file.", hint="check the link")
    return _file(request, cut.video if what == "video" else cut.poster)


@router.get("/b/{slug}/options/{option_id:int}/{what}", name="backstage_option_media")
def backstage_option_media(request: Request, slug: str, option_id: int, what: str,
                           db: SessionDep) -> FileResponse:
    the_page = viewable(request, db, slug)
    option = db.get(PollOption, option_id)
    poll = db.get(Poll, option.poll_id) if option is not None else None
    if option is None or poll is None or poll.page_id != the_page.id \
            or what not in ("media", "poster"):
        raise NotFoundError("No such file.", hint="check the link")
    if what == "media" and option.kind == "clip":  # a phone's HEVC rush plays as H.264
        sent = _file(request, option.media)
        shown, kind = for_player(request, Path(sent.path))
        return FileResponse(shown, media_type=kind)
    return _file(request, option.media if what == "media" else option.poster)


def _cut_kpis(db: Session, request: Request, the_page: BackstagePage) -> dict[str, Any]:
    """The key KPIs of the public decisions' cuts, once published and synced (issue 14)."""
    from coulisses.backstage import decision_kpis

    cuts = {e.cut_id for e in decisions.timeline(db, the_page) if e.cut_id is not None}
    return {"cut_kpis": decision_kpis.cut_kpis(db, settings_of(request).data_dir,
                                               the_page.workspace_id, cuts),
            "channel_names": platform_tallies.CHANNELS}
