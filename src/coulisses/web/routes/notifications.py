"""The signed-in user's notifications: the list page, marking them read, and the unread count
the header's bell shows (``studio/notify.py`` makes them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select, update

from coulisses.studio import notify
from coulisses.studio.board_tables import Notification
from coulisses.studio.tables import User
from coulisses.web.deps import SessionDep, current_user, render
from coulisses.web.request_state import release

router = APIRouter()
PAGE = 200


@router.get("/notifications", name="notifications_index")
def notifications_index(request: Request, db: SessionDep,
                        user: User = Depends(current_user)) -> Response:
    rows = list(db.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.id.desc()).limit(PAGE)))
    release(db)
    return render(request, "notifications.html", {"notes": rows})


@router.post("/notifications/read", name="notifications_read")
def notifications_read(*, note_id: str = Form(""), db: SessionDep,
                       user: User = Depends(current_user)) -> Response:
    """Mark one notification (``note_id``) or all of them read."""
    query = update(Notification).where(Notification.user_id == user.id)
    if note_id.isdigit() and len(note_id) < 19:
        query = query.where(Notification.id == int(note_id))
    db.execute(query.values(read=True))
    db.commit()
    return RedirectResponse("/notifications", status_code=303)


@router.get("/api/notifications", name="api_notifications")
def api_notifications(db: SessionDep, user: User = Depends(current_user)) -> dict[str, Any]:
    rows = db.scalars(select(Notification).where(Notification.user_id == user.id)
                      .order_by(Notification.id.desc()).limit(PAGE))
    return {"unread": notify.unread_count(db, user.id),
            "items": [{"id": n.id, "kind": n.kind, "actor": n.actor, "subject": n.subject,
                       "body": n.body, "url": n.url, "read": n.read,
                       "created_at": n.created_at.isoformat()} for n in rows]}
