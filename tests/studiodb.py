"""Fresh studio databases for tests: an SQLite file, or a new schema in the PostgreSQL that
``COULISSES_TEST_DATABASE_URL`` names (read at import: the suite clears ``COULISSES_*`` per test).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

PG_URL = os.environ.get("COULISSES_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def fresh_database(backend: str, folder: Path, prefix: str = "t") -> Iterator[str]:
    """Yield the URL of an empty database; a PostgreSQL schema is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'studio.sqlite3'}"
        return
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield PG_URL + sep + urlencode({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
