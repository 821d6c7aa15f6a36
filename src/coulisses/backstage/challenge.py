"""Signed proof-of-work challenges (one per vote) and signed visitor cookies.

A challenge is ``poll.issued_ms.nonce.bits.signature``: the HMAC-SHA256 of the rest under the
page's secret, so the server keeps nothing until a solution comes back. Solving it means finding
a number ``n`` such that ``SHA-256("nonce:n")`` starts with ``bits`` zero bits
(``static/backstage.js`` does it in a few lines). A solution is spent once: its nonce goes into
``backstage_spent`` (votes.py), so a replay is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from coulisses.errors import UsageError

BITS = 14  # about 16,000 hashes: a fraction of a second in a phone's browser
LIFETIME = timedelta(minutes=15)  # a challenge older than this is refused
VISITOR_COOKIE = "coulisses_visitor"


@dataclass(frozen=True)
class Challenge:
    poll_id: int
    issued: datetime
    nonce: str
    bits: int

    @property
    def expires(self) -> datetime:
        return self.issued + LIFETIME


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def issue(secret: str, poll_id: int, now: datetime, bits: int = BITS) -> str:
    """A new signed challenge for ``poll_id``."""
    body = f"{poll_id}.{int(now.timestamp() * 1000)}.{secrets.token_hex(16)}.{bits}"
    return f"{body}.{_sign(secret, body)}"


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits ``digest`` starts with."""
    count = 0
    for byte in digest:
        if byte:
            return count + 8 - byte.bit_length()
        count += 8
    return count


def solves(nonce: str, number: int, bits: int) -> bool:
    """Whether ``number`` solves the puzzle of ``nonce`` at ``bits``."""
    return leading_zero_bits(hashlib.sha256(f"{nonce}:{number}".encode()).digest()) >= bits


def solve(challenge: str) -> int:
    """The smallest number that solves ``challenge`` (what the browser script does; the attack
    simulator and tests use it as a bot would)."""
    _poll, _issued, nonce, bits, _sig = challenge.split(".")
    number = 0
    while not solves(nonce, number, int(bits)):
        number += 1
    return number


def verify(secret: str, challenge: str, number: str | int, poll_id: int,
           now: datetime) -> Challenge:
    """The challenge, once its signature, poll, age and solution are checked.

    Raises:
        UsageError: malformed, signed by someone else, for another poll, expired, or not solved.
    """
    bad = UsageError("The vote's proof of work is missing or wrong.",
                     hint="reload the page and vote again")
    parts = str(challenge)[:200].split(".")
    if len(parts) != 5:
        raise bad
    body, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_sign(secret, body), signature):
        raise bad
    try:
        found = Challenge(int(parts[0]), datetime.fromtimestamp(int(parts[1]) / 1000, UTC),
                          parts[2], int(parts[3]))
        value = int(str(number)[:20])
    except ValueError:
        raise bad from None
    if found.poll_id != poll_id or value < 0:
        raise bad
    if now > found.expires:
        raise UsageError("The vote's proof of work has expired.",
                         hint="reload the page and vote again")
    if not solves(found.nonce, value, found.bits):
        raise bad
    return found


@dataclass(frozen=True)
class Visitor:
    """A visitor as their signed cookie names them; ``forged`` when the signature is wrong."""

    id: str
    new: bool = False
    forged: bool = False

    def cookie(self, secret: str) -> str:
        return f"{self.id}.{_sign(secret, 'visitor:' + self.id)[:32]}"


def visitor(secret: str, cookie: str | None) -> Visitor:
    """The visitor behind ``cookie``: a new one when there is none, ``forged`` when its
    signature does not match (they get a fresh id; their vote is kept but not counted)."""
    if not cookie:
        return Visitor(secrets.token_urlsafe(18), new=True)
    ident, _, signature = cookie[:120].partition(".")
    expected = _sign(secret, "visitor:" + ident)[:32]
    if ident and hmac.compare_digest(expected, signature):
        return Visitor(ident)
    return Visitor(secrets.token_urlsafe(18), new=True, forged=True)


def digest(salt: str, value: str) -> str:
    """A salted SHA-256 of a visitor id, address or network: nothing personal is stored."""
    return hashlib.sha256(f"{salt}|{value}".encode()).hexdigest()


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def subscriber(address: str) -> str:
    """What one subscriber holds: an IPv4 address itself, or the /64 of an IPv6 one (a home
    or a phone gets a whole /64 and may use a new address of it for each request)."""
    ip = _ip(address)
    if ip is None or ip.version == 4:
        return str(ip) if ip is not None else address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def network(address: str) -> str:
    """The /24 of an IPv4 address or the /48 of an IPv6 one (the address itself if neither)."""
    ip = _ip(address)
    if ip is None:
        return address
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
