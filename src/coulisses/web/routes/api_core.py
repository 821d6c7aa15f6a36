"""JSON API of the core: who am I, a job's progress, submitting jobs, campaigns as data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from sqlalchemy import select

from coulisses.errors import UsageError
from coulisses.studio.jobs import result_of, submit
from coulisses.studio.jobs.registry import HANDLERS
from coulisses.studio.tables import Campaign, Job, Membership, User
from coulisses.web.deps import SessionDep, current_user, require, workspace_member
from coulisses.web.job_view import shown_error, shown_result
from coulisses.web.routes.workspaces import memberships_of

router = APIRouter(prefix="/api")


def job_json(job: Job) -> dict[str, Any]:
    """A job as the API and the progress script see it."""
    return {"id": job.id, "workspace_id": job.workspace_id, "kind": job.kind,
            "status": job.status, "progress": round(job.progress, 4), "message": job.message,
            "attempts": job.attempts, "error": shown_error(job.error),
            "result": shown_result(result_of(job)),
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


@router.get("/health", name="api_health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", name="api_me")
def me(db: SessionDep, user: User = Depends(current_user)) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "lang": user.lang,
            "workspaces": [{"id": m.workspace_id, "name": m.workspace.name, "role": m.role}
                           for m in memberships_of(db, user)]}


@router.get("/jobs/{job_id}", name="api_job")
def job(job_id: int, db: SessionDep,
        user: User = Depends(current_user)) -> dict[str, Any]:
    from coulisses.errors import NotFoundError

    row = db.get(Job, job_id)
    try:
        if row is None:
            raise NotFoundError("No such job.")
        workspace_member(db, user, row.workspace_id, action="job.view")
    except NotFoundError:  # another workspace's job reads exactly as a missing one
        raise NotFoundError("No such job.") from None
    return job_json(row)


@router.get("/w/{workspace_id}/jobs", name="api_jobs")
def jobs(workspace_id: int, db: SessionDep,
         member: Membership = Depends(require("job.view"))) -> list[dict[str, Any]]:
    rows = db.scalars(select(Job).where(Job.workspace_id == workspace_id)
                      .order_by(Job.id.desc()).limit(200))
    return [job_json(j) for j in rows]


@router.post("/w/{workspace_id}/jobs", name="api_jobs_submit", status_code=202)
def jobs_submit(request: Request, workspace_id: int, *, body: dict[str, Any] = Body(...),
                db: SessionDep,
                member: Membership = Depends(require("job.submit"))) -> dict[str, Any]:
    kind = body.get("kind")
    payload = body.get("payload", {})
    key = body.get("dedupe_key")
    if not isinstance(kind, str) or kind not in HANDLERS:
        raise UsageError(f"Unknown job kind {kind!r}.", hint=", ".join(sorted(HANDLERS)))
    if not isinstance(payload, dict) or (key is not None and not isinstance(key, str)):
        raise UsageError("payload must be an object and dedupe_key a string.")
    row = submit(db, workspace_id, kind, payload, dedupe_key=key, user_id=member.user_id,
                 limit=request.app.state.settings.jobs_per_workspace)
    db.commit()
    return job_json(row)


@router.get("/w/{workspace_id}/campaigns", name="api_campaigns")
def campaigns(workspace_id: int, db: SessionDep,
              member: Membership = Depends(require("campaign.view"))) -> list[dict[str, Any]]:
    rows = db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                   Campaign.deleted_at.is_(None))
                      .order_by(Campaign.name))
    return [{"id": c.id, "name": c.name, "filename": c.filename, "version": c.version_id,
             "updated_at": c.updated_at.isoformat()} for c in rows]
