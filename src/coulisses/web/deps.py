"""What routes depend on: the database, who is signed in, their membership, CSRF, rendering.

``require("campaign.edit")`` is the usual guard of a workspace route: it reads the
``workspace_id`` path parameter and returns the caller's ``Membership``, raising
``NotFoundError`` (404, so other workspaces' existence does not leak) for non-members and
``AccessError`` (403) when the role may not do the action (``roles.PERMISSIONS``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coulisses.errors import AccessError, AuthenticationError, NotFoundError
from coulisses.studio.tables import Membership, User, Workspace
from coulisses.web import roles
from coulisses.web.csrf import csrf_input, csrf_protect, csrf_token
from coulisses.web.error_text import stored_line
from coulisses.web.i18n_web import core_words, pick_lang, translator
from coulisses.web.job_view import shown_error
from coulisses.web.request_state import SessionDep, get_db, login_state, release

__all__ = ["SessionDep", "bounded_ids", "csrf_protect", "current_user", "get_db",
           "make_templates",
           "optional_user", "render", "require", "workspace_member"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL store


def bounded_ids(request: Request) -> None:
    """Ids in the path past what the database can hold name nothing: 404, not an overflow.

    Raises:
        NotFoundError: an ``..._id`` path parameter is out of range.
    """
    for name, value in request.path_params.items():
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value) if len(value) <= 19 else MAX_ID + 1
        if name.endswith("_id") and isinstance(value, int) and value > MAX_ID:
            raise NotFoundError("No such item.", hint="check the link")


def optional_user(request: Request, db: SessionDep) -> User | None:
    """The signed-in user, or None."""
    return login_state(request, db).user


def current_user(request: Request, db: SessionDep) -> User:
    """The signed-in user.

    Raises:
        AuthenticationError: nobody is signed in, or the session expired (HTML pages redirect
            to the sign-in page).
    """
    state = login_state(request, db)
    if state.user is None:
        if state.expired:
            raise AuthenticationError("Your session has expired.", hint="sign in again")
        raise AuthenticationError("You are not signed in.", hint="sign in first")
    return state.user


def workspace_member(db: Session, user: User, workspace_id: int, *,
                     roles_allowed: Collection[str] | None = None,
                     action: str | None = None) -> Membership:
    """The user's membership of the workspace, checked against roles or an action.

    Raises:
        NotFoundError: no such workspace, or the user is not a member.
        AccessError: the member's role does not allow it.
    """
    # the workspace comes with it: pages (error pages included, rendered after the request's
    # session has closed) read ``member.workspace`` without going back to the database
    member = db.scalars(select(Membership).options(joinedload(Membership.workspace))
                        .where(Membership.workspace_id == workspace_id,
                               Membership.user_id == user.id,
                               Membership.status == "active")).first()
    if member is None:
        raise NotFoundError("No such workspace.", hint="check the link, or ask its owner "
                                                       "to add you")
    if roles_allowed is not None and member.role not in roles_allowed:
        raise AccessError(f"Your role ({member.role}) cannot do this here.")
    if action is not None and not roles.allowed(member.role, action):
        raise AccessError(f"Your role ({member.role}) cannot do this here ({action}).",
                          hint="ask an owner of the workspace")
    return member


def require(action: str = "workspace.view") -> Callable[..., Membership]:
    """A dependency: the caller's membership of the path's ``workspace_id``, allowed ``action``.

    Raises:
        KeyError: ``action`` is not in ``roles.PERMISSIONS`` (a bug, at import time).
    """
    if action not in roles.ACTIONS:
        raise KeyError(f"unknown action {action!r}")

    def dependency(workspace_id: int, request: Request, db: SessionDep,
                   user: User = Depends(current_user)) -> Membership:
        try:
            member = workspace_member(db, user, workspace_id, action=action)
        finally:
            release(db)
        request.state.membership = member
        return member

    return dependency


def make_templates() -> Jinja2Templates:
    """The Jinja environment: autoescaped, with ``csrf_input()``, ``t()`` and ``url()``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["role_names"] = roles.ROLES
    return Jinja2Templates(env=env)


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render ``template`` with the page's language, user, workspace navigation and CSRF token.

    Templates get ``t(key, **values)``, ``lang``, ``user``, ``membership``, ``workspace``,
    ``nav`` (the workspace's sections), ``csrf_input()`` and ``csrf_token``.
    """
    state = getattr(request.state, "login", None)
    user = _loaded(state.user if state is not None else None)
    settings = request.app.state.settings
    lang = pick_lang(request, user.lang if user else "", settings.lang)
    ctx: dict[str, Any] = dict(context or {})
    member = ctx.get("membership") or getattr(request.state, "membership", None)
    workspace: Workspace | None = ctx.get("workspace")
    if workspace is None and member is not None:
        workspace = member.workspace
    ctx.update(
        request=request, lang=lang, t=translator(lang), user=user, membership=member,
        workspace=workspace, nav=_nav(request, workspace), csrf_token=csrf_token(request),
        csrf_input=lambda: csrf_input(request), can=lambda a: bool(
            member is not None and roles.allowed(member.role, a)),
        shown_error=lambda line: stored_line(shown_error(line), lang), **core_words(lang),
        unread=lambda: _unread(request, user),
    )
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def _unread(request: Request, user: User | None) -> int:
    """The user's unread notifications, for the header's bell (its own short session)."""
    from sqlalchemy.exc import SQLAlchemyError

    from coulisses.studio.notify import unread_count

    if user is None:
        return 0
    try:
        with request.app.state.sessions() as db:
            return unread_count(db, user.id)
    except SQLAlchemyError:  # an error page while the database is away still renders
        return 0


def _loaded(user: User | None) -> User | None:
    """The user, unless a rolled-back session expired it after the request's session closed
    (an error page then shows no account menu instead of failing itself)."""
    from sqlalchemy import inspect

    if user is not None:
        state = inspect(user)
        if state.detached and state.expired_attributes:
            return None
    return user


NAV: tuple[tuple[str, str], ...] = (
    ("nav.campaigns", "campaigns_index"), ("nav.rushes", "rushes_index"),
    ("nav.cuts", "cuts_index"), ("nav.jobs", "jobs_index"), ("nav.results", "results_index"),
    ("nav.members", "members_index"), ("nav.publishing", "publishing_index"),
)


def _nav(request: Request, workspace: Workspace | None) -> list[tuple[str, str]]:
    """(label key, URL) of each workspace section."""
    if workspace is None:
        return []
    return [(label, str(request.url_for(name, workspace_id=workspace.id).path))
            for label, name in NAV]
