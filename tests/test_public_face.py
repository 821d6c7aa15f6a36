"""``coulisses.cut``, the one-liner: loose forms parsed once, then the core's ``cut``."""

from __future__ import annotations

import json
from pathlib import Path

import coulisses
from coulisses.render.plan import CutOptions


def test_the_one_liner_takes_a_comma_list_and_string_paths(landscape_clip: Path,
                                                          tmp_path: Path) -> None:
    srt = tmp_path / "words.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,000\nHello there\n", encoding="utf-8")
    result = coulisses.cut(str(landscape_clip), "tiktok, youtube", str(tmp_path / "out"),
                           captions=str(srt), options=CutOptions(preset="draft"))
    assert [v.platform for v in result.variants] == ["tiktok", "youtube"]
    assert all(v.sidecar is not None and v.sidecar.is_file() for v in result.variants)
    report = json.loads(result.report.read_text(encoding="utf-8"))
    assert [v["platform"] for v in report["variants"]] == ["tiktok", "youtube"]
    assert report["variants"] == json.loads(json.dumps([v.to_json() for v in result.variants]))
