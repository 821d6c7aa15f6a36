"""The sandbox app: OAuth, the platforms' routes, faults, and the record of accepted posts.

``create_app`` wires it; ``SandboxServer`` runs it on a loopback port in a thread (tests, demo).
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from coulisses.publish.api import PlatformApi, builtin_apis
from coulisses.publish.oauth import SANDBOX_SECRET
from coulisses.publish.sandbox import accounts, linkedin, meta, metrics, polls, tiktok, youtube
from coulisses.publish.sandbox.context import ApiFailure, Sandbox
from coulisses.publish.sandbox.faults import Dice, Faults
from coulisses.publish.sandbox.store import SandboxStore

_ACCOUNT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _Dropped(Exception):
    """Raised after the response started: the server closes the connection mid-answer."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _Dropped))


class _DropMiddleware:
    """Holds back the answer of a call marked ``drop`` and closes the connection instead."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def hold(message: dict[str, Any]) -> None:
            if not state.get("drop"):
                await send(message)

        await self.app(scope, receive, hold)
        if state.get("drop"):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"100")]})
            raise _Dropped


def _oauth(app: FastAPI, sb: Sandbox) -> None:
    @app.get("/oauth/{platform}/authorize")
    def authorize(platform: str, redirect_uri: str, code_challenge: str = "", state: str = "",
                  code_challenge_method: str = "S256", login_hint: str = "sandbox-user",
                  response_type: str = "code", client_id: str = "") -> Any:
        if platform not in sb.apis or response_type != "code" or code_challenge_method != "S256":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if sb.apis[platform].auth.pkce != bool(code_challenge):
            return JSONResponse({"error": "invalid_request", "error_description":
                                 "code_challenge: required" if sb.apis[platform].auth.pkce
                                 else "code_challenge: this platform has no PKCE"},
                                status_code=400)
        code_challenge = code_challenge or "-"
        if not _ACCOUNT.match(login_hint):
            return JSONResponse({"error": "invalid_request",
                                 "error_description": "login_hint: letters, digits, - and _"},
                                status_code=400)
        body = f"c.{platform}.{login_hint}.{code_challenge}"
        code = f"{body}.{sb._sign(body)}"
        sep = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{sep}{urlencode({'code': code, 'state': state})}",
                                status_code=302)

    @app.post("/oauth/{platform}/token")
    async def token(platform: str, request: Request) -> JSONResponse:
        form = await request.form()
        grant = str(form.get("grant_type", ""))
        bad = JSONResponse({"error": "invalid_grant"}, status_code=400)
        if grant == "authorization_code":
            parts = sb.check_signed(str(form.get("code", "")))
            if parts is None or len(parts) != 4 or parts[1] != platform:
                return bad
            if parts[3] == "-":  # no PKCE: the app proves itself with its secret
                if not form.get("client_secret"):
                    return JSONResponse({"error": "invalid_client"}, status_code=401)
            else:
                verifier = str(form.get("code_verifier", "")).encode()
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest())
                if digest.rstrip(b"=").decode() != parts[3]:
                    return bad
            return JSONResponse(sb.issue(platform, parts[2]))
        if grant == "refresh_token" and not sb.apis[platform].auth.long_lived:
            parts = sb.check_signed(str(form.get("refresh_token", "")))
            if parts is None or len(parts) != 4 or parts[1] != platform:
                return bad
            return JSONResponse(sb.issue(platform, parts[2]))
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

    @app.get("/oauth/{platform}/token")
    def long_lived(platform: str, grant_type: str = "", client_id: str = "",
                   client_secret: str = "", fb_exchange_token: str = "") -> JSONResponse:
        """Meta's swap of a short-lived user token for a long-lived one (GET, signed by the
        app secret), refused as Graph refuses it."""
        if platform not in sb.apis or not sb.apis[platform].auth.long_lived:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if grant_type != "fb_exchange_token" or not client_id:
            raise sb.fail(platform, 400, "100", "Missing or invalid parameter: grant_type, "
                                                "client_id")
        if client_secret != SANDBOX_SECRET:
            raise sb.fail(platform, 400, "1", "Error validating client secret.")
        parts = sb.live(platform, fb_exchange_token)
        if parts is None:
            raise sb.fail(platform, 400, "190", "Error validating access token: the session "
                                                "has expired or the token is invalid.")
        if parts[3][:1] in ("L", "P"):  # only a short-lived user token may be exchanged
            raise sb.fail(platform, 400, "190", "Error validating access token: this is not "
                                                "a short-lived user access token.")
        return JSONResponse(sb.issue(platform, parts[1], kind="L",
                                     seconds=sb.apis[platform].auth.access_seconds))


def _page(sb: Sandbox) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(p['platform'])}</td><td>{html.escape(p['account'])}</td>"
        f"<td>{html.escape(p['platform_id'])}</td><td>{p['size_bytes']:,}</td>"
        f"<td><code>{p['sha256'][:12]}</code></td><td>{html.escape(p['caption'][:120])}</td>"
        f"<td>{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(p['time']))} UTC</td></tr>"
        for p in reversed(sb.store.posts()))
    return ("<!doctype html><html lang=en><meta charset=utf-8><title>coulisses sandbox</title>"
            "<style>body{font:14px system-ui;margin:2em}td,th{padding:4px 8px;"
            "border-bottom:1px solid #ddd;text-align:left}</style>"
            "<h1>coulisses publishing sandbox</h1>"
            f"<p>Faults: {html.escape(sb.dice.faults.describe())}. "
            "Posts as JSON: <a href=/_sandbox/posts>/_sandbox/posts</a></p>"
            "<table><tr><th>platform<th>account<th>id<th>bytes<th>sha256<th>caption<th>time</tr>"
            f"{rows}</table></html>")


def create_app(state_dir: Path, *, faults: Faults | None = None,
               apis: dict[str, PlatformApi] | None = None, token_seconds: int = 3600,
               clock: Callable[[], float] = time.time) -> FastAPI:
    """The sandbox as an ASGI app; its record and upload sessions live in ``state_dir``;
    ``clock`` is the "now" its metrics grow with."""
    sb = Sandbox(apis=apis or builtin_apis(), store=SandboxStore(state_dir),
                 dice=Dice(faults or Faults()), token_seconds=token_seconds, clock=clock)
    app = FastAPI(title="coulisses publishing sandbox", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.sandbox = sb

    @app.exception_handler(ApiFailure)
    def _failure(_request: Request, exc: ApiFailure) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)

    _oauth(app, sb)
    for router in (tiktok.routes(sb), meta.instagram(sb), meta.facebook(sb), youtube.routes(sb),
                   linkedin.routes(sb), metrics.routes(sb), accounts.meta(sb, "instagram"),
                   accounts.meta(sb, "facebook"), accounts.linkedin(sb), polls.routes(sb)):
        app.include_router(router)

    @app.get("/_sandbox/posts")
    def posts() -> JSONResponse:
        return JSONResponse({"posts": sb.store.posts()})

    @app.get("/_sandbox/faults")
    def fault_counts() -> JSONResponse:
        return JSONResponse({"rates": sb.dice.faults.rates, "injected": sb.dice.counts})

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return _page(sb)

    app.add_middleware(_DropMiddleware)
    return app


class SandboxServer:
    """The sandbox on a loopback port, in a background thread."""

    def __init__(self, state_dir: Path, *, port: int = 0, faults: Faults | None = None,
                 apis: dict[str, PlatformApi] | None = None, token_seconds: int = 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.app = create_app(state_dir, faults=faults, apis=apis, token_seconds=token_seconds,
                              clock=clock)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread: threading.Thread | None = None
        self._server: Any = None

    @property
    def sandbox(self) -> Sandbox:
        sb: Sandbox = self.app.state.sandbox
        return sb

    def start(self) -> SandboxServer:
        import uvicorn

        logging.getLogger("uvicorn.error").addFilter(_DropFilter())
        config = uvicorn.Config(self.app, log_level="warning", log_config=None, lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run,
                                        kwargs={"sockets": [self._socket]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()
        self.sandbox.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
