"""The ffmpeg command is data: compared with golden files, and a moving crop renders."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from fractions import Fraction
from pathlib import Path

import pytest
from test_plan import make_probe

from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.media.probe import probe
from coulisses.platforms.registry import Registry
from coulisses.render import graph
from coulisses.render.plan import CropKeyframe, CropPath, CutOptions, Loudness, build_plan

LOUD = Loudness(input_i=-20.5, input_tp=-3.1, input_lra=4.2, input_thresh=-31.0)


def _plan(**options: object):  # type: ignore[no-untyped-def]
    return build_plan(make_probe(), Registry.load().select("tiktok,instagram-feed,linkedin,"
                                                           "youtube"),
                      CutOptions(**options), LOUD, "rush")  # type: ignore[arg-type]


def _json(value: object) -> str:
    def default(o: object) -> str:
        return f"{o.numerator}/{o.denominator}" if isinstance(o, Fraction) else str(o)

    return json.dumps(value, indent=2, default=default) + "\n"


def test_render_plan_golden(golden) -> None:  # type: ignore[no-untyped-def]
    golden("plan_four_canvases.json", _json(asdict(_plan())))


def test_ffmpeg_argv_golden(golden) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(start=Fraction(2), end=Fraction(14))
    targets = [Path("/work") / f"v{i}.mp4" for i in range(len(plan.variants))]
    argv = list(graph.to_command(plan, targets).args)
    golden("argv_four_canvases.json", _json(argv))


def test_one_decode_feeds_every_output() -> None:
    plan = _plan()
    args = graph.to_command(plan, [Path(f"v{i}.mp4") for i in range(4)]).args
    assert args.count("-i") == 1  # one input, decoded once
    text = graph.filter_graph(plan)
    assert "split=4" in text and "asplit=" in text
    assert args.count("-filter_complex") == 1 and args.count("-c:v") == 4
    assert "-protocol_whitelist" in args and args[args.index("-protocol_whitelist") + 1] == "file"
    assert any(a.startswith("file:/") for a in args)  # a leading dash can never be an option


def test_same_loudness_target_is_normalised_once() -> None:
    plan = _plan()
    text = graph.filter_graph(plan)
    # one chain per distinct AAC bitrate (its true-peak margin), shared by its variants
    distinct = len({v.audio.bitrate_kbps >= 192 for v in plan.variants})
    assert text.count("volume=6.50dB") == distinct  # -14 target minus -20.5 LUFS measured
    assert text.count("alimiter") == distinct  # peaks at -3.1 + 6.5 dBTP need the limiter


def test_silent_source_gets_a_silent_track() -> None:
    plan = build_plan(make_probe(audio=False), Registry.load().select("tiktok"), CutOptions(),
                      None, "rush")
    args = graph.to_command(plan, [Path("v0.mp4")]).args
    assert "anullsrc=r=48000:cl=stereo" in args
    assert "volume=" not in graph.filter_graph(plan)


def test_hdr_chain_tags_then_tonemaps_once() -> None:
    plan = build_plan(make_probe(transfer="pq"), Registry.load().select("tiktok,youtube"),
                      CutOptions(), None, "rush")
    text = graph.filter_graph(plan)
    assert text.count("tonemap=") == 1
    assert "color_trc=smpte2084" in text.split("split")[0]


def test_moving_crop_expression() -> None:
    crop = CropPath(100, 200, (CropKeyframe(Fraction(0), 0, 10), CropKeyframe(Fraction(2), 40, 10)))
    text = graph.crop_filter(crop)
    assert text.startswith("crop=100:200:x='")
    assert "0+(40)*(t-0.000000)/2.000000" in text


def test_a_keyframed_crop_renders_in_the_same_pass(landscape_clip: Path, tmp_path: Path) -> None:
    """A crop that moves over time plugs into the same single command (issue 3 builds on it)."""
    info = probe(landscape_clip)
    plan = build_plan(info, Registry.load().select("tiktok"), CutOptions(preset="draft"), None,
                      "c")
    v = plan.variants[0]
    moving = CropPath(v.crop.width, v.crop.height, (
        CropKeyframe(Fraction(0), 0, 0), CropKeyframe(Fraction(3), 320 - v.crop.width, 0)))
    plan = replace(plan, variants=(replace(v, crop=moving),))
    target = tmp_path / "moving.mp4"
    SubprocessRunner().run(graph.to_command(plan, [target]))
    out = probe(target)
    assert out.video is not None
    assert (out.video.display_width, out.video.display_height) == (v.width, v.height)


@pytest.mark.parametrize("fit", ["pad", "blur"])
def test_pad_and_blur_fits_render(fit: str, landscape_clip: Path, tmp_path: Path) -> None:
    info = probe(landscape_clip)
    plan = build_plan(info, Registry.load().select("tiktok"),
                      CutOptions(preset="draft", fit=fit), None, "c")  # type: ignore[arg-type]
    target = tmp_path / f"{fit}.mp4"
    SubprocessRunner().run(graph.to_command(plan, [target]))
    out = probe(target)
    assert out.video is not None and out.video.display_width == plan.variants[0].width


def test_hot_peaks_get_a_true_peak_limiter() -> None:
    hot = Loudness(input_i=-16.0, input_tp=0.0, input_lra=3.0, input_thresh=-26.0)
    plan = build_plan(make_probe(), Registry.load().select("tiktok"), CutOptions(), hot, "r")
    text = graph.filter_graph(plan)
    assert "volume=2.00dB,aresample=192000,alimiter=limit=0.8414" in text
