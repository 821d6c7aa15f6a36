"""The backstage page's KPIs from the studio database: the daily view counter (a visit adds
one to today's row; no cookie, address or visitor is kept), and ``page_kpis`` for the KPI
report (``coulisses.kpi.page_kpis.PageKpis``).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.backstage.tables import BackstagePage, PageViews, Poll, PublicComment, Vote
from coulisses.kpi.page_kpis import PageKpis


def count_view(db: Session, page: BackstagePage, day: date) -> None:
    """Add one view to ``day``'s counter of the page (committed), in one statement: an
    ``INSERT ... ON CONFLICT DO UPDATE`` on the unique (page, day) row, so concurrent first
    views of a day neither fail nor wait on one another beyond the row's own lock."""
    from sqlalchemy.dialects import postgresql, sqlite

    postgres = db.get_bind().dialect.name == "postgresql"
    upsert = (postgresql.insert if postgres else sqlite.insert)(PageViews).values(
        page_id=page.id, day=day, views=1)
    db.execute(upsert.on_conflict_do_update(index_elements=["page_id", "day"],
                                            set_={"views": PageViews.views + 1}))
    db.commit()


def page_kpis(db: Session, page: BackstagePage) -> PageKpis:
    """The page's counts over its whole life."""
    views, days = db.execute(select(func.coalesce(func.sum(PageViews.views), 0),
                                    func.count(PageViews.id))
                             .where(PageViews.page_id == page.id)).one()
    poll_ids = select(Poll.id).where(Poll.page_id == page.id).scalar_subquery()
    counted = flagged = voters = 0
    reasons: Counter[str] = Counter()
    seen: set[tuple[int, str]] = set()
    for poll_id, voter, ok, reason in db.execute(
            select(Vote.poll_id, Vote.voter, Vote.counted, Vote.reason)
            .where(Vote.poll_id.in_(poll_ids))):
        if ok:
            counted += 1
            if voter and (poll_id, voter) not in seen:
                seen.add((poll_id, voter))
                voters += 1
        else:
            flagged += 1
            reasons[reason] += 1
    rows = list(db.scalars(select(PublicComment).where(PublicComment.page_id == page.id)
                           .order_by(PublicComment.id)))
    first_reply: dict[int, float] = {}
    by_id = {r.id: r for r in rows}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if row.team and parent is not None and not parent.team \
                and parent.id not in first_reply:
            hours = (row.created_at - parent.created_at).total_seconds() / 3600
            first_reply[parent.id] = max(hours, 0.0)
    visitors = [r for r in rows if not r.team]
    status = Counter(r.status for r in visitors)
    open_ones = [r for r in visitors if r.parent_id is None and r.status != "declined"]
    answered = [first_reply[r.id] for r in open_ones if r.id in first_reply]
    days_of: dict[str, set[date]] = {}
    for r in visitors:
        if r.commenter:
            days_of.setdefault(r.commenter, set()).add(r.created_at.date())
    return PageKpis(
        views=int(views), view_days=int(days), votes_counted=counted, votes_flagged=flagged,
        flagged=tuple(sorted(reasons.items())), voters=voters,
        comments_approved=status["visible"], comments_held=status["held"],
        comments_declined=status["declined"], to_answer=len(open_ones),
        answered=len(answered), reply_hours=sum(answered),
        median_reply_h=statistics.median(answered) if answered else None,
        commenters=len(days_of), returning_commenters=sum(len(d) > 1 for d in days_of.values()))


def for_campaign(db: Session, campaign_id: int) -> PageKpis | None:
    """The KPIs of the campaign's backstage page, if it was ever published (else None)."""
    page = db.scalars(select(BackstagePage).where(
        BackstagePage.campaign_id == campaign_id)).first()
    if page is None:
        return None
    kpis = page_kpis(db, page)
    return kpis if page.published or kpis.views or kpis.to_answer or kpis.votes_counted \
        else None
