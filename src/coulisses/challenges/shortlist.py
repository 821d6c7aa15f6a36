"""The shortlist: who the jury sees, and for everyone else a reason a person can read.

An entry is excluded, in this order, when it is not eligible (consent missing, waiting for a
parent or withdrawn; a minor without the hiring authorisations; an age band or a country the
challenge does not accept), when its technical QC failed, when it is a copy of another entry
or of a blocklisted video (only the original is kept), or when it is off brief. The others
are ranked by merit only: ``SCORE_RELEVANCE`` x relevance + (1 - it) x quality, ties broken by
id. Declared fields (city, age band: protected attributes) never enter the merit; they only
spread the list: places are filled greedily, each going to the entry whose declared values are
the least represented among those already picked (summed over the chosen fields), merit
deciding among equals. So two entries that declare the same values are always picked in merit
order, and a field's value never lifts or sinks an entry within its group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from coulisses.challenges.entry import Candidate, Verdict
from coulisses.challenges.relevance import THRESHOLD

#: weight of relevance in the merit (the rest is technical quality)
SCORE_RELEVANCE = 0.7
#: a declared field an entrant left empty counts as this value when spreading
UNDECLARED = "?"

#: codes a ``Candidate.ineligible_reason`` may hold (from ``ineligibility``), with ``{value}``
#: filled by the code's argument: ``country:US`` says the country ``US`` is not accepted
_INELIGIBLE = {
    "consent:missing": ("consent not recorded", "consentement non enregistré"),
    "consent:pending_parent": ("waiting for a parent's consent",
                               "en attente du consentement d'un parent"),
    "consent:withdrawn": ("withdrawn by the entrant", "retirée par le participant"),
    "minor:hiring": ("a minor under 16: the authorisations to hire a minor are not recorded",
                     "mineur de moins de 16 ans : les autorisations d'embauche d'un mineur ne "
                     "sont pas enregistrées"),
    "age_band": ("age band {value} not accepted", "tranche d'âge {value} non acceptée"),
    "country": ("country {value} not accepted", "pays {value} non accepté"),
}
_TEXT = {
    "not_eligible": ("not eligible: {why}", "non éligible : {why}"),
    "qc": ("technical check failed: {why}", "contrôle technique échoué : {why}"),
    "qc_unknown": ("unknown reason", "raison inconnue"),
    "copy": ("copy of entry {original}", "copie de l'entrée {original}"),
    "blocked": ("copy of a blocklisted video ({original})",
                "copie d'une vidéo de la liste de blocage ({original})"),
    "off_brief": ("off brief ({relevance:.2f}): {why}", "hors sujet ({relevance:.2f}) : {why}"),
    "shortlisted": ("shortlisted, rank {rank} (merit {merit:.2f})",
                    "retenue, rang {rank} (mérite {merit:.2f})"),
    "below": ("not in the top {top}: place {place} of {count} valid entries (merit {merit:.2f})",
              "hors des {top} premières : place {place} sur {count} entrées valides "
              "(mérite {merit:.2f})"),
}


def ineligibility(*, consent: str, age_band: str, country: str, minor_cleared: bool,
                  age_bands: Sequence[str] = (), countries: Sequence[str] = (),
                  casting: bool = True) -> str:
    """The code of the first reason an entrant cannot be shortlisted ("" when eligible), for
    ``Candidate.ineligible_reason``; ``shortlist`` words it in either language.

    ``consent`` is the entry's state from ``consent.settle``; ``age_bands`` and ``countries``
    are the challenge's accepted ones (empty: all); ``casting`` applies the hiring rule.
    """
    from coulisses.challenges.consent import COMPLETE, needs_hiring_authorisation

    if consent != COMPLETE:
        return f"consent:{consent}" if f"consent:{consent}" in _INELIGIBLE else "consent:missing"
    if age_bands and age_band not in age_bands:
        return f"age_band:{age_band or UNDECLARED}"
    if countries and country.upper() not in {c.upper() for c in countries}:
        return f"country:{country or UNDECLARED}"
    if casting and needs_hiring_authorisation(age_band) and not minor_cleared:
        return "minor:hiring"
    return ""


def merit(candidate: Candidate) -> float:
    """What ranks a valid entry: relevance and technical quality only."""
    return SCORE_RELEVANCE * candidate.relevance + (1 - SCORE_RELEVANCE) * candidate.quality


def shortlist(candidates: Sequence[Candidate], top: int, diversity: Sequence[str], *,
              lang: str = "en", min_relevance: float = THRESHOLD) -> list[Verdict]:
    """One verdict per candidate, in the order given: the ``top`` best valid entries spread
    across the declared fields ``diversity`` (ranked 1..top), every other one with the reason
    it is not shortlisted, in ``lang`` (``en`` or ``fr``). Deterministic: ties go by id.

    ``min_relevance``: entries scoring below it are off brief (0 keeps every entry).
    """
    fr = 1 if lang == "fr" else 0
    reasons: dict[str, str] = {}
    valid: list[Candidate] = []
    for c in candidates:
        why = _exclusion(c, fr, min_relevance)
        if why:
            reasons[c.id] = why
        else:
            valid.append(c)
    ordered = sorted(valid, key=lambda c: (-merit(c), c.id))
    picked = _spread(ordered, top, diversity)
    ranks = {c.id: i for i, c in enumerate(picked, start=1)}
    places = {c.id: i for i, c in enumerate(ordered, start=1)}
    verdicts = []
    for c in candidates:
        if c.id in reasons:
            verdicts.append(Verdict(c.id, False, None, reasons[c.id]))
        elif c.id in ranks:
            verdicts.append(Verdict(c.id, True, ranks[c.id], _TEXT["shortlisted"][fr].format(
                rank=ranks[c.id], merit=merit(c))))
        else:
            verdicts.append(Verdict(c.id, False, None, _TEXT["below"][fr].format(
                top=top, place=places[c.id], count=len(ordered), merit=merit(c))))
    return verdicts


def _exclusion(c: Candidate, fr: int, min_relevance: float) -> str:
    """Why ``c`` cannot be shortlisted, or "" when it can."""
    if not c.eligible:
        return _TEXT["not_eligible"][fr].format(why=_ineligible_text(c.ineligible_reason, fr))
    if not c.qc_passed:
        why = "; ".join(c.qc_reasons) or _TEXT["qc_unknown"][fr]
        return _TEXT["qc"][fr].format(why=why)
    if c.duplicate.original is not None:
        kind = "blocked" if c.duplicate.blocked else "copy"
        return _TEXT[kind][fr].format(original=c.duplicate.original)
    if c.relevance < min_relevance:
        return _TEXT["off_brief"][fr].format(relevance=c.relevance, why=c.relevance_reason)
    return ""


def _ineligible_text(code: str, fr: int) -> str:
    """A reason code worded in the language, or the text itself when it is not a code."""
    key, _, value = code.partition(":")
    if code in _INELIGIBLE:
        return _INELIGIBLE[code][fr]
    if key in _INELIGIBLE and value:
        return _INELIGIBLE[key][fr].format(value=value)
    return code or _INELIGIBLE["consent:missing"][fr]


def _spread(ordered: Sequence[Candidate], top: int, fields: Sequence[str]) -> list[Candidate]:
    """Fill ``top`` places from ``ordered`` (merit order), each place going to the first entry
    whose declared values are the least represented so far."""
    if not fields:
        return list(ordered[:max(top, 0)])
    counts: dict[str, Counter[str]] = {f: Counter() for f in fields}
    left = list(ordered)
    picked: list[Candidate] = []
    while left and len(picked) < top:
        best = min(range(len(left)), key=lambda i: (_crowding(left[i].declared, counts), i))
        chosen = left.pop(best)
        for f in fields:
            counts[f][_value(chosen.declared, f)] += 1
        picked.append(chosen)
    return picked


def _crowding(declared: Mapping[str, str], counts: Mapping[str, Counter[str]]) -> int:
    return sum(counts[f][_value(declared, f)] for f in counts)


def _value(declared: Mapping[str, str], field: str) -> str:
    return (declared.get(field) or "").strip().casefold() or UNDECLARED
