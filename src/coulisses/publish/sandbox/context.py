"""What every sandbox route shares: the API data, the store, the fault dice, tokens and errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from coulisses.publish.api import PlatformApi
from coulisses.publish.sandbox.faults import Dice
from coulisses.publish.sandbox.store import SandboxStore


class ApiFailure(Exception):
    """An answer in the platform's own error shape."""

    def __init__(self, status: int, body: dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = headers or {}


ErrorShape = Callable[[int, str, str], dict[str, Any]]


def tiktok_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"data": {}, "error": {"code": code, "message": message, "log_id": "sandbox"}}


def graph_error(status: int, code: str, message: str) -> dict[str, Any]:
    number, _, sub = code.partition("/")
    if not number.isdigit():  # Graph's numbers for the shared fault codes
        number = {"internal_error": "2", "rate_limit_exceeded": "4"}.get(number, "1")
    return {"error": {"message": message, "type": "OAuthException", "code": int(number),
                      "error_subcode": int(sub) if sub else None, "fbtrace_id": "sandbox"}}


def google_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message,
                      "errors": [{"reason": code, "message": message}]}}


def linkedin_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"status": status, "code": code, "message": message}


SHAPES: dict[str, ErrorShape] = {"tiktok": tiktok_error, "instagram": graph_error,
                                 "facebook": graph_error, "youtube": google_error,
                                 "linkedin": linkedin_error}
EXPIRED_CODES = {"tiktok": "access_token_invalid", "instagram": "190/463",
                 "facebook": "190/463", "youtube": "authError", "linkedin": "EXPIRED_ACCESS_TOKEN"}
QUOTA = {"tiktok": (403, "spam_risk_too_many_posts"), "instagram": (400, "9/2207042"),
         "facebook": (400, "9/2207042"), "youtube": (403, "quotaExceeded"),
         "linkedin": (429, "QUOTA_EXCEEDED")}


@dataclass
class Sandbox:
    """State shared by the routes of one sandbox app."""

    apis: dict[str, PlatformApi]
    store: SandboxStore
    dice: Dice
    token_seconds: int = 3600
    revoked: set[str] = field(default_factory=set)
    clock: Callable[[], float] = time.time  # the metrics' "now"; tests move it forward
    used: set[str] = field(default_factory=set)

    def fail(self, platform: str, status: int, code: str, message: str,
             headers: dict[str, str] | None = None) -> ApiFailure:
        return ApiFailure(status, SHAPES[platform](status, code, message), headers)

    # --- tokens: signed, so they survive a restart -----------------------------------------

    def _sign(self, text: str) -> str:
        mac = hmac.new(self.store.secret.encode(), text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    def issue(self, platform: str, account: str, *, seconds: int | None = None,
              kind: str = "") -> dict[str, Any]:
        """A token answer. Meta's (``auth.long_lived``) carry no refresh token; ``kind`` marks
        a Meta token as long-lived (``L``) or a Page token (``P``); ``seconds=0``: no expiry."""
        seconds = self.token_seconds if seconds is None else seconds
        expires = int(time.time()) + seconds if seconds else 0
        nonce = f"{kind}{self.store.next_number('token')}"
        access = f"{platform}.{account}.{expires}.{nonce}"
        answer: dict[str, Any] = {"access_token": f"{access}.{self._sign(access)}",
                                  "token_type": "Bearer", "scope": "sandbox"}
        if seconds:
            answer["expires_in"] = seconds
        if not self.apis[platform].auth.long_lived:
            refresh = f"r.{platform}.{account}.{nonce}"
            answer["refresh_token"] = f"{refresh}.{self._sign(refresh)}"
        if self.apis[platform].auth.lookup == "token":  # Meta and LinkedIn name nobody here
            answer |= {"open_id": account, "user_id": account}
        return answer

    def check_signed(self, token: str) -> list[str] | None:
        body, _, sig = token.rpartition(".")
        if not body or not hmac.compare_digest(sig, self._sign(body)):
            return None
        return body.split(".")

    def live(self, platform: str, token: str) -> list[str] | None:
        """The parts of ``token`` if it is this platform's, signed, unexpired and unrevoked."""
        parts = self.check_signed(token) if token else None
        if parts is None or len(parts) != 4 or parts[0] != platform:
            return None
        if token in self.revoked or (parts[2] != "0" and int(parts[2]) < time.time()):
            return None
        return parts

    @staticmethod
    def bearer(request: Request) -> str:
        header = request.headers.get("authorization", "")
        token = header.split(" ", 1)[1].strip() if " " in header else ""
        return token or request.query_params.get("access_token", "")

    def account_of(self, platform: str, request: Request) -> str:
        """The account an authenticated call acts for; 401 in the platform's shape otherwise."""
        token = self.bearer(request)
        parts = self.check_signed(token) if token else None
        code = EXPIRED_CODES[platform]
        if parts is None or len(parts) != 4 or parts[0] != platform:
            raise self.fail(platform, 401, code, "the access token is invalid")
        if self.live(platform, token) is None:
            raise self.fail(platform, 401, code, "the access token has expired")
        # expires mid-use, never at once; not Meta's: a long-lived or Page token has no refresh,
        # so its end mid-use is a revocation (needs a new sign-in), not a fault to ride out
        if (token in self.used and not self.apis[platform].auth.long_lived
                and self.dice.roll("expire")):
            self.revoked.add(token)
            raise self.fail(platform, 401, code, "the access token has expired")
        self.used.add(token)
        return parts[1]

    def gate(self, platform: str) -> None:
        """Faults that can hit any call before it is handled: 5xx and 429."""
        if self.dice.roll("5xx"):
            raise self.fail(platform, 503, "internal_error", "the service is unavailable")
        if self.dice.roll("429"):
            raise self.fail(platform, 429, "rate_limit_exceeded", "too many requests",
                            {"Retry-After": str(self.dice.faults.retry_after)})

    def quota(self, platform: str) -> None:
        if self.dice.roll("quota"):
            status, code = QUOTA[platform]
            raise self.fail(platform, status, code, "the posting quota is exhausted")

    def drop_after_commit(self, request: Request) -> None:
        """The final call committed; maybe the client never hears about it."""
        if self.dice.roll("drop"):
            request.state.drop = True


def content_range(header: str) -> tuple[int | None, int | None, int]:
    """``bytes a-b/total`` or ``bytes */total`` -> (a, b, total); ValueError when malformed."""
    unit, _, spec = header.strip().partition(" ")
    if unit != "bytes":
        raise ValueError(header)
    span, _, total = spec.partition("/")
    if span == "*":
        return None, None, int(total)
    first, _, last = span.partition("-")
    a, b, n = int(first), int(last), int(total)
    if not 0 <= a <= b < n:
        raise ValueError(header)
    return a, b, n
