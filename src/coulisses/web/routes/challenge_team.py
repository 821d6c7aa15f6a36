"""The team's side of a campaign's challenges (owners and editors): open a challenge of the
campaign file for public submissions (its row is created or synced), close it, see its entries
and where each one's consent stands, record a minor's hiring authorisations, and download the
consent log as CSV.
"""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.challenges import consent, intake
from coulisses.challenges.tables import ChallengeConsent, ChallengeEntry, ChallengeRow
from coulisses.errors import CampaignError, NotFoundError
from coulisses.studio.tables import AuditEvent, Campaign, Membership
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.forms import settings_of
from coulisses.web.routes.campaigns import campaign_in

router = APIRouter()
SHOWN = 300  # entries listed on the page, newest first (the counts cover every one)
BASE = "/w/{workspace_id}/campaigns/{campaign_id}/challenges"


def _keys(campaign: Campaign) -> list[tuple[str, str]]:
    """(id, title) of each challenge of the campaign's file (none when it does not load)."""
    from coulisses.campaign.load import loads_campaign

    try:
        parsed = loads_campaign(campaign.source, campaign.filename)
    except CampaignError:
        return []
    return [(c.id, c.title) for c in parsed.challenges]


def _row(db: Session, campaign: Campaign, key: str) -> ChallengeRow | None:
    rows = db.scalars(select(ChallengeRow).where(
        ChallengeRow.workspace_id == campaign.workspace_id,
        ChallengeRow.campaign_id == campaign.id, ChallengeRow.key == key[:64])).all()
    return rows[0] if rows else None


def _synced(db: Session, workspace_id: int, campaign_id: int, key: str) -> ChallengeRow:
    """The challenge's row, made on first use and refreshed from the file.

    Raises:
        NotFoundError: no such campaign in this workspace, or no such challenge in its file.
    """
    campaign = campaign_in(db, workspace_id, campaign_id)
    return intake.sync(db, campaign, key[:64])


def _existing(db: Session, workspace_id: int, campaign_id: int, key: str) -> ChallengeRow:
    campaign = campaign_in(db, workspace_id, campaign_id)
    row = _row(db, campaign, key)
    if row is None:
        raise NotFoundError("No such challenge in this campaign.",
                            hint="open it for submissions first")
    return row


def _here(workspace_id: int, campaign_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{campaign_id}/challenges{anchor}",
                            status_code=303)


@router.get(BASE, name="challenges_team")
def challenges_team(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                    member: Membership = Depends(require("challenge.manage"))) -> Response:
    campaign = campaign_in(db, workspace_id, campaign_id)
    listed = []
    for key, title in _keys(campaign):
        row = _row(db, campaign, key)
        entries = list(db.scalars(select(ChallengeEntry).where(
            ChallengeEntry.challenge_id == row.id).order_by(ChallengeEntry.id.desc())
            .limit(SHOWN))) if row else []
        counts = dict.fromkeys((consent.COMPLETE, consent.PENDING_PARENT, consent.MISSING,
                                consent.WITHDRAWN), 0)
        if row is not None:
            counts.update({str(state): int(n) for state, n in db.execute(
                select(ChallengeEntry.consent, func.count(ChallengeEntry.id)).where(
                    ChallengeEntry.challenge_id == row.id).group_by(ChallengeEntry.consent))})
        listed.append({"key": key, "title": title, "row": row, "entries": entries,
                       "counts": counts, "total": sum(counts.values()),
                       "hiring": consent.needs_hiring_authorisation})
    return render(request, "challenge_team.html", {"campaign": campaign, "challenges": listed,
                                                   "membership": member})


@router.post(BASE + "/{key}/open", name="challenge_open")
def challenge_open(request: Request, workspace_id: int, campaign_id: int, key: str,
                   db: SessionDep,
                   member: Membership = Depends(require("challenge.manage"))) -> Response:
    # entrants get their withdrawal link and parents their confirmation by e-mail
    intake.mail_ready(settings_of(request), "taking entries")
    row = _synced(db, workspace_id, campaign_id, key)
    intake.set_open(db, row, True)
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="challenge.open", detail=row.key))
    db.commit()
    return _here(workspace_id, campaign_id, f"#ch-{row.key}")


@router.post(BASE + "/{key}/close", name="challenge_close")
def challenge_close(workspace_id: int, campaign_id: int, key: str, db: SessionDep,
                    member: Membership = Depends(require("challenge.manage"))) -> Response:
    row = _existing(db, workspace_id, campaign_id, key)
    intake.set_open(db, row, False)
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="challenge.close", detail=row.key))
    db.commit()
    return _here(workspace_id, campaign_id, f"#ch-{row.key}")


@router.post(BASE + "/{key}/entries/{public_id}/cleared", name="challenge_minor_cleared")
async def challenge_minor_cleared(request: Request, workspace_id: int, campaign_id: int,
                                  key: str, public_id: str, db: SessionDep,
                                  member: Membership = Depends(require("challenge.manage")),
                                  ) -> Response:
    """Record (or take back) the authorisations hiring a minor requires."""
    form = await request.form()
    cleared = form.get("cleared") == "yes"
    row = _existing(db, workspace_id, campaign_id, key)
    entry = db.scalars(select(ChallengeEntry).where(
        ChallengeEntry.challenge_id == row.id,
        ChallengeEntry.public_id == public_id[:24])).first()
    if entry is None:
        raise NotFoundError("No such entry in this challenge.", hint="check the link")
    entry.minor_cleared = cleared
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="challenge.minor_cleared" if cleared else "challenge.minor_held",
                      detail=entry.public_id))
    db.commit()
    return _here(workspace_id, campaign_id, f"#e-{entry.public_id}")


CSV_COLUMNS = ("entry", "item", "granted", "by", "at", "terms_hash", "terms_text", "scope",
               "address_digest", "agent_digest", "age_band", "consent_now", "status")


@router.get(BASE + "/{key}/consents.csv", name="challenge_consents_csv")
def challenge_consents_csv(workspace_id: int, campaign_id: int, key: str, db: SessionDep,
                           member: Membership = Depends(require("challenge.manage")),
                           ) -> Response:
    """The consent log: one line per item answered, with the exact terms shown and their
    hash (cells that a spreadsheet would run as a formula are quoted)."""
    row = _existing(db, workspace_id, campaign_id, key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    found = db.execute(select(ChallengeConsent, ChallengeEntry).join(
        ChallengeEntry, ChallengeEntry.id == ChallengeConsent.entry_id).where(
        ChallengeEntry.challenge_id == row.id).order_by(ChallengeConsent.at,
                                                        ChallengeConsent.id))
    for item, entry in found:
        writer.writerow([_cell(v) for v in (
            entry.public_id, item.item, "yes" if item.granted else "no", item.by,
            item.at.isoformat(), item.terms_hash, item.terms_text,
            json.dumps(json.loads(item.scope or "{}"), sort_keys=True), item.address_hash,
            item.agent_hash, entry.age_band, entry.consent, entry.status)])
    name = f"consents-{row.campaign_key}-{row.key}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text (no formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
