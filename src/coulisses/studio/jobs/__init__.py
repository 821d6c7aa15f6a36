"""Background jobs on the studio database: ``submit`` work, handlers by kind, one worker thread.

``submit(session, workspace_id, kind, payload, dedupe_key=...)`` queues; ``registry.handler``
registers what runs a kind; ``worker.Worker`` claims each job exactly once and records progress.
"""

from __future__ import annotations

from coulisses.studio.jobs.queue import claim, finish, payload_of, requeue_stale, result_of, submit
from coulisses.studio.jobs.registry import JobContext, current, handler

__all__ = ["JobContext", "claim", "current", "finish", "handler", "payload_of", "requeue_stale",
           "result_of", "submit"]
