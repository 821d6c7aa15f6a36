"""Analysis results on disk, keyed by each file's content: a second run is instant, an
interrupted one resumes analyser by analyser.

One folder per file fingerprint, one JSON file per analyser and version, written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coulisses.output import write_text


class AnalysisCache:
    def __init__(self, root: Path) -> None:
        self.root = root / "analysis"

    def _path(self, fingerprint: str, name: str, version: str) -> Path:
        return self.root / fingerprint / f"{name}-{version}.json"

    def get(self, fingerprint: str, name: str, version: str) -> Any | None:
        """The stored result, or None when absent or unreadable."""
        try:
            return json.loads(self._path(fingerprint, name, version).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, fingerprint: str, name: str, version: str, data: Any) -> None:
        path = self._path(fingerprint, name, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, json.dumps(data, ensure_ascii=False))

    def folder(self, fingerprint: str) -> Path:
        return self.root / fingerprint
