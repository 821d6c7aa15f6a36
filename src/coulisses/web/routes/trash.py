"""Safe deletes: every delete asks first (a confirmation page, checked by the server: a delete
request without ``confirm=yes`` only shows that page), and what is deleted goes to the trash,
where an owner or editor restores it (``coulisses.studio.trash`` holds the rules)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from coulisses.studio import trash
from coulisses.studio.tables import Membership
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.i18n_web import timecode

router = APIRouter()

CONFIRM = "yes"


def confirm_page(request: Request, *, what: str, name: str, action: str, back: str,
                 to_trash: bool = True, hidden: dict[str, str] | None = None) -> Response:
    """The page that asks before a delete; its form posts to ``action`` with ``confirm=yes``
    (and the ``hidden`` fields, to repeat the request that asked).

    ``what`` is an interface text key naming the kind of thing (``trash.kind.rush``).
    """
    return render(request, "trash_confirm.html", {
        "what": what, "name": name, "action": action, "back": back, "to_trash": to_trash,
        "days": trash.RETENTION.days, "hidden": hidden or {}})


@router.get("/w/{workspace_id}/trash", name="trash_index")
def trash_index(request: Request, workspace_id: int, db: SessionDep,
                member: Membership = Depends(require("trash.restore"))) -> Response:
    items = trash.listing(db, workspace_id)
    return render(request, "trash_list.html", {
        "items": items, "days": trash.RETENTION.days, "timecode": timecode})


@router.post("/w/{workspace_id}/trash/{kind}/{item_id:int}/restore", name="trash_restore")
def trash_restore(workspace_id: int, kind: str, item_id: int, db: SessionDep,
                  member: Membership = Depends(require("trash.restore"))) -> Response:
    row = trash.find(db, kind, workspace_id, item_id, deleted=True)
    trash.restore(db, row, user_id=member.user_id)
    return RedirectResponse(f"/w/{workspace_id}/trash?restored={kind}", status_code=303)


def confirmed(confirm: str = Form("")) -> bool:
    """Whether a delete form says it was confirmed (a dependency for delete routes)."""
    return confirm == CONFIRM
