"""Meta tokens that last: the code's short-lived user token is swapped at once for a long-lived
one (``fb_exchange_token``), a Facebook Page token read with it never expires, and an account
keeps posting after the short-lived token died. Over loopback, against the sandbox, whose
short-lived tokens here live two seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.fernet import Fernet
from publishkit import publish_now, sandbox_posts
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import AuthenticationError
from coulisses.publish import accounts, oauth, queue
from coulisses.publish.api import PlatformApi
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.tables import PublishAccount

SHORT_S = 2


@pytest.fixture
def brief(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox whose short-lived tokens expire after ``SHORT_S`` seconds."""
    with SandboxServer(tmp_path / "brief", token_seconds=SHORT_S) as server:
        yield server


def _short_lived(server: SandboxServer, platform: str, person: str,
                 client: httpx.Client) -> str:
    """A short-lived user token straight from the code exchange, not swapped."""
    verifier, challenge = oauth.pkce_pair()
    r = client.get(f"{server.url}/oauth/{platform}/authorize", params={
        "redirect_uri": "http://127.0.0.1/cb", "code_challenge": challenge, "state": "s",
        "login_hint": person, "client_id": "coulisses"})
    code = parse_qs(urlparse(r.headers["location"]).query)["code"][0]
    answer = client.post(f"{server.url}/oauth/{platform}/token", data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": "http://127.0.0.1/cb", "client_id": "coulisses"}).json()
    assert "refresh_token" not in answer and answer["expires_in"] == SHORT_S  # Meta's shape
    return str(answer["access_token"])


def _held(fernet: Fernet, account: PublishAccount) -> oauth.TokenSet:
    return oauth.TokenSet.from_json(fernet.decrypt(account.tokens.encode()).decode())


def _me(server: SandboxServer, platform: str, token: str, client: httpx.Client) -> int:
    version = server.sandbox.apis[platform].api_version.value
    return client.get(f"{server.url}/{platform}/{version}/me/accounts",
                      params={"fields": "id"},
                      headers={"Authorization": f"Bearer {token}"}).status_code


def test_the_exchange_refuses_a_bad_secret_and_a_token_already_long_lived(
        brief: SandboxServer, apis: dict[str, PlatformApi]) -> None:
    api = apis["facebook"]
    with httpx.Client(timeout=10) as client:
        short = oauth.TokenSet(_short_lived(brief, "facebook", "maison", client), "", 0.0, "")
        with pytest.raises(AuthenticationError, match="Error validating client secret"):
            oauth.long_lived(api, brief.url, short, client_id="coulisses",
                             client_secret="not-the-secret", client=client)
        lasting = oauth.long_lived(api, brief.url, short, client_id="coulisses",
                                   client_secret=oauth.SANDBOX_SECRET, client=client)
        assert lasting.refresh_token == "" and lasting.access_token != short.access_token
        assert abs(lasting.expires_at - time.time() - api.auth.access_seconds) < 60  # type: ignore[operator]
        with pytest.raises(AuthenticationError, match="not a short-lived user access token"):
            oauth.long_lived(api, brief.url, lasting, client_id="coulisses",
                             client_secret=oauth.SANDBOX_SECRET, client=client)
        time.sleep(SHORT_S + 1.1)
        with pytest.raises(AuthenticationError, match="session has expired"):
            oauth.long_lived(api, brief.url, short, client_id="coulisses",
                             client_secret=oauth.SANDBOX_SECRET, client=client)


def test_a_meta_account_keeps_posting_after_the_short_lived_token_expired(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
        brief: SandboxServer, video: Path, tmp_path: Path) -> None:
    ids: dict[str, int] = {}
    with db() as session, httpx.Client(timeout=10) as client:
        for platform in ("facebook", "instagram"):
            account = accounts.add(session, fernet, apis[platform], "maison",
                                   sandbox_url=brief.url)
            held = _held(fernet, account)
            assert held.refresh_token == ""
            if platform == "facebook":  # a Page token read with a long-lived user token
                assert held.expires_at is None and ".P" in held.access_token
                assert accounts.sign_in_by(fernet, account) is None  # never runs out
            else:  # Instagram posts with the long-lived user token: its 60 days are kept
                assert held.expires_at is not None
                assert abs(held.expires_at - time.time()
                           - apis[platform].auth.access_seconds) < 60
                # nothing renews it: the team is told the day, and warned as it nears
                assert accounts.sign_in_by(fernet, account) == held.expires_at
                assert accounts.renewal_due(fernet, account, time.time()) is None
                days_before = held.expires_at - (accounts.RENEW_WARN_DAYS - 1) * 86_400
                assert accounts.renewal_due(fernet, account, days_before) == held.expires_at
            ids[platform] = account.id
        short = _short_lived(brief, "facebook", "maison", client)
        assert _me(brief, "facebook", short, client) == 200
        time.sleep(SHORT_S + 1.1)  # every short-lived token the sandbox issued is dead now
        assert _me(brief, "facebook", short, client) == 401
    for platform, account_id in ids.items():
        post_id = publish_now(db, fernet, apis, account_id, platform, video, tmp_path)
        with db() as session:
            assert queue.get(session, post_id).state == "published"
    assert sorted(p["platform"] for p in sandbox_posts(brief.url)) == ["facebook", "instagram"]


def test_a_revoked_page_token_marks_the_facebook_account_for_reconnection(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
        sandbox: SandboxServer, video: Path, tmp_path: Path) -> None:
    with db() as session:
        account = accounts.add(session, fernet, apis["facebook"], "maison",
                               sandbox_url=sandbox.url)
        sandbox.sandbox.revoked.add(_held(fernet, account).access_token)
        account_id = account.id
    post_id = publish_now(db, fernet, apis, account_id, "facebook", video, tmp_path)
    with db() as session:
        post = queue.get(session, post_id)
        row = session.get(PublishAccount, account_id)
        assert row is not None and post.state == "needs_attention"
        assert "Facebook issues no refresh token" in post.error
        assert "accounts add facebook --name maison" in post.error
        assert "was refused" in row.reconnect
    assert sandbox_posts(sandbox.url) == []
