"""Header aliases as data: ``kpi/headers.yaml`` read into ``ExportSpec`` and matched to the
header row of a file, in any of the languages it lists.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Kind = Literal["text", "url", "id", "datetime", "date", "month_day", "meta_day", "count",
               "adjusted_count", "duration", "hours", "fraction", "percent"]
LANGS = ("en", "fr", "es")
#: Fields that describe a post or a row rather than carry a metric value.
FIELDS = frozenset({"post_id", "url", "caption", "published_at", "day", "meta_day",
                    "duration_s", "format", "account", "value"})


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind
    en: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    es: tuple[str, ...] = ()


class Ignored(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    es: tuple[str, ...] = ()


class ExportSpec(BaseModel):
    """One kind of export: its platform, identifying fields and column spellings."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = ""
    platform: str
    label: str
    signature: tuple[str, ...]
    columns: dict[str, ColumnSpec]
    ignore: Ignored = Field(default_factory=Ignored)
    titles: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def aliases(self) -> dict[str, tuple[str, str]]:
        """Normalised header -> (field, language)."""
        out: dict[str, tuple[str, str]] = {}
        for name, column in self.columns.items():
            for lang in LANGS:
                for header in getattr(column, lang):
                    out.setdefault(normalise(header), (name, lang))
        return out

    def ignored(self) -> set[str]:
        return {normalise(h) for lang in LANGS for h in getattr(self.ignore, lang)}


class HeadersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    adapters: dict[str, ExportSpec]


def normalise(header: object) -> str:
    """Compare headers loosely: case, accents kept, quotes, BOM and spacing ignored."""
    text = unicodedata.normalize("NFC", str(header if header is not None else ""))
    text = text.replace("\ufeff", "").replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text.strip().strip('"').strip()).casefold()


@cache
def export_specs() -> dict[str, ExportSpec]:
    """Every known export, keyed by adapter id (``tiktok.content``...), from headers.yaml."""
    raw = resources.files("coulisses.kpi").joinpath("headers.yaml").read_text(encoding="utf-8")
    try:
        parsed = HeadersFile.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:  # packaged data: a bug, not user input
        raise RuntimeError(f"coulisses/kpi/headers.yaml is invalid: {exc}") from exc
    return {key: spec.model_copy(update={"id": key}) for key, spec in parsed.adapters.items()}


@dataclass(frozen=True)
class HeaderMatch:
    """How a header row maps onto an export's fields."""

    spec: ExportSpec
    row: int
    columns: dict[str, tuple[int, str]]  # field -> (cell index, header as written)
    lang: str
    unknown: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return all(f in self.columns for f in self.spec.signature)

    @property
    def score(self) -> int:
        return len(self.columns)


def match_header(spec: ExportSpec, cells: list[object], row: int) -> HeaderMatch:
    """Map each header cell to one of ``spec``'s fields; the dominant language decides the
    number and date conventions."""
    aliases = spec.aliases()
    ignored = spec.ignored()
    columns: dict[str, tuple[int, str]] = {}
    votes = dict.fromkeys(LANGS, 0)
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        key = normalise(cell)
        if not key:
            continue
        hit = aliases.get(key)
        if hit is None:
            if key not in ignored:
                unknown.append(str(cell).strip())
            continue
        name, lang = hit
        if name not in columns:
            columns[name] = (index, str(cell).strip())
        votes[lang] += 1
        if lang != "en" and key in {normalise(h) for h in spec.columns[name].en}:
            votes["en"] += 1  # the same spelling in both languages: no evidence either way
            votes[lang] -= 1
    lang = max(LANGS, key=lambda code: (votes[code], code == "en"))
    return HeaderMatch(spec, row, columns, lang, tuple(unknown))
