"""The sandbox's durable state: upload sessions, received bytes and the record of accepted posts.

One SQLite file and one folder of partial uploads, so a restarted sandbox still knows what it
accepted and where each upload stood.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, platform TEXT NOT NULL,
    account TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (seq INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL,
    account TEXT NOT NULL, platform_id TEXT NOT NULL UNIQUE, session TEXT NOT NULL,
    size_bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, caption TEXT NOT NULL,
    options TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SandboxStore:
    """Thread-safe access to the sandbox's SQLite file and upload folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.uploads = folder / "uploads"
        self.uploads.mkdir(exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(folder / "sandbox.sqlite3", check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self.secret = self._meta("secret") or self._set_meta("secret", uuid.uuid4().hex)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> str:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        return value

    def next_number(self, name: str) -> int:
        """A counter that survives restarts (ids the platforms hand out)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
            number = int(row[0]) + 1 if row else 1
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(number)))
        return number

    def new_session(self, platform: str, account: str, data: dict[str, Any]) -> str:
        sid = uuid.uuid4().hex
        data = {"received": 0, "state": "uploading", "created": time.time(), **data}
        with self._lock:
            self._db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                             (sid, platform, account, json.dumps(data)))
        return sid

    def session(self, sid: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT platform, account, data FROM sessions WHERE id = ?",
                               (sid,)).fetchone()
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row[2])
        return {"id": sid, "platform": row[0], "account": row[1], **data}

    def find_session(self, platform: str, key: str, value: str) -> dict[str, Any] | None:
        rows = self._db.execute("SELECT id FROM sessions WHERE platform = ?", (platform,))
        for (sid,) in rows.fetchall():
            found = self.session(sid)
            if found is not None and found.get(key) == value:
                return found
        return None

    def update(self, sid: str, **changes: Any) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute("SELECT data FROM sessions WHERE id = ?", (sid,)).fetchone()
            data = {**json.loads(row[0]), **changes}
            self._db.execute("UPDATE sessions SET data = ? WHERE id = ?", (json.dumps(data), sid))
        found = self.session(sid)
        assert found is not None
        return found

    def write_bytes(self, sid: str, offset: int, chunk: bytes) -> int:
        """Write ``chunk`` at ``offset`` of the session's file; returns the bytes now held."""
        path = self.uploads / f"{sid}.bin"
        with self._lock, open(path, "r+b" if path.exists() else "wb") as fh:
            fh.seek(offset)
            fh.write(chunk)
            fh.flush()
        return offset + len(chunk)

    def file_digest(self, sid: str) -> tuple[int, str]:
        path = self.uploads / f"{sid}.bin"
        data = path.read_bytes() if path.exists() else b""
        return len(data), hashlib.sha256(data).hexdigest()

    def record_post(self, session: dict[str, Any], platform_id: str) -> dict[str, Any]:
        """Record an accepted post. Every call records one more: a client that posts twice
        shows up twice, which is what the exactly-once checks look for."""
        if "digest" in session:
            size, digest = session["digest"]
        else:
            size, digest = self.file_digest(session["id"])
            self.update(session["id"], digest=[size, digest])
        with self._lock:
            self._db.execute(
                "INSERT INTO posts (platform, account, platform_id, session, size_bytes, "
                "sha256, caption, options, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session["platform"], session["account"], platform_id, session["id"], size,
                 digest, session.get("caption", ""),
                 json.dumps(session.get("options", {}), sort_keys=True), time.time()))
        (self.uploads / f"{session['id']}.bin").unlink(missing_ok=True)
        return next(p for p in self.posts() if p["platform_id"] == platform_id)

    def posts(self) -> list[dict[str, Any]]:
        """Every accepted post, oldest first."""
        rows = self._db.execute("SELECT platform, account, platform_id, size_bytes, sha256, "
                                "caption, options, at FROM posts ORDER BY seq").fetchall()
        return [{"platform": r[0], "account": r[1], "platform_id": r[2], "size_bytes": r[3],
                 "sha256": r[4], "caption": r[5], "options": json.loads(r[6]), "time": r[7]}
                for r in rows]

    def find_post(self, platform: str, platform_id: str) -> dict[str, Any] | None:
        """The accepted post with this platform id, or None."""
        row = self._db.execute("SELECT account, size_bytes, sha256, caption, at FROM posts "
                               "WHERE platform = ? AND platform_id = ?",
                               (platform, platform_id)).fetchone()
        if row is None:
            return None
        return {"platform": platform, "platform_id": platform_id, "account": row[0],
                "size_bytes": row[1], "sha256": row[2], "caption": row[3], "time": row[4]}

    def close(self) -> None:
        self._db.close()
