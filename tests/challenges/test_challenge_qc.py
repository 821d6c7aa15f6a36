"""The ``qc`` stage: an entry within the rules passes with its measures; each way of failing
gives its reason, a bad file never crashes it, and a 3-hour entry is refused from the probe."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from core_world import entry_clip, other_clip  # noqa: F401

import media
from coulisses.challenges.entry import Entry, Rules
from coulisses.challenges.qc import COLUMNS, STAGE, check

RULES = Rules(brief="joue la scène du bus", max_duration_s=60, min_height=480)


def _reasons(path: Path, rules: Rules = RULES) -> list[str]:
    row = check(Entry("e1", path), rules)
    assert set(row) == set(COLUMNS)
    assert row["qc_passed"] is (not json.loads(str(row["qc_reasons"])))
    return list(json.loads(str(row["qc_reasons"])))


def test_an_entry_within_the_rules_passes_with_its_measures(entry_clip: Path) -> None:  # noqa: F811
    row = STAGE.run(Entry("e1", entry_clip), RULES)
    assert row["qc_passed"] is True and row["qc_reasons"] == "[]"
    assert (row["width"], row["height"], row["has_audio"]) == (480, 854, True)
    assert abs(float(row["duration_s"] or 0) - 4.0) < 0.1
    # the tone is -20 dBFS peak, about -20.7 LUFS integrated (tests/media.py)
    assert abs(float(row["lufs"] or 0) + 20.7) < 1.5
    assert row["black_s"] == row["frozen_s"] == 0.0
    assert 0.5 < float(row["quality"] or 0) <= 1.0
    assert STAGE.name == "qc" and STAGE.columns == COLUMNS


def test_each_failure_says_why(tmp_path: Path, media_dir: Path) -> None:
    small = media.make_clip(tmp_path / "small.mp4", duration=3.5)  # 320x180
    assert _reasons(small) == ["320x180 is below 480 px on its shorter side"]
    silent = media.make_clip(tmp_path / "silent.mp4", width=480, height=640, duration=3.5,
                             audio=None)
    assert _reasons(silent) == ["has no sound"]
    quiet = media.make_clip(tmp_path / "quiet.mp4", width=480, height=640, duration=3.5,
                            audio="quiet")
    assert _reasons(quiet)[0].startswith("is almost inaudible (-5")
    short = media.make_clip(tmp_path / "short.mp4", width=480, height=640, duration=1.0)
    assert _reasons(short) == ["lasts 1.0 s, shorter than 3 s"]
    black = tmp_path / "black.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=black:s=480x640:r=25:d=4", "-f", "lavfi",
                 "-i", "sine=f=440:d=4", "-c:v", "libx264", "-preset", "ultrafast",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", black)
    assert any(r.startswith("is black for ") for r in _reasons(black))
    assert _reasons(small, replace(RULES, min_height=180)) == []


def test_bad_files_fail_with_a_reason_and_never_crash(tmp_path: Path) -> None:
    corrupt = media.make_corrupt(tmp_path / "corrupt.mp4")
    assert _reasons(corrupt)[0].startswith("not a readable media file")
    empty = media.make_empty(tmp_path / "empty.mp4")
    assert _reasons(empty) == [f"{empty}: file is empty (0 bytes)".split(": ", 1)[1]]
    text = media.make_text_file(tmp_path / "notes.mp4")
    assert _reasons(text)
    audio = media.make_audio_only(tmp_path / "voice.mp4")
    assert "audio-only" in _reasons(audio)[0]
    whole = media.make_clip(tmp_path / "whole.mp4", width=480, height=640, duration=4.0)
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    assert _reasons(truncated)[0].startswith("is truncated")
    assert _reasons(tmp_path / "missing.mp4")[0].endswith("no such file")


def test_a_three_hour_entry_is_refused_from_the_probe(tmp_path: Path) -> None:
    long = tmp_path / "three-hours.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=480x640:r=1:d=10800", "-c:v", "libx264",
                 "-preset", "ultrafast", "-g", "3600", "-pix_fmt", "yuv420p", long)
    row = check(Entry("e1", long), RULES)
    assert json.loads(str(row["qc_reasons"])) == ["lasts 10800 s, longer than 60 s"]
    # nothing was decoded: no picture or sound measure
    assert row["lufs"] is None and row["sharpness"] is None and row["quality"] is None
    assert row["duration_s"] == 10800.0
