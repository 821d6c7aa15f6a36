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
from coulisses.publish import lookup, oauth
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
        workspace_id: int | None = None, pick: str = "") -> PublishAccount:
    """Connect an account: through the sandbox's OAuth, a browser ``sign_in`` for a real
    platform, or as a manual channel; then the platform's account lookup (``pick`` names the
    Page, Instagram account or LinkedIn organization when there are several). An account
    marked for reconnection is signed in again in place. Commits.

    Raises:
        ConflictError: this platform already has an account with this name.
        AuthenticationError: the sign-in or the account lookup was refused.
        UsageError: a real platform without a sign-in (no app configured); no account to post
            as, or several and ``pick`` names none of them.
    """
    exists = session.scalars(select(PublishAccount).where(
        PublishAccount.platform == api.id, PublishAccount.name == name)).first()
    if exists is not None and not (exists.reconnect and not manual):
        raise ConflictError(f"{api.id}:{name} is already connected",
                            hint="remove it first, or pick another --name")
    account = exists or PublishAccount(platform=api.id, name=name,
                                       channel="manual" if manual else "api",
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
            tokens = lookup.settle(api, sandbox_url, tokens, http, pick,
                                   renew=sandbox_renewal(api, sandbox_url, http))
        except httpx.HTTPError as exc:
            raise AuthenticationError(f"cannot reach the sandbox at {sandbox_url} "
                                      f"({type(exc).__name__})",
                                      hint="start it: coulisses publish sandbox") from None
        finally:
            if own:
                http.close()
        if exists is not None and exists.external_id and tokens.account != exists.external_id:
            raise ConflictError(f"{api.id}:{name} was {exists.external_id}; this sign-in is "
                                f"{tokens.account}",
                                hint="sign in as the same account, or connect this one under "
                                     "another --name")
        account.external_id = tokens.account
        account.tokens = fernet.encrypt(tokens.to_json().encode()).decode()
        account.reconnect = ""
    session.add(account)
    session.commit()
    return account


def listing(session: Session) -> list[PublishAccount]:
    return list(session.scalars(select(PublishAccount).order_by(PublishAccount.platform,
                                                                PublishAccount.name)))


RENEW_WARN_DAYS = 10  # how early a token that cannot be refreshed is flagged


def sign_in_by(fernet: Fernet, account: PublishAccount) -> float | None:
    """When the account's token runs out with nothing to renew it (Meta's long-lived token,
    about 60 days, has no refresh token): epoch seconds, or None when it renews itself, never
    expires, or cannot be read (a changed key: the account then asks for a sign-in anyway)."""
    if not account.tokens:
        return None
    from cryptography.fernet import InvalidToken

    try:
        tokens = oauth.TokenSet.from_json(fernet.decrypt(account.tokens).decode())
    except (InvalidToken, ValueError, KeyError):
        return None
    if tokens.refresh_token or tokens.expires_at is None:
        return None
    return tokens.expires_at


def renewal_due(fernet: Fernet, account: PublishAccount, now_s: float) -> float | None:
    """The date (epoch seconds) before which the account must sign in again, when that is
    within ``RENEW_WARN_DAYS`` or past; None otherwise."""
    by = sign_in_by(fernet, account)
    if by is None or by - now_s > RENEW_WARN_DAYS * 86_400:
        return None
    return by


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
        if self._tokens.expired(now_ms() / 1000, margin_s=60):
            return self.refresh()
        return self._tokens.access_token

    def refresh(self) -> str:
        """A new access token, saved sealed.

        Raises:
            AuthenticationError: the refresh token was expired or revoked; the account is
                marked for reconnection.
        """
        with self._lock:
            if not self._tokens.refresh_token:  # Meta: nothing to refresh with, sign in again
                why = (f"{self.api.name} issues no refresh token and this account's token "
                       + ("has expired" if self._tokens.expired(now_ms() / 1000)
                          else "was refused (revoked, or the password changed)"))
                mark_reconnect(self.sessions, self.account_id, why)
                raise AuthenticationError(why, hint="connect the account again: coulisses "
                                                    "publish accounts add")
            try:
                self._tokens = oauth.refresh(self.api, self.sandbox_url, self._tokens,
                                             client_id=self.client_id,
                                             client_secret=self.secret, client=self.client)
            except AuthenticationError as exc:
                mark_reconnect(self.sessions, self.account_id, exc.one_line())
                raise
            sealed = self.fernet.encrypt(self._tokens.to_json().encode()).decode()
            with self.sessions() as session:
                account = session.get(PublishAccount, self.account_id)
                if account is not None:
                    account.tokens = sealed
                    session.commit()
            return self._tokens.access_token


def mark_reconnect(sessions: sessionmaker[Session], account_id: int, why: str) -> None:
    """Mark the account as needing a new sign-in (its tokens no longer work), with why."""
    with sessions() as session:
        account = session.get(PublishAccount, account_id)
        if account is not None and account.channel == "api":
            account.reconnect = why[:500] or "the platform refused the account's tokens"
            session.commit()


def sandbox_renewal(api: PlatformApi, sandbox_url: str,
                    client: httpx.Client) -> lookup.Renew | None:
    """How the sandbox's tokens are refreshed during the account lookup (none elsewhere: a
    real platform's fresh token lasts far longer than the lookup; nor for Meta, which has no
    refresh token)."""
    if not sandbox_url or api.auth.long_lived:
        return None

    def renew(tokens: oauth.TokenSet) -> oauth.TokenSet:
        return oauth.refresh(api, sandbox_url, tokens, client_id="coulisses", client=client)

    return renew
