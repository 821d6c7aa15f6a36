"""coulisses: plan, cut, open, publish and measure social video and its behind-the-scenes story.

The library is the product; the CLI (``coulisses.cli``) is a thin client of it::

    from coulisses import cut, probe
    result = cut("rushes/take3.mov", "tiktok,instagram-feed", Path("out"))
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from coulisses.render.result import CutResult

__version__ = "0.1.0"
__all__ = ["__version__", "cut", "probe"]


def cut(source: str | Path, platforms: str | list[str], out_dir: str | Path, *,
        captions: str | Path | None = None, reframe: str | Path | None = None,
        **options: Any) -> CutResult:
    """``coulisses.render.cut.cut`` for a one-liner: ``platforms`` may be ``"tiktok,youtube"``,
    ``captions`` and ``reframe`` ``"auto"`` or a file name.

    Raises:
        as ``coulisses.render.cut.cut``.
    """
    from coulisses.render.cut import cut as cut_source  # heavy: loaded on first use

    def parsed(value: str | Path | None) -> Path | Literal["auto"] | None:
        return "auto" if value == "auto" else Path(value) if value else None

    ids = platforms.split(",") if isinstance(platforms, str) else list(platforms)
    return cut_source(source, ids, Path(out_dir), captions=parsed(captions),
                      reframe=parsed(reframe), **options)


def __getattr__(name: str) -> Any:  # heavy modules load on first use, so the CLI starts fast
    if name == "probe":
        from coulisses.media.probe import probe

        return probe
    raise AttributeError(name)
