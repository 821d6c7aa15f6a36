"""The plan folder: every file of ``coulisses plan`` rendered first, then moved into place.

Files are written in a hidden work folder inside the plan folder and moved with ``os.replace``:
an interrupted run leaves the previous plan intact and nothing half-written. Tags, coverage and
the rights log that live in the same folder are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coulisses import spreadsheet
from coulisses.campaign import calendar, capture, deliverables
from coulisses.campaign.plan import Plan, to_json

FILES = ("capture.html", "capture.pdf", "deliverables.csv", "deliverables.html",
         "calendar.ics", "calendar.csv", "health.html", "health.json", "plan.json")

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class PlanFiles:
    folder: Path
    files: tuple[Path, ...]
    findings: int

    def __getitem__(self, name: str) -> Path:
        return self.folder / name


def finding_json(finding: Any) -> dict[str, Any]:
    """A health finding (any object with rule, severity, message, line...) as JSON data."""
    if isinstance(finding, Mapping):
        data = dict(finding)
    elif hasattr(finding, "to_json"):
        data = dict(finding.to_json())
    else:
        data = {k: getattr(finding, k) for k in ("rule", "severity", "message", "line",
                                                  "column", "hint", "path", "loc")
                if hasattr(finding, k)}
    if isinstance(data.get("loc"), tuple):
        data["loc"] = list(data["loc"])
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in data.items()}


def health_html(findings: Sequence[Mapping[str, Any]], title: str, source: str,
                lang: str) -> str:
    from coulisses.campaign.pages import label, render

    ordered = sorted(findings, key=lambda f: (f.get("line") is None, f.get("line") or 0))
    return render("health.html", lang, page_title=f"{label(lang, 'health_title')} · {title}",
                  campaign_title=title, findings=[_Row(f) for f in ordered], source=source)


class _Row:
    """Attribute access for the template, with the keys a finding may lack left empty."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.line = data.get("line")
        self.severity = str(data.get("severity", ""))
        self.rule = str(data.get("rule", ""))
        self.message = str(data.get("message", ""))
        self.hint = str(data.get("hint") or "")


def render_all(plan: Plan, findings: Sequence[Any], *, source: str = "", lang: str = "en",
               stamp: datetime | None = None,
               progress: Progress | None = None) -> dict[str, bytes]:
    """Every plan file's bytes by name, in memory."""
    report = progress or (lambda stage, done: None)
    when = stamp or datetime.now(UTC)
    health = [finding_json(f) for f in findings]
    steps: list[tuple[str, Callable[[], bytes | str]]] = [
        ("capture.html", lambda: capture.to_html(plan, lang)),
        ("capture.pdf", lambda: capture.to_pdf(plan, lang, when)),
        ("deliverables.csv",
         lambda: spreadsheet.file_bytes(deliverables.to_csv(plan, lang))),
        ("deliverables.html", lambda: deliverables.to_html(plan, lang)),
        ("calendar.ics", lambda: calendar.to_ics(plan, stamp=when)),
        ("calendar.csv", lambda: spreadsheet.file_bytes(calendar.to_csv(plan, lang))),
        ("health.html", lambda: health_html(health, plan.title, source, lang)),
        ("health.json", lambda: json.dumps({"campaign": plan.campaign, "source": source,
                                            "findings": health}, indent=1,
                                           ensure_ascii=False) + "\n"),
        ("plan.json", lambda: json.dumps(to_json(plan), indent=1, ensure_ascii=False) + "\n"),
    ]
    out: dict[str, bytes] = {}
    for i, (name, make) in enumerate(steps):
        report("writing plan", i / len(steps))
        value = make()
        out[name] = value.encode("utf-8") if isinstance(value, str) else value
    report("writing plan", 1.0)
    return out


def write_plan(plan: Plan, folder: Path, findings: Sequence[Any] = (), *, source: str = "",
               lang: str = "en", stamp: datetime | None = None,
               progress: Progress | None = None) -> PlanFiles:
    """Render every plan file and move them into ``folder`` together.

    Raises:
        OutputError (and leaves): the folder cannot be created or written, or the disk is full.
    """
    from coulisses import output

    rendered = render_all(plan, findings, source=source, lang=lang, stamp=stamp,
                          progress=progress)
    target = output.prepare(folder)
    work = output.make_work_dir(target)
    try:
        moves = []
        for name, data in rendered.items():
            temp = work / name
            temp.write_bytes(data)
            moves.append((temp, target / name))
        output.publish_all(moves)
    except OSError as exc:
        raise output.write_error(exc, target) from None
    finally:
        output.remove_work_dir(work)
    return PlanFiles(target, tuple(target / n for n in rendered), len(findings))


def default_folder(campaign_file: Path) -> Path:
    """Where a campaign's plan goes when no folder is named: beside it, ``NAME-plan``."""
    return campaign_file.with_name(f"{campaign_file.stem}-plan")
