"""The demo's studio account: the owner of the demo workspace, so that after ``coulisses demo``
a user signs in to ``coulisses serve`` and finds the example campaign, its board and its
backstage page. Its password is random, made once and kept in the data folder (mode 0600)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from coulisses.settings import Settings
from coulisses.studio.tables import Membership, User, Workspace

DEMO_EMAIL = "demo@coulisses.example"  # a reserved domain: no mail ever leaves for it
PASSWORD_FILE = "demo-password.txt"


@dataclass(frozen=True)
class DemoAccount:
    """How to sign in to the demo workspace."""

    email: str
    password: str
    file: Path  # where the password is kept


def _password(data_dir: Path) -> tuple[str, bool]:
    """The demo password from the data folder, made on first use; and whether it is new."""
    path = data_dir / PASSWORD_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip(), False
    password = secrets.token_urlsafe(12)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(password + "\n")
    return password, True


def demo_account(settings: Settings, workspace: str) -> DemoAccount:
    """Make (once) the demo user, the owner of the workspace named ``workspace``.

    Raises:
        UsageError: the database cannot be reached or migrated.
        NotFoundError: there is no workspace of that name (the demo step that makes it has
            not run).
    """
    from coulisses.errors import NotFoundError
    from coulisses.studio.db import default_url, open_database
    from coulisses.web.security import hash_password

    password, new = _password(settings.data_dir)
    engine, sessions = open_database(default_url(settings))
    try:
        with sessions() as db:
            space = db.scalars(select(Workspace).where(Workspace.name == workspace)).first()
            if space is None:
                raise NotFoundError(f"no workspace {workspace!r} in the studio database")
            user = db.scalars(select(User).where(User.email == DEMO_EMAIL)).first()
            if user is None:
                user = User(email=DEMO_EMAIL, name="Demo", lang=settings.lang,
                            password_hash=hash_password(password))
                db.add(user)
                db.flush()
            elif new:  # the password file was deleted: the new one must work
                user.password_hash = hash_password(password)
            member = db.scalars(select(Membership).where(
                Membership.workspace_id == space.id, Membership.user_id == user.id)).first()
            if member is None:
                db.add(Membership(workspace_id=space.id, user_id=user.id, role="owner"))
            db.commit()
    finally:
        engine.dispose()
    return DemoAccount(DEMO_EMAIL, password, settings.data_dir / PASSWORD_FILE)
