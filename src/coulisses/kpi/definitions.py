"""KPI definitions as data: ``definitions.yaml`` validated into frozen pydantic models.

Each KPI names its formula (numerator metrics, denominator with fallbacks, scale), its scope,
its unit and its source; ``docs/kpi.md`` shows them as a table (``markdown_table``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coulisses.errors import InputError

# Canonical metric names of the store (kpi/schema.sql), plus the post attributes a formula
# may use: ``duration_s`` (posts.duration_s) and ``followers_at_publication`` (the account's
# daily ``followers`` on the day of publication or the nearest day before).
METRICS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves", "follows",
           "followers", "profile_views", "watch_time_s", "avg_watch_time_s", "avg_pct_watched",
           "completion_rate", "clicks", "engaged_views", "unique_viewers", "three_s_views",
           "subscribers_gained", "subscribers_lost")
ATTRIBUTES = ("duration_s", "followers_at_publication")
MEASURES = ("follower_growth", "response_rate", "response_time", "returning_commenters")
DIMENSIONS = ("all", "platform", "format", "kind", "length", "hook", "hour")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(_Strict):
    en: str
    fr: str


class Formula(_Strict):
    """One way to compute a post KPI: Σ numerator / first denominator, optionally weighted."""

    numerator: tuple[str, ...] = Field(min_length=1)
    optional: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    weight: str | None = None
    cap: float | None = None
    scale: float = 1.0
    estimated: bool = False

    @model_validator(mode="after")
    def _known(self) -> Formula:
        names = [*self.numerator, *self.denominator, *([self.weight] if self.weight else [])]
        unknown = [n for n in names if n not in METRICS and n not in ATTRIBUTES]
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}")
        if not set(self.optional) <= set(self.numerator):
            raise ValueError("optional metrics must be listed in numerator")
        return self

    @property
    def requires(self) -> tuple[str, ...]:
        """Metrics a post must carry for this formula (any one of the denominators)."""
        need = [m for m in self.numerator if m not in self.optional]
        return (*need, *([self.weight] if self.weight else []))

    def text(self) -> str:
        """The formula as a person reads it."""
        num = " + ".join(f"[{m}]" if m in self.optional else m for m in self.numerator)
        if len(self.numerator) > 1:
            num = f"({num})"
        if self.cap is not None:
            num = f"min({num}, {self.cap:g} × {self.denominator[0]})"
        den = " → ".join(self.denominator) if self.denominator else ""
        out = f"{num} / {den}" if den else num
        if self.weight:
            out = f"mean of {out} weighted by {self.weight}"
        if self.scale != 1:
            out += f" × {self.scale:g}"
        return out + (" (estimated)" if self.estimated else "")


class Kpi(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Names
    description: Names
    scope: Literal["post", "account", "comments"]
    formulas: tuple[Formula, ...] = ()
    measure: str | None = None
    requires: tuple[str, ...] = ()
    scale: float = 1.0
    unit: str
    aggregation: Literal["weighted"] = "weighted"
    source: str = Field(pattern=r"^https://")
    aliases: tuple[str, ...] = ()
    headline: bool = False

    @model_validator(mode="after")
    def _shape(self) -> Kpi:
        if self.scope == "post" and not self.formulas:
            raise ValueError("a post KPI needs formulas")
        if self.scope != "post" and self.measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}")
        return self

    def formula_text(self) -> str:
        """Every formula, first to last, with the KPI's scale."""
        if self.scope != "post":
            return self.description.en
        parts = [f.text() for f in self.formulas]
        scale = f" × {self.scale:g}" if self.scale != 1 else ""
        return "; else ".join(parts) + scale

    def needs(self) -> tuple[str, ...]:
        """Every metric any formula can use (for messages about what is missing)."""
        if self.scope != "post":
            return self.requires
        seen: dict[str, None] = {}
        for f in self.formulas:
            for m in (*f.requires, *f.denominator):
                seen[m] = None
        return tuple(seen)


class Recommendation(_Strict):
    dimension: str
    kpi: str
    within: str | None = None


class Definitions(_Strict):
    version: Literal[1]
    kpis: tuple[Kpi, ...]
    recommendations: tuple[Recommendation, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Definitions:
        ids = [k.id for k in self.kpis]
        if len(set(ids)) != len(ids):
            raise ValueError("a KPI id is defined twice")
        for r in self.recommendations:
            if r.kpi not in ids or r.dimension not in DIMENSIONS:
                raise ValueError(f"recommendation on unknown KPI or dimension: {r.kpi}, "
                                 f"{r.dimension}")
        return self

    def get(self, kpi_id: str) -> Kpi:
        """The KPI with this id.

        Raises:
            KeyError: no such KPI.
        """
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise KeyError(kpi_id)

    def resolve(self, name: str) -> Kpi | None:
        """The KPI a campaign file means by ``name`` (id or alias, any case), or None."""
        wanted = " ".join(name.strip().lower().replace("-", " ").replace("_", " ").split())
        for k in self.kpis:
            names = (k.id, *k.aliases, k.name.en, k.name.fr)
            if any(" ".join(n.lower().replace("_", " ").split()) == wanted for n in names):
                return k
        return None


def load_definitions(path: Path | None = None) -> Definitions:
    """Read and validate a definitions file (the packaged one by default).

    Raises:
        InputError: unreadable YAML or definitions that do not validate.
    """
    if path is None:
        return _packaged()
    return _load(path)


@lru_cache(maxsize=1)
def _packaged() -> Definitions:
    return _load(Path(str(resources.files("coulisses.kpi") / "definitions.yaml")))


def _load(path: Path) -> Definitions:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read KPI definitions: {exc}", path=path) from None
    try:
        return Definitions.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path}: {where}: {first['msg']}", path=path) from None


def markdown_table(defs: Definitions | None = None) -> str:
    """The ``## KPIs`` table of docs/kpi.md: id, name, formula, unit, source."""
    defs = defs or load_definitions()
    rows = ["| KPI | Name (en / fr) | Formula | Unit | Source |", "|---|---|---|---|---|"]
    for k in defs.kpis:
        formula = k.formula_text().replace("|", "\\|")
        rows.append(f"| `{k.id}` | {k.name.en} / {k.name.fr} | {formula} | {k.unit} | "
                    f"<{k.source}> |")
    return "\n".join(rows)
