"""HTML pages of the plan folder (Jinja templates in ``templates/``, autoescaped) and the
words on them and on the PDF, in English and French."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "templates"


# Words on the printed sheets and pages, in English and French (pattern of coulisses.i18n).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "capture_title": "BTS capture list", "day": "Shoot day", "date": "Date",
        "location": "Location", "call": "Call time", "wrap": "Wrap", "people": "People",
        "consent": "Consent", "items": "To capture", "what": "What", "kind": "Kind",
        "beat": "Beat", "platforms": "Platforms", "notes": "Notes", "done": "Done",
        "deliverables_title": "Deliverables", "asset": "Asset", "source": "From",
        "platform": "Platform", "canvas": "Canvas", "duration": "Duration", "due": "Due",
        "publish": "Publish", "status": "Status", "health_title": "Campaign health",
        "line": "Line", "rule": "Rule", "severity": "Severity", "message": "Finding",
        "no_findings": "No finding: the campaign is healthy.",
        "coverage_title": "Coverage", "captured": "Captured", "missing": "Missing",
        "extra": "Not planned", "rush": "Rush", "match": "Match", "score": "Score",
        "granted": "granted", "pending": "PENDING", "refused": "REFUSED",
        "unknown": "UNKNOWN", "none": "NO CONSENT", "minor": "minor",
        "no_guardian": "no guardian consent",
        "not_cleared": "do not film", "generated": "Made by coulisses",
        "nobody": "nobody", "tbc": "to be confirmed", "unscheduled": "Not scheduled yet",
        "cal_shoot": "{title}: shoot {day}", "cal_due": "Due: {asset} ({platform}, {canvas})",
        "cal_publish": "Publish on {platform}: {title}", "untagged": "Rushes not tagged",
        "status_planned": "planned", "status_in-edit": "in edit",
        "status_in-review": "in review", "status_approved": "approved",
        "status_published": "published",
    },
    "fr": {
        "capture_title": "Liste de captation BTS", "day": "Jour de tournage", "date": "Date",
        "location": "Lieu", "call": "Convocation", "wrap": "Fin", "people": "Personnes",
        "consent": "Consentement", "items": "À capter", "what": "Quoi", "kind": "Type",
        "beat": "Temps du récit", "platforms": "Plateformes", "notes": "Notes",
        "done": "Fait", "deliverables_title": "Livrables", "asset": "Fichier",
        "source": "Source", "platform": "Plateforme", "canvas": "Format",
        "duration": "Durée", "due": "À livrer le", "publish": "Publication",
        "status": "État", "health_title": "Santé de la campagne", "line": "Ligne",
        "rule": "Règle", "severity": "Gravité", "message": "Constat",
        "no_findings": "Aucun constat : la campagne est saine.",
        "coverage_title": "Couverture", "captured": "Capté", "missing": "Manquant",
        "extra": "Hors plan", "rush": "Rush", "match": "Correspondance", "score": "Score",
        "granted": "accordé", "pending": "EN ATTENTE", "refused": "REFUSÉ",
        "unknown": "INCONNU", "none": "SANS CONSENTEMENT", "minor": "mineur",
        "no_guardian": "sans accord parental",
        "not_cleared": "ne pas filmer", "generated": "Fait avec coulisses",
        "nobody": "personne", "tbc": "à confirmer", "unscheduled": "Pas encore planifié",
        "cal_shoot": "{title} : tournage {day}",
        "cal_due": "À livrer : {asset} ({platform}, {canvas})",
        "cal_publish": "Publication {platform} : {title}", "untagged": "Rushes non étiquetés",
        "status_planned": "prévu", "status_in-edit": "au montage",
        "status_in-review": "en relecture", "status_approved": "validé",
        "status_published": "publié",
    },
}


def label(lang: str, key: str) -> str:
    """The word ``key`` in ``lang`` (English when missing)."""
    return LABELS.get(lang, LABELS["en"]).get(key) or LABELS["en"].get(key, key)


@cache
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(FOLDER)), autoescape=select_autoescape(
        ["html"]), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    return env


def render(name: str, lang: str, **context: Any) -> str:
    """Fill the template ``name`` with ``context``; ``t(key)`` gives interface words."""
    template = _environment().get_template(name)
    return str(template.render(lang=lang, t=lambda key: label(lang, key), **context))
