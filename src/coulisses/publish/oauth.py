"""OAuth 2 for publishing accounts: authorization code with PKCE, refresh, and the sandbox's
browserless flow. Tokens live in ``TokenSet``; they are never logged or printed."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

from coulisses.errors import AuthenticationError
from coulisses.publish.api import PlatformApi


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: float
    account: str  # the platform's id of the account

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        return cls(**json.loads(text))

    def __repr__(self) -> str:  # never show a token, even in a traceback
        return f"TokenSet(account={self.account!r}, expires_at={self.expires_at:.0f})"


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def urls(api: PlatformApi, sandbox_url: str) -> tuple[str, str]:
    """The authorize and token URLs: the platform's, or the sandbox's."""
    if sandbox_url:
        base = f"{sandbox_url.rstrip('/')}/oauth/{api.id}"
        return f"{base}/authorize", f"{base}/token"
    return api.auth.authorize_url, api.auth.token_url


def authorize_url(api: PlatformApi, sandbox_url: str, *, client_id: str, redirect_uri: str,
                  challenge: str, state: str, login_hint: str = "") -> str:
    """Where the person signs in and approves the app."""
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
             "scope": " ".join(api.auth.scopes), "state": state, "code_challenge": challenge,
             "code_challenge_method": "S256"}
    if login_hint:
        query["login_hint"] = login_hint
    return f"{urls(api, sandbox_url)[0]}?{urlencode(query)}"


def _tokens(response: httpx.Response, api: PlatformApi, previous: TokenSet | None) -> TokenSet:
    if response.status_code != 200:
        try:
            words = response.json().get("error_description") or response.json().get("error")
        except ValueError:
            words = response.reason_phrase
        raise AuthenticationError(f"{api.name} refused the sign-in ({words})",
                                  hint="connect the account again: coulisses publish accounts "
                                       "add")
    body = response.json()
    return TokenSet(access_token=str(body["access_token"]),
                    refresh_token=str(body.get("refresh_token") or
                                      (previous.refresh_token if previous else "")),
                    expires_at=time.time() + float(body.get("expires_in", 3600)),
                    account=str(body.get("open_id") or body.get("user_id") or
                                (previous.account if previous else "")))


def exchange_code(api: PlatformApi, sandbox_url: str, *, code: str, verifier: str,
                  redirect_uri: str, client_id: str, client: httpx.Client) -> TokenSet:
    """Trade an authorization code (and its PKCE verifier) for tokens.

    Raises:
        AuthenticationError: the platform refused the code.
    """
    r = client.post(urls(api, sandbox_url)[1], data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": redirect_uri, "client_id": client_id})
    return _tokens(r, api, None)


def refresh(api: PlatformApi, sandbox_url: str, tokens: TokenSet, *, client_id: str,
            client: httpx.Client) -> TokenSet:
    """New tokens from the refresh token.

    Raises:
        AuthenticationError: the refresh token was revoked or expired.
    """
    r = client.post(urls(api, sandbox_url)[1], data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
        "client_id": client_id})
    return _tokens(r, api, tokens)


def sandbox_sign_in(api: PlatformApi, sandbox_url: str, name: str,
                    client: httpx.Client) -> TokenSet:
    """The whole code + PKCE flow against the sandbox, which approves without a browser.

    Raises:
        AuthenticationError: the sandbox refused.
    """
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    redirect = "http://127.0.0.1/callback"
    r = client.get(authorize_url(api, sandbox_url, client_id="coulisses", redirect_uri=redirect,
                                 challenge=challenge, state=state, login_hint=name))
    location = r.headers.get("location", "")
    query = parse_qs(urlparse(location).query)
    if r.status_code != 302 or query.get("state") != [state] or "code" not in query:
        raise AuthenticationError(f"the sandbox at {sandbox_url} did not approve the sign-in "
                                  f"(HTTP {r.status_code})")
    return exchange_code(api, sandbox_url, code=query["code"][0], verifier=verifier,
                         redirect_uri=redirect, client_id="coulisses", client=client)
