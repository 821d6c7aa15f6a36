"""Running behind a reverse proxy: the real client address and scheme, and the public origin.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are honoured only from the addresses in the
``trusted_proxies`` setting (uvicorn's middleware does the parsing); ``public_url`` names the
origin browsers see, which the CSRF Origin check and the cookies' ``Secure`` flag follow.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from coulisses.errors import UsageError
from coulisses.settings import Settings


def trusted_proxies(settings: Settings) -> list[str]:
    """The proxy addresses or networks whose forwarded headers are believed."""
    return [item.strip() for item in settings.trusted_proxies.split(",") if item.strip()]


def wrap(app: Any, settings: Settings) -> Any:
    """``app`` behind uvicorn's forwarded-header middleware when proxies are configured
    (an entry that is neither an address nor a network is compared as a name, e.g. a unix
    socket's)."""
    hosts = trusted_proxies(settings)
    if not hosts:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    return ProxyHeadersMiddleware(app, trusted_hosts=hosts)


def public_origin(settings: Settings) -> tuple[str, str] | None:
    """(scheme, host[:port]) of ``public_url``, or None when it is not set.

    Raises:
        UsageError: the setting is not an http(s) URL.
    """
    if not settings.public_url:
        return None
    parts = urlsplit(settings.public_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"setting public_url: {settings.public_url!r} is not an http(s) URL",
                         hint="e.g. https://studio.example.org")
    return parts.scheme, parts.netloc.lower()


def secure_cookies(connection: HTTPConnection | dict[str, Any], settings: Settings) -> bool:
    """Whether cookies get ``Secure``: the public URL is HTTPS, or the request came over it."""
    scheme = connection.get("scheme") if isinstance(connection, dict) else \
        connection.url.scheme
    origin = public_origin(settings)
    return scheme == "https" or (origin is not None and origin[0] == "https")


def same_origin(origin: str, host: str, settings: Settings) -> bool:
    """Whether a request's ``Origin`` is this studio: the public URL's when set, else ``Host``."""
    parts = urlsplit(origin)
    public = public_origin(settings)
    if public is not None:
        return (parts.scheme, parts.netloc.lower()) == public
    return parts.netloc.lower() == host.lower()
