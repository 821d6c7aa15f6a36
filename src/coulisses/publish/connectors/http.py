"""``ApiClient``: httpx calls with each platform's retry rules, token refresh and error words.

Retries honour ``Retry-After`` and otherwise back off exponentially with full jitter. A call
marked ``final`` changes something on the platform: when it gets no clear answer it raises
``UnknownOutcome`` instead of being sent again, so the connector asks the platform first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from coulisses.errors import PlatformError, TransientError
from coulisses.publish.failures import UnknownOutcome

RETRY_AFTER_CAP_S = 30.0


class TokenSource(Protocol):
    """An account's access token, renewed on demand."""

    def access(self) -> str: ...

    def refresh(self) -> str: ...


@dataclass
class Backoff:
    """Exponential backoff with full jitter: attempt n waits up to ``base * 2**n`` seconds."""

    base_s: float = 1.0
    cap_s: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def wait(self, attempt: int, retry_after: float | None = None) -> None:
        if retry_after is not None:
            self.sleep(min(max(retry_after, 0.0), RETRY_AFTER_CAP_S))
            return
        self.sleep(self.rng.uniform(0, min(self.cap_s, self.base_s * 2 ** attempt)))


def error_words(response: httpx.Response) -> tuple[str, str]:
    """The platform's own error code and message, whatever its error shape."""
    try:
        body = response.json()
    except ValueError:
        return "", response.text[:300] or response.reason_phrase
    if not isinstance(body, dict):
        return "", str(body)[:300]
    err = body.get("error")
    if isinstance(err, dict):
        code = err.get("code", "")
        sub = err.get("error_subcode")
        reasons = err.get("errors")
        if isinstance(reasons, list) and reasons and isinstance(reasons[0], dict):
            code = reasons[0].get("reason", code)
        text = f"{code}/{sub}" if sub else str(code)
        return text, str(err.get("message", ""))
    if isinstance(err, str):
        return err, str(body.get("error_description", ""))
    return str(body.get("code", "")), str(body.get("message", ""))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class ApiClient:
    """One platform's HTTP calls for one account."""

    def __init__(self, platform: str, tokens: TokenSource | None, *,
                 client: httpx.Client | None = None, backoff: Backoff | None = None,
                 max_tries: int = 8, auth_scheme: str = "Bearer",
                 deadline_s: float = 60.0) -> None:
        self.platform = platform
        self.tokens = tokens
        self.http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
        self.backoff = backoff or Backoff()
        self.max_tries = max_tries
        self.auth_scheme = auth_scheme
        self.deadline_s = deadline_s  # one call, retries included, never outlives the lease

    def call(self, method: str, url: str, *, final: bool = False, auth: bool = True,
             ok: tuple[int, ...] = (200, 201, 202, 204), scheme: str | None = None,
             **kwargs: Any) -> httpx.Response:
        """Send one request until it gets an answer the caller can use.

        Raises:
            PlatformError: a 4xx the platform means (after refreshing an expired token once).
            TransientError: 5xx, 429 or network errors outlasted the retries.
            UnknownOutcome: a ``final`` call got no clear answer.
        """
        headers = dict(kwargs.pop("headers", None) or {})
        refreshed = False
        last = ""
        start = time.monotonic()
        for attempt in range(self.max_tries):
            if attempt and time.monotonic() - start > self.deadline_s:
                break
            if auth and self.tokens is not None:
                headers["Authorization"] = f"{scheme or self.auth_scheme} {self.tokens.access()}"
            try:
                response = self.http.request(method, url, headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached them
                last = f"cannot connect ({type(exc).__name__})"
                self.backoff.wait(attempt)
                continue
            except httpx.TransportError as exc:
                if final:
                    raise UnknownOutcome(f"{method} {url}: {type(exc).__name__}") from exc
                last = f"no answer ({type(exc).__name__})"
                self.backoff.wait(attempt)
                continue
            if response.status_code in ok or response.status_code == 308:
                return response
            code, message = error_words(response)
            if response.status_code == 401 and auth and self.tokens is not None and not refreshed:
                self.tokens.refresh()
                refreshed = True
                continue
            if response.status_code == 429 and code not in ("QUOTA_EXCEEDED",):
                last = f"HTTP 429 {code}: {message}"
                wait = _retry_after(response)
                left = self.deadline_s - (time.monotonic() - start)
                if wait is not None and wait > min(RETRY_AFTER_CAP_S, left):  # come back later
                    raise TransientError(f"{self.platform}: {last}; retry after {wait:.0f} s",
                                         retry_after=wait)
                self.backoff.wait(attempt, wait)
                continue
            if response.status_code >= 500:
                if final:
                    raise UnknownOutcome(f"{method} {url}: HTTP {response.status_code}")
                last = f"HTTP {response.status_code} {code}: {message}"
                self.backoff.wait(attempt, _retry_after(response))
                continue
            raise PlatformError(self.platform, message or response.reason_phrase,
                                status=response.status_code, code=code)
        raise TransientError(f"{self.platform}: gave up after {attempt + 1} tries: {last}",
                             hint="the worker tries again later")

    def close(self) -> None:
        self.http.close()
