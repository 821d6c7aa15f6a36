"""The team's side of the backstage page: compose it from the campaign's production data,
write updates, create polls, preview it as a visitor, publish or unpublish it (owners and
editors; everyone in the workspace may preview), and moderate its comments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage import comments, page, polls
from coulisses.backstage.tables import BackstagePage
from coulisses.errors import CoulissesError, UsageError
from coulisses.studio.tables import Cut, CutVariant, CutVersion, Membership, Rush, utcnow
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.forms import settings_of
from coulisses.web.i18n_web import pick_lang
from coulisses.web.routes.backstage_public import render_page
from coulisses.web.routes.campaigns import campaign_in

router = APIRouter()
BASE = "/w/{workspace_id}/campaigns/{campaign_id}/backstage"


def _page(db: Session, workspace_id: int, campaign_id: int) -> BackstagePage:
    the_page = page.page_for(db, campaign_in(db, workspace_id, campaign_id))
    db.commit()
    return the_page


def _here(workspace_id: int, campaign_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage{anchor}",
                            status_code=303)


async def _fields(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    form = await request.form()
    many = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    return {k: v[-1] for k, v in many.items() if v}, many


def _sources(db: Session, workspace_id: int) -> list[tuple[str, str]]:
    """(value, label) of every file a poll option can come from."""
    out = []
    rows = db.execute(select(CutVariant, Cut.title).join(
        CutVersion, CutVersion.id == CutVariant.version_id).join(
        Cut, Cut.id == CutVersion.cut_id).where(CutVariant.workspace_id == workspace_id)
        .order_by(CutVariant.id.desc()).limit(200))
    for variant, title in rows:
        out.append((f"cut:{variant.id}", f"{title} · {variant.platform}"))
    for rush in db.scalars(select(Rush).where(Rush.workspace_id == workspace_id)
                           .order_by(Rush.id.desc()).limit(200)):
        out.append((f"rush:{rush.id}", rush.name))
    return out


@router.get(BASE, name="backstage_compose")
def backstage_compose(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                      member: Membership = Depends(require("backstage.preview"))) -> Response:
    the_page = _page(db, workspace_id, campaign_id)
    settings = settings_of(request)
    problem = ""
    try:
        made = page.production(db, the_page, settings)
    except CoulissesError as exc:  # a campaign file that no longer validates: shown
        problem, made = exc.one_line(), page.Production((), (), (), ())
    chosen = page.items(db, the_page)
    tz = page.time_zone(db, the_page)
    now = utcnow().astimezone(tz)
    shown = page.view(db, the_page, settings)
    return render(request, "backstage_team.html", {
        "page": the_page, "made": made, "problem": problem,
        "chosen": {(i.kind, i.ref) for i in chosen},
        "bts_of": {i.ref: i.bts for i in chosen if i.kind == "cut"},
        "words": page.blocked_words(the_page), "view": shown,
        "polls": [(p, polls.state(p, now), polls.tally(db, p)) for p in shown.polls],
        "held": len(comments.queue(db, the_page)), "sources": _sources(db, workspace_id),
        "campaign_id": campaign_id, "now": now.strftime("%Y-%m-%dT%H:%M"),
        "tz_name": str(tz),
        "week": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "left_out": request.query_params.getlist("left_out")[:20]})


@router.get(BASE + "/preview", name="backstage_preview")
def backstage_preview(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                      member: Membership = Depends(require("backstage.preview"))) -> Response:
    return render_page(request, db, _page(db, workspace_id, campaign_id), preview=True)


@router.post(BASE + "/settings", name="backstage_settings")
async def backstage_settings(request: Request, workspace_id: int, campaign_id: int,
                             db: SessionDep,
                             member: Membership = Depends(require("backstage.publish"))
                             ) -> Response:
    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    page.settings_from_form(
        the_page, title=one.get("title", ""), intro=one.get("intro", ""),
        lang=one.get("lang", "en"), show_places=one.get("show_places") == "1",
        moderation=one.get("moderation", "pre"),
        words={"en": one.get("words_en", ""), "fr": one.get("words_fr", "")},
        embed=one.get("embed", "")[:2000])
    db.commit()
    return _here(workspace_id, campaign_id)


@router.post(BASE + "/items", name="backstage_items")
async def backstage_items(request: Request, workspace_id: int, campaign_id: int,
                          db: SessionDep,
                          member: Membership = Depends(require("backstage.publish"))
                          ) -> Response:
    one, many = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    cuts = {}
    for raw in many.get("cut", []):
        if raw.isdigit() and len(raw) < 19:
            cuts[int(raw)] = one.get(f"bts_{raw}", "")
    left_out = page.compose(db, the_page, settings_of(request), beats=many.get("beat", []),
                            days=many.get("day", []), cuts=cuts)
    db.commit()
    from urllib.parse import quote

    query = "&".join(f"left_out={quote(x[:200])}" for x in left_out)
    return _here(workspace_id, campaign_id, f"?{query}" if query else "")


@router.post(BASE + "/updates", name="backstage_updates")
async def backstage_updates(request: Request, workspace_id: int, campaign_id: int,
                            db: SessionDep,
                            member: Membership = Depends(require("backstage.publish"))
                            ) -> Response:
    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    page.add_update(db, the_page, one.get("body", ""), kind=one.get("kind", "update"),
                    author_id=member.user_id)
    db.commit()
    return _here(workspace_id, campaign_id)


@router.post(BASE + "/publish", name="backstage_publish")
async def backstage_publish(request: Request, workspace_id: int, campaign_id: int,
                            db: SessionDep,
                            member: Membership = Depends(require("backstage.publish"))
                            ) -> Response:
    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    the_page.published = one.get("published") == "1"
    the_page.updated_at = utcnow()
    db.commit()
    return _here(workspace_id, campaign_id)


def _when(raw: str, name: str, tz: tzinfo) -> datetime:
    """A time typed in the form: in the campaign's zone unless it names its own offset."""
    try:
        value = datetime.fromisoformat(raw.strip()[:32])
    except ValueError:
        raise UsageError(f"{name}: {raw[:40]!r} is not a date and time") from None
    return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)


def _number(raw: str, name: str) -> float | None:
    from coulisses.web.forms import number

    return number(raw, name)


@router.post(BASE + "/polls", name="backstage_polls_create")
async def backstage_polls_create(request: Request, workspace_id: int, campaign_id: int,
                                 db: SessionDep,
                                 member: Membership = Depends(require("backstage.publish"))
                                 ) -> Response:
    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    specs = []
    for i in range(polls.MAX_OPTIONS):
        label = one.get(f"label_{i}", "").strip()
        if not label:
            continue
        kind = one.get(f"kind_{i}", "text")
        media, poster = polls.media_for(db, workspace_id, kind, one.get(f"source_{i}", ""))
        specs.append(polls.OptionSpec(label, kind, media, poster,
                                      _number(one.get(f"start_{i}", ""), "clip start"),
                                      _number(one.get(f"end_{i}", ""), "clip end")))
    retention = one.get("retention", "30")
    verify = one.get("verify_email", "") == "1"
    if verify:  # each vote waits for its e-mailed link
        from coulisses.challenges.intake import mail_ready

        mail_ready(settings_of(request), "a poll confirmed by e-mail")
    tz = page.time_zone(db, the_page)
    polls.create_poll(db, page_id=the_page.id, question=one.get("question", ""),
                      options=specs, opens_at=_when(one.get("opens", ""), "opens", tz),
                      closes_at=_when(one.get("closes", ""), "closes", tz),
                      results=one.get("results", "after_vote"),
                      retention_days=int(retention) if retention.isdigit() and
                      len(retention) < 6 else -1,
                      verify_email=verify)
    db.commit()
    return _here(workspace_id, campaign_id, "#polls")


@router.get(BASE + "/moderation", name="backstage_moderation")
def backstage_moderation(request: Request, workspace_id: int, campaign_id: int,
                         db: SessionDep,
                         member: Membership = Depends(require("backstage.moderate"))
                         ) -> Response:
    the_page = _page(db, workspace_id, campaign_id)
    return render(request, "backstage_moderation.html", {
        "page": the_page, "campaign_id": campaign_id, "held": comments.queue(db, the_page),
        "shown": comments.visible(db, the_page) + [
            pair for p in page.view(db, the_page, settings_of(request)).polls
            for pair in comments.visible(db, the_page, p.id)]})


@router.post(BASE + "/moderation", name="backstage_moderate")
async def backstage_moderate(request: Request, workspace_id: int, campaign_id: int,
                             db: SessionDep,
                             member: Membership = Depends(require("backstage.moderate"))
                             ) -> Response:
    one, many = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    ids = [int(x) for x in many.get("comment", []) if x.isdigit() and len(x) < 19]
    comments.moderate(db, page=the_page, comment_ids=ids, action=one.get("action", ""),
                      user_id=member.user_id, now=utcnow())
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage/moderation",
                            status_code=303)


@router.post(BASE + "/comments/{comment_id:int}/reply", name="backstage_reply")
async def backstage_reply(request: Request, workspace_id: int, campaign_id: int,
                          comment_id: int, db: SessionDep,
                          member: Membership = Depends(require("backstage.moderate"))
                          ) -> Response:
    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    user = getattr(request.state, "login", None)
    name = user.user.name if user is not None and user.user is not None else ""
    comments.reply(db, page=the_page, parent_id=comment_id, body=one.get("body", ""),
                   user_id=member.user_id, name=name, now=utcnow())
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage/moderation",
                            status_code=303)


@router.get(BASE + "/moderation.csv", name="backstage_log")
def backstage_log(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                  member: Membership = Depends(require("backstage.moderate"))) -> Response:
    from coulisses.spreadsheet import file_bytes

    the_page = _page(db, workspace_id, campaign_id)
    lang = pick_lang(request, "", settings_of(request).lang)
    return Response(file_bytes(comments.log_csv(db, the_page, lang)),
                    media_type="text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="moderation-{campaign_id}.csv"'})

