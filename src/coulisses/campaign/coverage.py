"""From plan to footage: rushes tagged to shoot days and beats, moments matched to BTS items.

Tags live in ``tags.json`` in the plan folder, keyed by each rush's content fingerprint (so a
moved or renamed rush keeps its tags). ``coverage`` is pure: per shoot day, which planned items
were captured (and by which moment), which are missing, and what was filmed but not planned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coulisses.analysis.model import Moment
from coulisses.campaign.plan import CaptureItem, Plan
from coulisses.errors import UsageError

TAGS_FILE = "tags.json"
# which moment sub-score (coulisses.analysis.moments) shows each kind of BTS item
KIND_CUES: dict[str, tuple[str, ...]] = {
    "preparation": ("preparation",), "craft": ("preparation", "effort"),
    "effort": ("effort",), "failure": ("trouble",), "doubt": ("trouble", "effort"),
    "laughter": ("laughter", "reaction"), "teaser": ("reveal", "reaction"),
    "reveal": ("reveal", "reaction"),
}
MATCH = 0.35  # a moment covers an item from this score on
EXTRA = 0.5  # an unmatched moment this strong is reported as filmed but not planned

Similarity = Callable[[str, list[str]], list[float]]  # item text, moment texts -> [0, 1]


@dataclass(frozen=True)
class Tag:
    fingerprint: str
    path: str
    day: str
    beat: str = ""
    tagged: str = ""  # when, ISO 8601


@dataclass(frozen=True)
class Rush:
    """A tagged rush and the moments found in it."""

    tag: Tag
    moments: tuple[Moment, ...] = ()


@dataclass(frozen=True)
class Match:
    item: str
    path: str
    start: float
    end: float
    score: float
    why: str
    text: str = ""


@dataclass(frozen=True)
class DayCoverage:
    day: str
    date: str
    planned: int
    captured: tuple[Match, ...]
    missing: tuple[CaptureItem, ...]
    extra: tuple[Match, ...]
    rushes: tuple[str, ...]

    @property
    def share(self) -> float:
        return len(self.captured) / self.planned if self.planned else 1.0


@dataclass(frozen=True)
class Coverage:
    campaign: str
    title: str
    days: tuple[DayCoverage, ...]
    untagged: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        days = []
        for d in self.days:
            days.append({"day": d.day, "date": d.date, "planned": d.planned,
                         "captured": [asdict(m) for m in d.captured],
                         "missing": [{"item": i.id, "title": i.title, "kind": i.kind,
                                      "line": i.line} for i in d.missing],
                         "extra": [asdict(m) for m in d.extra], "rushes": list(d.rushes)})
        return {"campaign": self.campaign, "title": self.title, "days": days,
                "untagged": list(self.untagged)}


# --- tags --------------------------------------------------------------------------------------

def load_tags(folder: Path) -> dict[str, Tag]:
    """The tags recorded in ``folder`` by fingerprint (empty when none).

    Raises:
        UsageError: the tags file is damaged.
    """
    path = folder / TAGS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {fp: Tag(fingerprint=fp, **value) for fp, value in data["rushes"].items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: cannot read the tags ({exc})",
                         hint="fix or remove the file, then tag the rushes again") from None


def add_tags(folder: Path, plan: Plan, rushes: Sequence[Path], day: str,
             beat: str = "") -> list[Tag]:
    """Tag ``rushes`` to shoot day ``day`` (and story beat ``beat``); saved atomically.

    Raises:
        UsageError: an unknown day or beat.
        InputError: a rush cannot be read.
    """
    from coulisses.media.fingerprint import source_fingerprint
    from coulisses.media.inputs import check_source
    from coulisses.output import write_text

    days = [s.day for s in plan.sheets]
    if day not in days:
        raise UsageError(f"unknown shoot day {day!r}", hint=f"known: {', '.join(days) or 'none'}")
    beats = sorted({b for s in plan.sheets for i in s.items for b in i.beat.split(", ") if b}
                   | {b for i in plan.unscheduled for b in i.beat.split(", ") if b})
    if beat and beat not in beats:
        raise UsageError(f"unknown beat {beat!r}", hint=f"known: {', '.join(beats) or 'none'}")
    tags = load_tags(folder)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    added = []
    for rush in rushes:
        path = check_source(rush)
        tag = Tag(fingerprint=source_fingerprint(path), path=str(path.resolve()), day=day,
                  beat=beat, tagged=now)
        tags[tag.fingerprint] = tag
        added.append(tag)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "rushes": {fp: {k: v for k, v in asdict(t).items()
                                          if k != "fingerprint"} for fp, t in tags.items()}}
    write_text(folder / TAGS_FILE, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return added


# --- matching ----------------------------------------------------------------------------------

def item_score(item: CaptureItem, moment: Moment, similarity: float | None = None) -> tuple[
        float, str]:
    """How well ``moment`` shows ``item``: the best of its kind's cues and text similarity."""
    cues = KIND_CUES.get(item.kind, ())
    kind_score = max((moment.scores.get(c, 0.0) for c in cues), default=0.0)
    if similarity is not None and similarity > kind_score:
        return similarity, "text close to the plan"
    return kind_score, f"{item.kind} cues" if kind_score else "nothing in common"


def coverage(plan: Plan, rushes: Sequence[Rush], similarity: Similarity | None = None,
             untagged: Sequence[str] = ()) -> Coverage:
    """Per shoot day: planned items captured (best moment each), missing, and extras. Pure."""
    days = []
    for sheet in plan.sheets:
        on_day = [r for r in rushes if r.tag.day == sheet.day]
        captured: list[Match] = []
        missing: list[CaptureItem] = []
        used: set[tuple[str, float]] = set()
        for item in sheet.items:
            best: Match | None = None
            item_beats = set(item.beat.split(", ")) if item.beat else set()
            for rush in on_day:
                if rush.tag.beat and item_beats and rush.tag.beat not in item_beats:
                    continue
                moments = list(rush.moments)
                sims: list[float | None] = [None] * len(moments)
                if similarity is not None and moments:
                    sims = list(similarity(f"{item.title}. {item.what}",
                                           [m.text for m in moments]))
                for m, sim in zip(moments, sims, strict=True):
                    value, why = item_score(item, m, sim if m.text else None)
                    if value >= MATCH and (best is None or value > best.score):
                        best = Match(item.id, rush.tag.path, m.start, m.end, round(value, 3),
                                     why, m.text)
            if best is None:
                missing.append(item)
            else:
                captured.append(best)
                used.add((best.path, best.start))
        extra = [Match("", r.tag.path, m.start, m.end, m.score, m.reason, m.text)
                 for r in on_day for m in r.moments
                 if m.score >= EXTRA and (r.tag.path, m.start) not in used]
        days.append(DayCoverage(sheet.day, sheet.date.isoformat(), len(sheet.items),
                                tuple(captured), tuple(missing), tuple(extra),
                                tuple(r.tag.path for r in on_day)))
    return Coverage(plan.campaign, plan.title, tuple(days), tuple(untagged))


def to_html(report: Coverage, lang: str = "en") -> str:
    """The coverage report as an HTML page (a bar per shoot day)."""
    from coulisses.campaign.pages import label, render

    return render("coverage.html", lang, page_title=f"{label(lang, 'coverage_title')} · "
                  f"{report.title}", campaign_title=report.title, report=report,
                  basename=lambda p: Path(p).name)


def rush_moments(by_path: Mapping[str, Sequence[Moment]], tags: Mapping[str, Tag]) -> list[Rush]:
    """Pair each tag with the moments found in its rush (none when it was not analysed)."""
    return [Rush(t, tuple(by_path.get(t.path, ()))) for t in tags.values()]
