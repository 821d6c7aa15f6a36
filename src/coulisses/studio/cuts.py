"""The cut rules: what a render request holds, and queueing it as version n+1 of a cut with its
``render`` job (older versions are kept; a repeated nonce returns the first version).

Keyword-only functions on a database session, for the routes, the worker, the CLI and tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError, UsageError
from coulisses.studio.files import cuts_dir, relative
from coulisses.studio.jobs import submit
from coulisses.studio.tables import AuditEvent, Cut, CutVersion, Rush

PRESETS = ("final", "master", "draft")


@dataclass(frozen=True)
class RenderRequest:
    """What to render: platforms (ids), an optional span in seconds, the quality preset and
    the options of ``coulisses cut``.

    Raises:
        UsageError: the span ends before it starts, or an unknown preset.
    """

    platforms: tuple[str, ...]
    start: float | None = None
    end: float | None = None
    preset: str = "final"
    captions: bool = False
    reframe: bool = False
    trim: bool = False
    extend: bool = False

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise UsageError(f"end {self.end:g} s must come after start {self.start:g} s")
        if self.preset not in PRESETS:
            raise UsageError(f"quality {self.preset!r} is not final, master or draft")

    def options(self) -> dict[str, object]:
        """The options a version row keeps, beside its platforms and span."""
        return {"preset": self.preset, "captions": self.captions, "reframe": self.reframe,
                "trim": self.trim, "extend": self.extend}


def queue_render(*, db: Session, data_dir: Path, cut: Cut, rush: Rush, request: RenderRequest,
                 user_id: int, nonce: str = "", job_limit: int | None = None) -> CutVersion:
    """Add version n+1 of ``cut`` and its render job, with an audit event, and commit; a
    repeated ``nonce`` (one per form) returns the version it made.

    Raises:
        RateLimitError: the workspace has ``job_limit`` jobs queued or running.
        ConflictError: another request added the same version number at the same moment.
    """
    key = f"render:{rush.id}:{nonce}" if nonce else None
    number = (db.scalar(select(func.max(CutVersion.number))
                        .where(CutVersion.cut_id == cut.id)) or 0) + 1
    version = CutVersion(workspace_id=cut.workspace_id, number=number,
                         platforms=",".join(request.platforms), start=request.start,
                         end=request.end, options=json.dumps(request.options()),
                         status="queued", out_dir="", report="", error="", decision="pending",
                         created_by=user_id)
    cut.versions.append(version)
    try:
        db.flush()  # the cut (when new) and the version get their ids
    except IntegrityError:  # two "render a new version" at once: the other one won
        db.rollback()
        raise ConflictError("Another version of this cut was just started.",
                            hint="reload the page to see it") from None
    out = cuts_dir(data_dir, cut.workspace_id, cut.id, number)
    payload = {"version_id": version.id, "source": rush.path,
               "out_dir": relative(data_dir, out), "platforms": list(request.platforms),
               "start": request.start, "end": request.end, **request.options()}
    job = submit(db, cut.workspace_id, "render", payload, dedupe_key=key, user_id=user_id,
                 limit=job_limit)
    earlier = db.scalars(select(CutVersion).where(CutVersion.job_id == job.id)).first()
    if earlier is not None and earlier.id != version.id:  # a double click: keep the first
        db.rollback()
        return earlier
    version.job_id = job.id
    db.add(AuditEvent(workspace_id=cut.workspace_id, user_id=user_id, action="cut.render",
                      detail=f"{cut.id}:{number}"))
    db.commit()
    return version
