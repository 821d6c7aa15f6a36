"""Browser copies for the studio's players: what browsers decode is sent as it is, the rest is
copied once (remuxed or transcoded to H.264), atomically, and a changed source gets a new copy."""

from __future__ import annotations

from pathlib import Path

from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.media.playable import codecs_play, container_plays, copy_path, playable
from coulisses.media.probe import probe
from media import ffmpeg


def _clip(path: Path, *codec: str, size: str = "320x180") -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration=1",
           "-f", "lavfi", "-i", "sine=frequency=440:duration=1", *codec, "-shortest", path)
    return path


def test_an_h264_mov_is_played_as_it_is_and_nothing_is_copied(tmp_path: Path) -> None:
    source = _clip(tmp_path / "phone.mov", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                   "-c:a", "aac")
    assert playable(source, tmp_path / "cache", SubprocessRunner()) == source
    assert not (tmp_path / "cache").exists()


def test_an_hevc_phone_clip_becomes_h264_with_its_sound_and_shape(tmp_path: Path) -> None:
    source = _clip(tmp_path / "IMG_0042.MOV", "-c:v", "libx265", "-tag:v", "hvc1",
                   "-pix_fmt", "yuv420p", "-c:a", "aac", "-metadata:s:v", "rotate=90",
                   size="640x360")
    found = probe(source)
    assert not codecs_play(found) and container_plays(found)
    copy = playable(source, tmp_path / "cache", SubprocessRunner())
    assert copy != source and copy == copy_path(source, tmp_path / "cache")
    made = probe(copy)
    assert made.video is not None and made.video.codec == "h264"
    assert made.video.pix_fmt == "yuv420p"
    assert [a.codec for a in made.audio] == ["aac"]
    # the picture a viewer sees keeps its shape (rotation applied once, not lost)
    assert (made.video.display_width, made.video.display_height) == (
        found.video.display_width, found.video.display_height)  # type: ignore[union-attr]
    assert abs(float(made.duration) - float(found.duration)) < 0.1
    again = playable(source, tmp_path / "cache", SubprocessRunner())
    assert again == copy and again.stat().st_mtime_ns == copy.stat().st_mtime_ns  # made once
    assert not list(copy.parent.glob(".*part*"))


def test_h264_in_matroska_is_remuxed_not_reencoded(tmp_path: Path) -> None:
    source = _clip(tmp_path / "cam.mkv", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                   "-c:a", "aac")
    copy = playable(source, tmp_path / "cache", SubprocessRunner())
    assert copy.suffix == ".mp4" and probe(copy).video.codec == "h264"  # type: ignore[union-attr]
    # a remux keeps the very same coded frames: the same size, give or take the container
    assert abs(copy.stat().st_size - source.stat().st_size) < 0.1 * source.stat().st_size


def test_a_changed_source_gets_a_new_copy(tmp_path: Path) -> None:
    source = _clip(tmp_path / "a.mkv", "-c:v", "mpeg2video", "-c:a", "mp2")
    first = playable(source, tmp_path / "cache", SubprocessRunner())
    _clip(source, "-c:v", "mpeg2video", "-c:a", "mp2", size="160x90")
    second = playable(source, tmp_path / "cache", SubprocessRunner())
    assert second != first and probe(second).video.coded_width == 160  # type: ignore[union-attr]


def test_a_real_mpeg1_clip_nobody_here_made_gets_a_browser_copy(tmp_path: Path,
                                                                shared_media: Path) -> None:
    source = shared_media / "grid" / "bbaf2n.mpg"
    copy = playable(source, tmp_path / "cache", SubprocessRunner())
    made = probe(copy)
    assert made.video is not None and made.video.codec == "h264"
    assert abs(float(made.duration) - float(probe(source).duration)) < 0.2
