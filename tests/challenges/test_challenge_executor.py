"""The executor: a stage mapped over entries in a process pool or on Ray, rows checkpointed
in batches; a worker that dies has its entries retried on the others, nothing counted twice."""

from __future__ import annotations

from pathlib import Path

import core_world
import pytest
from core_world import DyingStage, NoModelStage, RaisingStage, entry_clip, needs_ray  # noqa: F401

from coulisses.challenges import executor
from coulisses.challenges.entry import Entry, Rules
from coulisses.challenges.executor import run_stage
from coulisses.challenges.qc import STAGE as QC
from coulisses.challenges.store import read_rows

RULES = Rules(brief="x")


def _entries(clip: Path, n: int) -> list[Entry]:
    return [Entry(f"e{i:03d}", clip) for i in range(n)]


def test_a_worker_that_dies_has_its_entries_retried_and_nothing_counted_twice(
        tmp_path: Path, entry_clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(executor, "BATCH", 3)  # several checkpoint writes
    stage = DyingStage(marker=str(tmp_path / "died"), victim="e004")
    checkpoint = tmp_path / "stage-dying.parquet"
    seen: list[float] = []
    run = run_stage(stage, iter(_entries(entry_clip, 10)), RULES, workers=2,
                    checkpoint=checkpoint, total=10, progress=lambda s, f: seen.append(f))
    assert (tmp_path / "died").exists()  # the worker did die
    rows = read_rows(checkpoint)
    assert sorted(rows) == [f"e{i:03d}" for i in range(10)]
    assert run.done == 10 and run.failed == () and run.retried >= 1
    assert all(r["size"] == entry_clip.stat().st_size for r in rows.values())
    assert len({r["pid"] for r in rows.values()}) >= 2  # the pool was started again
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert 0.0 <= run.busy_share <= 1.0 and run.backend == "pool"


def test_an_entry_that_keeps_killing_its_worker_is_given_up(
        tmp_path: Path, entry_clip: Path) -> None:  # noqa: F811
    stage = DyingStage(marker=str(tmp_path / "died"), victim="e001", always=True)
    run = run_stage(stage, _entries(entry_clip, 4), RULES, workers=2,
                    checkpoint=tmp_path / "stage-dying.parquet")
    assert [i for i, _ in run.failed] == ["e001"]
    assert "died 3 times" in run.failed[0][1]
    assert sorted(read_rows(tmp_path / "stage-dying.parquet")) == ["e000", "e002", "e003"]


def test_a_stage_that_raises_fails_that_entry_only(tmp_path: Path,
                                                   entry_clip: Path) -> None:  # noqa: F811
    entries = [Entry("e1", entry_clip), Entry("e2bad", entry_clip), Entry("e3", entry_clip)]
    run = run_stage(RaisingStage(), entries, RULES, workers=1,
                    checkpoint=tmp_path / "stage-raising.parquet")
    assert run.failed == (("e2bad", "ValueError: this entry breaks the stage"),)
    assert sorted(read_rows(tmp_path / "stage-raising.parquet")) == ["e1", "e3"]


@needs_ray
def test_the_qc_stage_runs_on_ray_and_a_dying_task_is_retried(
        tmp_path: Path, entry_clip: Path) -> None:  # noqa: F811
    import ray
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(core_world)  # the Ray workers cannot import tests/
    checkpoint = tmp_path / "stage-qc.parquet"
    run = run_stage(QC, _entries(entry_clip, 4), RULES, workers=2,
                    ray_address=core_world.RAY_ADDRESS, checkpoint=checkpoint)
    assert run.backend == "ray" and run.done == 4 and run.failed == ()
    assert all(r["qc_passed"] for r in read_rows(checkpoint).values())
    stage = DyingStage(marker=str(tmp_path / "died"), victim="e002")
    run = run_stage(stage, _entries(entry_clip, 6), RULES, workers=2,
                    ray_address=core_world.RAY_ADDRESS,
                    checkpoint=tmp_path / "stage-dying.parquet")
    assert (tmp_path / "died").exists() and run.retried >= 1, run
    assert sorted(read_rows(tmp_path / "stage-dying.parquet")) == \
        [f"e{i:03d}" for i in range(6)]
    assert not ray.is_initialized()  # connected for the run, then let go


def test_ray_auto_starts_its_own_local_cluster_even_when_another_is_advertised(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``--ray auto`` once joined whatever RAY_ADDRESS or /tmp/ray named (the CI's cluster,
    another user's) and then failed on ``num_cpus``; it starts its own of ``workers`` CPUs."""
    ray = pytest.importorskip("ray")
    monkeypatch.setenv("RAY_ADDRESS", core_world.RAY_ADDRESS or "127.0.0.1:1")
    started = executor.connect_ray("auto", 1)
    try:
        assert started
        assert ray.cluster_resources().get("CPU") == 1
    finally:
        ray.shutdown()


def test_a_stage_that_cannot_run_here_stops_the_run_with_one_line_and_keeps_the_rest(
        tmp_path: Path, entry_clip: Path) -> None:  # noqa: F811
    from coulisses.errors import UsageError

    entries = [Entry(f"e{i}", entry_clip) for i in range(1, 6)]
    checkpoint = tmp_path / "stage-nomodel.parquet"
    with pytest.raises(UsageError, match="stage nomodel: speech model 'x' cannot be loaded"):
        run_stage(NoModelStage(), entries, RULES, workers=1, checkpoint=checkpoint)
    # nothing is marked failed: the entries done are kept, the others wait for the next run
    assert sorted(read_rows(checkpoint)) == ["e1", "e2"]


def test_checkpoint_writes_wait_in_proportion_to_their_cost(tmp_path: Path) -> None:
    """A write that took long (a big checkpoint) is not repeated every BATCH rows: the rows wait
    until 10x that time has passed; cheap writes still go every BATCH rows."""
    path = tmp_path / "stage-qc.parquet"
    rows = executor._Checkpoint(QC, path)
    for i in range(executor.BATCH):
        rows.add(f"a{i:03d}", {"qc_passed": True})
    assert rows.written == executor.BATCH and not rows.buffer  # cheap: written at BATCH rows
    assert rows.last_cost < 60
    rows.last_cost = 3600.0  # as if the last write had taken an hour
    for i in range(2 * executor.BATCH):
        rows.add(f"b{i:03d}", {"qc_passed": True})
    assert rows.written == executor.BATCH and len(rows.buffer) == 2 * executor.BATCH
    rows.flush()  # the end of the run (or an interruption) writes what waits
    assert len(read_rows(path)) == 3 * executor.BATCH
