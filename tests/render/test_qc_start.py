"""QC: audio and video must start together (and at 0 in an MP4), measured on real files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

import media
from clirun import error_line, run_cli
from coulisses.errors import QCFailedError
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.media.probe import AudioStream, probe
from coulisses.platforms.registry import Registry
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions
from coulisses.render.qc import check_file, start_check, summary

NAME = "streams start together"


@pytest.fixture(scope="module")
def tiktok_output(landscape_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("start-ok")
    result = cut(landscape_clip, "tiktok", out, options=CutOptions(preset="draft"))
    assert result.passed, [v.qc.reasons for v in result.variants]
    report = json.loads(result.report.read_text())
    check = next(c for c in report["variants"][0]["qc"]["checks"] if c["name"] == NAME)
    assert check["passed"] is True
    assert check["actual"].startswith("video 0.000 s, audio 0.000 s")
    assert "1 frame (33.3 ms)" in check["expected"]
    return result.variants[0].video


def test_our_outputs_start_both_streams_at_exactly_zero(tiktok_output: Path) -> None:
    info = probe(tiktok_output)
    assert info.video is not None and info.main_audio is not None
    # the edit lists absorb AAC priming and the B-frame delay: no offset at all
    assert info.video.start_time == 0 and info.main_audio.start_time == 0
    assert isinstance(info.video.start_time, Fraction)


@pytest.mark.parametrize(("args", "words"), [
    # audio delayed by half a second
    (("-i", "{src}", "-itsoffset", "0.5", "-i", "{src}"), "audio 0.500 s, audio 0.500 s late"),
    # video delayed: audio is then early
    (("-itsoffset", "0.5", "-i", "{src}", "-i", "{src}"), "video 0.500 s, audio 0.000 s"),
])
def test_an_offset_stream_fails_with_the_measured_offset(
        tiktok_output: Path, tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    offset = tmp_path / "offset.mp4"
    media.ffmpeg(*(a.format(src=tiktok_output) for a in args),
                 "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart", offset)
    info = probe(offset)
    assert info.main_audio is not None and info.video is not None
    assert {info.video.start_time, info.main_audio.start_time} == {Fraction(0), Fraction(1, 2)}
    result = check_file(offset, Registry.load()["tiktok"], SubprocessRunner(), draft=True,
                        info=info)
    assert not result.passed
    failed = [c.name for c in result.checks if not c.passed]
    assert failed == [NAME]
    reason = result.reasons[0]
    assert reason.startswith(f"{NAME}: expected audio within 1 frame")
    for word in words.split(", "):
        assert word in reason
    assert reason in summary([result])  # report.txt says it, one line


def test_check_command_refuses_an_offset_file_in_one_line(
        tiktok_output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offset = tmp_path / "late-audio.mp4"
    media.ffmpeg("-i", tiktok_output, "-itsoffset", "0.25", "-i", tiktok_output,
                 "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart", offset)
    run = run_cli(capsys, "check", offset, "--for", "tiktok")
    # a draft output is half size: the canvas fails too; the start offset must be named
    assert run.rc == QCFailedError.exit_code
    line = error_line(run)
    assert NAME in line and "audio 0.250 s late" in line


def _audio(start: Fraction | None) -> AudioStream:
    return AudioStream(1, "aac", 2, "stereo", 48000, True, start_time=start)


def test_start_check_tolerates_one_frame_and_no_more(tiktok_output: Path) -> None:
    video = probe(tiktok_output).require_video()  # 30 fps, starts at 0
    frame = Fraction(1, 30)
    assert start_check(video, _audio(frame), at_zero=True)[0]
    assert start_check(video, _audio(None), at_zero=True)[0]  # unset counts as 0
    assert not start_check(video, _audio(frame + Fraction(1, 48000)), at_zero=True)[0]
    ok, _, actual = start_check(video, _audio(-frame * 2), at_zero=False)
    assert not ok and "audio 0.067 s early" in actual
