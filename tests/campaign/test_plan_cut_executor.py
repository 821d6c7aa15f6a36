"""``coulisses plan cut CAMPAIGN all|ID,ID --workers/--ray``: each planned deliverable one job
on the executor, its files and QC those of the local path."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from planworld import write_campaign

from clirun import error_line, run_cli
from coulisses.campaign import rights

CHOSEN = "ep-1-tiktok,installation-reels"
RAY_ADDRESS = os.environ.get("COULISSES_TEST_RAY_ADDRESS", "")


def _cuts(folder: Path) -> dict[str, str]:
    """Every video and cover under ``folder/cuts`` by relative name, with its content hash."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((folder / "cuts").rglob("*"))
            if p.is_file() and p.suffix in (".mp4", ".jpg") and ".coulisses" not in p.parts}


def _qc(folder: Path) -> dict[str, object]:
    return {p.parent.name: [v["qc"] for v in json.loads(p.read_text("utf-8"))["variants"]]
            for p in sorted((folder / "cuts").glob("*/report.json"))}


def _argv(path: Path, out: Path, clip: Path, *extra: str) -> list[str | Path]:
    return ["plan", "cut", path, CHOSEN, "--rush", clip, "--out", out, "--preset", "draft",
            "--override-rights", "release on paper", *extra]


def test_deliverables_cut_by_workers_are_those_of_the_local_path(
        tmp_path: Path, landscape_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    local = run_cli(capsys, *_argv(path, tmp_path / "local", landscape_clip))
    assert local.rc == 0, local.err
    assert "ep-1-tiktok:" in local.out and "installation-reels:" in local.out
    pooled = run_cli(capsys, *_argv(path, tmp_path / "pool", landscape_clip, "--workers", "2"))
    assert pooled.rc == 0, pooled.err
    assert "ep-1-tiktok:" in pooled.out and "installation-reels:" in pooled.out
    cuts = _cuts(tmp_path / "pool")
    assert len([c for c in cuts if c.endswith(".mp4")]) == 2
    assert cuts == _cuts(tmp_path / "local")
    assert len(_qc(tmp_path / "pool")) == 2
    assert _qc(tmp_path / "pool") == _qc(tmp_path / "local")
    # the gate ran once per deliverable it had to open, here as on the local path
    assert len(rights.overrides(tmp_path / "pool")) == len(rights.overrides(tmp_path / "local"))
    # run again: the finished cuts are kept, not made again
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "pool" / "cuts").rglob("*.mp4")}
    again = run_cli(capsys, *_argv(path, tmp_path / "pool", landscape_clip, "--workers", "2"))
    assert again.rc == 0, again.err
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())


def test_every_deliverable_needs_a_rush_and_ids_must_be_planned(
        tmp_path: Path, landscape_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    out = tmp_path / "plan"
    missing = run_cli(capsys, "plan", "cut", path, "all", "--rush", f"ep-1={landscape_clip}",
                      "--out", out, "--workers", "2")
    assert missing.rc == 2 and "--rush installation=RUSH" in error_line(missing)
    unknown = run_cli(capsys, "plan", "cut", path, "ep-1-tiktok,nope", "--rush",
                      landscape_clip, "--workers", "2")
    assert unknown.rc == 2 and "'nope'" in error_line(unknown)
    negative = run_cli(capsys, "plan", "cut", path, "ep-1-tiktok", "--rush", landscape_clip,
                       "--workers", "-1")
    assert negative.rc == 2 and "--workers -1" in error_line(negative)
    assert not (out / "cuts").exists()


@pytest.mark.skipif(not RAY_ADDRESS, reason=(
    "COULISSES_TEST_RAY_ADDRESS is unset: .ci/run starts a local Ray cluster for these tests"))
def test_deliverables_cut_on_ray_are_those_of_the_local_path(
        tmp_path: Path, landscape_clip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    local = run_cli(capsys, *_argv(path, tmp_path / "local", landscape_clip))
    on_ray = run_cli(capsys, *_argv(path, tmp_path / "ray", landscape_clip, "--workers", "2",
                                    "--ray", RAY_ADDRESS))
    assert local.rc == 0 and on_ray.rc == 0, on_ray.err
    assert _cuts(tmp_path / "ray") == _cuts(tmp_path / "local")
    assert _qc(tmp_path / "ray") == _qc(tmp_path / "local")
