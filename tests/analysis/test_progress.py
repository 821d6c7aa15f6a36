"""The overall progress of an analysis rises steadily over the whole run: the shared video
decode moves it frame by frame, the sound analyser beside it adds its own share by weight,
it never goes back, and it ends at exactly 1 (what the studio's job bar and the CLI show)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import media
from coulisses.analysis.audio import AudioAnalyzer
from coulisses.analysis.picture import PictureAnalyzer
from coulisses.analysis.run import WEIGHTS, ProgressTracker, analyze
from coulisses.analysis.shots import ShotAnalyzer
from coulisses.settings import Settings
from coulisses.studio.jobs.handlers import stage_message


@pytest.fixture(scope="module")
def eight_second_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s of testsrc2 at 30 fps (240 frames, the frame bus reports every 32), with a tone."""
    return media.make_clip(tmp_path_factory.mktemp("progress") / "eight.mp4", duration=8.0)


def test_overall_progress_rises_through_the_shared_video_pass(eight_second_clip: Path,
                                                             tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache")
    analyzers = [ShotAnalyzer(settings), AudioAnalyzer(settings), PictureAnalyzer(settings)]
    seen: list[tuple[float, tuple[str, ...]]] = []
    per_analyser: list[tuple[str, float]] = []
    result = analyze(eight_second_clip, settings, analyzers,
                     lambda file, name, done: per_analyser.append((name, done)),
                     overall=lambda fraction, stages: seen.append((fraction, stages)))
    assert result.shots is not None and result.audio is not None and result.picture is not None
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions), fractions  # never goes back
    assert fractions[0] < 0.05 and fractions[-1] == 1.0
    assert seen[-1][1] == ()  # nothing runs at the end
    during_video = {f for f, stages in seen if "shots" in stages and 0.0 < f < 1.0}
    assert len(during_video) >= 4, seen  # moves while the frames are decoded
    # the video pass (shots + picture) and the sound run side by side, both reported
    assert any(stages == ("shots", "picture", "audio") for _, stages in seen), seen
    assert max(during_video) > 0.5  # the video pass is most of the work here
    # the per-analyser callback still works as before
    assert ("shots", 0.0) in per_analyser and ("picture", 1.0) in per_analyser
    assert ("audio", 1.0) in per_analyser
    # a second run is all cached: straight to 1
    again: list[tuple[float, tuple[str, ...]]] = []
    analyze(eight_second_clip, settings, analyzers,
            overall=lambda fraction, stages: again.append((fraction, stages)))
    assert again == [(1.0, ())]


def test_concurrent_pieces_combine_by_weight_and_never_go_back() -> None:
    seen: list[tuple[float, tuple[str, ...]]] = []
    tracker = ProgressTracker(lambda fraction, stages: seen.append((fraction, stages)), step=0.0)
    video = tracker.piece(("shots", "faces"))
    speech = tracker.piece(("transcript",))
    total = WEIGHTS["shots"] + WEIGHTS["faces"] + WEIGHTS["transcript"]
    video(0.5)
    assert seen[-1] == (pytest.approx(0.5 * (WEIGHTS["shots"] + WEIGHTS["faces"]) / total),
                        ("shots", "faces"))
    speech(0.25)
    expected = (0.5 * (WEIGHTS["shots"] + WEIGHTS["faces"]) + 0.25 * WEIGHTS["transcript"])
    assert seen[-1] == (pytest.approx(expected / total), ("shots", "faces", "transcript"))
    video(0.4)  # a late, smaller report from a piece does not move the bar back
    assert tracker.fraction == pytest.approx(expected / total)
    video(1.0)
    assert seen[-1][1] == ("transcript",)
    tracker.finish()
    assert seen[-1] == (1.0, ())
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)


def test_reports_from_two_threads_stay_monotonic() -> None:
    seen: list[float] = []
    tracker = ProgressTracker(lambda fraction, stages: seen.append(fraction), step=0.0)
    pieces = [tracker.piece(("shots", "picture")), tracker.piece(("audio",))]

    def run(piece_index: int) -> None:
        for i in range(1, 501):
            pieces[piece_index](i / 500)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)


def test_the_job_message_names_the_running_stages_in_english_and_french() -> None:
    assert stage_message("en", ("shots", "picture", "transcript")) == (
        "Analysing: shots, picture, speech")
    assert stage_message("fr", ("shots", "picture", "transcript")) == (
        "Analyse : plans, image, parole")
    assert stage_message("fr", ()) == "Analyse terminée"
    assert stage_message("de", ("audio",)) == "Analysing: sound"  # unknown language: English
