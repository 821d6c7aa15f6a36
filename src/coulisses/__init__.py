"""coulisses: plan, cut, open, publish and measure social video and its behind-the-scenes story.

The library is the product; the CLI (``coulisses.cli``) is a thin client of it::

    from coulisses import cut, probe
    result = cut("rushes/take3.mov", "tiktok,instagram-feed", Path("out"))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "cut", "probe"]


def __getattr__(name: str) -> Any:  # heavy modules load on first use, so the CLI starts fast
    if name == "cut":
        from coulisses.render.cut import cut

        return cut
    if name == "probe":
        from coulisses.media.probe import probe

        return probe
    raise AttributeError(name)
