"""Real cuts of generated phone-like footage: every normalisation is checked on the output."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

import media
from coulisses.errors import FFmpegError
from coulisses.media.ffmpeg import Command, RunResult, SubprocessRunner
from coulisses.media.probe import probe
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions
from coulisses.render.timeline import read_timeline

DRAFT = CutOptions(preset="draft")


def _frame(path: Path, at: float = 1.0) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.time is not None and frame.time >= at:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError("no frame")


def _assert_passed(result) -> None:  # type: ignore[no-untyped-def]
    failures = {v.platform: v.qc.reasons for v in result.variants if not v.qc.passed}
    assert not failures, failures


def test_rotated_phone_clip_comes_out_upright(tmp_path: Path) -> None:
    # a red block in the CODED top-left; display rotation 90 (counter-clockwise) puts it
    # bottom-left on screen: the vertical output must show it there
    coded = tmp_path / "coded.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=320x180:r=30:d=3,"
                 "drawbox=x=0:y=0:w=100:h=60:color=red:t=fill",
                 "-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", coded)
    phone = tmp_path / "phone.mp4"
    media.ffmpeg("-display_rotation", "90", "-i", coded, "-c", "copy", phone)
    assert probe(phone).video.rotation == 90  # type: ignore[union-attr]
    result = cut(phone, "tiktok", tmp_path / "out", options=DRAFT)
    _assert_passed(result)
    rgb = _frame(result.variants[0].video)
    h, w, _ = rgb.shape
    assert (w, h) == (540, 960)
    red = (rgb[..., 0] > 150) & (rgb[..., 2] < 100)
    assert red[int(h * 0.8):, : int(w * 0.2)].mean() > 0.9  # bottom-left
    assert red[: int(h * 0.5)].mean() < 0.01  # nothing red in the upper half
    assert json.loads(result.report.read_text())["normalised"]["rotation"] == 90


def test_variable_frame_rate_becomes_constant(vfr_clip: Path, tmp_path: Path) -> None:
    assert probe(vfr_clip).video.is_vfr  # type: ignore[union-attr]
    result = cut(vfr_clip, "tiktok,youtube", tmp_path, options=DRAFT)
    _assert_passed(result)
    for v in result.variants:
        out = probe(v.video).video
        assert out is not None and not out.is_vfr and out.frame_rate == 30


@pytest.mark.parametrize("kind", ["hlg_clip", "pq_clip"])
def test_hdr_is_tone_mapped_to_tagged_sdr(kind: str, request: pytest.FixtureRequest,
                                          tmp_path: Path) -> None:
    source = request.getfixturevalue(kind)
    result = cut(source, "instagram-reels", tmp_path, options=CutOptions(preset="draft",
                                                                         extend=True))
    _assert_passed(result)
    out = probe(result.variants[0].video).video
    assert out is not None
    assert (out.transfer, out.color_trc, out.color_primaries) == ("sdr", "bt709", "bt709")
    assert out.bit_depth == 8


def test_anamorphic_pixels_are_squared(anamorphic_clip: Path, tmp_path: Path) -> None:
    result = cut(anamorphic_clip, "youtube", tmp_path, options=DRAFT)
    _assert_passed(result)
    v = result.plan.variants[0]
    # display 320x180 is 16:9: the whole picture is kept, nothing cropped
    assert (v.crop.width, v.crop.height) == (320, 180)
    assert probe(result.variants[0].video).video.sample_aspect == 1  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["quiet_clip", "clipping_clip", "landscape_clip"])
def test_loudness_reaches_the_target_under_the_true_peak_ceiling(
        kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    result = cut(request.getfixturevalue(kind), "tiktok", tmp_path, options=DRAFT)
    _assert_passed(result)
    measured = result.variants[0].qc.measured
    assert abs(measured["lufs"] - -14) <= 1
    assert measured["true_peak"] <= -1.0


def test_silent_video_gets_a_silent_track_and_passes(silent_clip: Path, tmp_path: Path) -> None:
    result = cut(silent_clip, "tiktok", tmp_path, options=DRAFT)
    _assert_passed(result)
    assert probe(result.variants[0].video).main_audio is not None
    assert any("silent" in w for w in result.variants[0].qc.warnings)


def test_phone_extra_tracks_do_not_break_the_cut(extra_tracks_clip: Path, tmp_path: Path) -> None:
    result = cut(extra_tracks_clip, "instagram-story", tmp_path, options=CutOptions(
        preset="draft", extend=True))
    _assert_passed(result)
    assert result.plan.audio_stream == 1
    assert len(probe(result.variants[0].video).audio) == 1


def test_captions_are_burned_and_written_as_sidecars(landscape_clip: Path,
                                                     tmp_path: Path) -> None:
    srt = tmp_path / "c.srt"
    srt.write_text("1\n00:00:00,200 --> 00:00:02,800\nBehind the scenes with the whole "
                   "crew on day one\n", encoding="utf-8")
    plain = cut(landscape_clip, "tiktok", tmp_path / "plain", options=DRAFT)
    captioned = cut(landscape_clip, "tiktok", tmp_path / "cap", options=DRAFT, captions=srt)
    _assert_passed(captioned)
    a, b = _frame(plain.variants[0].video), _frame(captioned.variants[0].video)
    h = a.shape[0]
    diff = np.abs(a.astype(int) - b.astype(int)).mean(axis=2)
    band = diff[int(h * 0.55): int(h * 0.9)]
    assert band.max() > 100  # white text with a black outline in the caption band
    assert diff[: int(h * 0.1)].mean() < 2  # nothing above the platform's top safe zone
    sidecar = captioned.variants[0].sidecar
    assert sidecar is not None and sidecar.suffix == ".srt"
    lines = [ln for ln in sidecar.read_text().splitlines() if ln and "-->" not in ln
             and not ln.isdigit()]
    assert all(len(ln) <= 22 for ln in lines)  # TikTok's characters per line
    assert sidecar.with_suffix(".vtt").read_text().startswith("WEBVTT")


@pytest.mark.parametrize("fmt", ["otio", "edl", "fcp7xml"])
def test_timelines_read_back(fmt: str, landscape_clip: Path, tmp_path: Path) -> None:
    result = cut(landscape_clip, "youtube", tmp_path, options=CutOptions(
        preset="draft", start=Fraction(1, 2)), timeline_formats=[fmt])  # type: ignore[list-item]
    (path,) = result.variants[0].timelines
    timeline = read_timeline(path, rate=30)
    clips = [c for t in timeline.video_tracks() for c in t.find_clips()]
    assert len(clips) == 1
    assert clips[0].name == "landscape.mp4"
    rng = clips[0].source_range
    assert round(rng.start_time.to_seconds(), 3) == 0.5
    assert round(rng.duration.to_seconds(), 2) == 2.5


def test_an_interrupted_render_leaves_nothing(landscape_clip: Path, tmp_path: Path) -> None:
    class FailingRunner(SubprocessRunner):
        def run(self, command: Command, progress=None) -> RunResult:  # type: ignore[no-untyped-def]
            if command.label == "render":
                for arg in command.args:
                    if arg.endswith(".mp4") and not arg.startswith("file:"):
                        Path(arg).write_bytes(b"half a video")
                raise FFmpegError("ffmpeg failed: simulated crash")
            return super().run(command, progress)

    out = tmp_path / "out"
    with pytest.raises(FFmpegError):
        cut(landscape_clip, "tiktok,youtube", out, options=DRAFT, runner=FailingRunner())
    assert list(out.iterdir()) == []


def test_report_records_every_variant(landscape_clip: Path, tmp_path: Path) -> None:
    result = cut(landscape_clip, "tiktok,instagram-feed", tmp_path, options=DRAFT)
    report = json.loads(result.report.read_text())
    assert report["passed"] is True
    assert [v["platform"] for v in report["variants"]] == ["tiktok", "instagram-feed"]
    assert all(v["qc"]["checks"] for v in report["variants"])
    assert result.contact_sheet.stat().st_size > 10_000
    for v in result.variants:
        assert v.cover.suffix == ".jpg" and v.cover.stat().st_size > 1000


def test_a_second_run_resumes_and_a_new_platform_renders_alone(landscape_clip: Path,
                                                                tmp_path: Path) -> None:
    calls: list[str] = []

    class CountingRunner(SubprocessRunner):
        def run(self, command: Command, progress=None) -> RunResult:  # type: ignore[no-untyped-def]
            calls.append(command.label)
            return super().run(command, progress)

    first = cut(landscape_clip, "tiktok,youtube", tmp_path, options=DRAFT,
                runner=CountingRunner())
    assert calls.count("render") == 1 and calls.count("loudness") == 1
    calls.clear()
    again = cut(landscape_clip, "tiktok,youtube", tmp_path, options=DRAFT,
                runner=CountingRunner())
    assert calls == []  # nothing measured, rendered or checked again
    assert again.resumed == ("tiktok", "youtube")
    assert [v.qc.passed for v in again.variants] == [v.qc.passed for v in first.variants]
    assert again.variants[0].video == first.variants[0].video
    calls.clear()
    more = cut(landscape_clip, "tiktok,youtube,linkedin", tmp_path, options=DRAFT,
               runner=CountingRunner())
    assert calls.count("render") == 1 and more.resumed == ("tiktok", "youtube")
    report = json.loads(more.report.read_text())
    assert [v["platform"] for v in report["variants"]] == ["tiktok", "youtube", "linkedin"]
    assert report["resumed"] == ["tiktok", "youtube"]
    # a changed option invalidates: another span renders again
    calls.clear()
    cut(landscape_clip, "youtube", tmp_path, options=CutOptions(preset="draft",
                                                                 end=Fraction(5, 2)),
        runner=CountingRunner())
    assert calls.count("render") == 1


def test_a_deleted_output_is_rendered_again(landscape_clip: Path, tmp_path: Path) -> None:
    first = cut(landscape_clip, "tiktok", tmp_path, options=DRAFT)
    first.variants[0].video.unlink()
    again = cut(landscape_clip, "tiktok", tmp_path, options=DRAFT)
    assert again.resumed == () and again.variants[0].video.is_file()


def test_a_still_picture_stream_is_not_mistaken_for_the_video(
        landscape_clip: Path, image_file: Path, tmp_path: Path) -> None:
    # Matroska with a one-frame PNG stream ahead of the real video (cover art, thumbnails)
    with_art = tmp_path / "with-art.mkv"
    media.ffmpeg("-i", image_file, "-i", landscape_clip, "-map", "0", "-map", "1",
                 "-c", "copy", "-c:v:0", "png", with_art)
    info = probe(with_art)
    assert info.video is not None and info.video.index == 1 and info.video.codec == "h264"
    result = cut(with_art, "youtube", tmp_path / "out", options=DRAFT)
    _assert_passed(result)
    assert result.plan.video_stream == 1
