"""Review: comments at a time code or over a range (threaded, edited with optimistic
concurrency, resolved), and the approve / request-changes decision per cut version.

An edit carries the ``rev`` it was based on; when someone saved in between, the edit is
refused with 409 and nothing is overwritten. A repeated form nonce (a double click) posts once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coulisses.errors import AccessError, ConflictError, UsageError
from coulisses.store.media_tables import Approval, Comment, CutVersion
from coulisses.store.tables import AuditEvent, Membership, utcnow
from coulisses.web.deps import get_db
from coulisses.web.media_access import allowed, number, scoped, wants_json
from coulisses.web.media_text import register_all

register_all()
router = APIRouter()
MAX_BODY = 5000
DECISIONS = ("approved", "changes")


def comment_json(c: Comment) -> dict[str, Any]:
    return {"id": c.id, "version_id": c.version_id, "parent_id": c.parent_id,
            "author_id": c.author_id, "platform": c.platform, "t_start": c.t_start,
            "t_end": c.t_end, "body": c.body, "resolved": c.resolved, "rev": c.rev,
            "created_at": c.created_at.isoformat(), "updated_at": c.updated_at.isoformat()}


def _body(text: str) -> str:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise UsageError("Write something first.", hint="a comment cannot be empty")
    if len(body) > MAX_BODY:
        raise UsageError(f"A comment holds at most {MAX_BODY} characters ({len(body)} given).")
    return body


def _back(request: Request, version: CutVersion, payload: dict[str, Any],
          status: int = 200, anchor: str = "") -> Response:
    if wants_json(request):
        return JSONResponse(payload, status_code=status)
    return RedirectResponse(f"/w/{version.workspace_id}/cuts/{version.cut_id}"
                            f"?v={version.number}{anchor}", status_code=303)


def _create(db: Session, version: CutVersion, member: Membership, data: dict[str, Any]
            ) -> Comment:
    body = _body(str(data.get("body") or ""))
    t_start = number(data.get("t_start"), "time") or 0.0
    t_end = number(data.get("t_end"), "range end")
    if t_end is not None and t_end <= t_start:
        raise UsageError(f"the range must end after it starts ({t_start:g} s)")
    parent_id = data.get("parent_id")
    parent = None
    if parent_id not in (None, ""):
        parent = scoped(db, Comment, version.workspace_id, int(str(parent_id)))
        if parent.version_id != version.id:
            raise UsageError("A reply belongs to the same version as its comment.")
        t_start, t_end = parent.t_start, parent.t_end
    nonce = str(data.get("nonce") or "")[:60] or None
    key = f"{member.user_id}:{version.id}:{nonce}" if nonce else None
    if key is not None:
        existing = db.scalars(select(Comment).where(Comment.dedupe_key == key)).first()
        if existing is not None:
            return existing
    comment = Comment(workspace_id=version.workspace_id, version_id=version.id,
                      parent_id=parent.id if parent else None, author_id=member.user_id,
                      platform=str(data.get("platform") or "")[:60], t_start=t_start,
                      t_end=t_end, body=body, resolved=False, dedupe_key=key,
                      created_at=utcnow(), updated_at=utcnow())
    try:
        with db.begin_nested():
            db.add(comment)
    except IntegrityError:  # the same click arrived twice at once: keep the first
        existing = db.scalars(select(Comment).where(Comment.dedupe_key == key)).first()
        if existing is None:
            raise
        return existing
    db.commit()
    return comment


@router.post("/w/{workspace_id}/versions/{version_id:int}/comments", name="comments_create")
@router.post("/api/w/{workspace_id}/versions/{version_id:int}/comments", name="api_comments_create")
async def comments_create(request: Request, workspace_id: int, version_id: int,
                          db: Session = Depends(get_db),
                          member: Membership = Depends(allowed("comment.create"))) -> Response:
    version = scoped(db, CutVersion, workspace_id, version_id)
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.json()
        data = raw if isinstance(raw, dict) else {}
    else:
        form = await request.form()
        data = {k: form.get(k) for k in form}
    comment = await run_in_threadpool(_create, db, version, member, data)  # off the loop
    return _back(request, version, comment_json(comment), 201, f"#comment-{comment.id}")


@router.get("/api/w/{workspace_id}/versions/{version_id:int}/comments", name="api_comments")
def api_comments(workspace_id: int, version_id: int, db: Session = Depends(get_db),
                 member: Membership = Depends(allowed("comment.view"))
                 ) -> list[dict[str, Any]]:
    version = scoped(db, CutVersion, workspace_id, version_id)
    rows = db.scalars(select(Comment).where(Comment.version_id == version.id)
                      .order_by(Comment.t_start, Comment.id))
    return [comment_json(c) for c in rows]


def _save(db: Session, comment: Comment, rev: int, change: dict[str, Any]) -> Comment:
    """Apply ``change`` if the comment is still at ``rev``; 409 otherwise."""
    if comment.rev != rev:
        raise ConflictError("Someone else changed this comment meanwhile: nothing was "
                            "overwritten.", hint=f"reload it (now at revision {comment.rev})")
    for key, value in change.items():
        setattr(comment, key, value)
    comment.updated_at = utcnow()
    try:
        db.commit()  # UPDATE ... WHERE rev = :rev (version_id_col): a racing save loses here
    except StaleDataError:
        db.rollback()
        raise ConflictError("Someone else changed this comment meanwhile: nothing was "
                            "overwritten.", hint="reload it and edit again") from None
    return comment


def _editable(db: Session, workspace_id: int, comment_id: int, member: Membership) -> Comment:
    comment = scoped(db, Comment, workspace_id, comment_id)
    if comment.author_id != member.user_id:
        raise AccessError("Only its author can edit a comment.")
    return comment


def _rev(raw: Any) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise UsageError("the edit does not say which revision it changes (rev)") from None


@router.post("/w/{workspace_id}/comments/{comment_id:int}/edit", name="comments_edit")
def comments_edit(request: Request, workspace_id: int, comment_id: int,
                  body: str = Form(""), rev: str = Form(""), db: Session = Depends(get_db),
                  member: Membership = Depends(allowed("comment.edit_own"))) -> Response:
    comment = _save(db, _editable(db, workspace_id, comment_id, member), _rev(rev),
                    {"body": _body(body)})
    version = scoped(db, CutVersion, workspace_id, comment.version_id)
    return _back(request, version, comment_json(comment), 200, f"#comment-{comment.id}")


@router.patch("/api/w/{workspace_id}/comments/{comment_id:int}", name="api_comments_edit")
def api_comments_edit(workspace_id: int, comment_id: int, data: dict[str, Any] = Body(...),
                      db: Session = Depends(get_db),
                      member: Membership = Depends(allowed("comment.edit_own"))
                      ) -> dict[str, Any]:
    comment = _editable(db, workspace_id, comment_id, member)
    change: dict[str, Any] = {}
    if "body" in data:
        change["body"] = _body(str(data["body"]))
    if "resolved" in data:
        change["resolved"] = bool(data["resolved"])
    return comment_json(_save(db, comment, _rev(data.get("rev")), change))


@router.post("/w/{workspace_id}/comments/{comment_id:int}/resolve", name="comments_resolve")
def comments_resolve(request: Request, workspace_id: int, comment_id: int,
                     rev: str = Form(""), resolved: str = Form("1"),
                     db: Session = Depends(get_db),
                     member: Membership = Depends(allowed("comment.create"))) -> Response:
    """Resolve or reopen: anyone who may comment (the author or an editor usually does)."""
    comment = scoped(db, Comment, workspace_id, comment_id)
    comment = _save(db, comment, _rev(rev), {"resolved": resolved in ("1", "on", "true")})
    version = scoped(db, CutVersion, workspace_id, comment.version_id)
    return _back(request, version, comment_json(comment), 200, f"#comment-{comment.id}")


@router.post("/w/{workspace_id}/versions/{version_id:int}/decision", name="versions_decide")
@router.post("/api/w/{workspace_id}/versions/{version_id:int}/decision", name="api_versions_decide")
def versions_decide(request: Request, workspace_id: int, version_id: int,
                    decision: str = Form(""), note: str = Form(""),
                    db: Session = Depends(get_db),
                    member: Membership = Depends(allowed("cut.approve"))) -> Response:
    """Approve or request changes on a rendered version; the latest decision is shown."""
    version = scoped(db, CutVersion, workspace_id, version_id)
    if decision not in DECISIONS:
        raise UsageError(f"decision {decision[:20]!r} is not approved or changes")
    if version.status != "done":
        raise ConflictError("This version is not rendered yet: review it once it is.")
    db.add(Approval(workspace_id=workspace_id, version_id=version.id, user_id=member.user_id,
                    decision=decision, note=note.strip()[:MAX_BODY], created_at=utcnow()))
    version.decision = decision
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action=f"cut.{decision}", detail=f"{version.cut_id}:{version.number}"))
    db.commit()
    return _back(request, version, {"version_id": version.id, "decision": decision})
