"""OAuth 2 for publishing accounts: authorization code with PKCE, refresh, Meta's swap of a
short-lived user token for a long-lived one, and the sandbox's browserless flow. Tokens live in
``TokenSet``; they are never logged or printed."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

from coulisses.errors import AuthenticationError, UsageError
from coulisses.publish.api import PlatformApi

SANDBOX_SECRET = "sandbox-secret"  # the sandbox app's secret, public by design


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: float | None  # epoch seconds; None: the platform says it does not expire
    account: str  # the platform's id of the account

    def expired(self, now: float, margin_s: float = 0.0) -> bool:
        """Whether the token is past (or within ``margin_s`` of) its expiry."""
        return self.expires_at is not None and self.expires_at - margin_s < now

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        return cls(**json.loads(text))

    def __repr__(self) -> str:  # never show a token, even in a traceback
        until = "never" if self.expires_at is None else f"{self.expires_at:.0f}"
        return f"TokenSet(account={self.account!r}, expires_at={until})"


def app_credentials(setting: str, platform: str) -> tuple[str, str]:
    """This team's app id and secret for ``platform`` from ``PLATFORM=ID[:SECRET],...``.

    Raises:
        UsageError: the platform has no app in the setting.
    """
    for item in setting.split(","):
        name, _, value = item.strip().partition("=")
        if name.strip().lower() == platform and value:
            client_id, _, secret = value.partition(":")
            return client_id.strip(), secret.strip()
    raise UsageError(f"no {platform} app is configured",
                     hint=f"set publish_apps, e.g. COULISSES_PUBLISH_APPS={platform}=ID:SECRET, "
                          "or use --manual or --sandbox URL")


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
    query = {"response_type": "code", api.auth.client_id_param: client_id,
             "redirect_uri": redirect_uri, "scope": " ".join(api.auth.scopes), "state": state}
    if api.auth.pkce:  # LinkedIn's web flow has none: the client secret proves the app
        query |= {"code_challenge": challenge, "code_challenge_method": "S256"}
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
                  redirect_uri: str, client_id: str, client: httpx.Client,
                  client_secret: str = "") -> TokenSet:
    """Trade an authorization code (and its PKCE verifier) for tokens.

    Raises:
        AuthenticationError: the platform refused the code.
    """
    r = client.post(urls(api, sandbox_url)[1], data={
        "grant_type": "authorization_code", "code": code,
        **({"code_verifier": verifier} if api.auth.pkce else {}),
        "redirect_uri": redirect_uri, api.auth.client_id_param: client_id,
        **({"client_secret": client_secret} if client_secret else {})})
    tokens = _tokens(r, api, None)
    if api.auth.long_lived:  # Meta: the code's token lasts hours, and there is no refresh
        tokens = long_lived(api, sandbox_url, tokens, client_id=client_id,
                            client_secret=client_secret, client=client)
    return tokens


def long_lived(api: PlatformApi, sandbox_url: str, tokens: TokenSet, *, client_id: str,
               client_secret: str, client: httpx.Client) -> TokenSet:
    """Meta's swap of a short-lived user token for a long-lived one (about 60 days):
    ``GET oauth/access_token?grant_type=fb_exchange_token``, signed by the app secret.

    Raises:
        AuthenticationError: the platform refused the swap (bad secret, expired token).
    """
    r = client.get(urls(api, sandbox_url)[1], params={
        "grant_type": "fb_exchange_token", "client_id": client_id,
        "client_secret": client_secret, "fb_exchange_token": tokens.access_token})
    if r.status_code != 200:
        try:
            error = r.json().get("error")
            words = str(error.get("message") if isinstance(error, dict) else error)
        except ValueError:
            words = r.reason_phrase
        raise AuthenticationError(f"{api.name} refused the long-lived token ({words})",
                                  hint="check the app secret in publish_apps, then connect the "
                                       "account again: coulisses publish accounts add")
    body = r.json()
    seconds = body.get("expires_in")  # Meta may leave it out: then the token's age is unknown
    return TokenSet(access_token=str(body["access_token"]), refresh_token="",
                    expires_at=time.time() + float(seconds if seconds else
                                                   api.auth.access_seconds),
                    account=tokens.account)


def refresh(api: PlatformApi, sandbox_url: str, tokens: TokenSet, *, client_id: str,
            client: httpx.Client, client_secret: str = "") -> TokenSet:
    """New tokens from the refresh token.

    Raises:
        AuthenticationError: the refresh token was revoked or expired.
    """
    r = client.post(urls(api, sandbox_url)[1], data={
        "grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
        api.auth.client_id_param: client_id,
        **({"client_secret": client_secret} if client_secret else {})})
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
                         redirect_uri=redirect, client_id="coulisses", client=client,
                         client_secret=SANDBOX_SECRET if api.auth.long_lived or not api.auth.pkce
                         else "")


def loopback_sign_in(api: PlatformApi, sandbox_url: str, *, client_id: str,
                     open_url: Callable[[str], object], timeout_s: float = 300.0,
                     login_hint: str = "", client: httpx.Client,
                     client_secret: str = "") -> TokenSet:
    """Authorization code with PKCE and a loopback redirect (RFC 8252): a one-shot listener on
    127.0.0.1 receives the code after the person approves in their browser (``open_url``).

    Raises:
        AuthenticationError: refused, the state does not match, or no answer in time.
    """
    import http.server
    import threading

    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    answer: dict[str, list[str]] = {}
    arrived = threading.Event()

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlparse(self.path).query)
            if urlparse(self.path).path != "/callback" or arrived.is_set():
                self.send_response(404)
                self.end_headers()
                return
            answer.update(query)
            arrived.set()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"<p>coulisses: you can close this tab. / Vous pouvez fermer "
                             b"cet onglet.</p>")

        def log_message(self, *_args: object) -> None:  # the query holds the code: no logs
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Callback)
    redirect = f"http://127.0.0.1:{server.server_address[1]}/callback"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        open_url(authorize_url(api, sandbox_url, client_id=client_id, redirect_uri=redirect,
                               challenge=challenge, state=state, login_hint=login_hint))
        if not arrived.wait(timeout_s):
            raise AuthenticationError(f"no answer from {api.name} within {timeout_s:.0f} s",
                                      hint="run the command again and approve in the browser")
    finally:
        server.shutdown()
        server.server_close()
    if answer.get("state") != [state]:
        raise AuthenticationError("the sign-in answer does not match this request (state)")
    if "code" not in answer:
        reason = (answer.get("error_description") or answer.get("error") or ["refused"])[0]
        raise AuthenticationError(f"{api.name} did not approve the sign-in ({reason})")
    return exchange_code(api, sandbox_url, code=answer["code"][0], verifier=verifier,
                         redirect_uri=redirect, client_id=client_id, client=client,
                         client_secret=client_secret)
