"""The backstage tests' world: a studio database with one workspace, the packaged example
campaign, its backstage page (published) and a two-option poll open now."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from coulisses.backstage import page, polls
from coulisses.backstage.tables import BackstagePage, Poll
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, Workspace, utcnow


@dataclass
class World:
    db: Session
    settings: Settings
    page: BackstagePage
    poll: Poll
    campaign: Campaign
    now: datetime


@contextmanager
def open_world(tmp_path: Path, url: str = "") -> Iterator[World]:
    """The world in the database at ``url``, by default an SQLite file under ``tmp_path``."""
    from coulisses.campaign.template import example_text
    from coulisses.studio.db import open_database

    engine, sessions = open_database(url or f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    db = sessions()
    space = Workspace(name="Acme")
    db.add(space)
    db.flush()
    campaign = Campaign(workspace_id=space.id, name="Cités", filename="cites.yaml",
                        source=example_text("casting-series-fr"), version_id=1)
    db.add(campaign)
    db.flush()
    the_page = page.page_for(db, campaign)
    the_page.published = True
    now = utcnow()
    poll = polls.create_poll(db, page_id=the_page.id, question="Which cover?",
                             options=[polls.OptionSpec("Red"), polls.OptionSpec("Blue")],
                             opens_at=now - timedelta(hours=1),
                             closes_at=now + timedelta(days=2))
    db.commit()
    yield World(db, Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache"),
                the_page, poll, campaign, now)
    db.close()
    engine.dispose()
