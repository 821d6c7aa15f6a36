"""The duplicate grouping out of core: a challenge folder's checkpoints streamed through the
DuckDB index with little memory, on generated prints whose copies are known by construction
(families of one random video and its re-uploads with a few bits flipped)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coulisses.challenges.dupindex import PARTNERS, Index, keys
from coulisses.challenges.duplicates import candidate_pairs, group_duplicates
from coulisses.challenges.entry import Duplicate, stage_file
from coulisses.challenges.prints import Print, unpack
from coulisses.challenges.store import append_rows
from coulisses.challenges.triage import BLOCKLIST, duplicate_groups
from coulisses.errors import OutputError

FAMILIES = 12  # originals with copies
COPIES = 9  # re-uploads of each
LONE = 150  # entries that copy nothing


def _video(rng: np.random.Generator, frames: int = 12) -> Print:
    crops = rng.integers(0, 256, (frames, 55, 8), dtype=np.uint8)
    crops[..., 7] &= 0xFE  # a crop hash's last bit is always 0
    return Print(hashes=rng.integers(0, 256, (frames, 9, 32), dtype=np.uint8),
                 quality=np.full(frames, 100, np.uint8), crops=crops)


def _reupload(rng: np.random.Generator, base: Print) -> Print:
    """``base`` with about 2 % of its bits flipped, as a re-encode moves a hash."""
    noise = np.packbits(rng.random((*base.hashes.shape, 8)) < 0.02, axis=-1)[..., 0]
    crop_noise = np.packbits(rng.random((*base.crops.shape, 8)) < 0.02, axis=-1)[..., 0]
    crop_noise[..., 7] &= 0xFE
    return Print(hashes=base.hashes ^ noise, quality=base.quality, crops=base.crops ^ crop_noise)


@pytest.fixture(scope="module")
def entries() -> tuple[dict[str, bytes], dict[str, str]]:
    """Packed prints by entry id (ids in a shuffled arrival order) and, for each copy, the id
    of the earliest entry of its family."""
    rng = np.random.default_rng(15)
    videos = [_video(rng) for _ in range(FAMILIES)]
    made: list[tuple[int, Print]] = [(f, v) for f, v in enumerate(videos)]
    made += [(f, _reupload(rng, v)) for f, v in enumerate(videos) for _ in range(COPIES)]
    made += [(-1, _video(rng)) for _ in range(LONE)]
    arrival = rng.permutation(len(made))
    prints = {f"e{arrival[k]:04d}": p.pack() for k, (_, p) in enumerate(made)}
    family: dict[int, list[str]] = {}
    for k, (f, _) in enumerate(made):
        if f >= 0:
            family.setdefault(f, []).append(f"e{arrival[k]:04d}")
    first = {key: min(keys_) for keys_ in family.values() for key in keys_}
    return prints, first


def _folder(tmp_path: Path, prints: dict[str, bytes], failed: set[str]) -> Path:
    rows = [{"id": k, "print": v, "print_frames": 12} for k, v in prints.items()]
    append_rows(stage_file(tmp_path, "prints"), rows, ("print", "print_frames"))
    append_rows(stage_file(tmp_path, "qc"), [{"id": k, "qc_passed": k not in failed}
                                             for k in prints], ("qc_passed",))
    return tmp_path


def test_checkpoints_group_into_their_families_with_a_small_memory_limit(
        tmp_path: Path, entries: tuple[dict[str, bytes], dict[str, str]]) -> None:
    prints, first = entries
    failed = {next(k for k in sorted(first) if first[k] != k)}  # a copy whose QC failed
    folder = _folder(tmp_path, prints, failed)
    found = duplicate_groups(folder, memory_mb=24)  # DuckDB spills past 24 MB
    assert set(found) == set(prints) - failed
    for key, dup in found.items():
        if key not in first:
            assert dup == Duplicate(), key
            continue
        original = first[key]
        assert dup.group == original, key
        assert dup.original == (None if key == original else original), key
        assert not dup.blocked
        assert key == original or (dup.distance is not None and dup.distance <= 40)
    assert len({d.group for d in found.values() if d.group}) == FAMILIES
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # scratch removed
    # the same groups as the in-memory entry point on the same prints
    assert found == group_duplicates({k: v for k, v in prints.items() if k not in failed})


def test_a_blocklisted_video_blocks_its_family_from_the_checkpoints(
        tmp_path: Path, entries: tuple[dict[str, bytes], dict[str, str]]) -> None:
    prints, first = entries
    family = sorted(k for k, v in first.items() if v == min(first.values()))
    known = prints[family[0]]
    folder = _folder(tmp_path, prints, set())
    append_rows(folder / BLOCKLIST, [{"id": "teaser.mp4", "print": known}], ("print",))
    found = duplicate_groups(folder, memory_mb=24)
    for key in family:  # the same bytes as the blocklist item: joined without a check
        assert found[key].group == "teaser.mp4" and found[key].blocked, key
        assert found[key].original == "teaser.mp4"
    assert sum(d.blocked for d in found.values()) == len(family)


def test_candidates_link_families_not_all_pairs(
        tmp_path: Path, entries: tuple[dict[str, bytes], dict[str, str]]) -> None:
    prints, first = entries
    ordered = sorted(prints)
    loaded = {i: unpack(prints[k]) for i, k in enumerate(ordered)}
    pairs = candidate_pairs(loaded, scratch=tmp_path)
    assert len(pairs) == len(set(pairs))
    assert all(a < b for a, b in pairs)
    families = {(a, b) for a, b in pairs
                if first.get(ordered[a], "a") == first.get(ordered[b], "b")}
    # each copy is paired with its family; each entry keeps its best partners in each index
    # (random 21-bit crop chunks collide, so lone entries get a few candidates too)
    assert {ordered[b] for _, b in families} >= set(first) - set(first.values())
    assert len(pairs) <= 2 * 2 * PARTNERS * len(prints) < len(prints) ** 2 // 4
    assert not list(tmp_path.iterdir())


def test_an_index_reads_each_print_back(tmp_path: Path,
                                        entries: tuple[dict[str, bytes], dict[str, str]]) -> None:
    prints, _ = entries
    index = Index(tmp_path)
    try:
        chosen = sorted(prints)[:80]
        for i, key in enumerate(chosen):
            index.add(i, prints[key], unpack(prints[key]))
        for i in (79, 0, 40, 0):
            back = index.load(i)
            assert back.pack() == prints[chosen[i]]
            pdq, crop = keys(back)
            assert pdq.size and crop.size and np.all(np.diff(pdq) > 0)
    finally:
        index.close()


def test_a_scratch_folder_that_cannot_be_made_is_one_clear_error(
        tmp_path: Path, entries: tuple[dict[str, bytes], dict[str, str]]) -> None:
    prints, _ = entries
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(OutputError, match="cannot write the duplicate index"):
        group_duplicates(dict(list(prints.items())[:3]), scratch=not_a_folder)
