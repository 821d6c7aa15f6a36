"""The shortlist: exclusion reasons in both languages, the spread across declared fields,
merit order untouched by protected fields, duplicates keeping only the original."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import pytest

from coulisses.challenges.entry import Candidate, Duplicate, Verdict
from coulisses.challenges.shortlist import ineligibility, merit, shortlist


def _cand(id: str, relevance: float = 0.8, quality: float = 0.8, *,
          declared: Mapping[str, str] | None = None, **kw: object) -> Candidate:
    base = Candidate(id=id, qc_passed=True, qc_reasons=(), duplicate=Duplicate(),
                     relevance=relevance, relevance_reason="on brief: speaks of bus",
                     quality=quality, declared=dict(declared or {}), eligible=True)
    return replace(base, **kw)  # type: ignore[arg-type]


def _by_id(verdicts: list[Verdict]) -> dict[str, Verdict]:
    return {v.id: v for v in verdicts}


def test_one_verdict_per_candidate_in_order_and_ranked_by_merit() -> None:
    cands = [_cand("c", 0.6), _cand("a", 0.9), _cand("b", 0.7), _cand("d", 0.55)]
    verdicts = shortlist(cands, top=2, diversity=())
    assert [v.id for v in verdicts] == ["c", "a", "b", "d"]
    by = _by_id(verdicts)
    assert (by["a"].rank, by["b"].rank) == (1, 2)
    assert not by["c"].shortlisted and by["c"].rank is None
    assert "not in the top 2: place 3 of 4" in by["c"].reason
    assert by["a"].reason.startswith("shortlisted, rank 1")


def test_ties_are_broken_by_id_whatever_the_input_order() -> None:
    cands = [_cand(f"e{i}", 0.8, 0.5) for i in range(6)]
    for seed in range(3):
        shuffled = cands[:]
        random.Random(seed).shuffle(shuffled)
        ranked = sorted((v for v in shortlist(shuffled, 3, ()) if v.shortlisted),
                        key=lambda v: v.rank or 0)
        assert [v.id for v in ranked] == ["e0", "e1", "e2"]


@pytest.mark.parametrize(("lang", "texts"), [
    ("en", {"consent": "not eligible: consent not recorded",
            "parent": "not eligible: waiting for a parent's consent",
            "gone": "not eligible: withdrawn by the entrant",
            "minor": "not eligible: a minor under 16: the authorisations",
            "band": "not eligible: age band 50+ not accepted",
            "abroad": "not eligible: country US not accepted",
            "qc": "technical check failed: too dark; no audio",
            "copy": "copy of entry orig",
            "known": "copy of a blocklisted video (trailer)",
            "off": "off brief (0.10): off brief: says nothing of bus"}),
    ("fr", {"consent": "non éligible : consentement non enregistré",
            "parent": "non éligible : en attente du consentement d'un parent",
            "gone": "non éligible : retirée par le participant",
            "minor": "non éligible : mineur de moins de 16 ans",
            "band": "non éligible : tranche d'âge 50+ non acceptée",
            "abroad": "non éligible : pays US non accepté",
            "qc": "contrôle technique échoué : too dark; no audio",
            "copy": "copie de l'entrée orig",
            "known": "copie d'une vidéo de la liste de blocage (trailer)",
            "off": "hors sujet (0.10)"}),
])
def test_every_exclusion_has_a_reason_in_the_language(lang: str, texts: dict[str, str]) -> None:
    def code(**kw: object) -> str:
        args: dict[str, object] = {"consent": "complete", "age_band": "18-24",
                                   "country": "FR", "minor_cleared": False,
                                   "age_bands": ("15", "18-24"), "countries": ("FR", "BE")}
        args.update(kw)
        return ineligibility(**args)  # type: ignore[arg-type]

    ineligible = {"consent": code(consent="missing"), "parent": code(consent="pending_parent"),
                  "gone": code(consent="withdrawn"), "minor": code(age_band="15"),
                  "band": code(age_band="50+"), "abroad": code(country="US")}
    cands = [_cand(k, eligible=False, ineligible_reason=v) for k, v in ineligible.items()]
    cands += [_cand("orig"), _cand("qc", qc_passed=False, qc_reasons=("too dark", "no audio")),
              _cand("copy", duplicate=Duplicate(group="g1", original="orig")),
              _cand("known", duplicate=Duplicate(group="g2", original="trailer", blocked=True)),
              _cand("off", 0.1, relevance_reason="off brief: says nothing of bus")]
    by = _by_id(shortlist(cands, top=5, diversity=(), lang=lang))
    for id, text in texts.items():
        assert not by[id].shortlisted
        assert by[id].reason.startswith(text), (id, by[id].reason)
    assert by["orig"].shortlisted and by["orig"].rank == 1


def test_ineligibility_codes() -> None:
    ok = {"consent": "complete", "age_band": "18-24", "country": "fr", "minor_cleared": False}
    assert ineligibility(**ok, countries=("FR",)) == ""  # type: ignore[arg-type]
    assert ineligibility(**{**ok, "age_band": "15"}) == "minor:hiring"  # type: ignore[arg-type]
    assert ineligibility(**{**ok, "age_band": "15", "minor_cleared": True}) == ""  # type: ignore[arg-type]
    assert ineligibility(**{**ok, "age_band": "15"}, casting=False) == ""  # type: ignore[arg-type]
    assert ineligibility(**{**ok, "consent": "odd"}) == "consent:missing"  # type: ignore[arg-type]
    assert ineligibility(**{**ok, "country": ""}, countries=("BE",)) == "country:?"  # type: ignore[arg-type]


def test_a_free_text_ineligible_reason_is_kept() -> None:
    [v] = shortlist([_cand("x", eligible=False, ineligible_reason="banned by the team")], 1, ())
    assert v.reason == "not eligible: banned by the team"


def test_duplicates_keep_only_the_original() -> None:
    cands = [_cand("orig", 0.7), _cand("copy1", 0.95, duplicate=Duplicate("g", "orig", False, 3)),
             _cand("copy2", 0.9, duplicate=Duplicate("g", "orig")), _cand("other", 0.6)]
    by = _by_id(shortlist(cands, top=3, diversity=()))
    assert by["orig"].shortlisted and by["other"].shortlisted
    assert not by["copy1"].shortlisted and not by["copy2"].shortlisted
    assert by["copy1"].reason == "copy of entry orig"


def _casting() -> list[Candidate]:
    """Twelve valid entries: Paris has the six best, Lyon and Marseille the rest."""
    out = []
    for i, (city, band) in enumerate([("Paris", "18-24")] * 6 + [("Lyon", "16-17")] * 3
                                     + [("Marseille", "25-34")] * 3):
        out.append(_cand(f"e{i:02d}", round(0.95 - 0.03 * i, 2), 0.8,
                         declared={"city": city, "age_band": band}))
    return out


def test_the_top_is_spread_across_the_chosen_fields() -> None:
    cands = _casting()
    plain = [v.id for v in sorted(shortlist(cands, 6, ()), key=lambda v: v.rank or 99)][:6]
    assert plain == [f"e{i:02d}" for i in range(6)]  # merit alone: all from Paris
    spread = [v for v in shortlist(cands, 6, ("city",)) if v.shortlisted]
    cities = Counter(next(c for c in cands if c.id == v.id).declared["city"] for v in spread)
    assert cities == {"Paris": 2, "Lyon": 2, "Marseille": 2}
    # within a city, the best come first, and the rank order follows the picks
    ranked = [v.id for v in sorted(spread, key=lambda v: v.rank or 0)]
    assert ranked == ["e00", "e06", "e09", "e01", "e07", "e10"]


def test_spread_counts_an_undeclared_field_as_its_own_group_case_insensitively() -> None:
    cands = [_cand("a", 0.9, declared={"city": "Paris"}),
             _cand("b", 0.85, declared={"city": "PARIS "}),
             _cand("c", 0.6, declared={})]
    ranked = [v.id for v in sorted((v for v in shortlist(cands, 2, ("city",)) if v.shortlisted),
                                   key=lambda v: v.rank or 0)]
    assert ranked == ["a", "c"]


@pytest.mark.parametrize("field", ["city", "age_band"])
def test_changing_a_protected_field_never_changes_the_order_within_a_group(field: str) -> None:
    cands = _casting()
    rng = random.Random(7)
    values = {"city": ["Paris", "Lyon", "Marseille", "Lille"],
              "age_band": ["16-17", "18-24", "25-34"]}[field]
    base = {v.id: v for v in shortlist(cands, 8, ("city", "age_band"))}
    for _ in range(20):
        changed = [replace(c, declared={**c.declared, field: rng.choice(values)})
                   for c in cands]
        verdicts = shortlist(changed, len(changed), ("city", "age_band"))
        groups: dict[tuple[str, str], list[Candidate]] = {}
        for c in changed:
            groups.setdefault((c.declared["city"], c.declared["age_band"]), []).append(c)
        rank = {v.id: v.rank for v in verdicts}
        for members in groups.values():
            by_rank = [c.id for c in sorted(members, key=lambda c: rank[c.id] or 0)]
            by_merit = [c.id for c in sorted(members, key=lambda c: (-merit(c), c.id))]
            assert by_rank == by_merit
    # and with no diversity asked, declared fields play no part at all
    plain = [v.rank for v in shortlist(cands, 8, ())]
    assert plain == [v.rank for v in shortlist(
        [replace(c, declared={"city": "X"}) for c in cands], 8, ())]
    assert base  # the spread run itself succeeded


def test_top_larger_than_the_valid_entries_and_zero() -> None:
    cands = [_cand("a"), _cand("b", qc_passed=False, qc_reasons=("black frames",))]
    assert [v.shortlisted for v in shortlist(cands, 10, ("city",))] == [True, False]
    assert [v.shortlisted for v in shortlist(cands, 0, ("city",))] == [False, False]
    assert shortlist([], 5, ()) == []
