"""The generated test media really has the properties tests/media.py promises.

Checked independently of ffmpeg's own CLI, by opening each file with PyAV.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

import media

# libavutil enum values (pixfmt.h): AVColorPrimaries / AVColorTransferCharacteristic /
# AVColorSpace.
PRI_BT2020 = 9
TRC_SMPTE2084 = 16
TRC_ARIB_STD_B67 = 18
SPC_BT2020_NCL = 9
SPC_BT709 = 1


def _streams(path: Path) -> list[tuple[str, str | None]]:
    with av.open(str(path)) as c:
        return [(s.type, s.codec_context.name if s.codec_context else None)
                for s in c.streams]


def _video_info(path: Path) -> dict[str, object]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        cc = s.codec_context
        return {
            "codec": cc.name,
            "width": cc.width,
            "height": cc.height,
            "pix_fmt": cc.format.name,
            "sar": s.sample_aspect_ratio,
            "dar": s.display_aspect_ratio,
            "frames": s.frames,
            "avg_rate": s.average_rate,
            "base_rate": s.base_rate,
            "duration_s": float(s.duration * s.time_base) if s.duration else None,
            "tag": cc.codec_tag,
        }


def _first_frame(path: Path) -> av.VideoFrame:
    with av.open(str(path)) as c:
        return next(c.decode(video=0))


def _video_pts(path: Path) -> list[Fraction]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        tb = s.time_base
        return sorted(p.pts * tb for p in c.demux(s) if p.pts is not None)


def _audio(path: Path, index: int = 0) -> tuple[np.ndarray, int]:
    """Decoded samples (channels x samples, float32) of audio stream ``index`` and its rate."""
    with av.open(str(path)) as c:
        s = c.streams.audio[index]
        frames = [f.to_ndarray() for f in c.decode(s)]
        return np.concatenate(frames, axis=1), s.codec_context.sample_rate


def _dbfs(x: float) -> float:
    return 20 * float(np.log10(max(x, 1e-12)))


# --- ordinary clips -------------------------------------------------------------------


def test_landscape_clip(landscape_clip: Path) -> None:
    info = _video_info(landscape_clip)
    assert (info["codec"], info["width"], info["height"]) == ("h264", 320, 180)
    assert info["pix_fmt"] == "yuv420p"
    assert info["sar"] in (None, Fraction(1, 1))
    assert info["frames"] == 90
    assert info["avg_rate"] == 30
    assert info["duration_s"] == pytest.approx(3.0, abs=0.01)
    assert _streams(landscape_clip) == [("video", "h264"), ("audio", "aac")]
    assert _first_frame(landscape_clip).rotation == 0
    with av.open(str(landscape_clip)) as c:
        keys = [p.pts * p.time_base for p in c.demux(video=0) if p.is_keyframe]
    assert keys == [0, 1, 2]
    pts = _video_pts(landscape_clip)
    assert {b - a for a, b in itertools.pairwise(pts)} == {Fraction(1, 30)}


def test_landscape_clip_has_faststart(landscape_clip: Path) -> None:
    kinds = [k for k, _, _ in media.top_level_boxes(landscape_clip)]
    assert kinds.index("moov") < kinds.index("mdat")


def test_tone_level(landscape_clip: Path) -> None:
    samples, rate = _audio(landscape_clip)
    assert rate == 48_000
    assert samples.shape[0] == 2
    assert samples.shape[1] == pytest.approx(3 * rate, abs=1024)
    np.testing.assert_allclose(samples[0], samples[1], atol=1e-3)  # AAC M/S: near-equal
    body = samples[:, rate // 2: 5 * rate // 2]  # away from codec edges
    assert _dbfs(np.abs(body).max()) == pytest.approx(-20, abs=0.5)
    assert _dbfs(np.sqrt(np.mean(body**2))) == pytest.approx(-23, abs=0.5)
    spectrum = np.abs(np.fft.rfft(body[0]))
    assert np.fft.rfftfreq(body.shape[1], 1 / rate)[spectrum.argmax()] == pytest.approx(440, abs=1)


def test_portrait_clip(portrait_clip: Path) -> None:
    info = _video_info(portrait_clip)
    assert (info["width"], info["height"]) == (180, 320)
    assert _first_frame(portrait_clip).rotation == 0


def test_silent_clip_has_no_audio_stream(silent_clip: Path) -> None:
    assert _streams(silent_clip) == [("video", "h264")]
    with av.open(str(silent_clip)) as c:
        assert len(c.streams.audio) == 0


def test_quiet_clip_level(quiet_clip: Path) -> None:
    samples, rate = _audio(quiet_clip)
    body = samples[:, rate // 2: 5 * rate // 2]
    assert _dbfs(np.abs(body).max()) == pytest.approx(-50, abs=0.6)


def test_clipping_clip_sits_at_full_scale(clipping_clip: Path) -> None:
    samples, rate = _audio(clipping_clip)
    body = np.abs(samples[:, rate // 2: 5 * rate // 2])
    assert _dbfs(body.max()) >= -0.1
    assert (body > 0.9).mean() > 0.6


def test_speech_clip(speech_clip: Path) -> None:
    info = _video_info(speech_clip)
    assert (info["width"], info["height"], info["frames"]) == (1280, 720, 120)
    intervals = media.speech_intervals(4.0)
    assert intervals == [(0.3, 1.2), (1.7, 2.6), (3.1, 3.9)]
    samples, rate = _audio(speech_clip)
    mono = np.abs(samples[0, : 4 * rate])
    block = rate // 100  # 10 ms
    peaks = mono.reshape(-1, block).max(axis=1)
    voiced = peaks > 1e-3
    for start, end in intervals:  # voiced inside each phrase (with 30 ms margins)
        assert voiced[round(start * 100) + 3: round(end * 100) - 3].all()
    gaps = [(0.0, 0.3), (1.2, 1.7), (2.6, 3.1)]
    for start, end in gaps:  # digital silence between phrases
        assert not voiced[round(start * 100) + 3: round(end * 100) - 3].any()
    assert -24 < _dbfs(np.sqrt(np.mean(mono[voiced.repeat(block)] ** 2))) < -12


# --- geometry, timing and colour --------------------------------------------------------


@pytest.mark.parametrize(("fixture", "rotation"),
                         [("rotated_clip", 90), ("rotated_clip_iphone", -90)])
def test_rotated_clip(fixture: str, rotation: int, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(fixture)
    info = _video_info(path)
    assert (info["width"], info["height"]) == (320, 180)  # coded landscape
    frame = _first_frame(path)
    assert (frame.width, frame.height) == (320, 180)  # PyAV does not autorotate
    assert frame.rotation == rotation
    assert any(sd.type.name == "DISPLAYMATRIX" for sd in frame.side_data)
    assert [t for t, _ in _streams(path)] == ["video", "audio"]


def test_vfr_clip_timestamps(vfr_clip: Path) -> None:
    pts = _video_pts(vfr_clip)
    assert len(pts) == 75
    assert tuple(pts) == media.VFR_FRAME_TIMES
    steps = [b - a for a, b in itertools.pairwise(pts)]
    assert set(steps) == {Fraction(1, 30), Fraction(1, 15)}
    assert steps.count(Fraction(1, 15)) == 15
    info = _video_info(vfr_clip)
    assert info["avg_rate"] == 25
    assert info["base_rate"] == 30
    assert info["avg_rate"] != info["base_rate"]
    assert info["duration_s"] == pytest.approx(3.0, abs=0.01)
    with av.open(str(vfr_clip)) as c:
        durations = {p.duration for p in c.demux(video=0) if p.duration}
    assert len(durations) == 2


@pytest.mark.parametrize(("fixture", "trc"),
                         [("hlg_clip", TRC_ARIB_STD_B67), ("pq_clip", TRC_SMPTE2084)])
def test_hdr_tags(fixture: str, trc: int, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(fixture)
    info = _video_info(path)
    assert (info["codec"], info["pix_fmt"], info["tag"]) == ("hevc", "yuv420p10le", "hvc1")
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 60)
    with av.open(str(path)) as c:
        cc = c.streams.video[0].codec_context
        assert (cc.color_primaries, cc.color_trc, cc.colorspace) == (
            PRI_BT2020, trc, SPC_BT2020_NCL)
        frame = next(c.decode(video=0))
    assert (frame.color_primaries, frame.color_trc, frame.colorspace) == (
        PRI_BT2020, trc, SPC_BT2020_NCL)
    side = {sd.type.name for sd in frame.side_data}
    if fixture == "pq_clip":
        assert {"MASTERING_DISPLAY_METADATA", "CONTENT_LIGHT_LEVEL"} <= side
    else:
        assert "MASTERING_DISPLAY_METADATA" not in side


def test_sdr_clip_is_not_tagged_hdr(landscape_clip: Path) -> None:
    with av.open(str(landscape_clip)) as c:
        cc = c.streams.video[0].codec_context
        assert cc.color_trc not in (TRC_SMPTE2084, TRC_ARIB_STD_B67)
        assert cc.color_primaries != PRI_BT2020


def test_anamorphic_clip(anamorphic_clip: Path) -> None:
    info = _video_info(anamorphic_clip)
    assert (info["width"], info["height"]) == (240, 180)
    assert info["sar"] == Fraction(4, 3)
    assert info["dar"] == Fraction(16, 9)
    width, height, sar = info["width"], info["height"], info["sar"]
    assert isinstance(width, int) and isinstance(sar, Fraction)
    assert (width * sar, height) == (320, 180)


def test_extra_tracks_clip_layout(extra_tracks_clip: Path) -> None:
    with av.open(str(extra_tracks_clip)) as c:
        kinds = [s.type for s in c.streams]
        assert kinds == ["video", "audio", "audio", "subtitle", "data"]
        v, a0, a1, sub, data = c.streams
        assert v.codec_context.name == "h264"
        assert (v.codec_context.width, v.codec_context.height) == (320, 180)
        assert (a0.codec_context.name, a0.codec_context.channels) == ("aac", 2)
        assert (a1.codec_context.name, a1.codec_context.channels) == ("aac", 4)
        assert sub.codec_context.name == "mov_text"
        assert data.codec_context is None
        assert data.metadata.get("timecode") == "01:00:00:00"
        assert c.metadata.get("location") == "+48.8584+002.2945/"
        assert c.metadata.get("model") == "iPhone 15"
        cues = [
            bytes(r.dialogue).decode()  # PyAV 18: AssSubtitle.dialogue is the cue text
            for packet in c.demux(sub)
            for r in sub.decode(packet)
        ]
    assert cues == ["Hello from the subtitle track", "Second cue"]


def test_huge_frame_clip(huge_frame_clip: Path) -> None:
    info = _video_info(huge_frame_clip)
    assert (info["codec"], info["width"], info["height"]) == ("h264", 10000, 10000)
    assert info["frames"] == 1
    assert huge_frame_clip.stat().st_size < 2_000_000


# --- not-quite-video and hostile inputs -------------------------------------------------


def test_audio_only(audio_only: Path) -> None:
    assert _streams(audio_only) == [("audio", "aac")]
    samples, rate = _audio(audio_only)
    assert samples.shape[1] == pytest.approx(2 * rate, abs=1024)


def test_image_file(image_file: Path) -> None:
    assert image_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with av.open(str(image_file)) as c:
        frame = next(c.decode(video=0))
        assert (frame.width, frame.height) == (320, 180)


def test_text_file(text_file: Path) -> None:
    assert text_file.read_text(encoding="utf-8").startswith("This is not a video.")


def test_empty_file(empty_file: Path) -> None:
    assert empty_file.suffix == ".mp4"
    assert empty_file.stat().st_size == 0


def test_corrupt_file(corrupt_file: Path, tmp_path: Path) -> None:
    assert corrupt_file.stat().st_size == 65_536
    again = media.make_corrupt(tmp_path / "again.mp4")
    assert again.read_bytes() == corrupt_file.read_bytes()  # seeded: reproducible
    with pytest.raises(av.error.FFmpegError), av.open(str(corrupt_file)):
        pass


def test_truncated_front_opens_but_data_is_missing(truncated_front: Path) -> None:
    kinds = [k for k, _, _ in media.top_level_boxes(truncated_front)]
    assert kinds[:2] == ["ftyp", "moov"]
    decoded = 0
    with av.open(str(truncated_front)) as c:
        assert c.streams.video[0].frames == 90  # the header still promises 3 s
        try:
            for _ in c.decode(video=0):
                decoded += 1
        except av.error.FFmpegError:
            pass
    assert 0 < decoded < 60


def test_truncated_back_cannot_be_opened(truncated_back: Path) -> None:
    assert "moov" not in [k for k, _, _ in media.top_level_boxes(truncated_back)]
    with pytest.raises(av.error.FFmpegError), av.open(str(truncated_back)):
        pass


def test_hostile_names(hostile_names: list[Path]) -> None:
    names = [p.name for p in hostile_names]
    assert "-rf.mp4" in names
    assert "$(echo x).mp4" in names
    assert any(" " in n for n in names)
    assert any(";" in n for n in names)
    assert any("'" in n for n in names)
    assert unicodedata.normalize("NFC", "café é.mp4") in names
    assert any("日本" in n for n in names)
    assert any("🎬" in n for n in names)
    sizes = {p.stat().st_size for p in hostile_names}
    assert len(sizes) == 1
    assert len({p.parent for p in hostile_names}) == 1
    for p in hostile_names:
        assert p.is_file()
        with av.open(str(p)) as c:
            assert c.streams.video[0].codec_context.width == 320


def test_playlist_and_concat_reference_a_local_file(
    playlist_file: Path, concat_file: Path, landscape_clip: Path
) -> None:
    playlist = playlist_file.read_text(encoding="utf-8")
    assert playlist.startswith("#EXTM3U")
    assert str(landscape_clip.resolve()) in playlist.splitlines()
    concat = concat_file.read_text(encoding="utf-8").splitlines()
    assert concat[0] == "ffconcat version 1.0"
    assert concat[1] == f"file '{landscape_clip.resolve()}'"


def test_make_clip_parameters(tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / "hevc.mp4", width=160, height=90, rate="30000/1001",
                           duration=2.0, audio_channels=1, codec="hevc")
    info = _video_info(clip)
    assert (info["codec"], info["width"], info["height"]) == ("hevc", 160, 90)
    assert info["avg_rate"] == Fraction(30000, 1001)
    samples, _ = _audio(clip)
    assert samples.shape[0] == 1
    with pytest.raises(ValueError):
        media.make_clip(tmp_path / "bad.mp4", codec="vp9")  # type: ignore[arg-type]


def test_coulisses_environment_is_cleared() -> None:
    assert not [name for name in os.environ if name.startswith("COULISSES_")]


def test_shared_media_fixture(shared_media: Path) -> None:
    assert shared_media.is_dir()
    assert shared_media.parts[-2:] == ("shared", "media")
