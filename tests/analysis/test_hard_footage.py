"""Footage that is hard to analyse gets a sensible result, never a crash: silent video, a face
that never speaks, speech with no face, very dark footage, burned-in subtitles, ten people on
screen, and a language the model is unsure of. Each input is built here from real footage
(``../shared/media``: GRID faces and voices, JFK's speech) with ffmpeg; the 2-hour file is in
``bench/bench_analysis_memory.py`` and the windows in ``test_speech_windows.py``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import media
from clirun import run_cli
from coulisses.analysis.faces import FaceAnalyzer
from coulisses.analysis.model import Analysis
from coulisses.analysis.moments import find_moments
from coulisses.analysis.picture import PictureAnalyzer
from coulisses.analysis.run import analyze
from coulisses.analysis.shots import ShotAnalyzer
from coulisses.analysis.speech import LOW_LANGUAGE_PROBABILITY, SpeechAnalyzer
from coulisses.render.captions import font_dir
from coulisses.render.reframe import reframe
from coulisses.settings import Settings

ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
DARK = "eq=brightness=-0.32:contrast=0.45"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(cache_dir=tmp_path_factory.mktemp("bad-input-cache"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-input")


def _analyze(path: Path, settings: Settings, *names: str) -> Analysis:
    every = {"shots": ShotAnalyzer, "transcript": SpeechAnalyzer, "faces": FaceAnalyzer,
             "picture": PictureAnalyzer}
    from coulisses.analysis.audio import AudioAnalyzer

    every["audio"] = AudioAnalyzer
    chosen = [every[n](settings) for n in names or every]
    return analyze(path, settings, chosen)


@pytest.fixture(scope="module")
def silent_faces(folder: Path, shared_media: Path) -> Path:
    """Two GRID speakers one after the other (a cut at 3.0 s), the second very dark, over a
    digitally silent sound track: faces that never speak."""
    grid = shared_media / "grid"
    path = folder / "silent-faces.mp4"
    media.ffmpeg("-i", grid / "swwp2s.mpg", "-i", grid / "lrwp9a.mpg", "-f", "lavfi", "-i",
                 "anullsrc=r=48000:cl=stereo", "-filter_complex",
                 f"[0:v]trim=0:3,setpts=PTS-STARTPTS[a];[1:v]trim=0:3,setpts=PTS-STARTPTS,"
                 f"{DARK}[b];[a][b]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
                 "-t", "6", *ENCODE, "-c:a", "aac", path)
    return path


def test_silent_video_with_faces_gives_no_words_and_moments_by_other_signals(
        silent_faces: Path, settings: Settings) -> None:
    result = _analyze(silent_faces, settings)
    assert result.transcript is not None and result.transcript.words == ()
    assert result.transcript.language == "" and result.transcript.warnings == ()
    assert result.shots is not None and [round(s.start, 1) for s in result.shots] == [0.0, 3.0]
    assert result.faces, "the faces are still found"
    assert all(track.speaking == () for track in result.faces)  # nobody speaks in silence
    assert result.audio is not None and result.audio.silences  # the silence is measured
    assert result.picture is not None and result.picture.dark
    moments = find_moments(result, "episode")
    assert [(m.start, m.end) for m in moments] == [(0.0, 3.0), (3.0, 6.0)]
    assert moments[0].scores["speech"] == 0.0 and moments[0].scores["faces"] == 1.0
    assert moments[0].score > moments[1].score  # the clean shot beats the dark one
    assert "clean picture" in moments[0].reason


def test_very_dark_footage_is_flagged_and_still_analysed(silent_faces: Path,
                                                         settings: Settings) -> None:
    result = _analyze(silent_faces, settings, "picture", "faces")
    assert result.picture is not None
    dark = result.picture.dark
    assert len(dark) == 1 and dark[0].start == pytest.approx(3.0, abs=0.3)
    assert dark[0].end == pytest.approx(6.0, abs=0.3)
    assert result.picture.black == ()  # dark, not black
    brightness = [s.brightness for s in result.picture.samples]
    assert max(brightness[-4:]) < 40 < min(brightness[:4])
    assert result.faces is not None  # analysed, not crashed (the dark face may be missed)


@pytest.fixture(scope="module")
def speech_without_face(folder: Path, shared_media: Path) -> Path:
    """JFK's sentence (11 s) over a test pattern: speech and no face at all."""
    path = folder / "speech-no-face.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=10:d=11",
                 "-i", shared_media / "speech" / "jfk.flac", "-map", "0:v", "-map", "1:a",
                 "-shortest", *ENCODE, "-c:a", "aac", path)
    return path


@pytest.mark.slow
def test_speech_with_no_face_is_transcribed_and_the_crop_stays_centred(
        speech_without_face: Path, settings: Settings) -> None:
    result = _analyze(speech_without_face, settings, "transcript", "faces", "shots")
    assert result.faces == ()
    assert result.transcript is not None and len(result.transcript.words) >= 20
    decision = reframe(result.faces, [], 0.0, result.duration, result.width, result.height,
                       1080, 1920)
    assert decision.fit == "fill" and decision.path is None
    assert decision.reasons == ["no face: centred"]
    moments = find_moments(result, "episode", max_len=20.0)
    assert moments and moments[0].scores["faces"] == 0.0 and moments[0].scores["speech"] > 0.5


@pytest.fixture(scope="module")
def subtitled(folder: Path, shared_media: Path) -> Path:
    """Two GRID clips joined by a hard cut at 3.0 s, with burned-in subtitles that change at
    0.8, 1.6, 2.4, 3.6, 4.4 and 5.2 s (white text on a dark bar, bottom of the frame)."""
    fonts = font_dir()
    if fonts is None:
        pytest.skip("no DejaVu Sans Bold font to burn subtitles with")
    font = (fonts / "DejaVuSans-Bold.ttf").as_posix().replace(":", r"\:")
    lines = ["Bin blue at F two now", "said the speaker", "to the camera", "then cut to",
             "another speaker", "lay red with P nine", "again and again"]
    draws = ",".join(
        f"drawtext=fontfile='{font}':text='{text}':fontsize=22:fontcolor=white:box=1:"
        f"boxcolor=black@0.6:x=(w-tw)/2:y=h-40:enable='between(t,{0.8 * i:.1f},"
        f"{0.8 * (i + 1) - 0.01:.2f})'"
        for i, text in enumerate(lines))
    grid = shared_media / "grid"
    path = folder / "subtitled.mp4"
    media.ffmpeg("-i", grid / "bbaf2n.mpg", "-i", grid / "lrwp9a.mpg", "-filter_complex",
                 "[0:v]trim=0:3,setpts=PTS-STARTPTS[a];[1:v]trim=0:3,setpts=PTS-STARTPTS[b];"
                 f"[a][b]concat=n=2:v=1:a=0,{draws}[v]", "-map", "[v]", *ENCODE, path)
    return path


def test_burned_in_subtitles_make_no_false_cuts(subtitled: Path, settings: Settings) -> None:
    result = _analyze(subtitled, settings, "shots")
    assert result.shots is not None
    assert [round(s.start, 2) for s in result.shots] == [0.0, 3.0], result.shots
    assert result.shots[1].transition == "cut"


@pytest.fixture(scope="module")
def ten_people(folder: Path, shared_media: Path) -> Path:
    """Ten GRID speakers tiled 5 x 2 (each the 200x200 face crop of its clip), 3 s, with the
    first clip's voice: ten frontal faces on screen at once."""
    clips = sorted((shared_media / "grid").glob("*.mpg"))[:10]
    assert len(clips) == 10
    inputs: list[str | Path] = []
    for clip in clips:
        inputs += ["-i", clip]
    crops = ";".join(f"[{i}:v]crop=200:200:80:40,trim=0:3,setpts=PTS-STARTPTS[c{i}]"
                     for i in range(10))
    layout = "|".join(f"{200 * (i % 5)}_{200 * (i // 5)}" for i in range(10))
    path = folder / "ten-people.mp4"
    media.ffmpeg(*inputs, "-filter_complex",
                 f"{crops};{''.join(f'[c{i}]' for i in range(10))}xstack=inputs=10:"
                 f"layout={layout}[v]", "-map", "[v]", "-map", "0:a", "-t", "3", *ENCODE,
                 "-c:a", "aac", path)
    return path


def test_ten_people_are_tracked_and_the_vertical_cut_fits_them_instead_of_jittering(
        ten_people: Path, settings: Settings) -> None:
    result = _analyze(ten_people, settings, "faces", "shots")
    assert result.faces is not None and len(result.faces) >= 8, len(result.faces or ())
    assert (result.width, result.height) == (1000, 400)
    for track in result.faces:
        assert len(track.boxes) >= 10  # each face is followed over the 3 s, not flickering
    decision = reframe(result.faces, [(s.start, s.end) for s in result.shots or ()], 0.0,
                       result.duration, result.width, result.height, 1080, 1920)
    assert decision.fit == "blur" and decision.path is None, decision.reasons
    assert "faces share the frame (a group shot)" in decision.reasons[0]


def test_an_unsure_language_is_reported_and_forcing_it_works(
        shared_media: Path, settings: Settings, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GRID bbaf2n ("bin blue at f two now"): whisper base hears English with p = 0.27."""
    clip = shared_media / "grid" / "bbaf2n.mpg"
    detected = _analyze(clip, settings, "transcript").transcript
    assert detected is not None and detected.language == "en"
    assert detected.language_probability < LOW_LANGUAGE_PROBABILITY
    assert len(detected.warnings) == 1 and "--language" in detected.warnings[0]
    assert f"{detected.language_probability:.2f}" in detected.warnings[0]
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(settings.cache_dir))
    run = run_cli(capsys, "transcribe", clip, "--format", "json", "--language", "en")
    assert run.rc == 0, run.err
    forced = json.loads(run.out)
    assert forced["language"] == "en" and forced["language_probability"] == 1.0
    assert [w["text"] for w in forced["words"]]


def test_analyze_can_force_the_language_and_prints_the_warning(
        shared_media: Path, settings: Settings, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``coulisses analyze`` says when the language is unsure, and ``--language`` settles it."""
    clip = shared_media / "grid" / "bbaf2n.mpg"
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(settings.cache_dir))
    monkeypatch.setenv("COULISSES_WHISPER_MODEL", settings.whisper_model)
    unsure = run_cli(capsys, "analyze", clip, "--only", "transcript")
    assert unsure.rc == 0, unsure.err
    assert "warning:" in unsure.out and "--language" in unsure.out
    forced = run_cli(capsys, "analyze", clip, "--only", "transcript", "--language", "en",
                     "--json")
    assert forced.rc == 0, forced.err
    transcript = json.loads(forced.out)["transcript"]
    assert transcript["language"] == "en" and transcript["language_probability"] == 1.0
    assert transcript["warnings"] == []
