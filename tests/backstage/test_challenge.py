"""Proof-of-work challenges and visitor cookies: signed, bound to a poll, and verifiable."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from coulisses.backstage import challenge
from coulisses.errors import UsageError

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_a_solution_has_the_leading_zero_bits_asked_for() -> None:
    text = challenge.issue("s" * 64, 7, NOW, bits=10)
    number = challenge.solve(text)
    nonce = text.split(".")[2]
    digest = hashlib.sha256(f"{nonce}:{number}".encode()).digest()
    assert int.from_bytes(digest[:2], "big") >> 6 == 0
    found = challenge.verify("s" * 64, text, str(number), 7, NOW + timedelta(seconds=3))
    assert (found.poll_id, found.bits, found.issued) == (7, 10, NOW)


def test_another_secret_cannot_verify_it() -> None:
    text = challenge.issue("a" * 64, 7, NOW, bits=4)
    with pytest.raises(UsageError):
        challenge.verify("b" * 64, text, challenge.solve(text), 7, NOW)


@pytest.mark.parametrize(("digest", "bits"), [(b"\x00\x00\x80", 16), (b"\x00\x01", 15),
                                              (b"\x80", 0), (b"\x00\x00\x00", 24)])
def test_leading_zero_bits(digest: bytes, bits: int) -> None:
    assert challenge.leading_zero_bits(digest) == bits


def test_visitor_cookies_are_signed_and_a_forged_one_is_told_apart() -> None:
    new = challenge.visitor("k" * 64, None)
    assert new.new and not new.forged
    cookie = new.cookie("k" * 64)
    back = challenge.visitor("k" * 64, cookie)
    assert (back.id, back.new, back.forged) == (new.id, False, False)
    forged = challenge.visitor("k" * 64, new.id + ".0123456789abcdef0123456789abcdef")
    assert forged.forged and forged.id != new.id
    assert challenge.visitor("other" * 8, cookie).forged


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.77", "203.0.113.0/24"), ("2001:db8:aa:bb::1", "2001:db8:aa::/48"),
    ("::ffff:198.51.100.3", "198.51.100.0/24"), ("testclient", "testclient")])
def test_networks_are_the_24_or_the_48(address: str, network: str) -> None:
    assert challenge.network(address) == network
