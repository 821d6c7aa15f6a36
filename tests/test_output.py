"""``output.claim_stem``: which stem a source's outputs get in a folder shared with others."""

from __future__ import annotations

from coulisses.output import claim_stem, safe_stem


def test_sources_that_differ_only_in_spacing_or_extension_share_a_safe_stem() -> None:
    assert safe_stem("clip  a") == safe_stem("clip a") == "clip_a"


def test_an_empty_folder_gives_the_plain_stem() -> None:
    assert claim_stem("clip_a", "src-1", {}, []) == "clip_a"


def test_the_source_that_made_a_stem_keeps_it() -> None:
    names = ["clip_a.tiktok.mp4", "clip_a.jpg", "report.json"]
    assert claim_stem("clip_a", "src-1", {"clip_a": "src-1"}, names) == "clip_a"


def test_another_source_gets_the_next_free_number() -> None:
    owners = {"clip_a": "src-1", "clip_a-2": "src-2"}
    names = ["clip_a.tiktok.mp4", "clip_a-2.tiktok.mp4"]
    assert claim_stem("clip_a", "src-2", owners, names) == "clip_a-2"
    assert claim_stem("clip_a", "src-3", owners, names) == "clip_a-3"


def test_videos_nobody_recorded_are_never_overwritten() -> None:
    # a folder cut before stems were recorded, or a person's own file with a matching name
    assert claim_stem("clip_a", "src-1", {}, ["clip_a.youtube-shorts.mp4"]) == "clip_a-2"


def test_other_files_do_not_take_a_stem() -> None:
    names = ["clip_a.txt", "clip_a.b.tiktok.mp4", "clip_a-2.tiktok.mp4", "clip_a.mp4"]
    assert claim_stem("clip_a", "src-1", {}, names) == "clip_a"
