"""The password rule: long enough, not too long, not blank, not one of the most common ones."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes any length; a cap keeps one sign-up from costing more
COMMON = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The packaged list of common passwords, folded for comparison."""
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(_fold(line) for line in lines if line and not line.startswith("#"))


def _fold(password: str) -> str:
    return "".join(password.split()).casefold()


def password_problem(password: str, email: str = "") -> tuple[str, dict[str, int]] | None:
    """Why ``password`` is refused, as a message key and its values; None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return "auth.password_short", {"n": MIN_PASSWORD}
    if len(password) > MAX_PASSWORD:
        return "auth.password_long", {"n": MAX_PASSWORD}
    folded = _fold(password)
    if not folded or len(set(folded)) < 3 or folded in common_passwords() \
            or (email and folded == _fold(email)) or folded == _fold(email.split("@")[0]):
        return "auth.password_common", {}
    return None
