"""The jobs page: every background job of a workspace, with live progress (polled by JS)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError, NotFoundError
from coulisses.studio.jobs import payload_of, result_of, submit
from coulisses.studio.tables import Job, Membership
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.job_view import made_link, shown_result

router = APIRouter()


def job_in(db: Session, workspace_id: int, job_id: int) -> Job:
    """The workspace's job.

    Raises:
        NotFoundError: no such job in this workspace.
    """
    job = db.get(Job, job_id)
    if job is None or job.workspace_id != workspace_id:
        raise NotFoundError("No such job in this workspace.")
    return job


@router.get("/w/{workspace_id}/jobs", name="jobs_index")
def jobs_index(request: Request, workspace_id: int, db: SessionDep,
               member: Membership = Depends(require("job.view"))) -> Response:
    jobs = list(db.scalars(select(Job).where(Job.workspace_id == workspace_id)
                           .order_by(Job.id.desc()).limit(200)))
    return render(request, "jobs_list.html", {"jobs": jobs})


@router.get("/w/{workspace_id}/jobs/{job_id}", name="jobs_show")
def jobs_show(request: Request, workspace_id: int, job_id: int, db: SessionDep,
              member: Membership = Depends(require("job.view"))) -> Response:
    job = job_in(db, workspace_id, job_id)
    return render(request, "jobs_show.html", {"job": job, "made": made_link(db, job),
                                              "result": shown_result(result_of(job))})


@router.post("/w/{workspace_id}/jobs/{job_id}/retry", name="jobs_retry")
def jobs_retry(request: Request, workspace_id: int, job_id: int, db: SessionDep,
               member: Membership = Depends(require("job.submit"))) -> Response:
    job = job_in(db, workspace_id, job_id)
    if job.status != "failed":
        raise ConflictError("Only a failed job can be run again.")
    again = submit(db, workspace_id, job.kind, payload_of(job),
                   dedupe_key=f"retry:{job.id}", user_id=member.user_id,
                   limit=request.app.state.settings.jobs_per_workspace)
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/jobs/{again.id}", status_code=303)
