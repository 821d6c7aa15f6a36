"""Connected accounts: add (OAuth through the sandbox, or a manual channel), list, remove, and
their tokens sealed with Fernet, refreshed on demand and saved again sealed."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import AuthenticationError, ConflictError, NotFoundError, UsageError
from coulisses.publish import oauth
from coulisses.publish.api import PlatformApi
from coulisses.publish.tables import Post, PublishAccount, now_ms

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_FILE = "publish.key"


def sealer(key: str, data_dir: Path) -> Fernet:
    """The Fernet that seals tokens: from ``key``, or the key file in ``data_dir`` (0600).

    Raises:
        UsageError: the key is not a Fernet key.
    """
    from cryptography.fernet import Fernet

    if not key:
        path = data_dir / KEY_FILE
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
        else:
            key = Fernet.generate_key().decode()
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key + "\n")
    try:
        return Fernet(key.encode())
    except ValueError:
        raise UsageError("publish_key is not a Fernet key",
                         hint="make one with: python -c 'from cryptography.fernet import "
                              "Fernet; print(Fernet.generate_key().decode())'") from None


def find(session: Session, platform: str, name: str | None = None) -> PublishAccount:
    """The account ``platform[:name]``; without a name, the platform's only account.

    Raises:
        NotFoundError: no such account, or several and no name given.
    """
    query = select(PublishAccount).where(PublishAccount.platform == platform,
                                         PublishAccount.channel != "removed")
    if name:
        query = query.where(PublishAccount.name == name)
    found = list(session.scalars(query))
    if len(found) == 1:
        return found[0]
    target = f"{platform}:{name}" if name else platform
    if not found:
        raise NotFoundError(f"no {target} account is connected",
                            hint=f"coulisses publish accounts add {platform}")
    raise NotFoundError(f"several {platform} accounts are connected",
                        hint=f"say which: --to {platform}:NAME")


def add(session: Session, fernet: Fernet, api: PlatformApi, name: str, *, sandbox_url: str = "",
        manual: bool = False, client: httpx.Client | None = None,
        sign_in: Callable[[httpx.Client], oauth.TokenSet] | None = None,
        workspace_id: int | None = None) -> PublishAccount:
    """Connect an account: through the sandbox's OAuth, a browser ``sign_in`` for a real
    platform, or as a manual channel. Commits.

    Raises:
        ConflictError: this platform already has an account with this name.
        AuthenticationError: the sign-in was refused.
        UsageError: a real platform without a sign-in (no app configured).
    """
    exists = session.scalars(select(PublishAccount).where(
        PublishAccount.platform == api.id, PublishAccount.name == name)).first()
    if exists is not None:
        raise ConflictError(f"{api.id}:{name} is already connected",
                            hint="remove it first, or pick another --name")
    account = PublishAccount(platform=api.id, name=name, channel="manual" if manual else "api",
                             sandbox_url=sandbox_url.rstrip("/"), created_ms=now_ms(),
                             workspace_id=workspace_id)
    if not manual:
        if not sandbox_url and sign_in is None:
            raise UsageError(f"connecting a real {api.name} account needs its app and a browser",
                             hint="set publish_apps, or use --sandbox URL or --manual")
        own = client is None
        http = client or httpx.Client(timeout=30)
        try:
            tokens = sign_in(http) if sign_in else oauth.sandbox_sign_in(api, sandbox_url,
                                                                          name, http)
        except httpx.HTTPError as exc:
            raise AuthenticationError(f"cannot reach the sandbox at {sandbox_url} "
                                      f"({type(exc).__name__})",
                                      hint="start it: coulisses publish sandbox") from None
        finally:
            if own:
                http.close()
        if not tokens.account and api.auth.needs_account:  # Meta, LinkedIn: a lookup, not built
            raise AuthenticationError(f"signed in, but {api.name} did not say which account to "
                                      "post as; this platform's account lookup is not built yet",
                                      hint="use --manual for now")
        account.external_id = tokens.account
        account.tokens = fernet.encrypt(tokens.to_json().encode()).decode()
    session.add(account)
    session.commit()
    return account


def listing(session: Session) -> list[PublishAccount]:
    return list(session.scalars(select(PublishAccount).order_by(PublishAccount.platform,
                                                                PublishAccount.name)))


def remove(session: Session, platform: str, name: str | None) -> None:
    """Forget an account and its tokens. Commits.

    Raises:
        NotFoundError: no such account.
        ConflictError: posts to it are still waiting or publishing.
    """
    account = find(session, platform, name)
    waiting = session.scalars(select(Post.id).where(
        Post.account_id == account.id,
        Post.state.in_(("draft", "scheduled", "publishing", "needs_attention")))).first()
    if waiting is not None:
        raise ConflictError(f"post {waiting} to {platform}:{account.name} is not finished",
                            hint="cancel its posts first")
    ended = session.scalars(select(Post.id).where(Post.account_id == account.id)).first()
    if ended is not None:  # keep the history of what it published: only the tokens go
        account.tokens = ""
        account.channel = "removed"
    else:
        session.delete(account)
    session.commit()


class AccountTokens:
    """A ``TokenSource`` over an account's sealed tokens; a refresh is saved sealed at once."""

    def __init__(self, sessions: sessionmaker[Session], fernet: Fernet, api: PlatformApi,
                 account: PublishAccount, client: httpx.Client, *, apps: str = "") -> None:
        self.sessions = sessions
        self.fernet = fernet
        self.api = api
        self.account_id = account.id
        self.sandbox_url = account.sandbox_url
        self.client = client
        self._lock = threading.Lock()
        if not account.tokens:
            raise AuthenticationError(f"{api.id}:{account.name} has no tokens",
                                      hint="connect it again: coulisses publish accounts add")
        self._tokens = oauth.TokenSet.from_json(self.fernet.decrypt(account.tokens).decode())
        self.client_id, self.secret = (("coulisses", "") if self.sandbox_url else
                                       oauth.app_credentials(apps, api.id))

    def access(self) -> str:
        if self._tokens.expires_at - 60 < now_ms() / 1000:
            return self.refresh()
        return self._tokens.access_token

    def refresh(self) -> str:
        with self._lock:
            self._tokens = oauth.refresh(self.api, self.sandbox_url, self._tokens,
                                         client_id=self.client_id, client_secret=self.secret,
                                         client=self.client)
            sealed = self.fernet.encrypt(self._tokens.to_json().encode()).decode()
            with self.sessions() as session:
                account = session.get(PublishAccount, self.account_id)
                if account is not None:
                    account.tokens = sealed
                    session.commit()
            return self._tokens.access_token
