"""Audio and picture measures on generated clips whose properties are known by construction.

Audio: the speech clip's pauses (tests/media.py speech_intervals), the -20 dBFS tone's
loudness (about -20.7 LUFS), a burst 20 dB above a steady tone (a peak), white noise (an
applause candidate), voiced "ha" bursts at 5 Hz (a laughter candidate). Picture: a testsrc2
clip with a black stretch, a frozen stretch, a blurred stretch and a dark stretch at known
times, and a still picture shaken, then panned.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

import media
from coulisses.analysis.audio import AudioAnalyzer
from coulisses.analysis.model import AudioMeasures, PictureMeasures, Span
from coulisses.analysis.picture import PictureAnalyzer
from coulisses.analysis.run import Source
from coulisses.media.probe import probe
from coulisses.settings import Settings

ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
# the picture clip: 13 s of testsrc2 at 25 fps with these stretches (seconds)
BLACK, FROZEN, BLURRED, DARK = (1.5, 2.1), (3.0, 4.52), (5.5, 7.0), (8.0, 9.5)


def audio_of(path: Path) -> AudioMeasures:
    return AudioAnalyzer(Settings()).analyze(Source(probe(path), Settings(), lambda f: None))


def picture_of(path: Path) -> PictureMeasures:
    return PictureAnalyzer(Settings()).analyze(Source(probe(path), Settings(), lambda f: None))


def near(span: Span, start: float, end: float, tolerance: float) -> bool:
    return abs(span.start - start) <= tolerance and abs(span.end - end) <= tolerance


def with_video(media_dir: Path, name: str, audio_source: str, seconds: float) -> Path:
    """A small clip: a flat grey picture and the given lavfi audio, AAC 48 kHz."""
    path = media_dir / name
    media.ffmpeg("-f", "lavfi", "-i", f"color=c=gray:s=160x90:r=10:d={seconds}",
                 "-f", "lavfi", "-i", audio_source, "-map", "0:v", "-map", "1:a", *ENCODE,
                 "-c:a", "aac", "-b:a", "96k", "-shortest", path)
    return path


# --- audio ----------------------------------------------------------------------------------


def test_silences_are_the_pauses_between_phrases(speech_clip: Path) -> None:
    measures = audio_of(speech_clip)
    voiced = media.speech_intervals(4.0)
    pauses = [(a[1], b[0]) for a, b in pairwise(voiced)]
    assert len(measures.silences) == len(pauses), measures.silences
    for span, (start, end) in zip(measures.silences, pauses, strict=True):
        assert near(span, start, end, 0.03), (span, start, end)
    assert measures.laughter == () and measures.applause == ()


def test_loudness_of_the_tone(landscape_clip: Path) -> None:
    measures = audio_of(landscape_clip)
    values = [v for _, v in measures.loudness]
    assert len(values) >= 10
    assert all(v == pytest.approx(-20.7, abs=0.5) for v in values[1:-1]), values
    assert measures.silences == () and measures.peaks == ()


def test_no_audio_stream_gives_empty_measures(silent_clip: Path) -> None:
    assert audio_of(silent_clip) == AudioMeasures()


def test_a_sudden_burst_is_a_peak(media_dir: Path) -> None:
    # a 440 Hz tone at -30 dBFS, 20 dB louder from 3.0 to 3.3 s
    path = with_video(media_dir, "audio_burst.mp4", "aevalsrc=exprs='0.03*sin(2*PI*440*t)"
                      "*(1+9*between(t,3,3.3))':sample_rate=48000:duration=6", 6)
    peaks = audio_of(path).peaks
    assert len(peaks) == 1 and 2.9 <= peaks[0] <= 3.5, peaks


def test_sustained_noise_is_an_applause_candidate(media_dir: Path) -> None:
    # white noise from 1 to 3 s between stretches of a plain tone
    path = media_dir / "audio_noise.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:r=10:d=4",
                 "-f", "lavfi", "-i", "aevalsrc=exprs='0.1*sin(2*PI*440*t)*(lt(t,1)+gt(t,3))'"
                 ":sample_rate=48000:duration=4",
                 "-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.2:sample_rate=48000"
                 ":duration=4",
                 "-filter_complex", "[2:a]volume='between(t,1,3)':eval=frame[n];"
                 "[1:a][n]amix=inputs=2:normalize=0[a]",
                 "-map", "0:v", "-map", "[a]", *ENCODE, "-c:a", "aac", path)
    measures = audio_of(path)
    assert len(measures.applause) == 1 and near(measures.applause[0], 1.0, 3.0, 0.15)
    assert measures.laughter == ()


def test_rhythmic_voiced_bursts_are_a_laughter_candidate(media_dir: Path) -> None:
    # "ha" bursts: a 220 Hz voice with breath noise, 5 bursts a second, from 1 to 3 s
    voice = ("(0.5*sin(2*PI*220*t)+0.3*sin(2*PI*440*t)+0.2*sin(2*PI*660*t)"
             "+0.05*(random(0)*2-1))*pow(max(0,sin(2*PI*5*t)),3)*between(t,1,3)*0.5")
    path = with_video(media_dir, "audio_laugh.mp4",
                      f"aevalsrc=exprs='{voice}':sample_rate=48000:duration=4", 4)
    measures = audio_of(path)
    assert len(measures.laughter) == 1, measures.laughter
    span = measures.laughter[0]
    assert span.start >= 1.0 - 0.05 and span.end <= 3.0 + 0.05 and span.duration >= 1.0
    assert measures.applause == ()


# --- picture --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def picture_clip(media_dir: Path) -> Path:
    path = media_dir / "picture.mp4"
    # frames 75-112 (3.0-4.48 s) repeat frame 75; the stretches below are drawn over testsrc2
    graph = ("[0:v]split[a][b];[a][b]freezeframes=first=75:last=112:replace=75,"
             f"drawbox=c=black:t=fill:enable='between(t,{BLACK[0]},{BLACK[1] - 0.02})',"
             f"gblur=sigma=6:enable='between(t,{BLURRED[0]},{BLURRED[1] - 0.02})',"
             "eq=brightness=-0.35:contrast=0.4"
             f":enable='between(t,{DARK[0]},{DARK[1] - 0.02})'")
    media.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=13",
                 "-filter_complex", graph, *ENCODE, path)
    return path


def test_black_frozen_blurry_and_dark_stretches(picture_clip: Path) -> None:
    measures = picture_of(picture_clip)
    assert len(measures.black) == 1 and near(measures.black[0], *BLACK, 0.2), measures.black
    assert len(measures.frozen) == 1 and near(measures.frozen[0], *FROZEN, 0.4), measures.frozen
    assert len(measures.blurry) == 1 and near(measures.blurry[0], *BLURRED, 0.2), measures.blurry
    assert len(measures.dark) == 1 and near(measures.dark[0], *DARK, 0.2), measures.dark
    assert measures.shaky == ()


def test_samples_every_half_second(picture_clip: Path) -> None:
    samples = picture_of(picture_clip).samples
    assert [s.t for s in samples] == [k * 0.5 for k in range(26)]
    black = [s for s in samples if BLACK[0] <= s.t < BLACK[1] - 0.5]
    assert black and all(s.brightness < 16 and s.sharpness < 1 for s in black)
    lit = [s for s in samples if s.t < 1.0]
    assert all(s.brightness > 100 and s.sharpness > 100 and s.motion > 1 for s in lit)


@pytest.mark.parametrize(("crop", "shaky"), [
    ("crop=320:180:'160+12*sin(n*2.1)':'90+8*cos(n*1.7)'", True),  # jerked around each frame
    ("crop=320:180:'20+t*70':90", False),  # a steady pan
])
def test_shaky_is_motion_back_and_forth(media_dir: Path, crop: str, shaky: bool) -> None:
    path = media_dir / f"picture_{'shaky' if shaky else 'pan'}.mp4"
    still = ("mandelbrot=s=640x360:r=25,trim=end_frame=1,loop=loop=-1:size=1,"
             "setpts=N/25/TB,trim=duration=4")
    media.ffmpeg("-f", "lavfi", "-i", still, "-vf", crop, *ENCODE, path)
    measures = picture_of(path)
    if shaky:
        assert len(measures.shaky) == 1 and measures.shaky[0].duration >= 3.5, measures.shaky
    else:
        assert measures.shaky == ()
