"""Signals between the connectors and the worker that are not errors a person meets.

The publishing errors themselves (``PlatformError``, ``TransientError``, ``LeaseLost``) live in
the one tree of ``coulisses/errors.py``: import them from there.
"""

from __future__ import annotations

__all__ = ["UNCONFIRMED", "UnknownOutcome"]

UNCONFIRMED = "unconfirmed"  # the platform says it published, but the post cannot be found yet


class UnknownOutcome(Exception):
    """A call that changes something on the platform got no answer; ask before doing it again."""
