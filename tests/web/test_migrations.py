"""Alembic migrations build exactly the schema the models describe, and go down again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from coulisses.studio.db import make_engine, upgrade
from coulisses.studio.tables import Base


def test_migrations_match_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_removes_everything(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second start of the server changes nothing
        tables = set(inspect(engine).get_table_names())
        assert {"users", "workspaces", "memberships", "sessions", "campaigns", "jobs",
                "audit_events", "login_attempts", "alembic_version"} <= tables
        from alembic import command

        from coulisses.studio.db import alembic_config

        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "campaigns" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_serve_creates_the_sqlite_database_in_the_data_folder(tmp_path: object) -> None:
    from pathlib import Path

    from coulisses.settings import Settings
    from coulisses.studio.db import default_url

    data = Path(str(tmp_path)) / "data"
    url = default_url(Settings(data_dir=data))
    assert url == f"sqlite:///{data / 'studio.sqlite3'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    assert (data / "studio.sqlite3").is_file()


def test_serve_with_an_unusable_database_url_is_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    from coulisses.cli.main import main

    assert main(["serve", "--database-url", "nope://somewhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coulisses: error: database URL cannot be used")
    assert err.count("\n") == 1
