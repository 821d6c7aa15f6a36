"""Any CSV with a mapping file: which column holds the post id, the date, and which metric each
other column is. The mapping is validated (unknown keys refused) and errors name its line.

    version: 1
    platform: instagram        # whose numbers these are
    id_column: Post ID         # optional: without it, rows are account-level
    date_column: Day           # optional: with it rows are daily values, else lifetime totals
    date_format: "%d/%m/%Y"    # optional strptime format; else ISO, MM/DD/YYYY, "3 oct. 2026"...
    decimal: ","               # "." (default) or ","
    delimiter: ";"             # optional; sniffed otherwise
    encoding: utf-8            # optional; BOMs are detected
    url_column: Link           # optional, like caption_column and published_column
    metrics:
      Views: views
      Watch time (s): {metric: watch_time_s, kind: duration}

A comments export is mapped with ``comments:`` instead of ``metrics:`` (see ``CommentColumns``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from coulisses.errors import AnalyticsImportError
from coulisses.kpi.imports.headers import FIELDS, ColumnSpec, ExportSpec, Kind

PLATFORMS = ("tiktok", "instagram", "facebook", "youtube", "linkedin", "x", "other")
METRIC_KINDS = ("count", "adjusted_count", "duration", "hours", "fraction", "percent")


class MetricColumn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    kind: Literal["count", "adjusted_count", "duration", "hours", "fraction", "percent"] = "count"

    @field_validator("metric")
    @classmethod
    def _name(cls, value: str) -> str:
        if value in FIELDS or not value.replace("_", "").isalnum() or not value.islower():
            raise ValueError(f"{value!r} is not a metric name (lower_case_with_underscores)")
        return value


class CommentColumns(BaseModel):
    """Where a comments export keeps each field; the brand's replies are the comments whose
    author is ``brand_account`` (or ``--brand-account``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id_column: str
    post_column: str | None = None  # the post's platform id
    post_url_column: str | None = None  # or its link
    parent_column: str | None = None  # the comment replied to; empty for top-level comments
    author_column: str
    created_column: str
    text_column: str | None = None
    brand_account: str | None = None

    @model_validator(mode="after")
    def _post(self) -> CommentColumns:
        if not (self.post_column or self.post_url_column):
            raise ValueError("give post_column or post_url_column")
        return self


class Mapping(BaseModel):
    """A generic CSV's mapping file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = 1
    platform: Literal["tiktok", "instagram", "facebook", "youtube", "linkedin", "x", "other"]
    id_column: str | None = None
    url_column: str | None = None
    caption_column: str | None = None
    published_column: str | None = None
    date_column: str | None = None
    date_format: str | None = None
    decimal: Literal[".", ","] = "."
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    encoding: str | None = None
    metrics: dict[str, MetricColumn] = {}
    comments: CommentColumns | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Mapping:
        if bool(self.metrics) == (self.comments is not None):
            raise ValueError("give either metrics (numbers) or comments (a comments export)")
        return self

    @field_validator("metrics", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: {"metric": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def spec(self) -> ExportSpec:
        """The mapping as an export spec the row engine reads like a built-in one."""
        columns: dict[str, ColumnSpec] = {}

        def add(name: str, header: str | None, kind: Kind) -> None:
            if header is not None:
                columns[name] = ColumnSpec(kind=kind, en=(header,))

        add("post_id", self.id_column, "id")
        add("url", self.url_column, "url")
        add("caption", self.caption_column, "text")
        add("published_at", self.published_column, "datetime")
        add("day", self.date_column, "date")
        for header, column in self.metrics.items():
            columns[column.metric] = ColumnSpec(kind=column.kind, en=(header,))
        return ExportSpec(id="generic", platform=self.platform, label="mapped CSV",
                          signature=tuple(columns), columns=columns)


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file.

    Raises:
        AnalyticsImportError: unreadable YAML or a key that does not validate, with its line.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise AnalyticsImportError(f"cannot read the mapping ({exc.strerror or exc})",
                                   path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AnalyticsImportError(f"not valid YAML ({getattr(exc, 'problem', exc)})",
                                   path=path, row=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise AnalyticsImportError("a mapping file is a YAML mapping with platform and metrics",
                                   path=path, row=1)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        raise AnalyticsImportError(f"{'.'.join(loc) or 'mapping'}: {first['msg']}", path=path,
                                   row=_line_of(text, loc)) from None


def _line_of(text: str, loc: list[str]) -> int | None:
    """The line of the YAML node at ``loc`` (or of its nearest parent that exists)."""
    node: Any = yaml.compose(text)
    line = 1
    for key in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        for k, v in node.value:
            if k.value == key:
                line, node = k.start_mark.line + 1, v
                break
        else:
            break
    return line
