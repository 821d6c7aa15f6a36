"""Connecting Instagram, Facebook and LinkedIn as a person does: the sign-in, then the
platform's documented account lookup against the sandbox over loopback; dead tokens mark the
account for reconnection, and connecting it again repairs it in place."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.fernet import Fernet
from publishkit import publish_now, sandbox_posts, start_sandbox
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import UsageError
from coulisses.publish import accounts, lookup, oauth, queue
from coulisses.publish.api import PlatformApi
from coulisses.publish.sandbox.accounts import organization_of
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.tables import PublishAccount, now_ms


def test_meta_lookups_find_the_page_its_token_and_its_instagram_account(
        sandbox: SandboxServer, apis: dict[str, PlatformApi]) -> None:
    with httpx.Client(timeout=10) as client:
        for platform, kind in (("facebook", "page"), ("instagram", "instagram")):
            tokens = oauth.sandbox_sign_in(apis[platform], sandbox.url, "maison", client)
            assert tokens.account == ""  # Meta's token answer names nobody
            found, _ = lookup.choices(apis[platform], sandbox.url, tokens, client)
            assert [(c.id, c.kind) for c in found] == [("maison", kind)]
            assert bool(found[0].token) == (platform == "facebook")  # the Page's own token
            settled = lookup.settle(apis[platform], sandbox.url, tokens, client)
            assert settled.account == "maison"
            if platform == "facebook":
                # a Page token of its own (each lookup issues a fresh one), not the person's
                assert settled.access_token != tokens.access_token
                assert settled.access_token.startswith("facebook.maison.")


@pytest.mark.parametrize("platform", ["instagram", "facebook"])
def test_a_meta_account_connects_and_publishes_as_what_the_lookup_found(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
        sandbox: SandboxServer, video: Path, tmp_path: Path, platform: str) -> None:
    with db() as session:
        account = accounts.add(session, fernet, apis[platform], "maison",
                               sandbox_url=sandbox.url)
        assert account.external_id == "maison" and "access_token" not in account.tokens
        account_id = account.id
    publish_now(db, fernet, apis, account_id, platform, video, tmp_path)
    assert [(p["platform"], p["account"]) for p in sandbox_posts(sandbox.url)] == \
        [(platform, "maison")]


def test_linkedin_signs_in_without_pkce_and_posts_as_the_member_or_the_page_picked(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
        sandbox: SandboxServer, video: Path, tmp_path: Path) -> None:
    api = apis["linkedin"]
    url = oauth.authorize_url(api, sandbox.url, client_id="c", redirect_uri="http://127.0.0.1/cb",
                              challenge="x", state="s", login_hint="lea")
    assert "code_challenge" not in url and "openid" in parse_qs(urlparse(url).query)["scope"][0]
    with httpx.Client(timeout=10) as client:
        code = parse_qs(urlparse(client.get(url).headers["location"]).query)["code"][0]
        no_secret = client.post(f"{sandbox.url}/oauth/linkedin/token", data={
            "grant_type": "authorization_code", "code": code, "client_id": "c",
            "redirect_uri": "http://127.0.0.1/cb"})
        assert no_secret.status_code == 401  # the web flow proves the app by its secret
        with_pkce = client.get(url + "&code_challenge=x&code_challenge_method=S256")
        assert with_pkce.status_code == 400
        tokens = oauth.sandbox_sign_in(api, sandbox.url, "lea", client)
        found, _ = lookup.choices(api, sandbox.url, tokens, client)
    org = organization_of("lea")
    assert [(c.id, c.kind) for c in found] == [("lea", "member"), (org, "organization")]
    with db() as session:
        member = accounts.add(session, fernet, api, "lea", sandbox_url=sandbox.url)
        # the sandbox signs in as the account's name: "lea2" runs its own organization
        org2 = organization_of("lea2")
        page = accounts.add(session, fernet, api, "lea2", sandbox_url=sandbox.url,
                            pick=org2.rsplit(":", 1)[1])
        with pytest.raises(UsageError, match="no account 'nobody'") as refused:
            accounts.add(session, fernet, api, "other", sandbox_url=sandbox.url, pick="nobody")
        assert organization_of("other") in (refused.value.hint or "")
        ids = (member.id, page.id)
        assert (member.external_id, page.external_id) == ("lea", org2)
    for account_id in ids:
        publish_now(db, fernet, apis, account_id, "linkedin", video, tmp_path)
    assert len(sandbox_posts(sandbox.url)) == 2


def test_a_revoked_token_marks_the_account_and_connecting_again_repairs_it(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
        tmp_path: Path, video: Path) -> None:
    server = start_sandbox(tmp_path / "sb")
    try:
        with db() as session:
            account = accounts.add(session, fernet, apis["instagram"], "maison",
                                   sandbox_url=server.url)
            held = oauth.TokenSet.from_json(fernet.decrypt(account.tokens.encode()).decode())
            assert held.refresh_token == ""  # Meta issues none
            server.sandbox.revoked.add(held.access_token)  # the person removed the app
            account_id = account.id
        post_id = publish_now(db, fernet, apis, account_id, "instagram", video, tmp_path)
        with db() as session:
            post = queue.get(session, post_id)
            row = session.get(PublishAccount, account_id)
            assert row is not None
            assert post.state == "needs_attention" and "\n" not in post.error
            assert "Instagram issues no refresh token and this account's token was refused" \
                in post.error
            assert "accounts add instagram --name maison" in post.error
            assert "was refused" in row.reconnect
            again = accounts.add(session, fernet, apis["instagram"], "maison",
                                 sandbox_url=server.url)
            assert again.id == account_id and again.reconnect == ""
            tokens = json.loads(fernet.decrypt(again.tokens.encode()))
            assert tokens["account"] == "maison" and tokens["expires_at"] > now_ms() / 1000
            assert tokens["access_token"] != held.access_token
        assert sandbox_posts(server.url) == []
    finally:
        server.stop()
