"""The web app's one error boundary: ``CoulissesError`` leaves become an HTML page or JSON.

JSON (``{"error": message, "hint": ...}``) for ``/api/`` routes and clients that ask for it;
an HTML page otherwise, except that a page needing sign-in redirects to the sign-in form.
Both carry the leaf's ``http_status``. Unexpected errors are logged (never with request
bodies or cookies) and shown as a plain 500.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from coulisses.errors import AuthenticationError, CoulissesError, RateLimitError

log = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    """Whether the client should get JSON rather than a page."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, hint: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The error as JSON or as the studio's error page."""
    if wants_json(request):
        return JSONResponse({"error": message, "hint": hint}, status_code=status,
                            headers=headers)
    from coulisses.web.deps import render

    response = render(request, "base_error.html", {"status": status, "message": message,
                                                   "hint": hint}, status_code=status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


async def on_coulisses_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CoulissesError)
    if isinstance(exc, AuthenticationError) and request.method == "GET" \
            and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from coulisses.web.error_text import in_lang
    from coulisses.web.i18n_web import pick_lang

    headers = {"Retry-After": "900"} if isinstance(exc, RateLimitError) else None
    lang = pick_lang(request, default=request.app.state.settings.lang)
    return error_response(request, exc.http_status, in_lang(exc.message, lang) or exc.message,
                          in_lang(exc.hint, lang), headers)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    from coulisses.web.bodylimit import BodyTooLarge, size_text
    from coulisses.web.deps import render  # noqa: F401  (the page needs the app's templates)
    from coulisses.web.i18n_web import pick_lang, translator

    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    message = {404: t("error.not_found"), 405: t("error.method")}.get(
        exc.status_code, str(exc.detail))
    if isinstance(exc, BodyTooLarge):
        message = t("error.too_large", size=size_text(exc.cap))
    return error_response(request, exc.status_code, message,
                          headers=dict(exc.headers) if exc.headers else None)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    from coulisses.web.i18n_web import pick_lang, translator

    t = translator(pick_lang(request, default=request.app.state.settings.lang))
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
    detail = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", ""))
    return error_response(request, 422, t("error.invalid", detail=detail))


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s: %s", request.method, request.url.path,
              type(exc).__name__, exc_info=exc)
    return error_response(request, 500, "Something went wrong on the server.",
                          "try again; if it persists, tell the studio's administrator")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(CoulissesError, on_coulisses_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)
