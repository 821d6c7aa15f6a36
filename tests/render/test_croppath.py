"""Crop paths saved as editable JSON, read back exactly, and refused clearly when edited wrong."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from coulisses.errors import InputError
from coulisses.render.croppath import load_crop_path, save_crop_path
from coulisses.render.plan import CropKeyframe, CropPath

PATH = CropPath(606, 1080, (CropKeyframe(Fraction(0), 100, 0),
                            CropKeyframe(Fraction(5, 2), 400, 0),
                            CropKeyframe(Fraction(5), 400, 0),
                            CropKeyframe(Fraction(5), 1200, 0)))


def test_a_crop_path_round_trips_one_keyframe_a_line(tmp_path: Path) -> None:
    file = tmp_path / "clip.crop.json"
    save_crop_path(PATH, file, source_size=(1920, 1080))
    assert load_crop_path(file) == PATH
    assert load_crop_path(file, source_size=(1920, 1080)) == PATH
    lines = file.read_text(encoding="utf-8").splitlines()
    assert '  {"t": 2.5, "x": 400, "y": 0},' in lines
    assert not list(tmp_path.glob(".*.part"))


def _edited(tmp_path: Path, change: dict[str, object] | None = None,
            keyframes: list[dict[str, object]] | None = None) -> Path:
    file = tmp_path / "edited.json"
    save_crop_path(PATH, file, source_size=(1920, 1080))
    data = json.loads(file.read_text(encoding="utf-8"))
    data.update(change or {})
    if keyframes is not None:
        data["keyframes"] = keyframes
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


@pytest.mark.parametrize(("keyframes", "message"), [
    ([{"t": 0, "x": 100, "y": 0}, {"t": 1, "x": 1400, "y": 0}],
     r"keyframe 1: the 606x1080 window at \(1400, 0\) goes outside the 1920x1080 source"),
    ([{"t": 2, "x": 100, "y": 0}, {"t": 1, "x": 100, "y": 0}],
     "keyframe 1: t 1 s comes before"),
    ([{"t": 0, "x": -5, "y": 0}], r"keyframe 0: the window's corner \(-5, 0\)"),
    ([{"t": 0, "x": 10.5, "y": 0}], "keyframe 0: x must be a whole number"),
    ([{"t": 0, "x": 10}], r"keyframe 0: expected \{"),
    ([{"t": 1, "x": 0, "y": 0}] * 3, "keyframe 2: three keyframes at 1 s"),
    ([], "keyframes must be a non-empty list"),
])
def test_bad_keyframes_name_the_file_and_the_keyframe(tmp_path: Path,
                                                      keyframes: list[dict[str, object]],
                                                      message: str) -> None:
    file = _edited(tmp_path, keyframes=keyframes)
    with pytest.raises(InputError, match=message) as caught:
        load_crop_path(file)
    assert str(file) in str(caught.value) and caught.value.path == file


@pytest.mark.parametrize(("change", "message"), [
    ({"window": {"width": 0, "height": 1080}}, "window width and height must be positive"),
    ({"window": {"width": 2000, "height": 1080}}, "larger than the 1920x1080 source"),
    ({"version": 2}, "version 2 is not supported"),
    ({"zoom": 2}, "unknown key 'zoom'"),
])
def test_bad_sizes_and_keys_are_refused(tmp_path: Path, change: dict[str, object],
                                        message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_crop_path(_edited(tmp_path, change=change))


def test_a_path_made_for_another_source_size_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    save_crop_path(PATH, file, source_size=(1920, 1080))
    with pytest.raises(InputError, match="made for a 1920x1080 source, but this source is "
                                         "1280x720"):
        load_crop_path(file, source_size=(1280, 720))


def test_broken_json_points_at_the_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text('{"version": 1,\n "window": {"width": 606, "height": 1080}\n "keyframes"',
                    encoding="utf-8")
    with pytest.raises(InputError, match="line 3 column 2"):
        load_crop_path(file)
