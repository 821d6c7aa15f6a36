"""Review: comments at a time code or over a range (threaded, edited with optimistic
concurrency, resolved), the approve / request-changes decision per cut version or variant
(asking first while comments are unresolved), and deleting a comment (to the trash).

The routes parse, call ``coulisses.studio.review`` (the rules: optimistic edits, nonce
dedupe, replies on the same version) and respond with JSON or a redirect.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import AccessError, UsageError
from coulisses.studio import review, trash
from coulisses.studio.scope import scoped
from coulisses.studio.tables import Comment, CutVariant, CutVersion, Membership
from coulisses.web import roles
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import number
from coulisses.web.routes.trash import confirm_page, confirmed

router = APIRouter()


def _back(request: Request, version: CutVersion, payload: dict[str, Any],
          status: int = 200, anchor: str = "") -> Response:
    if wants_json(request):
        return JSONResponse(payload, status_code=status)
    return RedirectResponse(f"/w/{version.workspace_id}/cuts/{version.cut_id}"
                            f"?v={version.number}{anchor}", status_code=303)


def _create(db: Session, version: CutVersion, member: Membership, data: dict[str, Any]
            ) -> Comment:
    body = review.clean_body(str(data.get("body") or ""))
    t_start = number(data.get("t_start"), "time")
    t_end = number(data.get("t_end"), "range end")
    parent_id = data.get("parent_id")
    return review.add_comment(
        db=db, version=version, author_id=member.user_id, body=body, t_start=t_start,
        t_end=t_end, parent_id=None if parent_id in (None, "") else int(str(parent_id)),
        platform=str(data.get("platform") or ""),
        nonce=str(data.get("nonce") or "")[:60] or None)


@router.post("/w/{workspace_id}/versions/{version_id:int}/comments", name="comments_create")
@router.post("/api/w/{workspace_id}/versions/{version_id:int}/comments", name="api_comments_create")
async def comments_create(request: Request, workspace_id: int, version_id: int,
                          db: SessionDep,
                          member: Membership = Depends(require("comment.create"))) -> Response:
    version = scoped(db, CutVersion, workspace_id, version_id)
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = await request.json()
        data = raw if isinstance(raw, dict) else {}
    else:
        form = await request.form()
        data = {k: form.get(k) for k in form}
    comment = await run_in_threadpool(_create, db, version, member, data)  # off the loop
    return _back(request, version, review.comment_json(comment), 201, f"#comment-{comment.id}")


@router.get("/api/w/{workspace_id}/versions/{version_id:int}/comments", name="api_comments")
def api_comments(workspace_id: int, version_id: int, db: SessionDep,
                 member: Membership = Depends(require("comment.view"))
                 ) -> list[dict[str, Any]]:
    version = scoped(db, CutVersion, workspace_id, version_id)
    rows = db.scalars(select(Comment).where(Comment.version_id == version.id,
                                            Comment.deleted_at.is_(None))
                      .order_by(Comment.t_start, Comment.id))
    return [review.comment_json(c) for c in rows]


def _rev(raw: Any) -> int:
    try:
        return int(str(raw))
    except ValueError:
        raise UsageError("the edit does not say which revision it changes (rev)") from None


@router.post("/w/{workspace_id}/comments/{comment_id:int}/edit", name="comments_edit")
def comments_edit(request: Request, workspace_id: int, comment_id: int,
                  *, body: str = Form(""), rev: str = Form(""), db: SessionDep,
                  member: Membership = Depends(require("comment.edit_own"))) -> Response:
    comment = review.save_comment(
        db=db, comment=review.editable_comment(db=db, workspace_id=workspace_id,
                                               comment_id=comment_id, user_id=member.user_id),
        rev=_rev(rev), change={"body": review.clean_body(body)})
    version = scoped(db, CutVersion, workspace_id, comment.version_id)
    return _back(request, version, review.comment_json(comment), 200, f"#comment-{comment.id}")


@router.patch("/api/w/{workspace_id}/comments/{comment_id:int}", name="api_comments_edit")
def api_comments_edit(workspace_id: int, comment_id: int, *, data: dict[str, Any] = Body(...),
                      db: SessionDep,
                      member: Membership = Depends(require("comment.edit_own"))
                      ) -> dict[str, Any]:
    comment = review.editable_comment(db=db, workspace_id=workspace_id, comment_id=comment_id,
                                      user_id=member.user_id)
    change: dict[str, Any] = {}
    if "body" in data:
        change["body"] = review.clean_body(str(data["body"]))
    if "resolved" in data:
        change["resolved"] = bool(data["resolved"])
    return review.comment_json(review.save_comment(db=db, comment=comment,
                                                   rev=_rev(data.get("rev")), change=change))


@router.post("/w/{workspace_id}/comments/{comment_id:int}/resolve", name="comments_resolve")
def comments_resolve(request: Request, workspace_id: int, comment_id: int,
                     *, rev: str = Form(""), resolved: str = Form("1"),
                     db: SessionDep,
                     member: Membership = Depends(require("comment.create"))) -> Response:
    """Resolve or reopen: anyone who may comment (the author or an editor usually does)."""
    comment = scoped(db, Comment, workspace_id, comment_id)
    comment = review.save_comment(db=db, comment=comment, rev=_rev(rev),
                                  change={"resolved": resolved in ("1", "on", "true")})
    version = scoped(db, CutVersion, workspace_id, comment.version_id)
    return _back(request, version, review.comment_json(comment), 200, f"#comment-{comment.id}")


@router.post("/w/{workspace_id}/versions/{version_id:int}/decision", name="versions_decide")
@router.post("/api/w/{workspace_id}/versions/{version_id:int}/decision", name="api_versions_decide")
def versions_decide(request: Request, workspace_id: int, version_id: int,
                    *, decision: str = Form(""), note: str = Form(""),
                    variant_id: str = Form(""), db: SessionDep,
                    yes: bool = Depends(confirmed),
                    member: Membership = Depends(require("cut.approve"))) -> Response:
    """Approve or request changes on a rendered version or one of its variants (the latest
    decision is shown); approving with unresolved comments asks first (JSON: 409 until
    ``confirm=yes``)."""
    version = scoped(db, CutVersion, workspace_id, version_id)
    variant = None
    if variant_id.strip():
        try:
            variant = scoped(db, CutVariant, workspace_id, int(variant_id))
        except ValueError:
            raise UsageError("variant_id is not a variant's number") from None
    if (decision == "approved" and not yes and not wants_json(request)
            and version.status == "done"):
        open_threads = review.unresolved(db, version, variant.platform if variant else None)
        if open_threads:
            return render(request, "review_confirm.html", {
                "version": version, "variant": variant, "note": note, "count": open_threads,
                "back": f"/w/{workspace_id}/cuts/{version.cut_id}?v={version.number}"})
    review.decide(db=db, version=version, user_id=member.user_id, decision=decision,
                  note=note, variant=variant, confirmed=yes)
    return _back(request, version, {"version_id": version.id, "decision": decision,
                                    "variant_id": variant.id if variant else None})


@router.get("/w/{workspace_id}/comments/{comment_id:int}/delete", name="comments_delete_ask")
@router.post("/w/{workspace_id}/comments/{comment_id:int}/delete", name="comments_delete")
def comments_delete(request: Request, workspace_id: int, comment_id: int, db: SessionDep,
                    yes: bool = Depends(confirmed),
                    member: Membership = Depends(require("comment.view"))) -> Response:
    """Ask first; once confirmed, the comment (its author's, or any for an editor) goes to
    the trash."""
    comment = scoped(db, Comment, workspace_id, comment_id)
    if comment.author_id != member.user_id and not roles.allowed(member.role,
                                                                 "comment.delete_any"):
        raise AccessError("Only its author or an editor can delete a comment.")
    version = scoped(db, CutVersion, workspace_id, comment.version_id)
    back = f"/w/{workspace_id}/cuts/{version.cut_id}?v={version.number}"
    if request.method != "POST" or not yes:
        return confirm_page(request, what="trash.kind.comment", name=comment.body[:200],
                            action=f"/w/{workspace_id}/comments/{comment.id}/delete",
                            back=back)
    trash.trash(db, comment, user_id=member.user_id)
    return _back(request, version, {"id": comment.id, "deleted": True})
