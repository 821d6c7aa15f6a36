"""The render plan is pure: built here from hand-made probes, no media needed."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from coulisses.errors import DurationError, NoVideoError, UsageError
from coulisses.media.probe import AudioStream, Probe, VideoStream
from coulisses.platforms.registry import Registry
from coulisses.render.plan import (
    CropKeyframe,
    CropPath,
    CutOptions,
    Rect,
    build_plan,
    choose_rate,
    crop_window,
    video_cap_kbps,
)


def make_probe(width: int = 1920, height: int = 1080, *, rate: Fraction = Fraction(30),
               duration: Fraction = Fraction(20), rotation: int = 0,
               sar: Fraction = Fraction(1), transfer: str = "sdr",
               audio: bool = True, video: bool = True) -> Probe:
    v = VideoStream(index=0, codec="h264", profile="High", coded_width=width,
                    coded_height=height, sample_aspect=sar, rotation=rotation, frame_rate=rate,
                    average_rate=rate, is_vfr=False, pix_fmt="yuv420p", bit_depth=8,
                    transfer=transfer,  # type: ignore[arg-type]
                    color_trc="bt709", color_primaries="bt709", frames=None)
    a = (AudioStream(1, "aac", 2, "stereo", 48000, True),) if audio else ()
    return Probe(path=Path("/media/rush.mov"), size_bytes=10**6, container="mov,mp4",
                 duration=duration, bit_rate=None, video=v if video else None, audio=a)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


def test_rotated_phone_clip_is_planned_in_display_orientation(registry: Registry) -> None:
    plan = build_plan(make_probe(1920, 1080, rotation=90), registry.select("tiktok"),
                      CutOptions(), None, "rush")
    assert (plan.normalise.display_width, plan.normalise.display_height) == (1080, 1920)
    (v,) = plan.variants
    # a 9:16 source to a 9:16 canvas keeps the whole frame
    assert (v.crop.width, v.crop.height, v.crop.keyframes[0].x) == (1080, 1920, 0)


def test_anamorphic_source_is_squared_before_cropping(registry: Registry) -> None:
    plan = build_plan(make_probe(1440, 1080, sar=Fraction(4, 3)), registry.select("youtube"),
                      CutOptions(), None, "rush")
    assert plan.normalise.fix_sar
    assert (plan.normalise.display_width, plan.normalise.display_height) == (1920, 1080)
    assert (plan.variants[0].crop.width, plan.variants[0].crop.height) == (1920, 1080)


def test_one_plan_serves_every_canvas_with_centred_crops(registry: Registry) -> None:
    plan = build_plan(make_probe(), registry.select("tiktok,instagram-feed,linkedin,youtube"),
                      CutOptions(), None, "rush")
    crops = {v.platform: (v.crop.width, v.crop.height, v.crop.keyframes[0].x)
             for v in plan.variants}
    assert crops == {"tiktok": (606, 1080, 657), "instagram-feed": (864, 1080, 528),
                     "linkedin": (1080, 1080, 420), "youtube": (1920, 1080, 0)}
    assert [v.output.name for v in plan.variants] == [
        "rush.tiktok.mp4", "rush.instagram-feed.mp4", "rush.linkedin.mp4", "rush.youtube.mp4"]


def test_crop_region_moves_the_window_and_stays_inside() -> None:
    path = crop_window(1920, 1080, 1080, 1920, Rect(1700, 100, 200, 200))
    assert path.keyframes[0].x == 1920 - path.width  # clamped to the right edge
    centred = crop_window(1920, 1080, 1080, 1920, Rect(900, 400, 120, 120))
    assert abs(centred.keyframes[0].x + centred.width / 2 - 960) <= 1


def test_crop_outside_the_frame_is_refused(registry: Registry) -> None:
    with pytest.raises(UsageError, match="outside"):
        build_plan(make_probe(), registry.select("tiktok"),
                   CutOptions(crop=Rect(1800, 0, 400, 400)), None, "rush")


def test_a_75_s_span_to_a_60_s_platform_is_refused_unless_trimmed(registry: Registry) -> None:
    probe = make_probe(duration=Fraction(90))
    options = CutOptions(start=Fraction(5), end=Fraction(80))
    with pytest.raises(DurationError, match="at most 60 s") as info:
        build_plan(probe, registry.select("instagram-feed"), options, None, "rush")
    assert "--trim" in (info.value.hint or "")
    plan = build_plan(probe, registry.select("instagram-feed,youtube"),
                      CutOptions(start=Fraction(5), end=Fraction(80), trim=True), None, "rush")
    durations = {v.platform: v.duration for v in plan.variants}
    assert durations == {"instagram-feed": Fraction(60), "youtube": Fraction(75)}


def test_short_span_is_refused_unless_extended(registry: Registry) -> None:
    probe = make_probe(duration=Fraction(298, 100))
    with pytest.raises(DurationError, match="at least 3 s"):
        build_plan(probe, registry.select("tiktok"), CutOptions(), None, "rush")
    plan = build_plan(probe, registry.select("tiktok"), CutOptions(extend=True), None, "rush")
    assert plan.variants[0].duration == 3
    assert plan.variants[0].hold == Fraction(2, 100)


def test_span_errors(registry: Registry) -> None:
    probe = make_probe(duration=Fraction(20))
    with pytest.raises(UsageError, match="outside"):
        build_plan(probe, registry.select("youtube"), CutOptions(start=Fraction(30)), None, "r")
    with pytest.raises(UsageError, match="after"):
        build_plan(probe, registry.select("youtube"),
                   CutOptions(start=Fraction(10), end=Fraction(5)), None, "r")


def test_audio_only_probe_is_refused(registry: Registry) -> None:
    with pytest.raises(NoVideoError, match="audio-only"):
        build_plan(make_probe(video=False), registry.select("tiktok"), CutOptions(), None, "r")


@pytest.mark.parametrize(("source", "platform", "expected"), [
    (Fraction(30000, 1001), "tiktok", Fraction(30000, 1001)),  # NTSC kept exactly
    (Fraction(2997, 100), "tiktok", Fraction(30000, 1001)),  # near-NTSC snapped
    (Fraction(25), "youtube", Fraction(25)),
    (Fraction(120), "tiktok", Fraction(60)),  # slow-motion capture halved
    (Fraction(60), "linkedin", Fraction(30)),  # LinkedIn caps at 30
    (Fraction(10), "tiktok", Fraction(30)),  # below the minimum: 20 is still below, so 3x
    (Fraction(10), "youtube", Fraction(10)),  # YouTube takes what was recorded
    (Fraction(12), "tiktok", Fraction(24)),  # 2x, not an uneven 2.5x to the default 30
    (Fraction(12), "facebook-reels", Fraction(24)),  # the minimum itself is inside the range
    (Fraction(15), "instagram-reels", Fraction(30)),
    (Fraction(15, 2), "tiktok", Fraction(30)),  # 22.5 is below 23: 4x
    (Fraction(8), "tiktok", Fraction(24)),
    (Fraction(12000, 1001), "tiktok", Fraction(24000, 1001)),  # NTSC cadence kept exactly
])
def test_frame_rate_choice(source: Fraction, platform: str, expected: Fraction,
                           registry: Registry) -> None:
    chosen = choose_rate(source, registry[platform])
    assert chosen == expected and isinstance(chosen, Fraction)
    spec = registry[platform].frame_rate
    assert spec.min <= chosen <= spec.max


def test_a_slow_source_with_no_whole_multiple_in_range_gets_the_default(
        registry: Registry) -> None:
    tiktok = registry["tiktok"]
    narrow = tiktok.model_copy(update={"frame_rate": tiktok.frame_rate.model_copy(
        update={"min": 25.0, "max": 30.0, "default": 25})})
    assert choose_rate(Fraction(12), narrow) == 25  # 24 too slow, 36 too fast
    assert choose_rate(Fraction(10), narrow) == 30  # 3x fits


def test_hdr_sources_are_tone_mapped(registry: Registry) -> None:
    plan = build_plan(make_probe(transfer="hlg"), registry.select("youtube"), CutOptions(),
                      None, "r")
    assert plan.normalise.tonemap == "hlg"


def test_bitrate_is_capped_so_the_file_fits(registry: Registry) -> None:
    spec = registry["linkedin"]
    plan = build_plan(make_probe(duration=Fraction(600)), [spec], CutOptions(), None, "r")
    v = plan.variants[0]
    expected_bytes = (v.video.maxrate_kbps + v.audio.bitrate_kbps) * 1000 / 8 * 600
    assert expected_bytes <= spec.file.max_bytes


def test_crop_path_interpolates_linearly_and_holds_at_the_ends() -> None:
    path = CropPath(100, 100, (CropKeyframe(Fraction(1), 0, 0), CropKeyframe(Fraction(3), 200, 50)))
    assert path.position_at(Fraction(0)) == (0, 0)
    assert path.position_at(Fraction(2)) == (100, 25)
    assert path.position_at(Fraction(9)) == (200, 50)
    assert not path.is_static


def test_presets_final_master_draft() -> None:
    from coulisses.render.plan import PRESETS, as_encoder, as_preset, x264_params_for

    specs = Registry.load().select("tiktok")
    encodes = {p: build_plan(make_probe(), specs, CutOptions(preset=p), None, "c").variants[0]
               for p in ("final", "master", "draft")}
    assert encodes["final"].video.preset == PRESETS["final"]["x264"]
    assert encodes["final"].video.crf == PRESETS["final"]["crf"]
    # master: the slowest x264 preset of the three, at a CRF no worse than final's
    order = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"]
    assert order.index(encodes["master"].video.preset) > order.index(
        encodes["final"].video.preset)
    assert encodes["master"].video.crf <= encodes["final"].video.crf
    assert (encodes["master"].width, encodes["final"].width) == (1080, 1080)
    assert encodes["draft"].width == 540
    # every preset keeps closed GOPs and High-profile tools, and bounds N encoders' lookahead;
    # final adds trellis quantisation to every variant (its ``x264_extra``)
    for name, v in encodes.items():
        assert v.video.encoder == "x264"
        extra = str(PRESETS[name].get("x264_extra", ""))
        assert v.video.x264_params == ":".join(
            p for p in (x264_params_for(v.video.preset), extra) if p)
        assert "open-gop=0" in v.video.x264_params
    assert encodes["final"].video.x264_params.endswith(":trellis=1")
    assert "trellis" not in encodes["draft"].video.x264_params
    assert "cabac=1" in x264_params_for("ultrafast")
    assert "rc-lookahead=20" in x264_params_for("medium")
    assert "rc-lookahead" not in x264_params_for("veryfast")  # its own 10 frames
    assert as_preset("master") == "master" and as_encoder("nvenc") == "nvenc"
    with pytest.raises(UsageError, match="final, master or draft"):
        as_preset("best")
    with pytest.raises(UsageError, match="x264 or nvenc"):
        as_encoder("qsv")


def test_nvenc_plan_keeps_the_cap_profile_and_gop() -> None:
    specs = Registry.load().select("tiktok,youtube")
    x264 = build_plan(make_probe(), specs, CutOptions(), None, "c")
    nvenc = build_plan(make_probe(), specs, CutOptions(encoder="nvenc"), None, "c")
    for a, b in zip(x264.variants, nvenc.variants, strict=True):
        assert b.video.encoder == "nvenc" and b.video.preset.startswith("p")
        assert (a.video.maxrate_kbps, a.video.profile, a.video.gop, a.video.bframes) == (
            b.video.maxrate_kbps, b.video.profile, b.video.gop, b.video.bframes)


@pytest.mark.parametrize(("seconds", "rate", "expected"), [
    (10, Fraction(30), set()), (60, Fraction(30), set()),
    # 60 fps: the 1080p caps of 12 and 16 Mb/s and X's 6 Mb/s leave under 0.15 bit per pixel
    (60, Fraction(60), {"tiktok", "instagram-feed", "youtube", "x"}),
    # long cuts: the file-size limits lower the cap (LinkedIn's 200 MB: 4.6 Mb/s for 5 min)
    (300, Fraction(30), {"linkedin", "linkedin-landscape"})])
def test_a_variant_whose_cap_is_tight_for_its_canvas_gets_the_slower_step(
        registry: Registry, seconds: int, rate: Fraction, expected: set[str]) -> None:
    from coulisses.render.plan import PRESETS, TIGHT_BITS_PER_PIXEL, x264_params_for

    specs = registry.select("tiktok,instagram-feed,linkedin,youtube,x,linkedin-landscape")
    plan = build_plan(make_probe(rate=rate, duration=Fraction(seconds)), specs,
                      CutOptions(trim=True), None, "t")
    tight_ones = set()
    for spec, v in zip(specs, plan.variants, strict=True):
        bits = v.video.maxrate_kbps * 1000 / (v.width * v.height * float(v.frame_rate))
        tight = bits < TIGHT_BITS_PER_PIXEL
        if tight:
            tight_ones.add(spec.id)
        want = PRESETS["final"]["x264_tight" if tight else "x264"]
        assert v.video.preset == want
        assert v.video.x264_params.startswith(x264_params_for(v.video.preset))
        extra = f":{PRESETS['final']['x264_tight_params']}"
        assert v.video.x264_params.endswith(extra) == tight
    assert tight_ones == expected
    # draft and master have no step: every variant gets the preset's own
    for preset in ("draft", "master"):
        other = build_plan(make_probe(rate=rate, duration=Fraction(seconds)), specs,
                           CutOptions(preset=preset, trim=True), None, "t")
        assert {v.video.preset for v in other.variants} == {PRESETS[preset]["x264"]}


@pytest.mark.parametrize("seconds", [3, 5, 10, 30, 60, 600])
def test_the_full_starting_vbv_buffer_keeps_the_mean_under_qcs_ceiling(
        registry: Registry, seconds: int) -> None:
    # x264 starts its buffer 90% full and may spend it on top of maxrate; what it can add to
    # the mean must stay under QC's ceiling (cap + audio + 10 %), with a margin for the muxer
    specs = registry.select("tiktok,instagram-feed,linkedin,youtube")
    plan = build_plan(make_probe(duration=Fraction(seconds)), specs, CutOptions(trim=True),
                      None, "r")
    for spec, v in zip(specs, plan.variants, strict=True):
        d = float(v.duration)
        worst = v.video.maxrate_kbps + 0.9 * v.video.bufsize_kbps / d
        assert worst <= 1.06 * spec.video.max_kbps
        # 2 s of maxrate, half a second for a short cut's tight variant (its own test below)
        buffer = Fraction(1, 2) if v.video.preset == "slow" else 2
        assert v.video.bufsize_kbps == int(buffer * v.video.maxrate_kbps)
        assert "vbv-init" not in v.video.x264_params  # x264's default: the start is not starved
        if seconds >= 60:  # a minute or more keeps the whole cap its file size allows
            assert v.video.maxrate_kbps == video_cap_kbps(spec, v.duration)
            size = (v.video.maxrate_kbps + spec.audio.bitrate_kbps) * 1000 / 8 * d
            assert size <= 0.9 * spec.file.max_bytes
    # Instagram feed's 100 MB: a minute at its 25 Mb/s ceiling would not fit
    feed = registry.select("instagram-feed")[0]
    assert video_cap_kbps(feed, Fraction(60)) < feed.video.max_kbps


@pytest.mark.parametrize(("seconds", "rate"), [(3, Fraction(25)), (3, Fraction(30)),
                                               (9, Fraction(30)), (10, Fraction(30)),
                                               (60, Fraction(30))])
def test_a_tight_variant_of_a_short_cut_gets_more_encoder_effort_and_a_shorter_buffer(
        registry: Registry, seconds: int, rate: Fraction) -> None:
    # the rule is on the cut's duration and the bits per pixel of the variant's cap, never on
    # a clip: under 10 s a tight variant gets slow (aq-mode and psy off) at CRF 12 with a
    # 0.5 s buffer, so a higher maxrate for the same worst-case mean; every other variant
    # keeps ultrafast and the 2 s buffer, at CRF 16 under 10 s and 18 from 10 s on
    from coulisses.render.plan import (
        PRESETS,
        SHORT_CUT_SECONDS,
        TIGHT_BITS_PER_PIXEL,
        bits_per_pixel,
        vbv_maxrate,
    )

    final = PRESETS["final"]
    specs = registry.select("tiktok,instagram-feed,linkedin,youtube,linkedin-landscape")
    plan = build_plan(make_probe(rate=rate, duration=Fraction(seconds)), specs,
                      CutOptions(trim=True), None, "s")
    short_tight = set()
    for spec, v in zip(specs, plan.variants, strict=True):
        usual = vbv_maxrate(video_cap_kbps(spec, v.duration), v.duration)
        tight = bits_per_pixel(usual, v.width, v.height, v.frame_rate) < TIGHT_BITS_PER_PIXEL
        if seconds < SHORT_CUT_SECONDS and tight:
            short_tight.add(spec.id)
            assert (v.video.preset, v.video.crf) == (final["x264_short"], final["crf_short"])
            assert v.video.x264_params == "open-gop=0:rc-lookahead=20:aq-mode=0:psy=0"
            assert v.video.bufsize_kbps == v.video.maxrate_kbps // 2
            assert v.video.maxrate_kbps > usual  # the shorter buffer leaves more of the cap
            worst = v.video.maxrate_kbps + 0.9 * v.video.bufsize_kbps / float(v.duration)
            assert worst <= 1.06 * spec.video.max_kbps
        else:
            crf = final["crf_short_plain" if seconds < SHORT_CUT_SECONDS else "crf"]
            assert v.video.preset == "ultrafast" and v.video.crf == crf
            assert (v.video.maxrate_kbps, v.video.bufsize_kbps) == (usual, 2 * usual)
    # at 3 s the maxrate is 66 % of the cap: 1920x1080 at 30 fps is tight, at 25 fps not
    expected = {"youtube", "linkedin-landscape"} if rate == 30 and seconds == 3 else set()
    assert short_tight == (expected if seconds < SHORT_CUT_SECONDS else set())
    # draft and master keep their own preset on a short cut too
    for preset in ("draft", "master"):
        other = build_plan(make_probe(rate=rate, duration=Fraction(seconds)), specs,
                           CutOptions(preset=preset, trim=True), None, "s")
        assert {v.video.preset for v in other.variants} == {PRESETS[preset]["x264"]}
