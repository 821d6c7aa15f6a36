"""Why a post did not go out, as errors the worker and the CLI understand.

These extend the tree drawn in ``coulisses/errors.py``::

    CoulissesError
    ├── PlatformError           exit 10  HTTP 502   the platform refused: its own code and words
    ├── TransientError          exit 11  HTTP 503   not now (5xx, 429, network): try again later
    └── LeaseLost               exit 12  HTTP 409   another worker took the post over
"""

from __future__ import annotations

from coulisses.errors import CoulissesError

UNCONFIRMED = "unconfirmed"  # the platform says it published, but the post cannot be found yet


class PlatformError(CoulissesError):
    """The platform refused the post; retrying the same request cannot succeed."""

    exit_code = 10
    http_status = 502

    def __init__(self, platform: str, message: str, *, status: int | None = None,
                 code: str = "", hint: str | None = None) -> None:
        where = f"{platform}" + (f" HTTP {status}" if status else "") + (f" {code}" if code else "")
        super().__init__(f"{where}: {message}", hint=hint)
        self.platform = platform
        self.status = status
        self.code = code


class TransientError(CoulissesError):
    """The platform could not answer now (5xx, 429, network); a later attempt may succeed,
    not before ``retry_after`` seconds when the platform said so."""

    exit_code = 11
    http_status = 503

    def __init__(self, message: str, *, hint: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class LeaseLost(CoulissesError):
    """This worker's claim on a post ran out and another worker holds it now."""

    exit_code = 12
    http_status = 409


class UnknownOutcome(Exception):
    """A call that changes something on the platform got no answer; ask before doing it again."""
