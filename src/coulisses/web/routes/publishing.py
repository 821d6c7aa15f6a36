"""The publishing page of a workspace: a calendar (month, week) and the queue of posts with
their states and history; schedule an approved cut, move a post to another slot, approve,
edit, retry or cancel it; connect accounts (OAuth with the studio's own callback).

A post belongs to the workspace of its account. Every route checks the membership and the
action (``roles``); CSRF is the app's.
"""

from __future__ import annotations

import functools
import json
import secrets
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.campaign.calendar import zone
from coulisses.campaign.plan import Plan, PlannedDeliverable
from coulisses.errors import AccessError, AuthenticationError, NotFoundError, UsageError
from coulisses.publish import accounts, edits, queue
from coulisses.publish.api import PlatformApi, builtin_apis, check_caption, get_api
from coulisses.publish.plan_posts import gate
from coulisses.publish.studio import offer_from_cut
from coulisses.publish.tables import Post, PostEvent, PublishAccount
from coulisses.studio.tables import (
    Campaign,
    Cut,
    CutVariant,
    CutVersion,
    Job,
    Membership,
    User,
)
from coulisses.web import publishing_view
from coulisses.web.deps import SessionDep, current_user, render, require, workspace_member

router = APIRouter()

OAUTH_COOKIE = "coulisses_oauth"
OAUTH_PATH = "/publishing/oauth/callback"
OAUTH_TTL = 600  # seconds a sign-in at the platform may take
SYNC_KIND = "sync_metrics"  # the studio job of "Sync metrics" (publish/numbers.py)


@functools.cache
def _apis() -> dict[str, PlatformApi]:
    """The packaged publishing APIs, read once per process."""
    return builtin_apis()


def post_in(db: Session, workspace_id: int, post_id: int) -> Post:
    """The workspace's post (through its account).

    Raises:
        NotFoundError: no such post in this workspace.
    """
    post = db.get(Post, post_id)
    account = db.get(PublishAccount, post.account_id) if post is not None else None
    if post is None or account is None or account.workspace_id != workspace_id:
        raise NotFoundError("No such post in this workspace.")
    return post


def _accounts(db: Session, workspace_id: int) -> list[PublishAccount]:
    return list(db.scalars(select(PublishAccount).where(
        PublishAccount.workspace_id == workspace_id, PublishAccount.channel != "removed")
        .order_by(PublishAccount.platform, PublishAccount.name)))


def _renewals(request: Request, rows: list[PublishAccount], tz_name: str) -> dict[int, str]:
    """Accounts whose token runs out within days with nothing to renew it: the day."""
    fernet, now_s = _fernet(request), datetime.now(UTC).timestamp()
    due = {a.id: accounts.renewal_due(fernet, a, now_s) for a in rows if not a.reconnect}
    return {i: datetime.fromtimestamp(s, zone(tz_name)).strftime("%Y-%m-%d")
            for i, s in due.items() if s is not None}


def _posts(db: Session, workspace_id: int, start_ms: int | None = None,
           end_ms: int | None = None) -> list[Post]:
    query = select(Post).join(PublishAccount, Post.account_id == PublishAccount.id).where(
        PublishAccount.workspace_id == workspace_id)
    if start_ms is not None and end_ms is not None:
        query = query.where(Post.due_ms >= start_ms, Post.due_ms < end_ms)
    return list(db.scalars(query.order_by(Post.due_ms, Post.id)))


def _variants(db: Session, workspace_id: int) -> list[CutVariant]:
    """Variants that may be published: QC passed and their version approved."""
    return list(db.scalars(select(CutVariant).join(CutVersion).where(
        CutVariant.workspace_id == workspace_id, CutVariant.passed.is_(True),
        CutVersion.decision == "approved").order_by(CutVariant.id.desc()).limit(200)))


def _tz(request: Request) -> str:
    name = request.query_params.get("tz", "") or "UTC"
    zone(name)  # an unknown zone is refused with one line
    return name


@router.get("/w/{workspace_id}/publishing", name="publishing_index")
def publishing_index(request: Request, workspace_id: int, db: SessionDep,
                     member: Membership = Depends(require("post.view"))) -> Response:
    tz_name = _tz(request)
    view = request.query_params.get("view", "month")
    today = datetime.now(zone(tz_name)).date()
    anchor = publishing_view.parse_anchor(request.query_params.get("date", ""), today)
    cal = publishing_view.build(view, anchor, tz_name, [])
    first, last = cal.weeks[0][0].day, cal.weeks[-1][-1].day
    span = (_ms(first) - 86_400_000, _ms(last) + 2 * 86_400_000)
    cal = publishing_view.build(view, anchor, tz_name, _posts(db, workspace_id, *span))
    rows = _posts(db, workspace_id)
    queue_rows = [p for p in rows if p.state in queue.OPEN_STATES or p.state == "failed"]
    waiting = {p.id for p in queue_rows}
    account_of = {a.id: a for a in db.scalars(select(PublishAccount).where(
        PublishAccount.workspace_id == workspace_id))}
    history: dict[int, list[PostEvent]] = {}
    if queue_rows:
        for event in db.scalars(select(PostEvent).where(
                PostEvent.post_id.in_([p.id for p in queue_rows])).order_by(PostEvent.id)):
            history.setdefault(event.post_id, []).append(event)
    ended = [p for p in rows if p.id not in waiting][-20:]
    connected = _accounts(db, workspace_id)
    return render(request, "publishing_index.html", {
        "cal": cal, "today": today, "queue_rows": queue_rows, "ended": ended,
        "history": history, "numbers": _numbers(request, workspace_id, ended),
        "sync_job": _sync_job(db, workspace_id), "sync_result": _result_of(
            _sync_job(db, workspace_id)),
        "accounts": connected, "account_of": account_of,
        "renew_by": _renewals(request, connected, tz_name),
        "variants": _variants(db, workspace_id) if _can(member, "post.edit") else [],
        "apis": _apis(), "local": lambda ms: publishing_view.local(
            ms, zone(tz_name)).strftime("%Y-%m-%d %H:%M"),
        "day": request.query_params.get("day", ""), "tz_name": tz_name,
        "message": request.query_params.get("done", "")})


def _result_of(job: Job | None) -> dict[str, Any]:
    if job is None or job.status != "done" or not job.result:
        return {}
    try:
        found = json.loads(job.result)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _numbers(request: Request, workspace_id: int, posts: list[Post]) -> dict[int, Any]:
    """The latest synced numbers of the workspace's published ``posts``, by post id."""
    from coulisses.publish.numbers import numbers_of
    from coulisses.studio.files import analytics_store

    return numbers_of(analytics_store(request.app.state.settings.data_dir, workspace_id), posts)


@router.post("/w/{workspace_id}/publishing/sync", name="publishing_sync")
def publishing_sync(workspace_id: int, db: SessionDep,
                    member: Membership = Depends(require("post.edit"))) -> Response:
    """Queue the studio job that reads the numbers of this workspace's published posts into
    its analytics store (the code of ``coulisses publish sync``); one already waiting or
    running is reused."""
    from coulisses.studio.jobs.queue import submit

    if _sync_job(db, workspace_id, active=True) is None:
        submit(db, workspace_id, SYNC_KIND, {}, user_id=member.user_id)
        db.commit()
    return _back(workspace_id, done="sync_queued")


def _sync_job(db: Session, workspace_id: int, *, active: bool = False) -> Job | None:
    """The workspace's latest metrics sync job (only one queued or running, with ``active``)."""
    query = select(Job).where(Job.workspace_id == workspace_id, Job.kind == SYNC_KIND)
    if active:
        query = query.where(Job.status.in_(("queued", "running")))
    return db.scalars(query.order_by(Job.id.desc()).limit(1)).first()


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _can(member: Membership, action: str) -> bool:
    from coulisses.web import roles

    return roles.allowed(member.role, action)


def _due(day: str, clock: str, tz_name: str) -> int:
    """The instant of a local day and time in a zone, in ms (refused when skipped, repeated
    or past).

    Raises:
        UsageError: unreadable, a daylight-saving gap or repeat, or in the past.
    """
    from coulisses.publish.when import parse_at

    return int(parse_at(f"{day.strip()} {clock.strip() or '00:00'} {tz_name.strip() or 'UTC'}")
               .timestamp() * 1000)


def _who(request: Request, db: Session) -> str:
    user: User = current_user(request, db)
    return user.name or user.email


def _back(workspace_id: int, post_id: int | None = None, done: str = "") -> RedirectResponse:
    target = f"/w/{workspace_id}/publishing"
    if post_id is not None:
        target += f"/posts/{post_id}"
    return RedirectResponse(target + (f"?done={done}" if done else ""), status_code=303)


@router.post("/w/{workspace_id}/publishing/posts", name="publishing_schedule")
def publishing_schedule(request: Request, workspace_id: int, db: SessionDep,
                        variant_id: int = Form(...), account_id: int = Form(...),
                        day: str = Form(...), clock: str = Form("12:00"),
                        tz: str = Form("UTC"), caption: str = Form(""),
                        first_comment: str = Form(""), force: bool = Form(False),
                        member: Membership = Depends(require("post.edit"))) -> Response:
    from coulisses.media.inputs import check_source
    from coulisses.publish.api import validate_options
    from coulisses.publish.worker import sha256_of

    variant = db.get(CutVariant, variant_id)
    if variant is None or variant.workspace_id != workspace_id:
        raise NotFoundError("No such cut variant in this workspace.")
    account = db.get(PublishAccount, account_id)
    if account is None or account.workspace_id != workspace_id or account.channel == "removed":
        raise NotFoundError("No such account in this workspace.")
    version = db.get(CutVersion, variant.version_id)
    if version is None:
        raise NotFoundError("No such cut variant in this workspace.")
    due = _due(day, clock, tz)
    # the gates of `publish schedule --from-plan`, by the same function: QC, rights, approval
    settings = request.app.state.settings
    offer = offer_from_cut(db, settings.data_dir, version.cut.deliverable, version.id,
                           variant.platform)
    plan, deliverable = _planned_for(request, db, version.cut)
    gate(offer, None, datetime.fromtimestamp(due / 1000, UTC), label=version.cut.title,
         platform=variant.platform, plan=plan, deliverable=deliverable)
    api = get_api(_apis(), account.platform)
    if variant.platform not in api.specs:
        raise UsageError(f"This variant is cut for {variant.platform}, not {api.name}.",
                         hint=f"pick a variant for {', '.join(api.specs)}")
    check_caption(api, caption)
    path = check_source(request.app.state.settings.data_dir / variant.video)
    cover = request.app.state.settings.data_dir / variant.cover if variant.cover else None
    # a session of its own: a refused duplicate rolls it back, not the page's (whose
    # membership the error page still reads)
    with request.app.state.sessions() as own:
        post_id = queue.schedule(
            own, account_id=account.id, platform=api.id, video_path=str(path.resolve()),
            video_sha256=sha256_of(path), size_bytes=path.stat().st_size, due_ms=due,
            caption=caption, options=validate_options(api, {}), first_comment=first_comment,
            cover=str(cover) if cover is not None and cover.is_file() else "", draft=True,
            force=force).id
    return _back(workspace_id, post_id, "scheduled")


def _planned_for(request: Request, db: Session, cut: Cut
                 ) -> tuple[Plan | None, PlannedDeliverable | None]:
    """The plan and deliverable a cut was made for (their rights gate), or none.

    Raises:
        UsageError: the cut is for a campaign whose file no longer validates, or for a
            deliverable its plan no longer has: its rights cannot be checked.
    """
    from coulisses.web.routes.campaigns import _planned

    row = db.get(Campaign, cut.campaign_id) if cut.campaign_id else None
    if row is None or row.deleted_at is not None or not cut.deliverable:
        return None, None
    plan, error = _planned(request, row)
    if plan is None:
        raise UsageError(f"{cut.title}: the campaign {row.name} does not validate, so its "
                         "rights gate cannot be checked", hint=error)
    try:
        return plan, plan.deliverable(cut.deliverable)
    except KeyError:
        raise UsageError(f"{cut.title}: {cut.deliverable} is no longer in the plan of "
                         f"{row.name}, so its rights gate cannot be checked",
                         hint="link the cut to a deliverable of the plan") from None


@router.get("/w/{workspace_id}/publishing/posts/{post_id}", name="publishing_post")
def publishing_post(request: Request, workspace_id: int, post_id: int, db: SessionDep,
                    member: Membership = Depends(require("post.view"))) -> Response:
    post = post_in(db, workspace_id, post_id)
    events = queue.history(db, post.id)
    tz_name = _tz(request)
    tz = zone(tz_name)
    due = publishing_view.local(post.due_ms, tz)
    numbers = _numbers(request, workspace_id, [post]).get(post.id)
    return render(request, "publishing_post.html", {
        "numbers": numbers,
        "post": post, "events": events, "account": db.get(PublishAccount, post.account_id),
        "options": json.loads(post.options or "{}"), "approved_by": edits.approved_by(
            events, post), "due": due, "tz_name": tz_name,
        "stamp": lambda ms: publishing_view.local(ms, tz).strftime("%Y-%m-%d %H:%M:%S"),
        "message": request.query_params.get("done", "")})


@router.post("/w/{workspace_id}/publishing/posts/{post_id}/move", name="publishing_move")
def publishing_move(request: Request, workspace_id: int, post_id: int, db: SessionDep,
                    day: str = Form(...), clock: str = Form(""), tz: str = Form("UTC"),
                    member: Membership = Depends(require("post.edit"))) -> Response:
    post = post_in(db, workspace_id, post_id)
    if not clock.strip():  # dropped on another day: the same local time there
        clock = publishing_view.local(post.due_ms, zone(tz)).strftime("%H:%M")
    edits.reschedule(db, post.id, _due(day, clock, tz), who=_who(request, db))
    if request.headers.get("accept", "").startswith("application/json"):
        return Response(json.dumps({"id": post.id, "due_ms": queue.get(db, post.id).due_ms}),
                        media_type="application/json")
    return _back(workspace_id, post.id, "moved")


@router.post("/w/{workspace_id}/publishing/posts/{post_id}/approve", name="publishing_approve")
def publishing_approve(request: Request, workspace_id: int, post_id: int, db: SessionDep,
                       member: Membership = Depends(require("post.approve"))) -> Response:
    post = post_in(db, workspace_id, post_id)
    edits.approve(db, post.id, who=_who(request, db))
    return _back(workspace_id, post.id, "approved")


@router.post("/w/{workspace_id}/publishing/posts/{post_id}/edit", name="publishing_edit")
def publishing_edit(request: Request, workspace_id: int, post_id: int, db: SessionDep,
                    caption: str = Form(""), first_comment: str = Form(""),
                    options: str = Form(""),
                    member: Membership = Depends(require("post.edit"))) -> Response:
    from coulisses.publish.api import validate_options

    post = post_in(db, workspace_id, post_id)
    api = get_api(_apis(), post.platform)
    raw: dict[str, str] = {}
    for line in options.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise UsageError(f"option line {line.strip()[:60]!r} is not KEY=VALUE")
        raw[key.strip()] = value.strip()
    typed = validate_options(api, raw)
    edits.edit(db, api, post.id, caption=caption.replace("\r\n", "\n"),
               first_comment=first_comment, options=typed, who=_who(request, db))
    return _back(workspace_id, post.id, "edited")


@router.post("/w/{workspace_id}/publishing/posts/{post_id}/retry", name="publishing_retry")
def publishing_retry(workspace_id: int, post_id: int, db: SessionDep,
                     member: Membership = Depends(require("post.edit"))) -> Response:
    post = post_in(db, workspace_id, post_id)
    queue.retry(db, post.id)
    return _back(workspace_id, post.id, "retried")


@router.post("/w/{workspace_id}/publishing/posts/{post_id}/cancel", name="publishing_cancel")
def publishing_cancel(workspace_id: int, post_id: int, db: SessionDep,
                      member: Membership = Depends(require("post.edit"))) -> Response:
    post = post_in(db, workspace_id, post_id)
    queue.cancel(db, post.id)
    return _back(workspace_id, post.id, "cancelled")


@router.get("/w/{workspace_id}/publishing/calendar.ics", name="publishing_ics")
def publishing_ics(request: Request, workspace_id: int, db: SessionDep,
                   member: Membership = Depends(require("post.view"))) -> Response:
    from coulisses.publish.ics import posts_ics

    channel = {a.id: a.channel for a in db.scalars(select(PublishAccount).where(
        PublishAccount.workspace_id == workspace_id))}
    posts = [p for p in _posts(db, workspace_id) if p.state != "cancelled"]
    data = posts_ics(posts, channel, _apis(), title=member.workspace.name)
    return Response(data, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="publishing.ics"'})


# accounts: OAuth with the studio's own callback (a fixed path, as platforms register one)

def _fernet(request: Request) -> Any:
    settings = request.app.state.settings
    return accounts.sealer(settings.publish_key, settings.data_dir)


def _loopback(url: str) -> bool:
    """Whether ``url`` is http(s) on a loopback address."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _redirect_uri(request: Request) -> str:
    from coulisses.web.proxy import public_origin

    origin = public_origin(request.app.state.settings)
    base = f"{origin[0]}://{origin[1]}" if origin else str(request.base_url).rstrip("/")
    return base + OAUTH_PATH


@router.post("/w/{workspace_id}/publishing/accounts", name="publishing_connect")
def publishing_connect(request: Request, workspace_id: int, db: SessionDep,
                       platform: str = Form(...), name: str = Form(""),
                       sandbox: str = Form(""), manual: bool = Form(False),
                       member: Membership = Depends(require("account.connect"))) -> Response:
    from coulisses.publish import oauth
    from coulisses.web.proxy import secure_cookies

    api = get_api(_apis(), platform.strip().lower())
    name = name.strip() or api.id
    sandbox = sandbox.strip()
    if sandbox and not _loopback(sandbox):
        # the studio would send tokens and videos wherever this points: loopback only
        raise UsageError("The sandbox address must be an http URL on this machine "
                         "(127.0.0.1, ::1 or localhost).", hint="e.g. http://127.0.0.1:8765")
    if manual:
        accounts.add(db, _fernet(request), api, name, manual=True, workspace_id=workspace_id)
        return _back(workspace_id, done="connected")
    settings = request.app.state.settings
    client_id = "coulisses" if sandbox else \
        oauth.app_credentials(settings.publish_apps, api.id)[0]
    verifier, challenge = oauth.pkce_pair()
    state = secrets.token_urlsafe(24)
    redirect_uri = _redirect_uri(request)
    pending = {"state": state, "verifier": verifier, "workspace_id": workspace_id,
               "user_id": member.user_id, "platform": api.id, "name": name,
               "sandbox": sandbox, "redirect_uri": redirect_uri}
    sealed = _fernet(request).encrypt(json.dumps(pending).encode()).decode()
    target = oauth.authorize_url(api, sandbox, client_id=client_id, redirect_uri=redirect_uri,
                                 challenge=challenge, state=state, login_hint=name)
    # a page with a link, not a redirect: the studio's CSP (form-action 'self') stops a form
    # from landing on another site; a link (followed at once by publishing.js) may go there
    response = render(request, "publishing_connect.html", {"target": target, "api": api})
    response.set_cookie(OAUTH_COOKIE, sealed, max_age=OAUTH_TTL, httponly=True,
                        samesite="lax", path=OAUTH_PATH,
                        secure=secure_cookies(request, settings))
    return response


@router.get(OAUTH_PATH, name="publishing_oauth_callback")
def publishing_oauth_callback(request: Request, db: SessionDep,
                              user: User = Depends(current_user)) -> Response:
    from cryptography.fernet import InvalidToken

    from coulisses.publish import oauth

    sealed = request.cookies.get(OAUTH_COOKIE, "")
    try:
        pending = json.loads(_fernet(request).decrypt(sealed.encode(), ttl=OAUTH_TTL))
    except (InvalidToken, ValueError):
        raise AccessError("This sign-in is unknown or took too long.",
                                  hint="connect the account again") from None
    if not secrets.compare_digest(str(request.query_params.get("state", "")),
                                  str(pending["state"])) or pending["user_id"] != user.id:
        raise AccessError("The platform's answer does not match this sign-in.",
                                  hint="connect the account again")
    workspace_id = int(pending["workspace_id"])
    workspace_member(db, user, workspace_id, action="account.connect")
    code = request.query_params.get("code", "")
    if not code:
        reason = request.query_params.get("error_description") or \
            request.query_params.get("error") or "refused"
        raise AccessError(f"The platform did not approve the sign-in ({reason[:200]}).",
                          hint="connect the account again")
    api = get_api(_apis(), str(pending["platform"]))
    sandbox = str(pending["sandbox"])
    settings = request.app.state.settings
    client_id, secret = ("coulisses", oauth.SANDBOX_SECRET) if sandbox else \
        oauth.app_credentials(settings.publish_apps, api.id)

    def sign_in(http: Any) -> oauth.TokenSet:
        return oauth.exchange_code(api, sandbox, code=code, verifier=str(pending["verifier"]),
                                   redirect_uri=str(pending["redirect_uri"]),
                                   client_id=client_id, client_secret=secret, client=http)

    try:
        accounts.add(db, _fernet(request), api, str(pending["name"]), sandbox_url=sandbox,
                     sign_in=sign_in, workspace_id=workspace_id)
    except AuthenticationError as exc:  # the platform's refusal, not this studio session's
        raise AccessError(exc.message, hint=exc.hint) from None
    response = _back(workspace_id, done="connected")
    response.delete_cookie(OAUTH_COOKIE, path=OAUTH_PATH)
    return response

