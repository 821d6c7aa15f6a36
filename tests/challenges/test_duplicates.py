"""Duplicate groups from prints: generated clips and their copies (made with ffmpeg, so which is
a copy of what is known by construction), real clips from ``../shared/media``, and the same
video submitted 500 times."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import media
from coulisses.challenges.duplicates import (
    CROP_SHARE,
    DENSE_SHARE,
    MIN_FRAMES,
    MIN_SHARE,
    blocklist_prints,
    candidate_pairs,
    compare,
    compare_crops,
    compare_dense,
    group_duplicates,
    match,
)
from coulisses.challenges.entry import Duplicate
from coulisses.challenges.prints import Print, fingerprint, unpack

ENC = ["-an", "-c:v", "libx264", "-preset", "ultrafast"]

#: lavfi sources that look nothing alike (each a distinct original)
SOURCES = {
    "testsrc2": "testsrc2=size=320x180:rate=25:duration=5",
    "mandelbrot": "mandelbrot=size=320x180:rate=25,trim=duration=5",
    "life": "life=size=320x180:rate=25:mold=10:ratio=0.3:death_color=#C83232,trim=duration=5",
    "cellauto": "cellauto=size=320x180:rate=25:rule=110,trim=duration=5",
}
#: ffmpeg filters that make a copy of an original
COPIES = {
    "mirror": "hflip",
    "crop10": "crop=288:162",
    "letterbox": "pad=320:240:0:30",
    "small": "scale=160:90",
    "fast": "setpts=PTS/1.25",
    "trim": "trim=start=1.5,setpts=PTS-STARTPTS",
    "vertical": "crop=100:180,scale=180:320",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Packed prints: each lavfi source, and copies of ``mandelbrot`` (a smooth zoom, as
    filmed footage moves; testsrc2 redraws its whole picture every frame) after ``COPIES``."""
    folder = tmp_path_factory.mktemp("dups")
    paths: dict[str, Path] = {}
    for name, source in SOURCES.items():
        paths[name] = folder / f"{name}.mp4"
        media.ffmpeg("-f", "lavfi", "-i", source, *ENC, paths[name])
    for name, vf in COPIES.items():
        paths[name] = folder / f"copy-{name}.mp4"
        media.ffmpeg("-i", paths["mandelbrot"], "-vf", vf, *ENC, "-crf", "30", paths[name])
    return {name: fingerprint(path).pack() for name, path in paths.items()}


def test_copies_join_their_original_and_other_sources_stay_apart(
        generated: dict[str, bytes]) -> None:
    # ids sort by arrival: the original arrives first
    ids = {"a-mandelbrot": "mandelbrot", "b-testsrc2": "testsrc2", "c-life": "life",
           "d-cellauto": "cellauto"} | {f"e-{name}": name for name in COPIES}
    found = group_duplicates({key: generated[name] for key, name in ids.items()})
    assert set(found) == set(ids)
    assert found["a-mandelbrot"] == Duplicate(group="a-mandelbrot")
    for name in COPIES:
        dup = found[f"e-{name}"]
        expected = ("a-mandelbrot", "a-mandelbrot", False)
        assert (dup.group, dup.original, dup.blocked) == expected, name
        assert dup.distance is not None and dup.distance <= 40
    for key in ("b-testsrc2", "c-life", "d-cellauto"):
        assert found[key] == Duplicate(), key


def test_a_blocklisted_video_blocks_its_copies(tmp_path: Path,
                                               generated: dict[str, bytes]) -> None:
    own = tmp_path / "campaign-teaser.mp4"
    media.ffmpeg("-f", "lavfi", "-i", SOURCES["mandelbrot"], *ENC, own)
    blocklist = blocklist_prints([own])
    assert list(blocklist) == ["campaign-teaser.mp4"]
    found = group_duplicates({"e1": generated["mirror"], "e2": generated["testsrc2"]},
                             blocklist)
    assert set(found) == {"e1", "e2"}  # blocklist items are not entries
    assert found["e1"] == Duplicate(group="campaign-teaser.mp4", original="campaign-teaser.mp4",
                                    blocked=True, distance=found["e1"].distance)
    assert found["e2"] == Duplicate()
    with pytest.raises(FileNotFoundError):
        blocklist_prints([tmp_path / "missing.mp4"])


def test_the_same_video_500_times_is_one_group(generated: dict[str, bytes]) -> None:
    same = {f"e{k:04d}": generated["testsrc2"] for k in range(500)}
    found = group_duplicates(same | {"f-other": generated["life"]})
    assert {d.group for k, d in found.items() if k != "f-other"} == {"e0000"}
    assert found["e0000"].original is None
    assert all(found[k].original == "e0000" for k in same if k != "e0000")
    assert found["f-other"] == Duplicate()


def test_500_slightly_different_uploads_are_one_group_without_all_pairs(
        generated: dict[str, bytes]) -> None:
    """Re-encodes differ by a few bits per hash: the index path, not the identical-bytes one."""
    base = unpack(generated["testsrc2"])
    rng = np.random.default_rng(7)
    prints: dict[str, bytes] = {}
    for k in range(500):
        noisy = base.hashes.copy()
        flips = rng.integers(0, 256, size=(noisy.shape[0], noisy.shape[1], 6))
        for f, v in np.ndindex(noisy.shape[:2]):
            for bit in flips[f, v]:
                noisy[f, v, bit // 8] ^= np.uint8(1 << (bit % 8))
        prints[f"e{k:04d}"] = Print(hashes=noisy, quality=base.quality).pack()
    loaded = {k: unpack(v) for k, v in enumerate(prints.values())}
    assert len(candidate_pairs(loaded)) <= 500 * 16  # best partners, not 124,750 pairs
    found = group_duplicates(prints)
    assert {d.group for d in found.values()} == {"e0000"}


def test_unrelated_prints_make_few_candidates() -> None:
    rng = np.random.default_rng(3)
    loaded = {k: Print(hashes=rng.integers(0, 256, (10, 5, 32), dtype=np.uint8),
                       quality=np.full(10, 100, np.uint8)) for k in range(300)}
    assert len(candidate_pairs(loaded)) < 50
    assert all(d == Duplicate() for d in group_duplicates(
        {f"e{k}": p.pack() for k, p in loaded.items()}).values())


def test_empty_or_foreign_prints_are_unique(generated: dict[str, bytes]) -> None:
    found = group_duplicates({"e1": b"", "e2": b"junk", "e3": generated["testsrc2"]})
    assert found == {"e1": Duplicate(), "e2": Duplicate(), "e3": Duplicate()}


def test_a_fast_moving_video_sped_up_is_found_in_the_dense_sequence(
        tmp_path: Path, generated: dict[str, bytes]) -> None:
    """testsrc2 spinning with its hues turning: pictures half a sampling step apart share
    nothing, so a copy at 1.25x speed misses every 2-a-second frame of its original; each of
    its frames is still one of the original's, found in the original's dense sequence."""
    spin, fast = tmp_path / "spin.mp4", tmp_path / "spin-fast.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=6,"
                 "hue=H=2*PI*t*3,rotate=a=t*2", *ENC, spin)
    media.ffmpeg("-i", spin, "-vf", "setpts=PTS/1.25", *ENC, "-crf", "30", fast)
    original, copy = fingerprint(spin), fingerprint(fast)
    assert compare(original, copy).share < MIN_SHARE
    assert compare_crops(original, copy).share < CROP_SHARE
    found = compare_dense(original, copy)
    assert found.share >= DENSE_SHARE and found.frames >= MIN_FRAMES
    assert match(original, copy) is not None
    for name, other in generated.items():
        assert compare_dense(unpack(other), copy).share < DENSE_SHARE, name
        assert match(unpack(other), copy) is None, name


# --- real footage --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_media: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Print]:
    """The three film excerpts, one GRID and one ASL clip, the first 10 s of the people room,
    and copies of Tears of Steel (6 s): a 10 % crop re-encoded smaller, a mirror with a
    watermark box, a 9:16 vertical reframe, and a 15 % crop off centre (10 % of the width cut
    on the left, 4 % of the height on top)."""
    folder = tmp_path_factory.mktemp("real")
    film = sorted((shared_media / "film").glob("*.mp4"))
    people = folder / "people.mp4"
    media.ffmpeg("-t", "10", "-i", shared_media / "people" / "one-by-one-person-detection.mp4",
                 *ENC, people)
    sources = [*film, people, sorted((shared_media / "grid").glob("*.mpg"))[0],
               sorted((shared_media / "asl").glob("*.mkv"))[0]]
    prints = {path.stem: fingerprint(path) for path in sources}
    tears = film[0]
    for name, vf in {"crop": "crop=iw*0.9:ih*0.9,scale=480:-2",
                     "mirror": "hflip,drawbox=x=500:y=20:w=100:h=40:color=white@0.7:t=fill",
                     "vertical": "crop=202:360,scale=360:640",
                     "offcrop": "crop=iw*0.85:ih*0.85:iw*0.1:ih*0.04,scale=480:-2"}.items():
        out = folder / f"tears-{name}.mp4"
        media.ffmpeg("-t", "6", "-i", tears, "-vf", vf, *ENC, "-crf", "28", out)
        prints[f"copy-{name}"] = fingerprint(out)
    return prints


def test_real_copies_are_found(real: dict[str, Print]) -> None:
    tears = next(k for k in real if "tears" in k)
    for name in ("copy-crop", "copy-mirror", "copy-vertical", "copy-offcrop"):
        assert match(real[tears], real[name]) is not None, name


def test_an_off_centre_crop_is_found_by_its_window(real: dict[str, Print]) -> None:
    """PDQ's centred crop views miss it; one crop window of the original holds it all along."""
    tears = next(k for k in real if "tears" in k)
    assert compare(real[tears], real["copy-offcrop"]).share < MIN_SHARE
    found = compare_crops(real[tears], real["copy-offcrop"])
    assert found.share >= CROP_SHARE and found.frames >= MIN_FRAMES
    for other in (k for k in real if not k.startswith("copy-") and k != tears):
        assert compare_crops(real[other], real["copy-offcrop"]).share < CROP_SHARE, other
        assert match(real[other], real["copy-offcrop"]) is None, other


def test_unrelated_real_clips_are_never_grouped(real: dict[str, Print]) -> None:
    originals = {k: v.pack() for k, v in real.items() if not k.startswith("copy-")}
    assert len(originals) == 6
    assert all(d == Duplicate() for d in group_duplicates(originals).values())
    everything = group_duplicates({k: v.pack() for k, v in real.items()})
    groups = {d.group for d in everything.values() if d.group}
    assert len(groups) == 1  # Tears of Steel and its copies, nothing else
