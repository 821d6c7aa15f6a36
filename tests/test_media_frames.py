"""``Decoded.rgb_mean``: the small grey picture averaged from the decoded planes is the one
swscale's RGB conversion gives, upright, for every colour matrix, range and bit depth the
planes path reads, and formats it does not read still come out (through swscale)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import media
from coulisses.challenges.crops import whole_hash
from coulisses.challenges.duplicates import DENSE_DISTANCE
from coulisses.media.frames import Decoded, Slots, decode_video, fit_size


def _swscale_mean(decoded: Decoded, shape: tuple[int, int]) -> np.ndarray:
    """The mean of R, G and B by swscale (area scaling) at ``shape`` (height, width), upright:
    the reference the planes path must reproduce."""
    h, w = shape if decoded.rotation % 180 == 0 else shape[::-1]
    rgb = decoded.frame.to_ndarray(format="rgb24", width=w, height=h, interpolation="AREA")
    turns = (decoded.rotation // 90) % 4
    return np.rot90(rgb.astype(np.float32).mean(axis=2), k=turns)


def _near(grey: np.ndarray, reference: np.ndarray) -> tuple[float, float, int]:
    """Mean absolute difference (levels), correlation, and the distance between the two
    pictures' whole-picture hashes (the dense sequence's, bits of 64)."""
    diff = float(np.abs(grey.astype(np.float32) - reference).mean())
    corr = float(np.corrcoef(grey.ravel(), reference.ravel())[0, 1])
    bits = np.unpackbits(whole_hash(grey.astype(np.float32))
                         ^ whole_hash(reference.astype(np.float32)))
    return diff, corr, int(bits.sum())


def _frames(path: Path, n: int = 6) -> list[Decoded]:
    found = []
    for decoded in decode_video(path):
        found.append(decoded)
        if len(found) == n:
            break
    return found


@pytest.fixture(scope="module")
def colour_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """testsrc2 640x360 1 s, tagged three ways: BT.709 limited range, full range (yuvj420p),
    and planar 4:2:2; and one in a format the planes path does not read (RGB H.264, gbrp)."""
    folder = tmp_path_factory.mktemp("colours")
    src = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=1"]
    made = {"bt709": folder / "bt709.mp4", "full": folder / "full.mp4",
            "422": folder / "422.mp4", "rgb": folder / "rgb.mkv"}
    media.ffmpeg(*src, "-vf", "setparams=colorspace=bt709:color_primaries=bt709:"
                 "color_trc=bt709:range=tv", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                 made["bt709"])
    media.ffmpeg(*src, "-vf", "scale=out_range=pc,format=yuvj420p", "-c:v", "libx264",
                 made["full"])
    media.ffmpeg(*src, "-c:v", "libx264", "-pix_fmt", "yuv422p", made["422"])
    media.ffmpeg(*src, "-c:v", "libx264rgb", "-pix_fmt", "gbrp", made["rgb"])
    return made


@pytest.mark.parametrize("name", ["bt709", "full", "422"])
def test_the_planes_give_swscales_grey_picture(colour_clips: dict[str, Path],
                                               name: str) -> None:
    for decoded in _frames(colour_clips[name]):
        grey = decoded.rgb_mean(128)
        assert grey.dtype == np.uint8
        assert grey.shape == (90, 160)  # 640x360 in boxes of 4: longer side 128 to 255
        diff, corr, bits = _near(grey, _swscale_mean(decoded, grey.shape))
        # testsrc2's saturated colour edges are the worst case: boxes are averaged before
        # R, G and B are clipped there, swscale clips each pixel
        assert diff < 2.5 and corr > 0.98 and bits <= DENSE_DISTANCE, (name, diff, corr, bits)


def test_ten_bit_hdr_planes_are_read_too(hlg_clip: Path) -> None:
    for decoded in _frames(hlg_clip, 4):
        assert decoded.frame.format.name == "yuv420p10le"
        grey = decoded.rgb_mean(64)
        assert grey.shape == (45, 80)
        diff, corr, bits = _near(grey, _swscale_mean(decoded, grey.shape))
        assert diff < 4 and corr > 0.98 and bits <= DENSE_DISTANCE, (diff, corr, bits)


def test_a_rotated_phone_clip_comes_out_upright(rotated_clip: Path) -> None:
    decoded = _frames(rotated_clip, 3)[-1]
    grey = decoded.rgb_mean(64)
    assert grey.shape == (80, 45)  # coded 320x180, shown 180x320
    upright = decoded.picture(80).rgb.astype(np.float32).mean(axis=2)  # 80x44, turned
    assert upright.shape == (80, 44)
    _, corr, _ = _near(grey[:, :44], upright)
    _, turned_back, _ = _near(grey[::-1, ::-1][:, :44], upright)
    assert corr > 0.95 > turned_back


def test_anamorphic_pixels_are_made_about_square(anamorphic_clip: Path) -> None:
    decoded = _frames(anamorphic_clip, 1)[0]
    assert (decoded.frame.width, decoded.width) == (240, 320)
    grey = decoded.rgb_mean(32)
    h, w = grey.shape
    assert abs(w / h - 16 / 9) < abs(w / h - 4 / 3)  # closer to the shown shape than the coded
    _, corr, bits = _near(grey, _swscale_mean(decoded, grey.shape))
    assert corr > 0.9 and bits <= DENSE_DISTANCE


def test_other_formats_and_small_pictures_go_through_swscale(colour_clips: dict[str, Path],
                                                             landscape_clip: Path) -> None:
    rgb = _frames(colour_clips["rgb"], 1)[0]
    assert rgb.frame.format.name == "gbrp"
    small = _frames(landscape_clip, 1)[0]  # 320x180: under twice 256
    for decoded, side in ((rgb, 128), (small, 256)):
        grey = decoded.rgb_mean(side)
        expected = decoded.picture(side).rgb.mean(axis=2).astype(np.uint8)
        assert grey.shape == expected.shape == fit_size(decoded.width, decoded.height,
                                                        side)[::-1]
        assert np.array_equal(grey, expected)


def test_slots_take_the_first_frame_at_or_after_each_slot() -> None:
    slots = Slots(2.0, start=1.0)
    times = [0.0, 0.5, 0.96, 1.0, 1.2, 1.4, 1.52, 1.8, 2.0, 2.6, 3.9]
    taken = [t for t in times if slots.take(t)]
    assert taken == [1.0, 1.52, 2.0, 2.6, 3.9]
