"""Workspaces: the list, a dashboard per workspace, members and their roles (owners only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError, NotFoundError, UsageError
from coulisses.studio.tables import AuditEvent, Campaign, Job, Membership, User, Workspace
from coulisses.web import roles
from coulisses.web.deps import SessionDep, current_user, optional_user, render, require
from coulisses.web.i18n_web import pick_lang, translator
from coulisses.web.routes.trash import confirm_page, confirmed
from coulisses.web.security import user_by_email

router = APIRouter()


def memberships_of(db: Session, user: User, status: str = "active") -> list[Membership]:
    """The user's memberships (or, with ``status="invited"``, invitations), by name."""
    return list(db.scalars(select(Membership).join(Workspace)
                           .where(Membership.user_id == user.id, Membership.status == status)
                           .order_by(Workspace.name)))


@router.get("/", name="home")
def home(request: Request, db: SessionDep,
         user: User | None = Depends(optional_user)) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    members = memberships_of(db, user)
    if len(members) == 1:
        return RedirectResponse(f"/w/{members[0].workspace_id}", status_code=303)
    return RedirectResponse("/workspaces", status_code=303)


@router.get("/workspaces", name="workspaces_index")
def workspaces_index(request: Request, db: SessionDep,
                     user: User = Depends(current_user)) -> Response:
    return render(request, "workspaces_list.html", {
        "members": memberships_of(db, user),
        "invitations": memberships_of(db, user, "invited")})


@router.post("/invitations/{membership_id}/{answer}", name="invitation_answer")
def invitation_answer(request: Request, membership_id: int, answer: str, db: SessionDep,
                      user: User = Depends(current_user)) -> Response:
    """Accept or decline an invitation to a workspace (only the invited user can)."""
    invite = db.get(Membership, membership_id)
    if invite is None or invite.user_id != user.id or invite.status != "invited" \
            or answer not in ("accept", "decline"):
        raise NotFoundError("No such invitation.")
    if answer == "accept":
        invite.status = "active"
        target = f"/w/{invite.workspace_id}"
    else:
        db.delete(invite)
        target = "/workspaces"
    db.add(AuditEvent(workspace_id=invite.workspace_id, user_id=user.id,
                      action=f"member.{answer}", detail=str(user.id)))
    db.commit()
    return RedirectResponse(target, status_code=303)


@router.post("/workspaces", name="workspaces_create")
def workspaces_create(request: Request, *, name: str = Form(""), db: SessionDep,
                      user: User = Depends(current_user)) -> Response:
    name = name.strip()[:200]
    if not name:
        raise UsageError("A workspace needs a name.")
    space = Workspace(name=name)
    db.add(space)
    db.flush()
    db.add(Membership(workspace_id=space.id, user_id=user.id, role="owner"))
    db.add(AuditEvent(workspace_id=space.id, user_id=user.id, action="workspace.create"))
    db.commit()
    return RedirectResponse(f"/w/{space.id}", status_code=303)


@router.get("/w/{workspace_id}", name="workspace_dashboard")
def dashboard(request: Request, workspace_id: int, db: SessionDep,
              member: Membership = Depends(require("workspace.view"))) -> Response:
    campaigns = db.scalar(select(func.count(Campaign.id))
                          .where(Campaign.workspace_id == workspace_id,
                   Campaign.deleted_at.is_(None))) or 0
    active = db.scalar(select(func.count(Job.id)).where(
        Job.workspace_id == workspace_id, Job.status.in_(("queued", "running")))) or 0
    recent = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                   Campaign.deleted_at.is_(None))
                             .order_by(Campaign.updated_at.desc()).limit(5)))
    return render(request, "workspaces_dashboard.html", {
        "campaign_count": campaigns, "active_jobs": active, "recent": recent})


@router.get("/w/{workspace_id}/members", name="members_index")
def members_index(request: Request, workspace_id: int, db: SessionDep,
                  member: Membership = Depends(require("workspace.view"))) -> Response:
    # invitations stay out of the list: it would tell who has an account (L7)
    members = list(db.scalars(select(Membership).join(User)
                              .where(Membership.workspace_id == workspace_id,
                                     Membership.status == "active")
                              .order_by(User.name)))
    actions = sorted(roles.ACTIONS)
    return render(request, "workspaces_members.html", {
        "members": members, "actions": actions, "permissions": roles.PERMISSIONS,
        "notice": request.query_params.get("notice", "")})


@router.post("/w/{workspace_id}/members", name="members_add")
def members_add(request: Request, workspace_id: int, *, email: str = Form(""),
                role: str = Form("reviewer"), db: SessionDep,
                member: Membership = Depends(require("member.manage"))) -> Response:
    """Invite the account with this email; the answer is the same whether there is one."""
    if role not in roles.ROLES:
        raise UsageError(f"Unknown role {role!r}.", hint=", ".join(roles.ROLES))
    other = user_by_email(db, email)
    exists = other is not None and db.scalars(select(Membership).where(
        Membership.workspace_id == workspace_id, Membership.user_id == other.id)).first()
    if other is not None and not exists:
        db.add(Membership(workspace_id=workspace_id, user_id=other.id, role=role,
                          status="invited"))
        db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                          action="member.invite", detail=f"{other.id}:{role}"))
        try:
            db.commit()
        except IntegrityError:  # the same invitation sent twice at once: one is kept
            db.rollback()
    return RedirectResponse(f"/w/{workspace_id}/members?notice=invited", status_code=303)


def _target(db: Session, workspace_id: int, membership_id: int) -> Membership:
    target = db.get(Membership, membership_id)
    if target is None or target.workspace_id != workspace_id:
        raise NotFoundError("No such member in this workspace.")
    return target


def _keeps_an_owner(db: Session, workspace_id: int, target: Membership, message: str) -> None:
    owners = db.scalar(select(func.count(Membership.id)).where(
        Membership.workspace_id == workspace_id, Membership.role == "owner",
        Membership.status == "active")) or 0
    if target.role == "owner" and owners <= 1:
        raise ConflictError(message)


@router.post("/w/{workspace_id}/members/{membership_id}/role", name="members_role")
def members_role(request: Request, workspace_id: int, membership_id: int,
                 *, role: str = Form(""), db: SessionDep,
                 member: Membership = Depends(require("member.manage"))) -> Response:
    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    if role not in roles.ROLES:
        raise UsageError(f"Unknown role {role!r}.", hint=", ".join(roles.ROLES))
    target = _target(db, workspace_id, membership_id)
    if role != "owner":
        _keeps_an_owner(db, workspace_id, target, t("ws.last_owner"))
    target.role = role
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="member.role", detail=f"{target.user_id}:{role}"))
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/members", status_code=303)


@router.get("/w/{workspace_id}/members/{membership_id}/remove", name="members_remove_ask")
@router.post("/w/{workspace_id}/members/{membership_id}/remove", name="members_remove")
def members_remove(request: Request, workspace_id: int, membership_id: int,
                   db: SessionDep, yes: bool = Depends(confirmed),
                   member: Membership = Depends(require("member.manage"))) -> Response:
    """Ask first (a removed member is added back by inviting them again)."""
    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    target = _target(db, workspace_id, membership_id)
    _keeps_an_owner(db, workspace_id, target, t("ws.last_owner"))
    if request.method != "POST" or not yes:
        return confirm_page(request, what="trash.kind.member",
                            name=f"{target.user.name} <{target.user.email}>",
                            action=f"/w/{workspace_id}/members/{target.id}/remove",
                            back=f"/w/{workspace_id}/members", to_trash=False)
    db.delete(target)
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="member.remove", detail=str(target.user_id)))
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/members", status_code=303)
