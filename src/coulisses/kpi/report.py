"""The KPI report: objectives against targets, BTS against campaign content, groups, advice.

``build_report(store, ...)`` computes a frozen ``Report``; ``render(report, fmt)`` turns it into
a self-contained HTML page (charts as inline SVG, nothing loaded from elsewhere), JSON or CSV;
``write_report`` writes it atomically.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coulisses.errors import UsageError
from coulisses.kpi.compute import (
    Group,
    KpiValue,
    Period,
    PostTable,
    compute,
    literal,
    metric_total,
    open_posts,
)
from coulisses.kpi.definitions import METRICS, Definitions, load_definitions
from coulisses.kpi.page_kpis import PageKpis, combined
from coulisses.kpi.recommend import Advice, label, number, recommend

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign

Format = Literal["html", "json", "csv"]
FORMATS: tuple[Format, ...] = ("html", "json", "csv")
FEW_POSTS = 10
# (section id, dimensions, extra KPIs beside the headline ones)
SECTIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("bts_vs_campaign", ("kind",), ("response_rate", "returning_commenters")),
    ("by_platform_kind", ("platform", "kind"), ()),
    ("by_platform", ("platform",), ("follower_growth", "response_rate", "response_time_h",
                                    "returning_commenters")),
    ("by_format", ("format",), ()),
    ("by_length", ("length",), ()),
    ("by_hook", ("hook",), ()),
    ("by_hour", ("hour",), ()),
)
LENGTH_ORDER = ("0-15s", "15-30s", "30-60s", "1-3min", "3min+", "unknown")
Status = Literal["met", "not_met", "unavailable", "not_measurable", "no_target"]


@dataclass(frozen=True)
class Section:
    id: str
    dims: tuple[str, ...]
    kpis: tuple[str, ...]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class TargetCheck:
    """One KPI of a campaign objective, measured and compared with its target."""

    objective: str
    goal: str
    summary: str
    kpi: str
    metric: str
    measured_as: str | None
    comparator: str
    target: float | None
    unit: str
    scope: str
    platform: str | None
    value: KpiValue | None
    status: Status


@dataclass(frozen=True)
class OwnMetric:
    """A measure the team keeps outside the analytics store (a challenge's entries, its votes),
    given to the report by its owner; a campaign KPI whose ``metric`` is ``id`` is checked
    against it."""

    id: str  # a campaign KPI's metric, e.g. casting_entries
    value: float | None
    unit: str  # count or %
    name_en: str
    name_fr: str
    source: str = ""  # where it comes from, e.g. "challenge casting"


@dataclass(frozen=True)
class Report:
    lang: str
    generated: str
    store: str
    since: str | None
    until: str | None
    campaign: str | None
    campaign_name: str | None
    n_posts: int
    notes: tuple[str, ...]
    overall: Group | None
    sections: tuple[Section, ...]
    targets: tuple[TargetCheck, ...]
    advice: tuple[Advice, ...]
    own: tuple[OwnMetric, ...] = ()
    backstage: PageKpis | None = None  # the campaign's backstage page, when it has one
    conversation: tuple[KpiValue, ...] = ()  # platforms and backstage page together


@lru_cache(maxsize=1)
def messages() -> dict[str, dict[str, str]]:
    """The report's text, English and French (templates/messages.yaml)."""
    import yaml

    path = resources.files("coulisses.kpi") / "templates" / "messages.yaml"
    data: dict[str, dict[str, str]] = yaml.safe_load(path.read_text("utf-8"))
    return data


def text(lang: str, key: str, **values: object) -> str:
    table = messages().get(lang, messages()["en"])
    return (table.get(key) or messages()["en"][key]).format(**values)


def build_report(store: Path, *, campaign: Campaign | None = None, period: Period = Period(),
                 lang: str = "en", defs: Definitions | None = None,
                 own: Sequence[OwnMetric] = (),
                 backstage: PageKpis | None = None) -> Report:
    """Measure the store's posts (of ``campaign`` when its posts are matched to it), beside the
    team's ``own`` measures (``challenges.kpis``), which also meet the campaign's KPIs, and
    the campaign's ``backstage`` page when it has one.

    Raises:
        AnalyticsImportError: no analytics store at ``store``.
        ConflictError: an import is writing to it.
    """
    defs = defs or load_definitions()
    notes: list[str] = []
    campaign_id = campaign.id if campaign is not None else None
    if campaign is not None and period == Period():
        with open_posts(store, period, defs, campaign_id) as table:
            matched = table.count()
        if not matched:  # nothing matched by id: fall back on the campaign's dates
            notes.append(text(lang, "not_matched", campaign=campaign.id))
            campaign_id = None
            period = Period(campaign.period.start, campaign.period.end)
    with open_posts(store, period, defs, campaign_id) as table:
        n = table.count()
        if not n:
            notes.append(text(lang, "no_posts"))
        elif n < FEW_POSTS:
            notes.append(text(lang, "few_posts", n=n))
        overall = next(iter(compute(table)), None) if n else None
        headline = tuple(k.id for k in defs.kpis if k.headline)
        sections = tuple(Section(sid, dims, headline + extra, tuple(_ordered(compute(table, dims))))
                         for sid, dims, extra in SECTIONS) if n else ()
        targets = tuple(_targets(table, campaign, own)) if campaign is not None else ()
        advice = tuple(recommend(table, lang)) if n else ()
    return Report(lang, datetime.now().isoformat(timespec="minutes"), str(store),
                  period.since.isoformat() if period.since else None,
                  period.until.isoformat() if period.until else None,
                  campaign.id if campaign is not None else None,
                  campaign.name if campaign is not None else None, n, tuple(notes), overall,
                  sections, targets, advice, tuple(own), backstage,
                  combined(overall, backstage) if backstage is not None else ())


def _ordered(groups: list[Group]) -> list[Group]:
    def key(g: Group) -> tuple[Any, ...]:
        if g.dims and g.dims[-1] == "length":
            last = LENGTH_ORDER.index(str(g.key[-1])) if g.key[-1] in LENGTH_ORDER else 99
            return (*[str(k) for k in g.key[:-1]], last)
        return tuple(("~" if k == "unknown" else str(k)) for k in g.key)
    return sorted(groups, key=key)


def _targets(table: PostTable, campaign: Campaign,
             own: Sequence[OwnMetric] = ()) -> list[TargetCheck]:
    checks = []
    mine = {m.id: m for m in own}
    for objective in campaign.objectives:
        for k in objective.kpis:
            conds = ["TRUE"]
            if k.scope != "all":
                conds.append(f"dim_kind = {literal(k.scope)}")
            if k.platform:  # registry ids (instagram-reels) are stored by service (instagram)
                conds.append(f"platform = {literal(k.platform.split('-')[0])}")
            where = " AND ".join(conds)
            kpi = table.defs.resolve(k.metric)
            target = k.target
            value: KpiValue | None
            if kpi is not None:
                measured: str | None = kpi.id
                group = next(iter(compute(table, (), where)), None)
                value = group.get(kpi.id) if group is not None else None
                if target is not None and k.unit == "fraction" and kpi.unit == "%":
                    target *= 100
            elif k.metric in METRICS:
                measured, value = k.metric, metric_total(table, k.metric, where)
            elif k.metric in mine:  # the team's own measure: no posts behind it
                measured = k.metric
                value = KpiValue(k.metric, mine[k.metric].value, None, None, 0, 0)
            else:
                measured, value = None, None
            checks.append(TargetCheck(objective.id, objective.goal, objective.summary, k.id,
                                      k.metric, measured, k.comparator, target, k.unit,
                                      k.scope, k.platform, value,
                                      _status(measured, value, k.comparator, target)))
    return checks


def _status(measured: str | None, value: KpiValue | None, comparator: str,
            target: float | None) -> Status:
    if measured is None:
        return "not_measurable"
    if value is None or value.value is None:
        return "unavailable"
    if target is None:
        return "no_target"
    v = value.value
    ok = {">=": v >= target, ">": v > target, "<=": v <= target, "<": v < target,
          "=": abs(v - target) <= 1e-9 * max(1.0, abs(target))}[comparator]
    return "met" if ok else "not_met"


# --- output ------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """The report as JSON: every number with its numerator, denominator and post counts."""
    return json.dumps(asdict(report), indent=2, ensure_ascii=False, default=str) + "\n"


CSV_COLUMNS = ("section", "dimensions", "group", "kpi", "value", "numerator", "denominator",
               "n_posts", "n_total", "estimated", "post_mean", "target", "comparator", "status",
               "note")


def to_csv(report: Report) -> str:
    """The report as one long table: a row per (section, group, KPI), objective and advice,
    separated as a spreadsheet in the report's language expects (``;`` and decimal commas in
    French); ``spreadsheet.file_bytes`` adds the byte-order mark of the written file."""
    from coulisses.spreadsheet import decimal, delimiter

    out = io.StringIO()
    lang = report.lang
    writer = csv.DictWriter(out, CSV_COLUMNS, delimiter=delimiter(lang), lineterminator="\n")
    writer.writeheader()

    def put(row: dict[str, Any]) -> None:
        writer.writerow({k: decimal(v, lang) if isinstance(v, float) else v
                         for k, v in row.items()})

    def value_row(section: str, dims: str, group: str, v: KpiValue) -> dict[str, Any]:
        return {"section": section, "dimensions": dims, "group": group, "kpi": v.kpi,
                "value": v.value, "numerator": v.numerator, "denominator": v.denominator,
                "n_posts": v.n_posts, "n_total": v.n_total, "estimated": v.estimated,
                "post_mean": v.post_mean, "note": v.unavailable_reason or ""}

    if report.overall is not None:
        for v in report.overall.values:
            put(value_row("overall", "", "all", v))
    for s in report.sections:
        for g in s.groups:
            for v in g.values:
                if v.kpi in s.kpis:
                    put(value_row(s.id, "+".join(s.dims),
                                         "+".join(str(k) for k in g.key), v))
    for t in report.targets:
        row: dict[str, Any] = value_row("objective", t.objective, t.kpi, t.value) \
            if t.value else {"section": "objective", "dimensions": t.objective, "group": t.kpi}
        row.update(kpi=t.measured_as or t.metric, target=t.target, comparator=t.comparator,
                   status=t.status)
        put(row)
    for m in report.own:
        put({"section": "own", "dimensions": m.source, "group": m.id, "kpi": m.id,
             "value": m.value})
    if report.backstage is not None:
        for kpi, value in backstage_rows(report.backstage):
            put({"section": "backstage_page", "kpi": kpi, "value": value})
        for v in report.conversation:
            put(value_row("conversation", "platforms+backstage", "all", v))
    for a in report.advice:
        put({"section": "advice", "dimensions": a.dimension, "group": a.best,
                    "kpi": a.kpi, "value": a.ratio, "n_posts": a.n_best, "n_total": a.n_other,
                    "status": a.confidence,
                    "note": f"{a.text} ({a.evidence}; {a.uncertainty})"})
    return out.getvalue()


def backstage_rows(page: PageKpis) -> list[tuple[str, float | int | None]]:
    """The backstage page's KPIs in the report's order, by message key."""
    return [("bs_views", page.views), ("bs_participation", page.participation),
            ("bs_votes_counted", page.votes_counted), ("bs_votes_flagged", page.votes_flagged),
            ("bs_voters", page.voters), ("bs_comments_approved", page.comments_approved),
            ("bs_comments_held", page.comments_held),
            ("bs_comments_declined", page.comments_declined),
            ("bs_reply_share", page.reply_share), ("bs_median_reply_h", page.median_reply_h),
            ("bs_commenters", page.commenters),
            ("bs_returning_commenters", page.returning_commenters)]


def render(report: Report, fmt: Format) -> str:
    """The report as text in ``fmt``.

    Raises:
        UsageError: an unknown format.
    """
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        return to_html(report)
    raise UsageError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}")


def write_report(report: Report, fmt: Format, out: Path) -> Path:
    """Write the report to ``out`` atomically (a temporary name, then a rename).

    Raises:
        UnwritableOutputError: the folder is missing or read-only.
    """
    from coulisses.output import write_bytes, write_text
    from coulisses.spreadsheet import file_bytes

    if fmt == "csv":
        return write_bytes(out, file_bytes(render(report, fmt)), what="report")
    return write_text(out, render(report, fmt), what="report")


# --- HTML: one file, charts as inline SVG -------------------------------------------------

CHARTED = {"bts_vs_campaign", "by_platform", "by_format", "by_length", "by_hook", "by_hour"}


def _cell(v: KpiValue | None, unit: str, lang: str) -> str:
    if v is None or v.value is None:
        return text(lang, "not_available")
    out = f"{number(v.value, lang, 2)} {unit}"
    return out + (f" ({text(lang, 'estimated')})" if v.estimated else "")


def chart(section: Section, defs: Definitions, lang: str) -> str:
    """Bars of the section's headline KPIs per group, as an inline ``<svg>`` element; a group
    without a value gets "n/a" in place of a bar, never a bar of 0."""
    import matplotlib
    from matplotlib.figure import Figure

    kpis = [defs.get(k) for k in section.kpis if defs.get(k).headline]
    labels = [" / ".join(label(lang, str(k)) for k in g.key) for g in section.groups]
    with matplotlib.rc_context({"svg.hashsalt": "coulisses", "svg.fonttype": "path",
                                "font.size": 8}):
        fig = Figure(figsize=(2.6 * len(kpis), 0.9 + 0.28 * len(labels)))
        axes = fig.subplots(1, len(kpis), sharey=True, squeeze=False)[0]
        for ax, k in zip(axes, kpis, strict=True):
            values = [g.get(k.id).value for g in section.groups]
            ys = range(len(labels))
            ax.barh(list(ys), [v or 0.0 for v in values], color="#3b6ea5",
                    height=0.6, alpha=0.9)
            top = max([v for v in values if v is not None], default=1.0) or 1.0
            for y, v, g in zip(ys, values, section.groups, strict=True):
                note = f"{number(v, lang, 1)} (n={g.get(k.id).n_posts})" if v is not None \
                    else text(lang, "not_available")
                ax.text((v or 0.0) + top * 0.02, y, note, va="center", fontsize=7)
                if v is None:
                    ax.barh([y], [0], color="none")
            ax.set_xlim(0, top * 1.45)
            ax.set_title(f"{k.name.en if lang == 'en' else k.name.fr} ({k.unit})", fontsize=8)
            ax.set_yticks(list(ys), labels)
            ax.spines[["top", "right"]].set_visible(False)
        axes[0].invert_yaxis()  # shared: once for all, first group on top
        fig.tight_layout()
        return figure_svg(fig)


def figure_svg(fig: Any) -> str:
    """A matplotlib figure as an inline ``<svg>`` element, without its date or metadata (so
    the same figure gives the same bytes); call it inside the caller's ``rc_context``."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg[svg.index("<svg"):], flags=re.S)


def to_html(report: Report) -> str:
    """The report as one HTML page that works offline: inline CSS, inline SVG charts."""
    import jinja2
    from markupsafe import Markup

    defs = load_definitions()
    lang = report.lang
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coulisses.kpi", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    charts = {s.id: Markup(chart(s, defs, lang))
              for s in report.sections if s.id in CHARTED and s.groups}
    units = {k.id: k.unit for k in defs.kpis}
    names = {k.id: (k.name.en if lang == "en" else k.name.fr) for k in defs.kpis}
    return env.get_template("report.html.j2").render(
        r=report, defs=defs, charts=charts, units=units, names=names, lang=lang,
        t=lambda key, **v: text(lang, key, **v), cell=lambda v: _cell(v, units[v.kpi], lang),
        label=lambda value: label(lang, None if value is None else str(value)),
        num=lambda x, d=2: number(x, lang, d),
        backstage=backstage_rows(report.backstage) if report.backstage is not None else [])
