"""Real footage: every file in ../shared/media cuts to every platform and passes its own QC.

The files (see ../shared/media/README.md) were recorded by other people: MPEG-1 speech clips
(GRID), silent 640x480 sign-language clips (ASL), a 139 s 10 fps room camera (people), Blender
film excerpts (film) and audio-only speech (speech). Each video file is cut to ALL platforms in
one render with the draft preset (half-size canvases, x264 ultrafast: QC knows draft canvases
are half size), ``extend`` (GRID and ASL clips are shorter than the 3 s minimum of several
platforms) and ``trim`` (the people clip is longer than the 60 s and 90 s maxima). One GRID clip
is also cut with the final preset, burned captions and editors' timelines. Audio-only files must
be refused with a clear ``NoVideoError``.

The whole module is ``slow``; it skips when ../shared/media is absent.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from coulisses.errors import DurationError, NoVideoError
from coulisses.platforms.registry import Registry
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions
from coulisses.render.result import CutResult
from coulisses.render.timeline import read_timeline

pytestmark = pytest.mark.slow

SHARED_MEDIA = Path(__file__).resolve().parents[1].parent / "shared" / "media"
VIDEO_SUFFIXES = frozenset({".mpg", ".mpeg", ".mkv", ".mp4", ".mov", ".webm", ".avi", ".m4v"})
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".aiff", ".aif", ".mp3", ".m4a", ".ogg", ".opus"})
TEXT_SUFFIXES = frozenset({".tsv", ".md", ".align", ".txt"})
ALL_PLATFORMS = list(Registry.load())  # sorted ids of the built-in platforms (11)
DRAFT_EVERYTHING = CutOptions(preset="draft", extend=True, trim=True)
FINAL_PLATFORMS = ["tiktok", "instagram-feed", "linkedin", "youtube"]
FINAL_CLIP = "grid/swwp2s.mpg"  # the GRID clip with a word alignment (swwp2s.align)
PEOPLE = "people/one-by-one-person-detection.mp4"


def _files(suffixes: frozenset[str]) -> list[str]:
    """Paths relative to the shared folder, for readable test ids (empty when it is absent)."""
    if not SHARED_MEDIA.is_dir():
        return []
    return sorted(p.relative_to(SHARED_MEDIA).as_posix() for p in SHARED_MEDIA.rglob("*")
                  if p.is_file() and p.suffix.lower() in suffixes)


def _params(names: list[str]) -> list[object]:
    # with the folder absent, one placeholder case lets the shared_media fixture skip with its
    # reason instead of pytest's bare "empty parameter set"
    return names or [pytest.param("absent", id="shared-media-absent")]


VIDEOS = _files(VIDEO_SUFFIXES)
AUDIO = _files(AUDIO_SUFFIXES)


def _failures(result: CutResult) -> str:
    """One line per failed check, named by platform; empty when every variant passed."""
    return "\n".join(f"  {v.platform}: {reason}" for v in result.variants if not v.qc.passed
                     for reason in v.qc.reasons)


def _assert_all_passed(rel: str, result: CutResult) -> None:
    failed = [v.platform for v in result.variants if not v.qc.passed]
    assert not failed, (f"{rel}: {len(failed)} of {len(result.variants)} variants fail QC "
                        f"({', '.join(failed)}):\n{_failures(result)}")


def _start_offset(path: Path) -> float:
    """Seconds by which the first video sample starts after the first audio sample, as a
    player that ignores edit lists reads them (outputs are written without edit lists)."""
    with av.open(str(path)) as container:
        starts = {}
        for stream in container.streams:
            if stream.type in ("video", "audio") and stream.type not in starts:
                starts[stream.type] = float((stream.start_time or 0) * stream.time_base)
    return starts["video"] - starts["audio"]


def test_every_shared_file_is_covered(shared_media: Path) -> None:
    """A file added to the shared folder must land in one of the suites below."""
    known = VIDEO_SUFFIXES | AUDIO_SUFFIXES | TEXT_SUFFIXES
    unknown = sorted(p.relative_to(shared_media).as_posix() for p in shared_media.rglob("*")
                     if p.is_file() and p.suffix.lower() not in known)
    assert not unknown, f"files no real-media test covers: {unknown}"
    assert VIDEOS and AUDIO


@pytest.mark.parametrize("rel", _params(VIDEOS))
def test_cuts_to_every_platform_and_passes_qc(rel: str, shared_media: Path,
                                              tmp_path: Path) -> None:
    source = shared_media / rel
    result = cut(source, ALL_PLATFORMS, tmp_path / "out", options=DRAFT_EVERYTHING)

    assert [v.platform for v in result.variants] == ALL_PLATFORMS
    _assert_all_passed(rel, result)
    registry = Registry.load()
    for planned, variant in zip(result.plan.variants, result.variants, strict=True):
        spec = registry[planned.platform]
        assert variant.video.is_file() and variant.cover.is_file()
        # the plan itself fits the platform: extend and trim did their job
        assert spec.duration.min_seconds - 0.001 <= planned.duration \
            <= spec.duration.max_seconds + 0.001, planned.platform
        if planned.hold > 0:
            assert any("extended" in n for n in variant.notes), (planned.platform, variant.notes)
        if planned.duration < result.plan.duration:
            assert any("trimmed" in n for n in variant.notes), (planned.platform, variant.notes)
    assert result.report.is_file() and result.contact_sheet.is_file()
    # lip sync: QC does not check it; B-frame reordering without an edit list used to start
    # the picture two frames after the sound
    late = {v.platform: round(_start_offset(v.video) * 1000) for v in result.variants}
    half_frame = {p.platform: 500 / float(p.frame_rate) for p in result.plan.variants}
    out_of_sync = {k: ms for k, ms in late.items() if abs(ms) > half_frame[k]}
    assert not out_of_sync, f"{rel}: video starts this many ms after audio: {out_of_sync}"


def test_short_clips_are_refused_without_extend(shared_media: Path, tmp_path: Path) -> None:
    """A 3 s GRID clip (2.98 s of video) is shorter than TikTok's 3 s minimum."""
    out = tmp_path / "out"
    with pytest.raises(DurationError) as info:
        cut(shared_media / "grid" / "bbaf2n.mpg", ["youtube", "tiktok"], out,
            options=CutOptions(preset="draft"))
    assert info.value.platform == "tiktok"
    assert "--extend" in (info.value.hint or "")
    assert not out.exists()  # refused before anything was written


def test_long_clip_is_refused_without_trim(shared_media: Path, tmp_path: Path) -> None:
    """139 s does not fit Instagram's 60 s feed limit unless --trim is given."""
    out = tmp_path / "out"
    with pytest.raises(DurationError) as info:
        cut(shared_media / PEOPLE, ["x", "instagram-feed"], out,
            options=CutOptions(preset="draft"))
    assert info.value.platform == "instagram-feed"
    assert "60" in info.value.message and "--trim" in (info.value.hint or "")
    assert not out.exists()


@pytest.mark.parametrize("rel", _params(AUDIO))
def test_audio_only_files_are_refused_clearly(rel: str, shared_media: Path,
                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(NoVideoError) as info:
        cut(shared_media / rel, ALL_PLATFORMS, out, options=DRAFT_EVERYTHING)
    assert Path(rel).name in info.value.message and "audio-only" in info.value.message
    assert info.value.exit_code == 3
    assert not out.exists()


def _align_cues(align: Path) -> list[tuple[Fraction, Fraction, str]]:
    """Two caption cues from a GRID word alignment (times in 1/1000 frame at 25 fps)."""
    words = []
    for line in align.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            start, end, word = line.split()
            if word != "sil":
                words.append((Fraction(int(start), 25_000), Fraction(int(end), 25_000), word))
    half = len(words) // 2
    return [(group[0][0], group[-1][1], " ".join(w for _, _, w in group))
            for group in (words[:half], words[half:])]


def _srt_time(t: Fraction) -> str:
    ms = round(t * 1000)
    return f"00:00:{ms // 1000:02d},{ms % 1000:03d}"


def test_final_cut_with_captions_and_timelines(shared_media: Path, tmp_path: Path) -> None:
    source = shared_media / FINAL_CLIP
    cues = _align_cues(source.with_suffix(".align"))
    assert len(cues) == 2
    srt = tmp_path / "captions.srt"
    srt.write_text("\n".join(f"{i}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n"
                             for i, (a, b, text) in enumerate(cues, 1)), encoding="utf-8")

    result = cut(source, FINAL_PLATFORMS, tmp_path / "out",
                 options=CutOptions(preset="final", extend=True), captions=srt,
                 timeline_formats=["otio", "edl", "fcp7xml"])

    assert [v.platform for v in result.variants] == FINAL_PLATFORMS
    _assert_all_passed(FINAL_CLIP, result)
    registry = Registry.load()
    for planned, variant in zip(result.plan.variants, result.variants, strict=True):
        spec = registry[planned.platform]
        assert (variant.qc.measured["width"], variant.qc.measured["height"]) == (
            spec.canvas.width, spec.canvas.height)  # final: full-size canvas
        # sidecars: both written, the platform's kind returned, every spoken word in them
        assert variant.sidecar is not None
        assert variant.sidecar.suffix == f".{spec.captions.sidecar}"
        srt_text = variant.video.with_suffix(".srt").read_text(encoding="utf-8")
        vtt_text = variant.video.with_suffix(".vtt").read_text(encoding="utf-8")
        assert vtt_text.startswith("WEBVTT")
        for _, _, text in cues:
            for word in text.split():
                assert word in srt_text.split() and word in vtt_text.split(), (
                    planned.platform, word)
        # timelines: one clip of the span on the video track, read back through OTIO
        assert sorted(t.suffix for t in variant.timelines) == [".edl", ".otio", ".xml"]
        rate = float(planned.frame_rate)
        frame = 1 / rate
        want_start = float(result.plan.start)
        want_duration = float(min(planned.duration, result.plan.duration))
        for path in variant.timelines:
            assert path.is_file() and path.parent == result.out_dir
            timeline = read_timeline(path, rate=rate)
            clips = [c for track in timeline.video_tracks() for c in track.find_clips()]
            assert len(clips) == 1, (path.name, len(clips))
            span = clips[0].source_range
            assert clips[0].name == source.name, path.name
            assert abs(span.start_time.to_seconds() - want_start) <= frame / 2, path.name
            assert abs(span.duration.to_seconds() - want_duration) <= frame, (
                path.name, span.duration.to_seconds(), want_duration)
