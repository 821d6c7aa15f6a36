"""Crop paths as JSON files a person can read and edit: one keyframe a line, checked on load.

    {"version": 1, "source": {"width": 1920, "height": 1080},
     "window": {"width": 608, "height": 1080},
     "keyframes": [
      {"t": 0, "x": 656, "y": 0},
      {"t": 2.5, "x": 700, "y": 0}
     ]}

``t`` is seconds from the start of the cut; ``x``, ``y`` the window's top-left corner in
displayed source pixels. The window moves in a straight line between keyframes and holds
before the first and after the last; two keyframes at the same time make a jump (for a cut).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from coulisses.errors import InputError
from coulisses.render.plan import CropKeyframe, CropPath

VERSION = 1
_TOP_KEYS = {"version", "source", "window", "keyframes", "note"}
NOTE = ("t: seconds from the start of the cut; x, y: top-left corner of the window in source "
        "pixels; straight moves between keyframes; two keyframes at one time make a jump")


def save_crop_path(path_obj: CropPath, file: Path, *,
                   source_size: tuple[int, int] | None = None) -> None:
    """Write ``path_obj`` to ``file`` (atomically), with the source size when given.

    Raises:
        OutputError: the file cannot be written.
    """
    head: dict[str, Any] = {"version": VERSION, "note": NOTE}
    if source_size is not None:
        head["source"] = {"width": source_size[0], "height": source_size[1]}
    head["window"] = {"width": path_obj.width, "height": path_obj.height}
    lines = [f'  {{"t": {_seconds(k.t)}, "x": {k.x}, "y": {k.y}}}' for k in path_obj.keyframes]
    text = json.dumps(head, indent=1)[:-2] + ',\n "keyframes": [\n' + ",\n".join(lines)
    text += "\n ]\n}\n"
    from coulisses.output import write_text

    write_text(Path(file), text, what="crop path")


def _seconds(t: Fraction) -> str:
    """Decimal seconds, exact to the microsecond (0.04, 2.5, 1.333333)."""
    return f"{float(t):.6f}".rstrip("0").rstrip(".") or "0"


def load_crop_path(file: Path, *, source_size: tuple[int, int] | None = None) -> CropPath:
    """Read and check a crop path file; ``source_size`` (width, height) is the picture it will
    crop (the file's own ``source`` is used when not given).

    Raises:
        InputError: the file is unreadable, not JSON, or a value is out of place; the message
            names the file and the keyframe.
    """
    file = Path(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read the crop path ({exc})", path=file) from None
    try:
        data = json.loads(text, parse_float=Fraction)
    except json.JSONDecodeError as exc:
        raise InputError(f"{file}: line {exc.lineno} column {exc.colno}: {exc.msg}",
                         path=file, hint="the crop path must be JSON") from None

    def fail(message: str) -> InputError:
        return InputError(f"{file}: {message}", path=file,
                          hint="fix the file, or delete it to compute the path again")

    if not isinstance(data, dict):
        raise fail("expected a JSON object with version, window and keyframes")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    if data.get("version") != VERSION:
        raise fail(f"version {data.get('version')!r} is not supported (expected {VERSION})")
    width, height = _size(data.get("window"), "window", fail)
    declared = _size(data["source"], "source", fail) if "source" in data else None
    if source_size is not None and declared is not None and tuple(declared) != source_size:
        raise fail(f"made for a {declared[0]}x{declared[1]} source, but this source is "
                   f"{source_size[0]}x{source_size[1]}")
    bounds = source_size or declared
    if bounds is not None and (width > bounds[0] or height > bounds[1]):
        raise fail(f"the {width}x{height} window is larger than the {bounds[0]}x{bounds[1]} "
                   "source")
    raw = data.get("keyframes")
    if not isinstance(raw, list) or not raw:
        raise fail("keyframes must be a non-empty list")
    keys: list[CropKeyframe] = []
    for i, item in enumerate(raw):
        keys.append(_keyframe(item, i, keys, (width, height), bounds, fail))
    return CropPath(width, height, tuple(keys))


def _size(value: Any, name: str, fail: Callable[[str], InputError]) -> tuple[int, int]:
    if not isinstance(value, dict) or set(value) != {"width", "height"}:
        raise fail(f"{name} must be {{\"width\": W, \"height\": H}}")
    w, h = value["width"], value["height"]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (w, h)):
        raise fail(f"{name} width and height must be positive whole numbers, not {w!r}, {h!r}")
    return int(w), int(h)


def _keyframe(item: Any, i: int, before: list[CropKeyframe], window: tuple[int, int],
              bounds: tuple[int, int] | None, fail: Callable[[str], InputError]) -> CropKeyframe:
    where = f"keyframe {i}"
    if not isinstance(item, dict) or set(item) != {"t", "x", "y"}:
        raise fail(f"{where}: expected {{\"t\": seconds, \"x\": px, \"y\": px}}")
    t, x, y = item["t"], item["x"], item["y"]
    if isinstance(t, bool) or not isinstance(t, int | Fraction) or t < 0:
        raise fail(f"{where}: t must be seconds from the start of the cut (0 or more), "
                   f"not {t!r}")
    for axis, v in (("x", x), ("y", y)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise fail(f"{where}: {axis} must be a whole number of pixels, not {v!r}")
    t = Fraction(t)
    if before and t < before[-1].t:
        raise fail(f"{where}: t {float(t):g} s comes before the previous keyframe's "
                   f"{float(before[-1].t):g} s; times must not go backwards")
    if len(before) >= 2 and before[-1].t == before[-2].t == t:
        raise fail(f"{where}: three keyframes at {float(t):g} s; a jump takes two")
    if x < 0 or y < 0:
        raise fail(f"{where}: the window's corner ({x}, {y}) is outside the source")
    if bounds is not None and (x + window[0] > bounds[0] or y + window[1] > bounds[1]):
        raise fail(f"{where}: the {window[0]}x{window[1]} window at ({x}, {y}) goes outside "
                   f"the {bounds[0]}x{bounds[1]} source (x at most {bounds[0] - window[0]}, "
                   f"y at most {bounds[1] - window[1]})")
    return CropKeyframe(t, x, y)
