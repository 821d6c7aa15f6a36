"""Installed packages that ship data (model weights), found without importing them.

Some of those packages import heavy or deprecated things in their ``__init__``
(``face_recognition_models`` imports ``pkg_resources``), and coulisses only needs their files.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_dirs(name: str) -> list[Path]:
    """The folders of the installed package ``name``; empty when it is not installed."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(folder) for folder in spec.submodule_search_locations]


def package_file(name: str, *parts: str) -> Path | None:
    """The file ``parts`` inside the installed package ``name``, or None."""
    for folder in package_dirs(name):
        candidate = folder.joinpath(*parts)
        if candidate.is_file():
            return candidate
    return None
