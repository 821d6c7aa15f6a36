"""Listening to the backstage page: the conversation map (comments grouped by meaning) and the
decision log, "what we changed because of you" (owners and editors record; everyone in the
workspace reads).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage import conversation, decisions, platform_tallies, polls
from coulisses.backstage.tables import Poll
from coulisses.studio.tables import Cut, Membership, utcnow
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.forms import settings_of
from coulisses.web.routes.backstage_team import BASE, _fields, _page

router = APIRouter()


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _embedder(request: Request) -> Any:
    """The app's one sentence embedder (the model loads on its first use, then stays)."""
    from coulisses.analysis.embeddings import Embedder

    found = getattr(request.app.state, "embedder", None)
    if found is None:
        found = Embedder(settings_of(request))
        request.app.state.embedder = found
    return found


@router.get(BASE + "/map", name="backstage_map")
def backstage_map(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                  member: Membership = Depends(require("backstage.preview"))) -> Response:
    the_page = _page(db, workspace_id, campaign_id)
    found = conversation.conversation_map(db, the_page, _embedder(request).encode)
    return render(request, "backstage_map.html", {
        "page": the_page, "campaign_id": campaign_id, "map": found,
        "polls": list(db.scalars(select(Poll).where(Poll.page_id == the_page.id)
                                 .order_by(Poll.id)))})


@router.get(BASE + "/decisions", name="backstage_decisions")
def backstage_decisions(request: Request, workspace_id: int, campaign_id: int,
                        db: SessionDep,
                        member: Membership = Depends(require("backstage.preview"))
                        ) -> Response:
    the_page = _page(db, workspace_id, campaign_id)
    found = list(db.scalars(select(Poll).where(Poll.page_id == the_page.id).order_by(Poll.id)))
    return render(request, "backstage_decisions.html", {
        "page": the_page, "campaign_id": campaign_id,
        "entries": decisions.timeline(db, the_page, public_only=False),
        "cut_kpis": _decision_kpis(request, db, the_page),
        "channel_names": platform_tallies.CHANNELS,
        "polls": [(p, polls.options_of(db, p)) for p in found],
        "tallies": {p.id: platform_tallies.tallies(db, p) for p in found},
        "channels": platform_tallies.CHANNELS,
        **_platform_choices(db, workspace_id, found),
        "cuts": list(db.scalars(select(Cut).where(Cut.workspace_id == workspace_id)
                                .order_by(Cut.id.desc()).limit(200))),
        "theme": request.query_params.get("theme", "")[:200],
        "answer": [x for x in request.query_params.getlist("comment")[:500] if x.isdigit()]})


@router.post(BASE + "/decisions", name="backstage_decide")
async def backstage_decide(request: Request, workspace_id: int, campaign_id: int,
                           db: SessionDep,
                           member: Membership = Depends(require("backstage.publish"))
                           ) -> Response:
    one, many = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    raw_option = one.get("option_id", "")
    poll_id, _, option = raw_option.partition(":")  # "poll:option" from one select
    decisions.record(
        db, the_page, decision=one.get("decision", ""), reason=one.get("reason", ""),
        poll_id=_id(poll_id) if raw_option else _id(one.get("poll_id", "")),
        option_id=_id(option), theme=one.get("theme", ""),
        comment_ids=[c for c in (_id(x) for x in many.get("comment", [])) if c is not None],
        cut_id=_id(one.get("cut_id", "")), public=one.get("public") == "1",
        author_id=member.user_id, now=utcnow())
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage/decisions",
                            status_code=303)


@router.post(BASE + "/polls/{poll_id:int}/platform", name="backstage_platform_tally")
async def backstage_platform_tally(request: Request, workspace_id: int, campaign_id: int,
                                   poll_id: int, db: SessionDep,
                                   member: Membership = Depends(require("backstage.publish"))
                                   ) -> Response:
    from coulisses.errors import NotFoundError, UsageError

    one, _ = await _fields(request)
    the_page = _page(db, workspace_id, campaign_id)
    poll = db.get(Poll, poll_id)
    if poll is None or poll.page_id != the_page.id:
        raise NotFoundError("No such poll.", hint="reload the page")
    counts = {}
    for option in polls.options_of(db, poll):
        raw = one.get(f"votes_{option.id}", "").strip().replace(" ", "")
        if raw and (not raw.isdigit() or len(raw) > 9):
            raise UsageError(f"votes are whole numbers from 0 to {platform_tallies.MAX_VOTES}")
        counts[option.id] = int(raw) if raw else 0
    platform_tallies.enter(db, poll, one.get("channel", ""), counts,
                           estimated=one.get("estimated") == "1", user_id=member.user_id,
                           now=utcnow())
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage/decisions",
                            status_code=303)


# --- platform polls (issue 14): sent through the publish connectors, read back ---

def _platform_choices(db: Session, workspace_id: int, found: list[Poll]) -> dict[str, Any]:
    """What the decision log offers to send polls out: the workspace's LinkedIn accounts on
    the API, its Instagram posts not out yet, and where each poll already went."""
    from coulisses.backstage import platform_polls
    from coulisses.publish.tables import Post, PublishAccount

    mine = (PublishAccount.workspace_id == workspace_id) | PublishAccount.workspace_id.is_(None)
    linkedin = list(db.scalars(select(PublishAccount).where(
        PublishAccount.platform == "linkedin", PublishAccount.channel == "api", mine)))
    reels = list(db.scalars(select(Post).join(PublishAccount, Post.account_id == PublishAccount.id)
                            .where(Post.platform == "instagram", mine,
                                   Post.state.in_(("draft", "scheduled")))
                            .order_by(Post.due_ms).limit(100)))
    return {"li_accounts": linkedin, "ig_posts": [p for p in reels if p.progress in ("", "{}")],
            "durations": platform_polls.DURATIONS,
            "sent": {p.id: platform_polls.sent(db, p) for p in found}}


def _poll_of(db: Session, workspace_id: int, campaign_id: int, poll_id: int) -> Poll:
    from coulisses.errors import NotFoundError

    the_page = _page(db, workspace_id, campaign_id)
    poll = db.get(Poll, poll_id)
    if poll is None or poll.page_id != the_page.id:
        raise NotFoundError("No such poll.", hint="reload the page")
    return poll


def _to_log(workspace_id: int, campaign_id: int) -> RedirectResponse:
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/backstage/decisions",
                            status_code=303)


@router.post(BASE + "/polls/{poll_id:int}/linkedin", name="backstage_poll_linkedin")
async def backstage_poll_linkedin(request: Request, workspace_id: int, campaign_id: int,
                                  poll_id: int, db: SessionDep,
                                  member: Membership = Depends(require("backstage.publish"))
                                  ) -> Response:
    """Queue the poll as a LinkedIn poll post (the publish worker posts it, once)."""
    from coulisses.backstage import platform_polls

    one, _ = await _fields(request)
    poll = _poll_of(db, workspace_id, campaign_id, poll_id)
    platform_polls.send_linkedin(db, poll, account_id=_id(one.get("account_id", "")) or 0,
                                 workspace_id=workspace_id,
                                 duration=one.get("duration", "SEVEN_DAYS"),
                                 commentary=one.get("text", "")[:3000])
    db.commit()
    return _to_log(workspace_id, campaign_id)


@router.post(BASE + "/polls/{poll_id:int}/instagram", name="backstage_poll_instagram")
async def backstage_poll_instagram(request: Request, workspace_id: int, campaign_id: int,
                                   poll_id: int, db: SessionDep,
                                   member: Membership = Depends(require("backstage.publish"))
                                   ) -> Response:
    """Attach the poll to a scheduled Instagram reel as its caption poll."""
    from coulisses.backstage import platform_polls

    one, _ = await _fields(request)
    poll = _poll_of(db, workspace_id, campaign_id, poll_id)
    platform_polls.attach_instagram(db, poll, post_id=_id(one.get("post_id", "")) or 0,
                                    workspace_id=workspace_id)
    db.commit()
    return _to_log(workspace_id, campaign_id)


@router.post(BASE + "/polls/{poll_id:int}/read", name="backstage_poll_read")
def backstage_poll_read(request: Request, workspace_id: int, campaign_id: int, poll_id: int,
                        db: SessionDep,
                        member: Membership = Depends(require("backstage.publish"))
                        ) -> Response:
    """Read the platform polls' results back through their APIs into the poll's tallies."""
    from coulisses.backstage import platform_polls
    from coulisses.publish.accounts import sealer
    from coulisses.publish.api import builtin_apis

    poll = _poll_of(db, workspace_id, campaign_id, poll_id)
    db.commit()  # no transaction of ours stays open while the reads write
    settings = request.app.state.settings
    platform_polls.read_back(request.app.state.sessions,
                             sealer(settings.publish_key, settings.data_dir), builtin_apis(),
                             poll.id, now=utcnow())
    return _to_log(workspace_id, campaign_id)


def _decision_kpis(request: Request, db: Session, the_page: Any) -> Any:
    """The key KPIs of each decided cut, once it is published and its numbers synced."""
    from coulisses.backstage import decision_kpis

    cuts = {e.cut_id for e in decisions.timeline(db, the_page, public_only=False)
            if e.cut_id is not None}
    return decision_kpis.cut_kpis(db, settings_of(request).data_dir, the_page.workspace_id,
                                  cuts)
