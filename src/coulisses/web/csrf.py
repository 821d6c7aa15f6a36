"""CSRF protection on every state-changing request, forms and fetches alike.

Signed-in pages carry the session's synchroniser token; before sign-in, a random token in an
HttpOnly cookie is echoed in the form (double submit). A POST, PUT, PATCH or DELETE must send
one of them as the ``csrf_token`` field or the ``X-CSRF-Token`` header, and a cross-site
``Origin`` is refused outright.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup, escape

from coulisses.errors import AccessError, AuthenticationError
from coulisses.web.request_state import SessionDep, login_state
from coulisses.web.security import new_token

CSRF_COOKIE = "coulisses_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def anonymous_token(request: Request) -> str:
    """The double-submit token of this browser; a new one is set as a cookie when missing."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token or len(token) > 100:
        token = new_token()
        request.state.new_csrf = token
    return str(token)


def csrf_token(request: Request) -> str:
    """The token forms and fetches on this page must send back."""
    token = getattr(request.state, "csrf_token", None)
    return str(token) if token else anonymous_token(request)


def csrf_input(request: Request) -> Markup:
    """The hidden form field carrying the token."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, escape(csrf_token(request)))


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin != "null"
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


async def csrf_protect(request: Request,
                       db: SessionDep) -> AsyncIterator[None]:
    """Check the token of a state-changing request; remember the page's token otherwise.

    A form read here for its token is closed once the request is over, also when the
    request is refused later (its uploaded files are spooled to temporary files).

    Raises:
        AuthenticationError: the form came from a session that has since expired.
        AccessError: a missing or wrong token, or a request from another site.
    """
    form = None
    try:
        state = await run_in_threadpool(login_state, request, db)  # never block the loop
        expected = [anonymous_token(request)]
        if state.session is not None:
            expected.insert(0, state.session.csrf_token)
        request.state.csrf_token = expected[0]
        if request.method not in SAFE:
            forged = AccessError("This form did not come from this studio page or has "
                                 "expired.", hint="reload the page and submit it again")
            if not _same_origin(request):
                raise forged
            given = request.headers.get(CSRF_HEADER)
            content_type = request.headers.get("content-type", "")
            if not given and content_type.startswith(("application/x-www-form-urlencoded",
                                                      "multipart/form-data")):
                form = await request.form()
                value = form.get(CSRF_FIELD)
                given = value if isinstance(value, str) else None
            if not (given and any(hmac.compare_digest(given.encode(), e.encode())
                                  for e in expected)):
                if state.expired:
                    raise AuthenticationError("Your session has expired.", hint="sign in again")
                raise forged
        yield
    finally:
        if form is not None:
            await form.close()
