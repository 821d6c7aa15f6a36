"""Sign up (a user and their first workspace, as owner), sign in, sign out, language choice."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from coulisses.errors import RateLimitError
from coulisses.studio.tables import AuditEvent, Membership, User, Workspace
from coulisses.web import ratelimit
from coulisses.web.deps import SessionDep, current_user, optional_user, render
from coulisses.web.i18n_web import LANGS, pick_lang, translator
from coulisses.web.request_state import release
from coulisses.web.security import (
    MIN_PASSWORD,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    create_session,
    dummy_verify,
    end_session,
    hash_password,
    normalise_email,
    user_by_email,
    verify_password,
)

router = APIRouter()
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would hand sign-ins to another site."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or urlsplit(target).netloc or "\\" in target:
        return "/"
    return target


def _signed_in(request: Request, db: Session, user: User, target: str) -> Response:
    token = create_session(db, user)
    db.commit()
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        path="/")
    return response


@router.get("/signup", name="signup_form")
def signup_form(request: Request, user: User | None = Depends(optional_user)) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth_signup.html", {"min_password": MIN_PASSWORD, "form": {}})


@router.post("/signup", name="signup")
def signup(request: Request, *, email: str = Form(""), password: str = Form(""),
           name: str = Form(""), workspace: str = Form(""),
           db: SessionDep) -> Response:
    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    email = normalise_email(email)
    name, workspace = name.strip()[:200], workspace.strip()[:200]
    problems = []
    if not EMAIL.match(email) or len(email) > 320:
        problems.append(t("auth.email_bad"))
    if len(password) < MIN_PASSWORD:
        problems.append(t("auth.password_short", n=MIN_PASSWORD))
    if not name:
        problems.append(t("auth.name_missing"))
    if not problems and user_by_email(db, email) is not None:
        problems.append(t("auth.email_taken"))
    if problems:
        return render(request, "auth_signup.html", {
            "min_password": MIN_PASSWORD, "problems": problems,
            "form": {"email": email, "name": name, "workspace": workspace}}, status_code=422)
    release(db)  # hashing takes a while: hold no connection meanwhile
    user = User(email=email, name=name, password_hash=hash_password(password),
                lang=pick_lang(request, default=request.app.state.settings.lang))
    space = Workspace(name=workspace or name)
    db.add_all([user, space])
    db.flush()
    db.add(Membership(workspace_id=space.id, user_id=user.id, role="owner"))
    db.add(AuditEvent(workspace_id=space.id, user_id=user.id, action="signup", detail=""))
    return _signed_in(request, db, user, f"/w/{space.id}")


@router.get("/login", name="login_form")
def login_form(request: Request, next: str = "/",
               user: User | None = Depends(optional_user)) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth_login.html", {"next": _safe_next(next), "form": {}})


@router.post("/login", name="login")
def login(request: Request, *, email: str = Form(""), password: str = Form(""),
          next: str = Form("/"), db: SessionDep) -> Response:
    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    ip = request.client.host if request.client else "unknown"
    counters = ratelimit.keys(email, ip)
    try:
        ratelimit.check(db, counters, lang_text=t("auth.rate_limited"))
    except RateLimitError as exc:
        limited = render(request, "auth_login.html", {
            "next": _safe_next(next), "problems": [exc.message],
            "form": {"email": email.strip()}}, status_code=429)
        limited.headers["Retry-After"] = str(int(ratelimit.WINDOW.total_seconds()))
        return limited
    user = user_by_email(db, email)
    release(db)  # argon2 takes a while (on purpose): hold no connection meanwhile
    if user is None:
        dummy_verify(password)
    if user is None or not verify_password(user, password):
        ratelimit.record_failure(db, counters)
        db.add(AuditEvent(user_id=user.id if user else None, action="login", ok=False,
                          detail="wrong password" if user else "unknown email"))
        db.commit()
        return render(request, "auth_login.html", {
            "next": _safe_next(next), "problems": [t("auth.bad_credentials")],
            "form": {"email": email.strip()}}, status_code=401)
    ratelimit.clear(db, counters)
    db.add(AuditEvent(user_id=user.id, action="login", detail=""))
    return _signed_in(request, db, user, next)


@router.post("/logout", name="logout")
def logout(request: Request, db: SessionDep) -> Response:
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account", name="account")
def account(request: Request, user: User = Depends(current_user)) -> Response:
    return render(request, "auth_account.html", {"langs": LANGS})


@router.post("/account", name="account_save")
def account_save(request: Request, *, lang: str = Form(""), user: User = Depends(current_user),
                 db: SessionDep) -> Response:
    if lang in LANGS:
        user.lang = lang
        db.commit()
        request.state.set_lang = lang
    return RedirectResponse("/account", status_code=303)
