"""The prints stage on generated clips whose bars, mirror and crops are known by construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import media
from coulisses.challenges.crops import CROP_BYTES, WINDOWS, crop_hashes, whole_hash
from coulisses.challenges.duplicates import DENSE_DISTANCE, DENSE_SHARE, compare_dense
from coulisses.challenges.entry import Entry, Rules, Stage
from coulisses.challenges.prints import (
    DENSE_SIDE,
    FPS,
    HASH_BYTES,
    MAX_FRAMES,
    STAGE,
    VIEWS,
    Print,
    black_bars,
    fingerprint,
    unpack,
)
from coulisses.media.frames import decode_video


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """testsrc2 320x180 4 s, and copies made from it with ffmpeg: letterboxed into 320x320
    (70 px black bars above and below), and mirrored."""
    folder = tmp_path_factory.mktemp("prints")
    base = media.make_clip(folder / "base.mp4", duration=4.0, audio=None)
    boxed, mirror = folder / "boxed.mp4", folder / "mirror.mp4"
    media.ffmpeg("-i", base, "-vf", "pad=320:320:0:70", "-c:v", "libx264", "-preset",
                 "ultrafast", boxed)
    media.ffmpeg("-i", base, "-vf", "hflip", "-c:v", "libx264", "-preset", "ultrafast", mirror)
    return {"base": base, "boxed": boxed, "mirror": mirror}


def test_the_stage_gives_one_compact_row(clips: dict[str, Path]) -> None:
    stage: Stage = STAGE
    row = stage.run(Entry(id="e1", path=clips["base"]), Rules(brief="x"))
    assert tuple(row) == stage.columns == ("print", "print_frames", "print_seconds")
    assert row["print_frames"] == round(4.0 * FPS)
    data = row["print"]
    assert isinstance(data, bytes)
    found = unpack(data)
    assert found.hashes.shape == (8, len(VIEWS), HASH_BYTES)
    assert found.crops.shape == (8, 1 + len(WINDOWS), CROP_BYTES)
    assert found.dense.shape == (120, CROP_BYTES)  # every frame of 4 s at 30 fps
    per_frame = len(VIEWS) * HASH_BYTES + 1 + (1 + len(WINDOWS)) * CROP_BYTES
    assert len(data) < 8 * per_frame + 120 * CROP_BYTES + 16  # hashes only, never pictures
    back = unpack(found.pack())
    assert back.crops.tobytes() == found.crops.tobytes()
    assert back.dense.tobytes() == found.dense.tobytes()
    assert np.unique(found.dense, axis=0).shape[0] > 10  # the picture moves: hashes change
    assert (found.quality >= 50).all()  # testsrc2 is a detailed picture
    assert isinstance(row["print_seconds"], float) and row["print_seconds"] > 0


def test_a_file_that_is_not_a_video_gives_an_empty_row(tmp_path: Path) -> None:
    text = media.make_text_file(tmp_path / "notes.mp4")
    row = STAGE.run(Entry(id="e2", path=text), Rules(brief="x"))
    assert row["print"] is None and row["print_frames"] == 0


def test_black_bars_are_found_across_the_frames() -> None:
    picture = np.full((100, 60), 120.0, np.float32)
    picture[:12] = picture[-12:] = 5.0  # letterbox
    dark_scene = np.full((100, 60), 10.0, np.float32)  # a dark frame is not a bar
    dark_scene[40:60] = 90.0
    assert black_bars([picture, dark_scene]) == (12, 12, 0, 0)
    assert black_bars([np.zeros((100, 60), np.float32)]) == (0, 0, 0, 0)  # all black: no crop


def test_letterbox_and_mirror_hash_close_to_the_original(clips: dict[str, Path]) -> None:
    base = fingerprint(clips["base"])
    boxed = fingerprint(clips["boxed"])
    mirror = fingerprint(clips["mirror"])
    bits = np.unpackbits
    # after the bars are dropped, the boxed picture is the original's (PDQ distance small)
    d_boxed = bits(base.hashes[:, 0] ^ boxed.hashes[:, 0], axis=1).sum(axis=1)
    assert d_boxed.max() <= 20
    # the mirror's picture is the original's mirror view
    d_mirror = bits(base.hashes[:, 1] ^ mirror.hashes[:, 0], axis=1).sum(axis=1)
    d_plain = bits(base.hashes[:, 0] ^ mirror.hashes[:, 0], axis=1).sum(axis=1)
    assert d_mirror.max() <= 20 < d_plain.min()


def test_long_entries_keep_a_bounded_number_of_frames(tmp_path: Path) -> None:
    long = media.make_clip(tmp_path / "long.mp4", duration=25.0, audio=None, rate="10",
                           width=160, height=90)
    assert fingerprint(long).frames == MAX_FRAMES
    assert fingerprint(long, max_seconds=5.0).frames <= 5 * FPS + 1


def test_unpack_refuses_other_bytes() -> None:
    with pytest.raises(ValueError, match="not a coulisses print"):
        unpack(b"CP1\x05\x02\x00" + b"\x00" * 10)
    with pytest.raises(ValueError, match="not a coulisses print"):
        unpack(b"XX9\x01\x01\x00" + b"\x00" * 33)


def test_prints_made_before_the_crop_windows_still_read() -> None:
    """A checkpoint written before the windows (CP1: PDQ views only) unpacks, without crops."""
    quality, hashes = bytes([80, 90]), bytes(range(64)) * 2
    old = unpack(b"CP1\x02\x02\x00" + quality + hashes[:2 * 2 * 32])
    assert old.frames == 2 and old.crops.size == 0
    assert old.hashes.shape == (2, 2, HASH_BYTES)


def test_a_crop_taken_anywhere_hashes_close_to_one_window() -> None:
    """A 15 % crop off centre, scaled back up, is near the window that holds it (and only near
    windows around that place): the shift-tolerant hash of ``crops``."""
    rng = np.random.default_rng(5)
    coarse = rng.random((12, 20)) * 255  # a smooth picture: blobs, as footage has
    picture = np.kron(coarse, np.ones((15, 16)))  # 180 x 320
    picture = (picture + np.roll(picture, 7, axis=0) + np.roll(picture, 7, axis=1)) / 3
    y, x = round(180 * 0.05), round(320 * 0.1)
    crop = picture[y:y + 153, x:x + 272]  # 85 % of the sides, from (10 %, 5 %)
    rows = np.linspace(0, crop.shape[0] - 1, 180).round().astype(int)
    cols = np.linspace(0, crop.shape[1] - 1, 320).round().astype(int)
    copy = crop[rows][:, cols]
    original, copied = crop_hashes(picture), crop_hashes(copy)
    bits = np.unpackbits(original ^ copied[0], axis=1).sum(axis=1)
    assert bits.shape == (1 + len(WINDOWS),)
    best = int(np.argmin(bits[1:]))
    assert WINDOWS[best] == (0.85, 0.1, 0.05)
    assert bits[1 + best] <= 6 < bits[0]  # the whole picture is not the crop


def test_a_print_made_before_the_dense_sequence_still_reads(clips: dict[str, Path]) -> None:
    found = fingerprint(clips["base"])
    bare = Print(hashes=found.hashes, quality=found.quality, crops=found.crops).pack()
    older = b"CP2" + bare[3:8] + bare[10:]  # the CP2 layout: no count of dense frames
    back = unpack(older)
    assert back.dense.shape == (0, CROP_BYTES)
    assert back.hashes.tobytes() == found.hashes.tobytes()
    assert back.crops.tobytes() == found.crops.tobytes()
    with pytest.raises(ValueError):
        unpack(older[:-1])


def test_prints_made_through_rgb_still_match_ones_read_from_the_planes(
        clips: dict[str, Path]) -> None:
    """The dense sequence used to be read through swscale (RGB at ``DENSE_SIDE``, averaged);
    it is now box-averaged from the decoded planes. A print made the old way (a blocklist, a
    triage resumed across the change) still matches the new one of the same video."""
    found = fingerprint(clips["base"])
    through_rgb = np.stack([
        whole_hash(d.picture(DENSE_SIDE).rgb.mean(axis=2).astype(np.uint8).astype(np.float32))
        for d in decode_video(clips["base"])])
    assert found.dense.shape == through_rgb.shape == (120, CROP_BYTES)
    bits = np.unpackbits(found.dense ^ through_rgb, axis=1).sum(axis=1)
    assert (bits <= DENSE_DISTANCE).mean() >= 0.95
    before = Print(hashes=found.hashes, quality=found.quality, crops=found.crops,
                   dense=through_rgb)
    assert compare_dense(found, before).share >= DENSE_SHARE
    assert compare_dense(found, before).share == compare_dense(found, found).share
