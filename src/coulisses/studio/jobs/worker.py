"""The worker: a thread that claims jobs one at a time and runs their handlers.

The app's lifespan starts one per server process; tests call ``run_once`` directly. While a
handler runs, a heartbeat keeps the claim alive; a crash leaves a stale heartbeat, and the next
start (or any live worker) puts the job back in the queue. Once a job ends, its kind's
``on_finish`` hook applies the outcome in a session of its own; chores registered with
``every`` (sweeping abandoned uploads) run between jobs, except those that must not wait for a
long render (sending e-mail: a parent's consent link, a voter's confirmation), which run in a
thread of their own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import CoulissesError
from coulisses.settings import Settings
from coulisses.studio.jobs import queue
from coulisses.studio.jobs.registry import (
    FINISH_HOOKS,
    JobContext,
    _reset_current,
    _set_current,
    lookup,
    register_builtin,
    time_limit,
)

log = logging.getLogger(__name__)


@dataclass
class _Chore:
    seconds: float
    function: Callable[[], object]
    due: float  # time.monotonic() of the next run
    during_jobs: bool = False  # runs in its own thread, also while a job runs


class Worker:
    """Claims and runs jobs from the database behind ``sessions``."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, *,
                 poll_seconds: float = 0.5, heartbeat_seconds: float = 5.0,
                 stale_after: timedelta = queue.STALE_AFTER, name: str | None = None) -> None:
        self.sessions = sessions
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.stale_after = stale_after
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._side: threading.Thread | None = None
        self._chores: list[_Chore] = []
        register_builtin()

    def every(self, seconds: float, function: Callable[[], object], *,
              during_jobs: bool = False) -> None:
        """Run ``function`` every ``seconds``, first ``seconds`` from now: between jobs in the
        worker's thread, or with ``during_jobs`` in a thread of its own that a running job does
        not hold up (the function must then be safe alongside any job)."""
        self._chores.append(_Chore(float(seconds), function, time.monotonic() + seconds,
                                   during_jobs))

    def run_chores(self, *, force: bool = False, during_jobs: bool | None = None) -> None:
        """Run the chores that are due (all of them with ``force``; only those of one kind
        when ``during_jobs`` is given); a failing one is logged."""
        now = time.monotonic()
        for chore in self._chores:
            if during_jobs is not None and chore.during_jobs != during_jobs:
                continue
            if force or now >= chore.due:
                chore.due = now + chore.seconds
                try:
                    chore.function()
                except Exception:  # a chore must not stop the jobs
                    log.exception("job worker: chore %s failed",
                                  getattr(chore.function, "__name__", "?"))

    def recover(self) -> int:
        """Re-queue jobs left running by a worker that stopped beating; returns how many."""
        with self.sessions() as session:
            return queue.requeue_stale(session, stale_after=self.stale_after)

    def run_once(self) -> int | None:
        """Claim one job and run it to the end; the job's id, or None when the queue is empty."""
        with self.sessions() as session:
            job = queue.claim(session, self.name,
                              running_per_workspace=self.settings.jobs_running_per_workspace)
            if job is None:
                return None
            job_id, kind, attempt = job.id, job.kind, job.attempts
            workspace_id, payload = job.workspace_id, queue.payload_of(job)
        beating = threading.Event()
        last = [0.0]
        limit = time_limit(kind)
        deadline = time.monotonic() + limit

        def progress(fraction: float, message: str = "") -> None:
            now = time.monotonic()
            if now > deadline:  # the handler stops here: a job cannot hold the worker forever
                raise CoulissesError(f"stopped after {_duration(limit)}, the most a {kind} "
                                     "job may run",
                                     hint="split the work, or ask the administrator")
            if now - last[0] < 0.2 and fraction < 1.0:
                return
            last[0] = now
            with self.sessions() as s:
                queue.heartbeat(s, job_id, self.name, fraction, message)

        def beat() -> None:
            while not beating.wait(self.heartbeat_seconds):
                with self.sessions() as s:
                    queue.heartbeat(s, job_id, self.name)

        beater = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
        beater.start()
        token = _set_current(JobContext(job_id, workspace_id, kind, attempt, self.settings,
                                        self.sessions))
        result = error = None
        try:
            result = lookup(kind)(payload, progress)
        except CoulissesError as exc:
            error = exc.one_line()
        except Exception as exc:  # a handler bug must not kill the worker
            log.exception("job %s (%s) failed", job_id, kind)
            error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        finally:
            _reset_current(token)
            beating.set()
            beater.join()
        with self.sessions() as session:
            queue.finish(session, job_id, self.name, result=result, error=error)
        self.apply(job_id, kind)
        self.tell(job_id)
        return job_id

    def tell(self, job_id: int) -> None:
        """Notify the job's author that it ended; a failure is logged, the job stays ended."""
        from coulisses.studio import notify

        try:
            with self.sessions() as session:
                notify.job_ended(session, job_id)
                session.commit()
        except Exception:
            log.exception("job %s: notifying its end failed", job_id)

    def apply(self, job_id: int, kind: str) -> None:
        """Run the kind's ``on_finish`` hook on the ended job; a failure is logged, and the
        pages that read the job apply it instead."""
        hook = FINISH_HOOKS.get(kind)
        if hook is None:
            return
        from coulisses.studio.tables import Job

        try:
            with self.sessions() as session:
                job = session.get(Job, job_id)
                if job is not None and job.status in ("done", "failed"):
                    hook(session, job, self.settings)
                    session.commit()
        except Exception:
            log.exception("job %s (%s): applying its outcome failed", job_id, kind)

    def run_until_empty(self, limit: int = 1000) -> list[int]:
        """Run queued jobs until none is left (or ``limit``); their ids."""
        done: list[int] = []
        while len(done) < limit:
            job_id = self.run_once()
            if job_id is None:
                break
            done.append(job_id)
        return done

    def _loop(self) -> None:
        next_recovery = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_recovery:
                    self.recover()
                    next_recovery = time.monotonic() + self.stale_after.total_seconds() / 2
                self.run_chores(during_jobs=False)
                if self.run_once() is None:
                    self._stop.wait(self.poll_seconds)
            except Exception:  # the database went away for a moment: try again later
                log.exception("job worker: cannot reach the database")
                self._stop.wait(max(self.poll_seconds, 2.0))

    def start(self) -> None:
        """Recover stale jobs, then run jobs in a background thread."""
        self.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="coulisses-jobs", daemon=True)
        self._thread.start()
        if any(c.during_jobs for c in self._chores):
            self._side = threading.Thread(target=self._side_loop, name="coulisses-chores",
                                          daemon=True)
            self._side.start()

    def _side_loop(self) -> None:
        while not self._stop.is_set():
            self.run_chores(during_jobs=True)
            self._stop.wait(min(self.poll_seconds, 1.0))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; waits for the running one up to ``timeout`` seconds, then puts
        it back in the queue, so the next start runs it at once instead of a minute later."""
        self._stop.set()
        if self._side is not None:
            self._side.join(timeout)
            self._side = None
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                with self.sessions() as session:
                    given_back = queue.release(session, self.name)
                if given_back:
                    log.info("job worker: %d unfinished job(s) back in the queue", given_back)
            self._thread = None


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    if seconds >= 60:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
