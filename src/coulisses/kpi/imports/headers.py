"""Header aliases as data: ``kpi/headers.yaml`` read into ``ExportSpec`` and matched to the
header row of a file, in any of the languages it lists. ``normalise`` is the one way headers
are compared, by detection, every adapter, the mapping files and the mapping guess.
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
    #: Where the spellings were read, unless ``sources`` names a spelling's own source.
    source: str = ""
    #: Spelling -> where that spelling was seen (a test file under tests/kpi/real, a repository).
    sources: dict[str, str] = Field(default_factory=dict)

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


class Vocabulary(BaseModel):
    """The spellings the mapping guess knows for fields and metrics beyond the exports'."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    columns: dict[str, ColumnSpec]


class HeadersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    adapters: dict[str, ExportSpec]
    guess: Vocabulary


_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'"})


def normalise(header: object) -> str:
    """The comparable form of a header: NFKC, Unicode format characters (soft hyphen, zero
    width space, BOM: category Cf) removed, any space (no-break ones too) as one space, curly
    apostrophes straight, surrounding quotes dropped, casefolded. Accents are kept."""
    text = unicodedata.normalize("NFKC", str(header if header is not None else ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.replace("\u00a0", " ").translate(_QUOTES)
    return _SPACES.sub(" ", text.strip().strip('"').strip()).casefold()


@cache
def _load() -> HeadersFile:
    raw = resources.files("coulisses.kpi").joinpath("headers.yaml").read_text(encoding="utf-8")
    try:
        return HeadersFile.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:  # packaged data: a bug, not user input
        raise RuntimeError(f"coulisses/kpi/headers.yaml is invalid: {exc}") from exc


@cache
def export_specs() -> dict[str, ExportSpec]:
    """Every known export, keyed by adapter id (``tiktok.content``...), from headers.yaml."""
    return {key: spec.model_copy(update={"id": key}) for key, spec in _load().adapters.items()}


@cache
def guess_vocabulary() -> Vocabulary:
    """The extra spellings the mapping guess reads (headers.yaml ``guess``)."""
    return _load().guess


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
