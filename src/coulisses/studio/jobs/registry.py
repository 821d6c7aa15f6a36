"""Job handlers by kind: ``@handler("analyze")`` registers a function the worker will call.

A handler receives the job's payload and a ``progress(fraction, message)`` callback, and may
return a JSON-serialisable dict kept as the job's result. ``current()`` tells it which job,
workspace and settings it runs for. ``@on_finish("render")`` registers what applies a finished
job's outcome to the database, in a session of its own, as soon as the job ends.
coulisses' own handlers (``handlers.py``) are registered by ``register_builtin()``, which the
worker and the studio app call; importing a module registers nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coulisses.errors import UsageError
from coulisses.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from coulisses.studio.tables import Job

Progress = Callable[[float, str], None]
Handler = Callable[[dict[str, Any], Progress], "dict[str, Any] | None"]

FinishHook = Callable[["Session", "Job", Settings], None]

HANDLERS: dict[str, Handler] = {}
FINISH_HOOKS: dict[str, FinishHook] = {}
TIME_LIMITS: dict[str, float] = {}  # seconds a job of the kind may run; DEFAULT_TIME_LIMIT else
DEFAULT_TIME_LIMIT = 3600.0


@dataclass(frozen=True)
class JobContext:
    """What a running handler may need beyond its payload."""

    job_id: int
    workspace_id: int
    kind: str
    attempt: int
    settings: Settings
    sessions: sessionmaker[Session] | None = None  # the worker's database, for jobs that read it


_current: ContextVar[JobContext | None] = ContextVar("coulisses_job", default=None)


def handler(kind: str, *, time_limit: float | None = None) -> Callable[[Handler], Handler]:
    """Register ``function`` as the handler of jobs of ``kind`` (the last one wins); a job
    running past ``time_limit`` seconds (``DEFAULT_TIME_LIMIT``) fails at its next progress."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        if time_limit is not None:
            TIME_LIMITS[kind] = float(time_limit)
        return function

    return register


def on_finish(kind: str) -> Callable[[FinishHook], FinishHook]:
    """Register ``function(session, job, settings)``, called by the worker once a job of
    ``kind`` is done or failed (the last one wins). It must be idempotent: a page may apply
    the same outcome on read, and a crash between the job's end and the hook leaves that to
    the page."""

    def register(function: FinishHook) -> FinishHook:
        FINISH_HOOKS[kind] = function
        return function

    return register


def lookup(kind: str) -> Handler:
    """The handler of ``kind``.

    Raises:
        UsageError: no handler is registered for it.
    """
    try:
        return HANDLERS[kind]
    except KeyError:
        raise UsageError(f"no job handler for {kind!r}",
                         hint=f"known: {', '.join(sorted(HANDLERS)) or 'none'}") from None


def current() -> JobContext:
    """The job the calling handler runs for.

    Raises:
        UsageError: called outside a job.
    """
    context = _current.get()
    if context is None:
        raise UsageError("no job is running here")
    return context


def _set_current(context: JobContext | None) -> Any:
    return _current.set(context)


def _reset_current(token: Any) -> None:
    _current.reset(token)


def register_builtin() -> None:
    """Register coulisses' own handlers and finish hooks (``handlers.BUILTIN``,
    ``handlers.BUILTIN_FINISH``); a kind someone registered already keeps its function."""
    from coulisses.studio.jobs import handlers

    for kind, function in handlers.BUILTIN.items():
        HANDLERS.setdefault(kind, function)
    for kind, seconds in handlers.BUILTIN_TIME_LIMITS.items():
        TIME_LIMITS.setdefault(kind, seconds)
    for kind, hook in handlers.BUILTIN_FINISH.items():
        FINISH_HOOKS.setdefault(kind, hook)


def time_limit(kind: str) -> float:
    """The seconds a job of ``kind`` may run."""
    return TIME_LIMITS.get(kind, DEFAULT_TIME_LIMIT)
