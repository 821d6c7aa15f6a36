"""The poll the vote benches and attack simulators replay their votes into: a workspace, a
campaign, its published backstage page and one two-option poll, on a fresh studio database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coulisses.backstage import page, polls


def open_poll(db: Any, *, question: str, opens_at: datetime, closes_at: datetime,
              verify_email: bool = False) -> tuple[Any, Any, list[int]]:
    """A published page, its poll with options A and B (committed), and the options' ids."""
    from coulisses.studio.tables import Campaign, Workspace

    space = Workspace(name="bench")
    db.add(space)
    db.flush()
    campaign = Campaign(workspace_id=space.id, name="bench", filename="b.yaml",
                        source="version: 1\nid: b\nname: B\n", version_id=1)
    db.add(campaign)
    db.flush()
    the_page = page.page_for(db, campaign)
    the_page.published = True
    poll = polls.create_poll(db, page_id=the_page.id, question=question,
                             options=[polls.OptionSpec("A"), polls.OptionSpec("B")],
                             opens_at=opens_at, closes_at=closes_at, verify_email=verify_email)
    db.commit()
    return the_page, poll, [o.id for o in polls.options_of(db, poll)]
