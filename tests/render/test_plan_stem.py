"""``with_stem``: renaming a plan's outputs is the same as planning with that stem."""

from __future__ import annotations

from test_plan import make_probe

from coulisses.platforms.registry import Registry
from coulisses.render.plan import CutOptions, build_plan, with_stem


def test_with_stem_is_build_plan_with_that_stem() -> None:
    specs = Registry.load().select(["tiktok", "youtube"])
    probe, options = make_probe(), CutOptions(preset="draft")
    renamed = with_stem(build_plan(probe, specs, options, None, "rush"), "rush-2")
    assert renamed == build_plan(probe, specs, options, None, "rush-2")
    assert [str(v.output) for v in renamed.variants] == ["rush-2.tiktok.mp4", "rush-2.youtube.mp4"]
