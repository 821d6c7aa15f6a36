"""Loudness lands on target on any source: each audio class is cut and its output file measured;
noise-only sources stay quiet and say so; the gain decisions are checked on hand-computed cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import media
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.render import loudness
from coulisses.render.cut import cut
from coulisses.render.loudness import (
    MAX_GAIN_DB,
    MAX_STEP_DB,
    momentary_spread,
    next_ceiling,
    next_gain,
    noise_only_reason,
)
from coulisses.render.plan import CutOptions, Loudness

DRAFT = CutOptions(preset="draft")
TARGET = -14.0
CEILING = -1.0  # every platform here: -14 LUFS, -1 dBTP


# --- pure decisions ------------------------------------------------------------------------

def test_one_pass_adds_the_shortfall() -> None:
    # gain +10 dB measured -15.5 LUFS: 1.5 LU short, so +11.5
    assert next_gain([(10.0, -15.5)], TARGET) == 11.5
    # too loud: a plain gain of 5 dB landed at -12, so 3 dB
    assert next_gain([(5.0, -12.0)], TARGET) == 3.0


def test_two_passes_take_a_secant_step() -> None:
    # +10 -> -16, +12 -> -15: the limiter gives 0.5 LU per dB, 1 LU short -> 2 dB more
    assert next_gain([(10.0, -16.0), (12.0, -15.0)], TARGET) == 14.0
    # the slope never counts as more than 1 dB per dB: 1 LU short -> 1 dB more
    assert next_gain([(10.0, -17.0), (11.0, -15.0)], TARGET) == 12.0


def test_a_limiter_shortfall_is_made_up_in_three_passes() -> None:
    """A chain that follows the gain up to +10 dB, then gives 0.4 LU per dB (the limiter):
    -14 LUFS needs +25 dB, against the plain +16 dB."""

    def chain(gain: float) -> float:
        return -30 + gain if gain <= 10 else -20 + 0.4 * (gain - 10)

    history = [(16.0, chain(16.0))]  # -17.6: 3.6 LU short
    history.append((next_gain(history, TARGET), 0.0))
    assert history[-1][0] == 19.6
    history[-1] = (19.6, chain(19.6))  # -16.16: the secant sees 0.4 LU per dB
    assert next_gain(history, TARGET) == 25.0
    assert abs(chain(25.0) - TARGET) < 1e-9


def test_a_flat_limiter_is_bounded_per_step_and_overall() -> None:
    # 0.1 LU for 2 dB reads as slope 0.05, floored at 0.1: 19 dB wanted, MAX_STEP_DB given
    assert next_gain([(10.0, -16.0), (12.0, -15.9)], TARGET) == 12.0 + MAX_STEP_DB
    assert next_gain([(45.0, -20.0)], TARGET) == MAX_GAIN_DB


def test_the_ceiling_drops_by_the_encoders_overshoot() -> None:
    # limiter at -1.5, the AAC file peaks at -0.8: 0.3 dB over -1.1 (limit less the guard),
    # then 0.1 dB more
    assert next_ceiling(-1.5, -0.8, -1.0) == -1.9


def test_momentary_spread_uses_the_range_gates() -> None:
    # -75 is under the absolute gate, -52 is 22 LU under the integrated -30: both out.
    # Left: 20 values -40..-21; 10th percentile -39 (2nd), 95th -22 (19th)
    values = [-75.0, -52.0, *[float(v) for v in range(-40, -20)]]
    assert momentary_spread(values, -30.0) == 17.0
    assert momentary_spread([-80.0, -75.0], -30.0) is None


def _m(i: float, tp: float, spread: float | None) -> Loudness:
    return Loudness(input_i=i, input_tp=tp, input_lra=0.0, input_thresh=i - 10,
                    momentary_spread_lu=spread)


def test_noise_only_needs_quiet_steady_noise_without_words() -> None:
    room = _m(-55.0, -45.0, 0.5)
    reason = noise_only_reason(room, None)
    assert "-55 LUFS" in reason and "speech not analysed" in reason
    assert "no speech recognised" in noise_only_reason(room, 0)
    assert noise_only_reason(room, 3) == ""  # words were heard: bring them up
    assert noise_only_reason(_m(-55.0, -45.0, 9.0), None) == ""  # a level that comes and goes
    assert noise_only_reason(_m(-50.7, -50.0, 0.0), None) == ""  # a steady tone, not noise
    assert noise_only_reason(_m(-42.0, -22.5, 1.0), None) == ""  # quiet, not near silent
    assert noise_only_reason(_m(-65.0, -55.0, 0.5), None) == ""  # silence has its own path
    assert noise_only_reason(_m(-55.0, -45.0, None), None) == ""  # too short to tell


# --- real cuts, measured on the output files ---------------------------------------------

def _check_on_target(result, platforms: int) -> None:  # type: ignore[no-untyped-def]
    assert len(result.variants) == platforms
    failures = {v.platform: v.qc.reasons for v in result.variants if not v.qc.passed}
    assert not failures, failures
    for v in result.variants:
        out = loudness.verify(SubprocessRunner(), v.video)
        assert abs(out.integrated_lufs - TARGET) <= 0.5, (v.platform, out)
        assert out.true_peak_dbtp <= CEILING, (v.platform, out)


@pytest.mark.parametrize("kind", ["voice_clap", "music_speech"])
def test_generated_classes_land_on_target(kind: str, tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / f"{kind}.mp4", audio=kind, duration=4.0)
    # tiktok encodes AAC at 192 kb/s, instagram-feed at 128: each chain is corrected
    result = cut(clip, "tiktok,instagram-feed", tmp_path / "out", options=DRAFT)
    _check_on_target(result, 2)


def test_quiet_voice_with_a_clap_needs_make_up_gain(tmp_path: Path) -> None:
    """The clap's peaks push the limiter hard: without make-up the voice lands far short."""
    clip = media.make_clip(tmp_path / "clap.mp4", audio="voice_clap", duration=4.0)
    result = cut(clip, "tiktok", tmp_path / "out", options=DRAFT)
    _check_on_target(result, 1)
    m = result.plan.loudness
    assert m is not None and len(m.makeup) == 1
    found = m.makeup[0]
    assert found.limit and found.converged and found.passes <= loudness.MAX_PASSES
    assert found.gain_db > TARGET - m.input_i + 3  # at least 3 dB given back
    assert "make-up" in result.summary.read_text()


def test_room_tone_is_left_quiet_and_reported(tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / "room.mp4", audio="room_tone", duration=4.0)
    result = cut(clip, "tiktok,youtube", tmp_path / "out", options=DRAFT)
    source = result.plan.loudness
    assert source is not None and source.noise_only and not source.makeup
    for v in result.variants:
        assert v.qc.passed, v.qc.reasons
        out = loudness.verify(SubprocessRunner(), v.video)
        assert abs(out.integrated_lufs - source.input_i) <= 1.0  # not boosted
        check = next(c for c in v.qc.checks if c.name == "loudness")
        assert check.passed and "left quiet" in check.actual
    text = result.summary.read_text()
    assert "noise or room tone only" in text and "not boosted" in text
    report = json.loads(result.report.read_text())
    assert "steady level" in report["loudness_source"]["noise_only"]


def test_a_second_run_reuses_the_measured_chains(tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / "clap.mp4", audio="voice_clap", duration=3.0)
    first = cut(clip, "tiktok", tmp_path / "out", options=DRAFT)
    assert first.plan.loudness is not None and first.plan.loudness.makeup
    (tmp_path / "out" / first.variants[0].video.name).unlink()
    labels: list[str] = []

    class Counting(SubprocessRunner):
        def run(self, command, progress=None):  # type: ignore[no-untyped-def]
            labels.append(command.label)
            return super().run(command, progress)

    again = cut(clip, "tiktok", tmp_path / "out", options=DRAFT, runner=Counting())
    assert "loudness pass" not in labels and "loudness" not in labels
    assert again.plan.loudness == first.plan.loudness


# --- real recordings (../shared/media/sound) ---------------------------------------------

@pytest.mark.parametrize(("name", "start"), [
    ("laugh1.mp3", 0.0),  # laughter clipped at full scale
    ("apollo11.mp3", 30.0),  # radio speech, -24.7 LUFS with peaks at -4.7 dBFS
    ("gloria.mp3", 5.0),  # a very quiet source, -42 LUFS
])
def test_real_recordings_land_on_target(name: str, start: float, shared_media: Path,
                                        tmp_path: Path) -> None:
    rush = media.make_rush(tmp_path / f"{Path(name).stem}.mp4", shared_media / "sound" / name,
                           start=start, duration=4.0)
    result = cut(rush, "tiktok,instagram-feed", tmp_path / "out", options=DRAFT)
    _check_on_target(result, 2)
