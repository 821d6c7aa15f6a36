"""The publishing side's only door into the studio database: sessions from the settings."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from coulisses.settings import Settings
from coulisses.studio.db import default_url, open_database


def sessions(settings: Settings) -> sessionmaker[Session]:
    """A session factory on the studio database, migrated to the newest schema.

    Raises:
        UsageError: the database cannot be reached or migrated.
    """
    return open_database(default_url(settings))[1]


def open_url(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """The engine and a session factory for a database URL, migrated to the newest schema.

    Raises:
        UsageError: the database cannot be reached or migrated.
    """
    return open_database(url)
