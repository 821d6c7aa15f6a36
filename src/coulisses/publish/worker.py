"""The publishing worker: claims due posts, runs their connector, ends each in one state.

A platform refusal fails the post with the platform's own words; a passing failure puts it back
in the queue later with its journal kept; a lost lease leaves the post to the worker that holds
it. The manual channel writes a publish pack and waits for a person.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import (
    AuthenticationError,
    CoulissesError,
    LeaseLost,
    PlatformError,
    TransientError,
)
from coulisses.publish import manual, queue
from coulisses.publish.accounts import AccountTokens, mark_reconnect
from coulisses.publish.api import PlatformApi
from coulisses.publish.connectors import CONNECTORS
from coulisses.publish.connectors.base import Context, Endpoints, Upload
from coulisses.publish.connectors.http import ApiClient, Backoff
from coulisses.publish.failures import UNCONFIRMED
from coulisses.publish.ledger import quota_wait_ms
from coulisses.publish.tables import Post, PublishAccount, now_ms

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


@dataclass(frozen=True)
class WorkerConfig:
    lease_ms: int = queue.LEASE_MS
    backoff_s: float = 1.0
    poll_s: float = 2.0
    max_attempts: int = queue.MAX_ATTEMPTS
    packs: Path = Path("publish-packs")
    apps: str = ""  # the publish_apps setting: app credentials to refresh real tokens


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Worker:
    def __init__(self, sessions: sessionmaker[Session], fernet: Fernet,
                 apis: dict[str, PlatformApi], config: WorkerConfig) -> None:
        self.sessions = sessions
        self.fernet = fernet
        self.apis = apis
        self.config = config
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        # A call (retries included) stays within half the lease, so a live worker's final call
        # is over before another worker may take the post over.
        self.deadline_s = config.lease_ms / 2000
        timeout = min(30.0, config.lease_ms / 4000)
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)))

    def run(self, *, until_idle: bool = False, idle_s: float = 1.0) -> int:
        """Publish what is due, forever or until nothing is due. Returns the posts handled."""
        handled = 0
        while True:
            post = self.run_once()
            if post is not None:
                handled += 1
                continue
            if until_idle:
                return handled
            time.sleep(idle_s)

    def run_once(self) -> Post | None:
        with self.sessions() as session:
            post = queue.claim(session, self.name, lease_ms=self.config.lease_ms)
            if post is None:
                return None
            account = session.get(PublishAccount, post.account_id)
            assert account is not None
            api = self.apis[post.platform]
            wait, budget = (0, "") if account.channel == "manual" else \
                quota_wait_ms(session, post, account, api, now_ms())
        if wait:  # no room in a daily budget: come back when the oldest post leaves it
            self._end(post, "scheduled", f"waiting for quota: {budget}",
                      due_ms=now_ms() + wait, attempts=post.attempts - 1,
                      step="waiting for quota", error=f"waiting for quota: {budget}")
            return post
        self._process(post, account)
        return post

    def _end(self, post: Post, state: str, detail: str, **values: object) -> None:
        queue.end(self.sessions, post.id, self.name, state, values=dict(values), detail=detail)

    def _process(self, post: Post, account: PublishAccount) -> None:
        api = self.apis[post.platform]
        if account.channel == "manual":
            folder = manual.write_pack(self.config.packs, post, api)
            self._end(post, "needs_attention", f"publish pack ready: {folder}",
                      step="waiting for the published URL",
                      error=f"post it by hand from {folder}, then: coulisses publish complete "
                            f"{post.id} URL")
            return
        journal: queue.DbJournal | None = None
        try:
            path = Path(post.video_path)
            # a post without a video (a LinkedIn poll post) has no file to check
            if post.video_path and (path.stat().st_size != post.size_bytes or (
                    post.progress in ("", "{}") and sha256_of(path) != post.video_sha256)):
                self._end(post, "failed", "video changed",
                          error=f"{path} changed since it was scheduled; schedule it again")
                return
            tokens = AccountTokens(self.sessions, self.fernet, api, account, self.http,
                                   apps=self.config.apps)
            client = ApiClient(api.id, tokens, client=self.http, deadline_s=self.deadline_s,
                               backoff=Backoff(base_s=self.config.backoff_s))
            ctx = Context(Endpoints(api, account.sandbox_url), client, poll_s=self.config.poll_s)
            upload = Upload(post.id, path, post.size_bytes, post.video_sha256, post.caption,
                            json.loads(post.options), post.duration_ms / 1000,
                            account.external_id, Path(post.cover) if post.cover else None)
            journal = queue.DbJournal(self.sessions, post, self.name,
                                      lease_ms=self.config.lease_ms)
            published = CONNECTORS[api.id](ctx).publish(upload, journal)
        except LeaseLost:
            return  # another worker holds it now and resumes from the journal
        except (AuthenticationError, PlatformError) as exc:
            if isinstance(exc, AuthenticationError) or exc.status == 401:
                mark_reconnect(self.sessions, account.id, exc.one_line())
                self._end(post, "needs_attention", exc.one_line(),
                          error=f"{exc.one_line()}; reconnect the account (coulisses publish "
                                f"accounts add {account.platform} --name {account.name}), "
                                "then retry")
            elif exc.code == UNCONFIRMED:  # out, but unconfirmed: never fail it (nor repost)
                self._end(post, "needs_attention", exc.one_line(), error=exc.one_line())
            elif _may_be_out(journal):
                # the last step's answer was lost and the check after it was refused: the post
                # may be out, so it is never failed; it comes back and asks the platform again
                self._unsure(post, exc.one_line())
            else:
                self._end(post, "failed", exc.one_line(), error=exc.one_line())
            return
        except TransientError as exc:
            if post.attempts >= self.config.max_attempts and _may_be_out(journal):
                self._end(post, "needs_attention", exc.one_line(),
                          error=f"may be published: {exc.one_line()}; check the account, then "
                                f"coulisses publish complete {post.id} URL, or retry")
            elif post.attempts >= self.config.max_attempts:
                self._end(post, "failed", exc.one_line(),
                          error=f"gave up after {post.attempts} attempts: {exc.one_line()}")
            else:
                delay = max(self.config.backoff_s * 5 * 2 ** min(post.attempts, 8),
                            exc.retry_after or 0.0)
                self._end(post, "scheduled", exc.one_line(), error=exc.one_line(),
                          due_ms=now_ms() + int(delay * 1000))
            return
        except (OSError, CoulissesError) as exc:
            words = exc.one_line() if isinstance(exc, CoulissesError) else str(exc)
            self._end(post, "failed", words, error=words)
            return
        self._end(post, "published", f"published as {published.platform_id}",
                  platform_post_id=published.platform_id, url=published.url, error="",
                  step="published")

    def _unsure(self, post: Post, words: str) -> None:
        """A post whose outcome is unknown: asked again later, never failed (nor reposted)."""
        if post.attempts >= self.config.max_attempts:
            self._end(post, "needs_attention", words,
                      error=f"may be published: {words}; check the account, then "
                            f"coulisses publish complete {post.id} URL, or retry")
            return
        delay = self.config.backoff_s * 5 * 2 ** min(post.attempts, 8)
        self._end(post, "scheduled", words, error=words, due_ms=now_ms() + int(delay * 1000))

    def close(self) -> None:
        self.http.close()


#: journal keys a connector sets just before the step that makes a post public
FINAL_STEP = ("posting", "publishing_since", "finishing")


def _may_be_out(journal: queue.DbJournal | None) -> bool:
    """Whether the post's last recorded intent was the step that makes it public."""
    return journal is not None and any(journal.state.get(k) for k in FINAL_STEP)
