"""The job queue on the studio database: submit, claim (once, atomically), finish, re-queue.

A claim is one conditional ``UPDATE ... WHERE status = 'queued'``: whichever worker's update
touches the row wins, on SQLite and PostgreSQL alike, so a job never runs twice. Running jobs
beat a heartbeat; one whose heartbeat is older than ``stale_after`` belonged to a dead worker
and goes back to the queue with its attempt counted.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coulisses.errors import UsageError
from coulisses.studio.tables import Job, utcnow

MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(seconds=60)


def submit(session: Session, workspace_id: int, kind: str, payload: dict[str, Any], *,
           dedupe_key: str | None = None, user_id: int | None = None) -> Job:
    """Queue a job; with ``dedupe_key``, a second submit returns the first job instead.

    Raises:
        UsageError: the payload is not JSON-serialisable.
    """
    try:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"job payload cannot be stored ({exc})") from None
    if dedupe_key is not None:
        existing = _by_key(session, workspace_id, dedupe_key)
        if existing is not None:
            return existing
    job = Job(workspace_id=workspace_id, kind=kind, payload=text, status="queued",
              progress=0.0, message="", result="", error="", attempts=0,
              dedupe_key=dedupe_key, claimed_by="", created_by=user_id, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # the same key submitted at the same moment: keep the first
        existing = _by_key(session, workspace_id, dedupe_key or "")
        if existing is None:
            raise
        return existing
    return job


def _by_key(session: Session, workspace_id: int, key: str) -> Job | None:
    return session.scalars(select(Job).where(Job.workspace_id == workspace_id,
                                             Job.dedupe_key == key)).first()


def claim(session: Session, worker: str, kinds: list[str] | None = None) -> Job | None:
    """Take the oldest queued job for ``worker``; None when there is none. Commits.

    Several workers may call this at once: the conditional update lets exactly one win.
    """
    for _ in range(20):  # lost races: try the next queued job
        query = select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1)
        if kinds is not None:
            query = query.where(Job.kind.in_(kinds))
        job_id = session.scalars(query).first()
        if job_id is None:
            session.rollback()
            return None
        now = utcnow()
        won = session.execute(
            update(Job).where(Job.id == job_id, Job.status == "queued").values(
                status="running", claimed_by=worker, attempts=Job.attempts + 1,
                started_at=now, heartbeat_at=now, error="")
            .execution_options(synchronize_session=False))
        session.commit()
        if getattr(won, "rowcount", 0) == 1:
            return session.get(Job, job_id, populate_existing=True)
    return None


def heartbeat(session: Session, job_id: int, worker: str, progress: float | None = None,
              message: str | None = None) -> bool:
    """Record that ``worker`` still runs the job (and its progress); False if it lost it."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, float(progress)))
    if message is not None:
        values["message"] = message[:2000]
    result = session.execute(update(Job).where(Job.id == job_id, Job.claimed_by == worker,
                                               Job.status == "running").values(**values)
                             .execution_options(synchronize_session=False))
    session.commit()
    return getattr(result, "rowcount", 0) == 1


def finish(session: Session, job_id: int, worker: str, *, result: dict[str, Any] | None = None,
           error: str | None = None) -> None:
    """Mark the job done (with its result) or failed (with a one-line error)."""
    values: dict[str, Any] = {"finished_at": utcnow(), "heartbeat_at": utcnow()}
    if error is None:
        values.update(status="done", progress=1.0,
                      result=json.dumps(result or {}, ensure_ascii=False, default=str))
    else:
        values.update(status="failed", error=error[:4000])
    session.execute(update(Job).where(Job.id == job_id, Job.claimed_by == worker,
                                      Job.status == "running").values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()


def requeue_stale(session: Session, *, stale_after: timedelta = STALE_AFTER,
                  now: datetime | None = None, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Put jobs whose worker stopped beating back in the queue; give up after ``max_attempts``.

    Returns the number of jobs re-queued.
    """
    limit = (now or utcnow()) - stale_after
    stale = Job.status == "running", Job.heartbeat_at < limit
    session.execute(update(Job).where(*stale, Job.attempts >= max_attempts).values(
        status="failed", finished_at=utcnow(),
        error=f"stopped {max_attempts} times while running (server restarts or crashes)")
        .execution_options(synchronize_session=False))
    result = session.execute(update(Job).where(*stale).values(status="queued", claimed_by="",
                                                              message="re-queued after a restart")
                             .execution_options(synchronize_session=False))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def payload_of(job: Job) -> dict[str, Any]:
    """The job's payload as a dict."""
    data = json.loads(job.payload or "{}")
    return data if isinstance(data, dict) else {}


def result_of(job: Job) -> dict[str, Any]:
    """The job's result as a dict (empty until done)."""
    data = json.loads(job.result or "{}")
    return data if isinstance(data, dict) else {}
