"""What a job's page and the jobs API show of a job: what it made (a link), its counts and
pass/fail, and its error line, never where its files lie on the server nor their stored
names."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from coulisses.studio.jobs import payload_of
from coulisses.studio.tables import CutVersion, Job

# an absolute POSIX path (not a URL's path): kept as its last part
_ABSOLUTE = re.compile(r"(?<![\w.:/~-])/(?:[^\s/'\"()]+/)+([^\s/'\"()]+)")
# result keys that hold a place in the data folder (at any depth)
PATH_KEYS = frozenset({"file", "out_dir", "video", "cover", "path", "source"})


def shown_result(result: Any) -> Any:
    """``result`` without the data folder's paths (the keys in ``PATH_KEYS``, at any depth)."""
    if isinstance(result, dict):
        return {k: shown_result(v) for k, v in result.items() if k not in PATH_KEYS}
    if isinstance(result, list):
        return [shown_result(v) for v in result]
    return result


def made_link(db: Session, job: Job) -> str | None:
    """The page of what the job works on (the rush analysed, the cut version rendered, the
    publishing page whose numbers a sync read), or None for a kind that makes no page."""
    payload = payload_of(job)
    if job.kind == "analyze" and isinstance(payload.get("rush_id"), int):
        return f"/w/{job.workspace_id}/rushes/{payload['rush_id']}"
    if job.kind == "render" and isinstance(payload.get("version_id"), int):
        version = db.get(CutVersion, payload["version_id"])
        if version is not None and version.workspace_id == job.workspace_id:
            return f"/w/{job.workspace_id}/cuts/{version.cut_id}?v={version.number}"
    if job.kind == "sync_metrics":  # the publishing page shows the numbers it read
        return f"/w/{job.workspace_id}/publishing"
    return None


def shown_error(line: str | None) -> str:
    """A job's error line with every absolute path cut to its file name."""
    return _ABSOLUTE.sub(r"\1", line or "")
