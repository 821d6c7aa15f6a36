"""A challenge's report: one HTML file that works offline, in English or French: the funnel
from entries to the shortlist (an inline SVG chart), why every entry left it (counted, and
listed entry by entry), the shortlist with its relevance and reasons, and the duplicate groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses.challenges.consent import COMPLETE
from coulisses.challenges.entry import EntryRecord
from coulisses.errors import UsageError

if TYPE_CHECKING:
    from coulisses.campaign.schema import Challenge

#: relevance from which an entry is on the brief (relevance is 0 to 1)
ON_BRIEF = 0.5
#: the funnel's steps, in order; an entry leaves it at the first step it fails
STEPS = ("entries", "valid", "unique", "on_brief", "eligible", "shortlist")
LANGS = ("en", "fr")
GONE = ("withdrawn", "purged")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Challenge report: {title}",
        "generated": "{n} entries · shortlist of {k} asked",
        "funnel": "From entries to the shortlist",
        "step": "Step", "count": "Entries", "share": "Share of all",
        "entries": "entries", "valid": "valid (technical checks passed)",
        "unique": "unique (not a copy)", "on_brief": "on the brief",
        "eligible": "eligible (consent complete)", "shortlist": "shortlisted",
        "exclusions": "Why entries left", "reason": "Reason", "entry": "Entry",
        "file": "File", "left_at": "Left at", "per_entry": "Every exclusion, entry by entry",
        "no_exclusion": "No entry was excluded.",
        "shortlisted": "The shortlist", "rank": "Rank", "relevance": "Relevance",
        "declared": "Declared", "no_shortlist": "Nothing is shortlisted yet.",
        "duplicates": "Copies of each other", "group": "Group", "original": "Kept",
        "copies": "Copies", "no_duplicates": "No entry copies another.",
        "why.not_triaged": "not triaged yet",
        "why.qc": "technical checks failed: {reasons}",
        "why.duplicate": "a copy of {original}",
        "why.off_brief": "off the brief (relevance {relevance}): {reason}",
        "why.consent": "consent {state}",
        "why.withdrawn": "withdrawn by the entrant",
        "why.not_ranked": "not among the best ranked",
        "count.duplicate": "a copy of another entry or a known clip",
        "count.off_brief": "off the brief",
        "consent.missing": "not recorded", "consent.pending_parent":
        "waiting for a parent's confirmation", "consent.withdrawn": "withdrawn",
        "none": "none",
    },
    "fr": {
        "title": "Rapport du challenge : {title}",
        "generated": "{n} participations · présélection de {k} demandée",
        "funnel": "Des participations à la présélection",
        "step": "Étape", "count": "Participations", "share": "Part du total",
        "entries": "participations", "valid": "valides (contrôles techniques réussis)",
        "unique": "uniques (pas une copie)", "on_brief": "conformes à la consigne",
        "eligible": "éligibles (consentement complet)", "shortlist": "présélectionnées",
        "exclusions": "Pourquoi des participations sont sorties", "reason": "Raison",
        "entry": "Participation", "file": "Fichier", "left_at": "Sortie à l'étape",
        "per_entry": "Chaque exclusion, participation par participation",
        "no_exclusion": "Aucune participation n'a été exclue.",
        "shortlisted": "La présélection", "rank": "Rang", "relevance": "Pertinence",
        "declared": "Déclaré", "no_shortlist": "Rien n'est présélectionné pour l'instant.",
        "duplicates": "Copies les unes des autres", "group": "Groupe", "original": "Gardée",
        "copies": "Copies", "no_duplicates": "Aucune participation n'en copie une autre.",
        "why.not_triaged": "pas encore triée",
        "why.qc": "contrôles techniques échoués : {reasons}",
        "why.duplicate": "une copie de {original}",
        "why.off_brief": "hors consigne (pertinence {relevance}) : {reason}",
        "why.consent": "consentement {state}",
        "why.withdrawn": "retirée par son auteur",
        "why.not_ranked": "pas parmi les mieux classées",
        "count.duplicate": "une copie d'une autre participation ou d'un clip connu",
        "count.off_brief": "hors consigne",
        "consent.missing": "non enregistré", "consent.pending_parent":
        "en attente de la confirmation d'un parent", "consent.withdrawn": "retiré",
        "none": "aucune",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """One line of the report in ``lang`` (English when the key or language is missing)."""
    table = TEXT.get(lang, TEXT["en"])
    return (table.get(key) or TEXT["en"][key]).format(**values)


@dataclass(frozen=True)
class Exit:
    """Where an entry left the funnel and why (``step`` is the first step it failed)."""

    id: str
    file: str
    step: str
    reason: str  # for a person to read, this entry's own words
    counted: tuple[str, ...]  # the reasons it is counted under (one per failed QC check)


@dataclass(frozen=True)
class Funnel:
    """How many entries reached each step (``counts`` in ``STEPS`` order) and every exit."""

    counts: tuple[int, ...]
    exits: tuple[Exit, ...]

    def count(self, step: str) -> int:
        """Entries that reached ``step``."""
        return self.counts[STEPS.index(step)]


def _left_at(r: EntryRecord) -> str | None:
    """The first step ``r`` fails, or None for a shortlisted entry."""
    if r.qc_passed is not True:
        return "valid"
    if r.duplicate_of is not None:
        return "unique"
    if r.relevance is None or r.relevance < ON_BRIEF:
        return "on_brief"
    if r.consent != COMPLETE or r.status in GONE:
        return "eligible"
    return None if r.shortlisted else "shortlist"


def _why(r: EntryRecord, step: str, lang: str) -> str:
    if step == "valid":
        if r.qc_passed is None:
            return text(lang, "why.not_triaged")
        return text(lang, "why.qc", reasons=", ".join(r.qc_reasons) or text(lang, "none"))
    if step == "unique":
        return text(lang, "why.duplicate", original=r.duplicate_of)
    if step == "on_brief":
        score = "—" if r.relevance is None else f"{r.relevance:.2f}"
        return text(lang, "why.off_brief", relevance=score, reason=r.relevance_reason or "—")
    if step == "eligible":
        if r.status in GONE or r.consent == "withdrawn":
            return text(lang, "why.withdrawn")
        return text(lang, "why.consent", state=text(lang, f"consent.{r.consent}")
                    if f"consent.{r.consent}" in TEXT["en"] else r.consent)
    return r.exclusion or text(lang, "why.not_ranked")


def _counted(r: EntryRecord, step: str, reason: str, lang: str) -> tuple[str, ...]:
    if step == "valid" and r.qc_passed is False and r.qc_reasons:
        return tuple(r.qc_reasons)
    if step == "unique":
        return (text(lang, "count.duplicate"),)
    if step == "on_brief":
        return (text(lang, "count.off_brief"),)
    return (reason,)


def funnel(records: Sequence[EntryRecord], lang: str = "en") -> Funnel:
    """Count the entries reaching each step and say, for every other entry, where and why it
    left: a shortlist exclusion keeps the shortlist's own words (``EntryRecord.exclusion``)."""
    reached = [0] * len(STEPS)
    exits = []
    for r in records:
        step = _left_at(r)
        last = len(STEPS) if step is None else STEPS.index(step)
        for i in range(last):
            reached[i] += 1
        if step is not None:
            why = _why(r, step, lang)
            exits.append(Exit(r.id, Path(r.file).name, step, why, _counted(r, step, why, lang)))
    return Funnel(tuple(reached), tuple(exits))


def duplicate_groups(records: Sequence[EntryRecord]) -> list[tuple[str, str, list[str]]]:
    """(group, kept entry or blocklist item, copies) for every duplicate group, by group."""
    groups: dict[str, list[EntryRecord]] = {}
    for r in records:
        if r.duplicate_group is not None:
            groups.setdefault(r.duplicate_group, []).append(r)
    out = []
    for group, members in sorted(groups.items()):
        kept = next((m.id for m in members if m.duplicate_of is None),
                    members[0].duplicate_of or members[0].id)
        out.append((group, kept, sorted(m.id for m in members if m.id != kept)))
    return out


def chart(f: Funnel, lang: str) -> str:
    """The funnel as horizontal bars, an inline ``<svg>`` element."""
    import matplotlib
    from matplotlib.figure import Figure

    from coulisses.kpi.report import figure_svg

    labels = [text(lang, s) for s in STEPS]
    top = max(f.counts[0], 1)
    with matplotlib.rc_context({"svg.hashsalt": "coulisses", "svg.fonttype": "path",
                                "font.size": 8}):
        fig = Figure(figsize=(7.0, 0.6 + 0.32 * len(STEPS)))
        ax = fig.subplots()
        ys = list(range(len(STEPS)))
        ax.barh(ys, list(f.counts), color="#3b6ea5", height=0.6, alpha=0.9)
        for y, n in zip(ys, f.counts, strict=True):
            ax.text(n + top * 0.02, y, f"{n} ({100 * n / top:.0f} %)", va="center", fontsize=7)
        ax.set_xlim(0, top * 1.3)
        ax.set_yticks(ys, labels)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return figure_svg(fig)


def to_html(records: Sequence[EntryRecord], challenge: Challenge, *, lang: str = "en") -> str:
    """The report as one self-contained HTML page (inline CSS, inline SVG, no scripts).

    Raises:
        UsageError: a language other than en or fr.
    """
    import jinja2
    from markupsafe import Markup

    if lang not in LANGS:
        raise UsageError(f"the report is written in en or fr, not {lang!r}")
    f = funnel(records, lang)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coulisses.challenges", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    reasons = Counter((e.step, c) for e in f.exits for c in e.counted)
    shortlist = sorted((r for r in records if r.shortlisted),
                       key=lambda r: (r.rank is None, r.rank or 0, r.id))
    total = max(f.counts[0], 1)
    return env.get_template("report.html.j2").render(
        lang=lang, challenge=challenge, f=f, steps=STEPS, total=total,
        chart=Markup(chart(f, lang)), reasons=sorted(reasons.items(), key=lambda kv: -kv[1]),
        shortlist=shortlist, groups=duplicate_groups(records),
        t=lambda key, **v: text(lang, key, **v))


def write_report(records: Sequence[EntryRecord], challenge: Challenge, out: Path, *,
                 lang: str = "en") -> Path:
    """Write the challenge's report for ``records`` (``challenges.results.entry_records``) to
    ``out`` atomically, and return ``out``.

    Raises:
        UsageError: a language other than en or fr.
        UnwritableOutputError: the folder is missing or read-only.
        DiskFullError: no space left while writing.
    """
    from coulisses.output import write_text

    return write_text(out, to_html(records, challenge, lang=lang), what="report")
