"""The publishing worker built from the settings, for ``coulisses publish run`` and the studio.

The studio runs one ``PublishThread`` per server process beside its job worker; leases make a
second process (or a ``publish run`` next to it) safe: a post is only ever held by one worker.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.publish.worker import Worker

log = logging.getLogger(__name__)


def make_worker(settings: Settings, sessions: sessionmaker[Session]) -> Worker:
    """A publishing worker on ``sessions`` configured from ``settings``.

    Raises:
        UsageError: the publish key is not a Fernet key.
    """
    from coulisses.publish.accounts import sealer
    from coulisses.publish.api import builtin_apis
    from coulisses.publish.worker import Worker, WorkerConfig

    config = WorkerConfig(lease_ms=settings.publish_lease_seconds * 1000,
                          backoff_s=settings.publish_backoff_ms / 1000,
                          poll_s=settings.publish_poll_ms / 1000,
                          packs=settings.data_dir / "publish-packs", apps=settings.publish_apps)
    return Worker(sessions, sealer(settings.publish_key, settings.data_dir), builtin_apis(),
                  config)


class PublishThread:
    """The worker in a background thread: publishes what is due until ``stop``."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], *,
                 idle_s: float = 1.0) -> None:
        self.worker = make_worker(settings, sessions)
        self.idle_s = idle_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self.worker.run_once() is None:
                    self._stop.wait(self.idle_s)
            except Exception:  # the database went away for a moment: try again later
                log.exception("publishing worker: cannot go on; trying again soon")
                self._stop.wait(max(self.idle_s, 2.0))

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="coulisses-publish",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking posts; one being published keeps its lease and journal, so the next
        worker resumes it from there if this one is not done within ``timeout``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.worker.close()
