"""The campaign board: every planned deliverable with its state (``studio/board.py``), cuts made
for a deliverable from here, and the coverage of the planned BTS items by tagged rushes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coulisses.errors import NotFoundError, UsageError
from coulisses.studio import board as board_rules
from coulisses.studio import files
from coulisses.studio.board_tables import RushTag
from coulisses.studio.scope import scoped
from coulisses.studio.tables import AuditEvent, Membership, Rush
from coulisses.web import campaign_view
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.forms import settings_of
from coulisses.web.routes.campaigns import _lang, _planned, campaign_in

router = APIRouter()
RECENT_RUSHES = 30


@router.get("/w/{workspace_id}/campaigns/{campaign_id}", name="campaigns_show")
@router.get("/w/{workspace_id}/campaigns/{campaign_id}/board", name="campaigns_board")
def campaigns_board(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                    member: Membership = Depends(require("campaign.view"))) -> Response:
    """The board: a campaign opens on it (the team's daily view); ``/board`` is the same page
    under the name its anchors (``board#d-...``) use."""
    row = campaign_in(db, workspace_id, campaign_id)
    the_plan, error = _planned(request, row)
    rows: list[board_rules.BoardRow] = []
    covered: list[board_rules.CoverageRow] = []
    if the_plan is not None:
        settings = settings_of(request)
        measured = board_rules.measured_deliverables(
            files.analytics_store(settings.data_dir, workspace_id), the_plan.campaign)
        rows = board_rules.board(db, workspace_id=workspace_id, campaign_id=row.id,
                                 deliverables=the_plan.deliverables,
                                 data_dir=settings.data_dir, measured=measured)
        items = [i for sheet in the_plan.sheets for i in sheet.items] + \
            list(the_plan.unscheduled)
        covered = board_rules.coverage(db, workspace_id=workspace_id, campaign_id=row.id,
                                       items=items, deliverables=the_plan.deliverables)
    # the newest rushes: each row's cut form offers its own footage first, then these
    rushes = [(r.id, r.name) for r in db.execute(
        select(Rush.id, Rush.name).where(Rush.workspace_id == workspace_id)
        .order_by(Rush.id.desc()).limit(RECENT_RUSHES))]
    sources = list(dict.fromkeys((r.deliverable.source, r.deliverable.title) for r in rows))
    sources += [(c.source, c.title) for c in covered if c.source not in dict(sources)]
    return render(request, "campaigns_board.html", {
        "campaign": row, "invalid": error, "tab": "board", "rows": rows, "coverage": covered,
        "rushes": rushes, "sources": sources, "states": board_rules.STATES})


@router.post("/w/{workspace_id}/campaigns/{campaign_id}/tags", name="campaigns_tag")
def campaigns_tag(request: Request, workspace_id: int, campaign_id: int,
                  *, rush_id: str = Form(""), source: str = Form(""), db: SessionDep,
                  member: Membership = Depends(require("rush.tag"))) -> Response:
    """Tag a rush as footage of an episode or BTS item of the campaign."""
    row = campaign_in(db, workspace_id, campaign_id)
    try:
        rush = scoped(db, Rush, workspace_id, int(rush_id))
    except ValueError:
        raise UsageError("Choose a rush to tag.") from None
    the_plan, _ = _planned(request, row)
    known = {d.source for d in the_plan.deliverables} if the_plan else set()
    if the_plan is not None:
        known |= {i.id for sheet in the_plan.sheets for i in sheet.items}
        known |= {i.id for i in the_plan.unscheduled}
    if source not in known:
        raise UsageError("Choose an episode or BTS item of this campaign's plan.")
    try:
        with db.begin_nested():
            db.add(RushTag(workspace_id=workspace_id, campaign_id=row.id, rush_id=rush.id,
                           source=source, created_by=member.user_id))
    except IntegrityError:  # tagged already: nothing to add
        pass
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id, action="rush.tag",
                      detail=f"{rush.id}:{row.id}:{source}"[:500]))
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{row.id}/board#coverage",
                            status_code=303)


@router.post("/w/{workspace_id}/campaigns/{campaign_id}/tags/{tag_id:int}/delete",
             name="campaigns_untag")
def campaigns_untag(workspace_id: int, campaign_id: int, tag_id: int, db: SessionDep,
                    member: Membership = Depends(require("rush.tag"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    tag = db.scalars(select(RushTag).where(RushTag.id == tag_id, RushTag.campaign_id == row.id,
                                           RushTag.workspace_id == workspace_id)).first()
    if tag is None:
        raise NotFoundError("No such tag in this campaign.", hint="check the link")
    db.delete(tag)
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{row.id}/board#coverage",
                            status_code=303)


def deliverable_for(request: Request, db: SessionDep, workspace_id: int, value: str
                    ) -> campaign_view.Planned:
    """The planned deliverable a form names as ``<campaign id>:<deliverable id>``.

    Raises:
        UsageError: not of that form, or not in the campaign's plan.
        NotFoundError: no such campaign in this workspace.
    """
    campaign_id, _, deliverable = value.partition(":")
    try:
        row = campaign_in(db, workspace_id, int(campaign_id))
    except ValueError:
        raise UsageError("Choose a planned deliverable from the list.") from None
    for choice in campaign_view.planned([row], settings_of(request), _lang(request)):
        if choice.deliverable.id == deliverable:
            return choice
    raise UsageError(f"{deliverable[:60]!r} is not a deliverable of {row.name}'s plan.",
                     hint="reload the page: the plan may have changed")
