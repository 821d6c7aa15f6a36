"""Where a challenge is kept: its ``ChallengeRow`` in the studio database (made from the command
line, no workspace) and its stage checkpoints, one Parquet file per stage written with DuckDB.

A checkpoint grows by batches: the batch and the rows already there are written to a new part
beside the file, which then replaces it (``os.replace``), so a crash mid-batch loses nothing
already checkpointed and never leaves a half-written file. Rows are keyed by ``id``: a row
written again for the same entry replaces the older one, so nothing is counted twice.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.campaign.schema import Challenge
from coulisses.challenges.entry import Scalar
from coulisses.challenges.tables import ChallengeRow
from coulisses.errors import CampaignError, OutputError
from coulisses.settings import Settings

#: a checkpoint's row groups stay this small (a reader holds one at a time): the ``prints``
#: rows are about 20 kB each, so DuckDB's default of 122,880 rows would hold them all at once
_ROW_GROUP_BYTES = 8_000_000
#: the DuckDB type of each Python type a row may hold
_TYPES: dict[type, str] = {bool: "BOOLEAN", int: "BIGINT", float: "DOUBLE", str: "VARCHAR",
                           bytes: "BLOB"}


def sessions(settings: Settings) -> sessionmaker[Session]:
    """A session factory on the studio database the settings name, migrated to the newest schema.

    Raises:
        UsageError: the database cannot be reached or migrated.
    """
    from coulisses.studio.db import default_url, open_database

    return open_database(default_url(settings))[1]


def load_challenge(campaign_file: Path, challenge_id: str) -> tuple[str, Challenge]:
    """The campaign's id and its challenge ``challenge_id`` from a campaign file.

    Raises:
        CampaignError: the file does not validate, or has no challenge of that id.
    """
    from coulisses.campaign.load import load_campaign

    campaign = load_campaign(campaign_file)
    for challenge in campaign.challenges:
        if challenge.id == challenge_id:
            return campaign.id, challenge
    known = ", ".join(c.id for c in campaign.challenges) or "none"
    raise CampaignError(f"{campaign_file}: no challenge {challenge_id!r}",
                        hint=f"challenges in this file: {known}")


def open_challenge(session: Session, campaign_file: Path,
                   challenge_id: str) -> tuple[ChallengeRow, Challenge]:
    """Get or create the row of a campaign file's challenge for the command line (no workspace),
    its ``rules`` JSON synced with the file. The caller commits.

    Raises:
        CampaignError: the file does not validate, or has no challenge of that id.
    """
    campaign_key, challenge = load_challenge(campaign_file, challenge_id)
    row = session.scalars(select(ChallengeRow).where(
        ChallengeRow.workspace_id.is_(None), ChallengeRow.campaign_key == campaign_key,
        ChallengeRow.key == challenge.id)).first()
    if row is None:
        row = ChallengeRow(workspace_id=None, campaign_key=campaign_key, key=challenge.id,
                           slug=secrets.token_hex(16), secret=secrets.token_hex(32),
                           salt=secrets.token_hex(32))
        session.add(row)
    row.title = challenge.title
    row.rules = challenge.model_dump_json()
    session.flush()
    return row, challenge


# --- stage checkpoints -----------------------------------------------------------------------


def _connect() -> Any:
    import duckdb  # heavy: imported where used

    return duckdb.connect(":memory:")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _kind(values: Iterable[Scalar]) -> str | None:
    """The DuckDB type of a column's values (ints widen to floats); None when all are None."""
    kinds = {_TYPES[type(v)] for v in values if v is not None}
    if kinds == {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    if len(kinds) > 1:
        raise TypeError(f"a column mixes {sorted(kinds)}")
    return kinds.pop() if kinds else None


def _widest(old: str | None, new: str | None) -> str:
    """The type a column keeps when a batch of ``new`` meets a file of ``old``."""
    if old is None or old == new:
        return new or "VARCHAR"
    if new is None:
        return old
    if {old, new} == {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    raise TypeError(f"a column of {old} was given {new} values")


def columns_of(path: Path) -> dict[str, str]:
    """A checkpoint's columns and their DuckDB types (empty when it does not exist)."""
    if not path.exists():
        return {}
    con = _connect()
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(path)})").fetchall()
    finally:
        con.close()
    return {str(r[0]): str(r[1]) for r in rows}


def append_rows(path: Path, rows: Sequence[Mapping[str, Scalar]],
                columns: Sequence[str], *, replace: bool = False) -> None:
    """Add a batch of rows (each with ``id`` and ``columns``) to the checkpoint at ``path``,
    atomically; a row for an id already there replaces it. With ``replace``, the batch
    replaces the whole file (the verdicts, decided anew each run).

    Raises:
        OutputError: the checkpoint cannot be written.
    """
    if not rows and not replace:
        return
    names = ["id", *[c for c in columns if c != "id"]]
    known = {} if replace else columns_of(path)
    types = [_widest(known.get(n), _kind(r.get(n) for r in rows)) for n in names]
    types[0] = "VARCHAR"
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    con = _connect()
    try:
        defs = ", ".join(f"{_quote(n)} {t}" for n, t in zip(names, types, strict=True))
        con.execute(f"CREATE TABLE batch (_seq BIGINT, {defs})")
        marks = ", ".join("?" * (len(names) + 1))
        if rows:
            con.executemany(f"INSERT INTO batch VALUES ({marks})",
                            [[i, *[r.get(n) for n in names]] for i, r in enumerate(rows)])
        cols = ", ".join(_quote(n) for n in names)
        newest = (f"SELECT {cols} FROM batch QUALIFY row_number() OVER "
                  "(PARTITION BY id ORDER BY _seq DESC) = 1")
        if known:
            old = ", ".join(f"CAST({_quote(n)} AS {t}) AS {_quote(n)}" if n in known
                            else f"CAST(NULL AS {t}) AS {_quote(n)}"
                            for n, t in zip(names, types, strict=True))
            query = (f"SELECT {old} FROM read_parquet({_literal(path)}) "
                     f"WHERE id NOT IN (SELECT id FROM batch) UNION ALL {newest}")
        else:
            query = newest
        con.execute(f"COPY ({query}) TO {_literal(part)} "
                    f"(FORMAT parquet, ROW_GROUP_SIZE_BYTES {_ROW_GROUP_BYTES})")
        con.close()
        os.replace(part, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the checkpoint ({exc.strerror})") from None
    finally:
        con.close()
        part.unlink(missing_ok=True)


def done_ids(path: Path) -> set[str]:
    """The ids of the entries a checkpoint already holds a row for."""
    if not path.exists():
        return set()
    con = _connect()
    try:
        return {str(r[0]) for r in
                con.execute(f"SELECT id FROM read_parquet({_literal(path)})").fetchall()}
    finally:
        con.close()


def iter_rows(path: Path, *, batch: int = 2048, columns: Sequence[str] | None = None,
              present: str | None = None) -> Iterator[dict[str, Scalar]]:
    """The rows of a checkpoint, a batch at a time (memory bounded by ``batch`` rows and one
    row group): only
    ``columns`` when given (Parquet reads no other), only rows whose ``present`` column holds
    a value when given."""
    if not path.exists():
        return
    chosen = ", ".join(_quote(c) for c in columns) if columns else "*"
    where = f" WHERE {_quote(present)} IS NOT NULL" if present else ""
    con = _connect()
    try:
        con.execute("SET threads = 1")  # one row group in flight: memory bounded by its size
        cursor = con.execute(f"SELECT {chosen} FROM read_parquet({_literal(path)}){where}")
        names = [d[0] for d in cursor.description]
        while chunk := cursor.fetchmany(batch):
            for values in chunk:
                yield dict(zip(names, values, strict=True))
    finally:
        con.close()


def read_rows(path: Path) -> dict[str, dict[str, Scalar]]:
    """Every row of a checkpoint as a dict, keyed by the entry's id (empty when absent)."""
    return {str(row["id"]): row for row in iter_rows(path)}


def json_list(value: Scalar) -> tuple[str, ...]:
    """A JSON list column (``qc_reasons``) as a tuple of strings; empty for None."""
    if not isinstance(value, str) or not value:
        return ()
    return tuple(str(v) for v in json.loads(value))
