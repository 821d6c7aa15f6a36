"""Request body caps, per route, enforced on the byte stream before anything parses it.

A body whose declared ``Content-Length`` is over the route's cap is refused with 413 before one
byte is read; a chunked body is counted as it arrives and refused once it passes the cap, so no
form parser ever spools more than the cap to disk. Multipart bodies are refused on routes that
take no files, and anonymous clients (no session cookie) get a small cap everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from coulisses.settings import Settings

MB = 1024 * 1024
DEFAULT_CAP = 4 * MB  # forms and JSON: a pasted campaign file (1 MB) percent-encoded fits
ANONYMOUS_CAP = 64 * 1024  # sign-in and sign-up forms are a few hundred bytes
FORM_OVERHEAD = MB  # multipart boundaries and the other fields of a file form
FIELD_MAX = 2 * MB  # one text field of a multipart form (a pasted campaign file is 1 MB at most)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Route:
    """A route that takes files, and the most bytes its body may have."""

    method: str
    pattern: re.Pattern[str]
    cap: Callable[[Settings], int]
    files: bool = True
    public: bool = False  # anonymous clients get the route's cap, not ``ANONYMOUS_CAP``


def _upload_cap(settings: Settings) -> int:
    return settings.upload_max_mb * MB


def _campaign_cap(settings: Settings) -> int:
    from coulisses.web.campaign_view import MAX_BYTES

    return 2 * MAX_BYTES + FORM_OVERHEAD  # the file, or its pasted text


def _results_cap(settings: Settings) -> int:
    from coulisses.web.kpi_import import MAX_REQUEST_BYTES

    return MAX_REQUEST_BYTES + FORM_OVERHEAD


ROUTES: tuple[Route, ...] = (
    Route("PATCH", re.compile(r"^/api/w/\d+/uploads/[^/]+$"), _upload_cap, files=False),
    Route("POST", re.compile(r"^/w/\d+/rushes/upload$"),
          lambda s: _upload_cap(s) + FORM_OVERHEAD),
    Route("POST", re.compile(r"^/w/\d+/campaigns$"), _campaign_cap),
    Route("POST", re.compile(r"^/w/\d+/results/\d+/import$"), _results_cap),
    # a challenge's public upload (issue 15): entrants have no account; one chunk per PATCH
    Route("PATCH", re.compile(r"^/b/c/[^/]+/uploads/[^/]+$"), lambda s: 16 * MB, files=False,
          public=True),
)


def limit_for(method: str, path: str, settings: Settings) -> tuple[int, bool]:
    """The body cap of a request, and whether the route takes multipart files."""
    for route in ROUTES:
        if route.method == method and route.pattern.match(path):
            return route.cap(settings), route.files
    return DEFAULT_CAP, False


def open_to_anonymous(method: str, path: str) -> bool:
    """Whether the route keeps its own cap for clients without a session."""
    return any(route.public and route.method == method and route.pattern.match(path)
               for route in ROUTES)


class BodyTooLarge(HTTPException):
    """The body passed its route's cap while it was being read."""

    def __init__(self, cap: int) -> None:
        super().__init__(413, f"The request is over the {size_text(cap)} this page accepts.")
        self.cap = cap


def size_text(cap: int) -> str:
    """A cap as people read it: ``3 MB``, ``64 kB``."""
    return f"{cap // MB} MB" if cap >= MB else f"{cap // 1024} kB"


class BodyLimitMiddleware:
    """Refuses bodies over their route's cap (413) and files where none are taken (415)."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        from coulisses.web.security import SESSION_COOKIE

        connection = HTTPConnection(scope)
        cap, files = limit_for(scope["method"], scope["path"], self.settings)
        anonymous = not connection.cookies.get(SESSION_COOKIE)
        if anonymous and not open_to_anonymous(scope["method"], scope["path"]):
            cap = min(cap, ANONYMOUS_CAP)
        content_type = connection.headers.get("content-type", "").lower()
        if content_type.startswith("multipart/") and (anonymous or not files):
            await _refuse(scope, send, 415, self._text(scope, "error.no_files"))
            return
        declared = connection.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _refuse(scope, send, 413,
                          self._text(scope, "error.too_large", size=size_text(cap)))
            return
        received = 0
        started = False

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        async def watched(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(scope, send, 413,
                          self._text(scope, "error.too_large", size=size_text(exc.cap)))

    def _text(self, scope: Any, key: str, **values: str) -> str:
        from starlette.requests import Request

        from coulisses.web.i18n_web import pick_lang, translator

        return translator(pick_lang(Request(scope), default=self.settings.lang))(key, **values)


async def _refuse(scope: Any, send: Any, status: int, message: str) -> None:
    """A short answer sent before the app sees the request (JSON for the API)."""
    accept = HTTPConnection(scope).headers.get("accept", "")
    if scope["path"].startswith("/api/") or ("application/json" in accept
                                             and "text/html" not in accept):
        body = json.dumps({"error": message, "hint": None}).encode()
        kind = b"application/json"
    else:
        body = message.encode()
        kind = b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
