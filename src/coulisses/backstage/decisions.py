"""The decision log, "what we changed because of you": what the team decided on a poll or a
conversation group, why, the tally at that moment, which option won, and the cut that resulted.
Recording a decision on an open poll closes it; the comments it answers count as answered on
the conversation map. Public decisions are the page's timeline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage.polls import options_of, tally
from coulisses.backstage.tables import BackstagePage, Decision, Poll, PollOption, PublicComment
from coulisses.errors import NotFoundError, UsageError
from coulisses.studio.tables import Cut

DECISION_MAX = 1000
REASON_MAX = 2000
THEME_MAX = 200


def record(db: Session, page: BackstagePage, *, decision: str, now: datetime,
           reason: str = "", poll_id: int | None = None, option_id: int | None = None,
           theme: str = "", comment_ids: Sequence[int] = (), cut_id: int | None = None,
           public: bool = True, author_id: int | None = None) -> Decision:
    """Log a decision (flushed, not committed); an open poll it decides closes at ``now``.

    Raises:
        UsageError: an empty or too long decision, reason or theme; an option without its
            poll, or one that is not the poll's.
        NotFoundError: a poll, comment or cut that is not this page's or workspace's.
    """
    decision, reason, theme = decision.strip(), reason.strip(), theme.strip()
    if not decision or len(decision) > DECISION_MAX:
        raise UsageError(f"a decision has 1 to {DECISION_MAX} characters")
    if len(reason) > REASON_MAX or len(theme) > THEME_MAX:
        raise UsageError(f"the reason has at most {REASON_MAX} characters and the theme "
                         f"{THEME_MAX}")
    snapshot: list[list[object]] = []
    if poll_id is not None:
        poll = db.get(Poll, poll_id)
        if poll is None or poll.page_id != page.id:
            raise NotFoundError("No such poll.", hint="reload the page")
        if option_id is not None and option_id not in {o.id for o in options_of(db, poll)}:
            raise UsageError("the winning option is not one of the poll's")
        snapshot = [[o.label, n] for o, n in tally(db, poll).counts]
        if poll.closes_at > now:
            poll.closes_at = max(now, poll.opens_at)
    elif option_id is not None:
        raise UsageError("a winning option needs its poll")
    answered = list(dict.fromkeys(int(c) for c in comment_ids))
    if answered:
        found = set(db.scalars(select(PublicComment.id).where(
            PublicComment.page_id == page.id, PublicComment.id.in_(answered))))
        if len(found) != len(answered):
            raise NotFoundError("No such comment.", hint="reload the page")
    if cut_id is not None:
        cut = db.get(Cut, cut_id)
        if cut is None or cut.workspace_id != page.workspace_id:
            raise NotFoundError("No such cut.", hint="choose one of this workspace's cuts")
    row = Decision(page_id=page.id, poll_id=poll_id, option_id=option_id, theme=theme,
                   comments=json.dumps(answered), tally=json.dumps(snapshot),
                   decision=decision, reason=reason, cut_id=cut_id, public=public,
                   author_id=author_id, created_at=now)
    db.add(row)
    db.flush()
    return row


@dataclass(frozen=True)
class Entry:
    """A decision as the timeline shows it."""

    id: int
    at: datetime
    decision: str
    reason: str
    question: str  # the poll's, or ""
    winner: str  # the winning option's label, or ""
    counts: tuple[tuple[str, int], ...]  # the tally when it was decided
    theme: str
    answered: int  # comments it answers
    cut_id: int | None
    cut_title: str
    public: bool

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def timeline(db: Session, page: BackstagePage, *, public_only: bool = True) -> list[Entry]:
    """The page's decisions, newest first (only the public ones unless asked)."""
    query = select(Decision).where(Decision.page_id == page.id)
    if public_only:
        query = query.where(Decision.public.is_(True))
    out = []
    for row in db.scalars(query.order_by(Decision.created_at.desc(), Decision.id.desc())):
        poll = db.get(Poll, row.poll_id) if row.poll_id is not None else None
        option = db.get(PollOption, row.option_id) if row.option_id is not None else None
        cut = db.get(Cut, row.cut_id) if row.cut_id is not None else None
        out.append(Entry(row.id, row.created_at, row.decision, row.reason,
                         poll.question if poll is not None else "",
                         option.label if option is not None else "",
                         _pairs(row.tally),
                         row.theme, len(_list(row.comments)), row.cut_id,
                         cut.title if cut is not None else "", row.public))
    return out


def answered_ids(db: Session, page: BackstagePage) -> set[int]:
    """Comments a decision answers."""
    out: set[int] = set()
    for raw in db.scalars(select(Decision.comments).where(Decision.page_id == page.id)):
        out.update(int(x) for x in _list(raw) if isinstance(x, int))
    return out


def _pairs(raw: str) -> tuple[tuple[str, int], ...]:
    return tuple((str(p[0]), int(p[1])) for p in _list(raw)
                 if isinstance(p, list) and len(p) == 2 and isinstance(p[1], int))


def _list(raw: str) -> list[object]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
