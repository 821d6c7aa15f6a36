"""Engines, sessions and migrations: SQLite in the data folder by default, PostgreSQL by URL.

``open_database(url)`` makes the engine and brings the schema to Alembic's head; the web app
and the job worker share the engine and take short sessions from ``sessionmaker``. The pool
holds a connection for every server thread (``SERVER_THREADS``, the size the app gives its
thread pool) plus the job worker's, so a request never waits on the pool for a thread that is
itself waiting for a connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import OutputError, UsageError
from coulisses.settings import Settings

HERE = Path(__file__).resolve().parent
SERVER_THREADS = 40  # threads running sync routes (anyio's default; the app sets it to this)
POOL_SIZE = SERVER_THREADS + 4  # + the job worker, its heartbeat, the publishing worker
                                 # and the upkeep on start
POOL_OVERFLOW = 8  # scripts or tests sharing the engine; past this, wait ``POOL_TIMEOUT``
POOL_TIMEOUT = 30
SQLITE_BUSY_MS = 30000  # a writer waits this long for another's lock before failing


def default_url(settings: Settings) -> str:
    """The database URL the settings name, or SQLite at ``data_dir/studio.sqlite3``."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.data_dir / 'studio.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL's safe setting: no fsync per commit
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``, its pool sized to the server's threads; SQLite gets WAL, foreign
    keys and a busy timeout.

    Raises:
        UsageError: the URL cannot be understood or its driver is missing.
        OutputError: the SQLite folder cannot be created.
    """
    try:
        pool: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW,
                                "pool_timeout": POOL_TIMEOUT}
        if url.startswith("sqlite"):
            path = url.split(":///", 1)[-1].split("?", 1)[0]
            if not path or path == ":memory:":
                pool = {}  # one in-memory database: SQLAlchemy's own pool for it
            else:
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise OutputError(f"cannot create the database folder ({exc})",
                                      path=Path(path).parent) from None
            engine = create_engine(url, connect_args={"check_same_thread": False,
                                                      "timeout": SQLITE_BUSY_MS / 1000},
                                   **pool)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True, **pool)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise UsageError(f"database URL cannot be used: {type(exc).__name__}",
                         hint="e.g. sqlite:///studio.sqlite3 or "
                              "postgresql+psycopg://user:pass@host/db") from None


def alembic_config(engine: Engine) -> Any:
    """Alembic's configuration for the packaged migrations, bound to ``engine``."""
    from alembic.config import Config

    config = Config(str(HERE / "alembic.ini"))
    config.set_main_option("script_location", str(HERE / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default).

    Raises:
        UsageError: the database cannot be reached.
    """
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise UsageError(f"cannot migrate the studio database ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:200]})") from None


def open_database(url: str, *, migrate: bool = True) -> tuple[Engine, sessionmaker[Session]]:
    """An engine and a session factory for ``url``, migrated to head unless told not to."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
