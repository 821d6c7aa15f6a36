"""Sign-in rate limiting: per account and per address, stored in the database."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from coulisses.studio.tables import LoginAttempt, utcnow
from coulisses.web import ratelimit


def test_five_failures_lock_the_account_then_the_window_passes(
        client: TestClient, app: FastAPI, make_user: Any, post: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"]):
        assert post(client, "/login", {"email": made.email,
                                       "password": "wrong one"}).status_code == 401
    locked = post(client, "/login", {"email": made.email, "password": made.password})
    assert locked.status_code == 429
    assert "Too many failed sign-ins: wait 15 minutes" in locked.text
    assert locked.headers["retry-after"] == "900"
    assert "coulisses_session" not in client.cookies
    fr = post(client, "/login?lang=fr", {"email": made.email, "password": made.password})
    assert "Trop d'échecs de connexion" in fr.text.replace("&#39;", "'")
    with app.state.sessions() as db:  # 16 minutes later
        db.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
        db.commit()
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 303


def test_the_limit_is_shared_by_every_client_of_the_database(
        client: TestClient, other_client: TestClient, make_user: Any, post: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"]):
        post(client, "/login", {"email": made.email.upper(), "password": "nope nope"})
    assert post(other_client, "/login", {"email": made.email,
                                         "password": made.password}).status_code == 429


def test_one_address_trying_many_accounts_is_limited(client: TestClient, make_user: Any,
                                                     post: Any,
                                                     monkeypatch: Any) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "ip", 6)  # the real limit is 30: same code, faster
    made = make_user("ana@example.org")
    for i in range(ratelimit.LIMITS["ip"]):
        post(client, "/login", {"email": f"guess{i}@example.org", "password": "nope nope"})
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 429


def test_success_clears_the_account_count(client: TestClient, make_user: Any, post: Any,
                                          login: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"] - 1):
        post(client, "/login", {"email": made.email, "password": "wrong one"})
    login(client, made.email)
    client.cookies.clear()
    for _ in range(ratelimit.LIMITS["account"] - 1):
        post(client, "/login", {"email": made.email, "password": "wrong one"})
    login(client, made.email)


def _parallel(live: tuple[str, int], url: str, forms: list[dict[str, str]]) -> list[int]:
    """POST every form at once, from one browser's CSRF cookie, over real HTTP."""
    import re
    import threading

    import httpx

    base = f"http://{live[0]}:{live[1]}"
    page = httpx.get(f"{base}/login")
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match
    cookies = dict(page.cookies)
    ready = threading.Barrier(len(forms))
    statuses: list[int] = []

    def send(form: dict[str, str]) -> None:
        with httpx.Client(base_url=base, cookies=cookies, timeout=60) as http:
            ready.wait()
            statuses.append(http.post(url, data={**form, "csrf_token": match.group(1)}).status_code)

    threads = [threading.Thread(target=send, args=(f,)) for f in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_parallel_wrong_passwords_cannot_outrun_the_count(live: tuple[str, int],
                                                          make_user: Any) -> None:
    """Audit M1: 25 guesses at once were all checked; now at most the limit are."""
    made = make_user("ana@example.org")
    statuses = _parallel(live, "/login", [{"email": made.email, "password": f"guess {i:03}"}
                                          for i in range(25)])
    assert statuses.count(401) <= ratelimit.LIMITS["account"]
    assert set(statuses) == {401, 429}


def test_parallel_signups_are_throttled(live: tuple[str, int], app: FastAPI,
                                        monkeypatch: Any) -> None:
    """Audit M5: 16 sign-ups at once all went through, each hashing with 64 MiB at once."""
    import threading

    from argon2 import PasswordHasher
    from sqlalchemy import func, select

    from coulisses.studio.tables import User
    from coulisses.web import security

    class Counting(PasswordHasher):
        """Real argon2, counting how many hashes run at the same moment."""

        now = peak = 0
        lock = threading.Lock()

        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            with self.lock:
                Counting.now += 1
                Counting.peak = max(Counting.peak, Counting.now)
            try:
                return super().hash(password, salt=salt)
            finally:
                with self.lock:
                    Counting.now -= 1

    monkeypatch.setattr(security, "_hasher", Counting(time_cost=3, memory_cost=8192,
                                                      parallelism=1))
    began = time.monotonic()
    statuses = _parallel(live, "/signup", [
        {"email": f"new{i}@example.org", "password": "plum rain over tiles", "name": f"N{i}"}
        for i in range(16)])
    spread = time.monotonic() - began
    created = statuses.count(303)
    # sign-ups past the limit are slowed, not locked: the k-th one past it may go through
    # 2**k - 1 s after the last one that did, so a burst that a loaded machine spreads over
    # `spread` seconds may let floor(log2(spread + 1)) more through (none under 1 s)
    assert 0 < created <= ratelimit.LIMITS["signup_ip"] + math.floor(math.log2(spread + 1))
    assert set(statuses) == {303, 429}
    assert Counting.peak <= security.HASH_SLOTS
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(User.id))) == created


def test_the_signup_count_is_shared_by_every_address(client: TestClient, post: Any,
                                                     monkeypatch: Any) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "signup_all", 2)
    for i in range(2):
        assert post(client, "/signup", {"email": f"n{i}@example.org", "name": "N",
                                        "password": "plum rain over tiles"}).status_code == 303
        client.cookies.clear()
    third = post(client, "/signup", {"email": "n3@example.org", "name": "N",
                                     "password": "plum rain over tiles"})
    assert third.status_code == 429 and "wait 1 seconds" in third.text


def _race(sessions: Any, counters: dict[str, str], n: int) -> tuple[int, list[Any]]:
    """``n`` attempts at once, each on a connection of its own: (passed, refusals)."""
    import threading

    ready = threading.Barrier(n)
    passed: list[int] = []
    refused: list[ratelimit.Limited] = []

    def one() -> None:
        with sessions() as db:
            ready.wait()
            try:
                ratelimit.attempt(db, counters)
                passed.append(1)
            except ratelimit.Limited as exc:
                refused.append(exc)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(passed), refused


def test_attempts_racing_on_one_counter_let_through_exactly_the_limit(db_url: str) -> None:
    """On PostgreSQL an attempt's id comes from the sequence before it commits: two attempts
    each counting only the rows committed before theirs both passed the limit's last place.
    Forty attempts at once, on their own connections, in several rounds: exactly the limit get
    through in each, on either database."""
    from sqlalchemy import delete

    from coulisses.studio.db import open_database

    engine, sessions = open_database(db_url)
    counters = ratelimit.keys("ana@example.org", "192.0.2.7")
    limit = ratelimit.LIMITS["account"]
    try:
        for _ in range(3):
            passed, refused = _race(sessions, counters, 40)
            assert passed == limit
            assert len(refused) == 40 - limit and all(r.locked for r in refused)
            with sessions() as db:  # refused attempts took their rows back
                kept = db.query(LoginAttempt).filter(
                    LoginAttempt.key == counters["account"]).count()
                assert kept == limit
                db.execute(delete(LoginAttempt))
                db.commit()
    finally:
        engine.dispose()


def test_an_attempt_that_commits_late_still_counts_for_the_one_that_passed_it(
        db_url: str) -> None:
    """The race step by step: with one place left, attempt A has written its row but not yet
    committed when attempt B comes; B must not pass on the strength of A's row being invisible
    while A passes on the strength of B's coming after it. One of them gets the last place."""
    import threading

    from sqlalchemy import event

    from coulisses.studio.db import open_database

    engine, sessions = open_database(db_url)
    counters = ratelimit.keys("ana@example.org", "192.0.2.7")
    try:
        for _ in range(ratelimit.LIMITS["account"] - 1):
            with sessions() as db:
                ratelimit.attempt(db, counters)
        a_wrote, b_done = threading.Event(), threading.Event()

        def hold_a(_session: Any, _context: Any) -> None:
            if threading.current_thread().name == "A":
                a_wrote.set()
                b_done.wait(3)  # B, if not kept waiting by A, finishes in the meantime

        event.listen(sessions, "after_flush", hold_a)
        outcomes: dict[str, bool] = {}

        def one() -> None:
            with sessions() as db:
                try:
                    ratelimit.attempt(db, counters)
                    outcomes[threading.current_thread().name] = True
                except ratelimit.Limited:
                    outcomes[threading.current_thread().name] = False
            if threading.current_thread().name == "B":
                b_done.set()

        a = threading.Thread(target=one, name="A")
        a.start()
        assert a_wrote.wait(30)
        b = threading.Thread(target=one, name="B")
        b.start()
        a.join()
        b.join()
        assert sorted(outcomes.values()) == [False, True]
    finally:
        engine.dispose()
