"""Run one triage stage over many entries on the executor (``coulisses.executor``): a local
process pool (default) or Ray tasks, rows checkpointed in batches.

Rows are checkpointed in batches (``store.append_rows``), so an interrupted run keeps every batch
written; rows are keyed by the entry's id, and the executor settles each entry once, so a worker
that dies mid-run has its entries retried on the others and nothing is counted twice.

A checkpoint write rewrites the whole file (atomically), so its cost grows with the rows already
there: at 45,000 entries a prints checkpoint is about 1 GB. A batch is therefore written once it
holds ``BATCH`` rows *and* the time since the last write is at least ``WRITE_SHARE_INVERSE``
times what that write took: the writes stay under a tenth of the run's time whatever its size,
and an interruption loses at most that much work (rerun: it resumes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from coulisses.challenges.entry import Entry, Rules, Scalar, Stage
from coulisses.challenges.store import append_rows
from coulisses.errors import UsageError
from coulisses.executor import connect_ray, run_jobs
from coulisses.executor.jobs import MAX_ATTEMPTS, JobsRun

__all__ = ["BATCH", "MAX_ATTEMPTS", "Progress", "StageRun", "connect_ray", "run_entry",
           "run_stage"]

BATCH = 64  # rows per checkpoint write, at least
WRITE_SHARE_INVERSE = 10  # wait at least 10x the last write's time before the next one

#: ``(stage, fraction done)``: the CLI's progress callback
Progress = Callable[[str, float], None]


@dataclass(frozen=True, kw_only=True)
class StageRun(JobsRun):
    """One stage's run: the executor's tally (``done`` counts the rows written) and its stage."""

    stage: str


def run_entry(stage: Stage, rules: Rules, entry: Entry) -> dict[str, Scalar]:
    """``stage`` on one entry, as a worker runs it.

    Raises:
        UsageError: the stage cannot run on this machine (named in the message).
    """
    try:
        return stage.run(entry, rules)
    except UsageError as exc:
        raise UsageError(f"stage {stage.name}: {exc.message}") from None


@dataclass
class _Checkpoint:
    """Rows waiting for the next checkpoint write."""

    stage: Stage
    path: Path
    buffer: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    written: int = 0
    last_end: float = field(default_factory=time.monotonic)
    last_cost: float = 0.0  # seconds the last write took

    def add(self, key: str, row: dict[str, Scalar]) -> None:
        self.buffer[key] = {"id": key, **row}
        waited = time.monotonic() - self.last_end
        if len(self.buffer) >= BATCH and waited >= WRITE_SHARE_INVERSE * self.last_cost:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            began = time.monotonic()
            append_rows(self.path, list(self.buffer.values()), self.stage.columns)
            self.last_end = time.monotonic()
            self.last_cost = self.last_end - began
            self.written += len(self.buffer)
            self.buffer.clear()


def run_stage(stage: Stage, entries: Iterable[Entry], rules: Rules, *, workers: int = 0,
              ray_address: str | None = None, progress: Progress | None = None,
              checkpoint: Path, total: int | None = None) -> StageRun:
    """Map ``stage`` over ``entries`` and checkpoint its rows at ``checkpoint`` in batches.

    ``workers``: processes (0: one per CPU); with ``ray_address`` (``auto`` starts a local Ray
    cluster, else the address of a running one), that many Ray tasks at a time. ``total``: the
    number of entries, for ``progress``.

    Raises:
        UsageError: Ray cannot be reached at ``ray_address``, or the stage cannot run here.
        OutputError: a checkpoint cannot be written.
    """
    rows = _Checkpoint(stage, checkpoint)

    def tick(fraction: float) -> None:
        if progress is not None:
            progress(stage.name, fraction)

    try:
        run = run_jobs(partial(run_entry, stage, rules), entries, key=_entry_id,
                       on_result=rows.add, workers=workers, ray_address=ray_address,
                       progress=tick, total=total,
                       resume_hint="fix it and run triage again: it resumes")
    finally:  # interrupted too: the rows already back are kept
        rows.flush()
    return StageRun(stage=stage.name, workers=run.workers, done=rows.written,
                    failed=run.failed, retried=run.retried, wall_s=run.wall_s,
                    busy_s=run.busy_s, backend=run.backend)


def _entry_id(entry: Entry) -> str:
    return entry.id
