"""``coulisses analyze --workers/--ray``: each rush one job on the executor, results cached and
printed exactly as a local analyze does, a rush already analysed not sent again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import media
from clirun import error_line, run_cli
from coulisses.analysis.batch import analyze_many
from coulisses.analysis.run import default_analyzers
from coulisses.settings import Settings

ONLY = "shots,audio,picture"  # no model to load: light on a 2-core CI
RAY_ADDRESS = os.environ.get("COULISSES_TEST_RAY_ADDRESS", "")


@pytest.fixture(scope="module")
def rushes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("rushes")
    first = media.make_clip(folder / "a.mp4", duration=1.0)
    second = media.make_clip(folder / "b.mp4", width=180, height=320, duration=1.5)
    copy = folder / "a-copy.mp4"  # the same content under another name: one job
    shutil.copyfile(first, copy)
    return [first, second, copy]


def _cache_files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text("utf-8")
            for p in sorted(root.rglob("*.json"))}


def test_workers_write_and_print_what_a_local_analyze_does(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        rushes: list[Path]) -> None:
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(tmp_path / "local"))
    local = run_cli(capsys, "analyze", *rushes, "--only", ONLY, "--json")
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(tmp_path / "pool"))
    pooled = run_cli(capsys, "analyze", *rushes, "--only", ONLY, "--json", "--workers", "2")
    assert local.rc == 0 and pooled.rc == 0, pooled.err
    assert json.loads(pooled.out) == json.loads(local.out)
    assert len(json.loads(pooled.out)) == 3
    cached = _cache_files(tmp_path / "pool")
    assert cached == _cache_files(tmp_path / "local")
    assert len(cached) == 2 * 3  # two distinct rushes, three analysers each
    text = run_cli(capsys, "analyze", *rushes[:2], "--only", ONLY, "--workers", "2")
    assert text.rc == 0 and text.out.count("shots:") == 2


def test_a_rush_already_analysed_is_not_sent_again(tmp_path: Path,
                                                   rushes: list[Path]) -> None:
    settings = Settings(cache_dir=tmp_path)
    chosen = [a for a in default_analyzers(settings) if a.name in ONLY.split(",")]
    first, run = analyze_many(rushes[:1], settings, chosen, workers=1)
    assert run.done == 1
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.json")}
    seen: list[tuple[int, int]] = []
    again, run = analyze_many(rushes, settings, chosen, workers=2, progress=lambda d, t:
                              seen.append((d, t)))
    assert run.done == 1  # only b.mp4: a.mp4 and its copy are cached
    assert seen[-1] == (1, 1)
    assert again[0] == first[0] and again[2].shots == first[0].shots
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())  # not written twice


def test_a_file_that_is_not_video_stops_with_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        rushes: list[Path]) -> None:
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(tmp_path))
    junk = tmp_path / "notes.mp4"
    junk.write_text("not a video")
    run = run_cli(capsys, "analyze", rushes[0], junk, "--only", ONLY, "--workers", "2")
    assert run.rc != 0 and "notes.mp4" in error_line(run)


@pytest.mark.skipif(not RAY_ADDRESS, reason=(
    "COULISSES_TEST_RAY_ADDRESS is unset: .ci/run starts a local Ray cluster for these tests"))
def test_on_ray_the_results_are_those_of_a_local_run(tmp_path: Path,
                                                     rushes: list[Path]) -> None:
    import ray

    settings = Settings(cache_dir=tmp_path / "ray")
    chosen = [a for a in default_analyzers(settings) if a.name in ONLY.split(",")]
    on_ray, run = analyze_many(rushes, settings, chosen, workers=2, ray_address=RAY_ADDRESS)
    assert run.backend == "ray" and run.done == 2 and run.failed == ()
    local, _ = analyze_many(rushes, Settings(cache_dir=tmp_path / "local"), chosen, workers=1)
    assert [a.to_json() for a in on_ray] == [a.to_json() for a in local]
    assert not ray.is_initialized()
