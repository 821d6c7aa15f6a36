"""The page from production data: what the team reveals, shoot places only when allowed, and
approved cuts only while the rights gate of their behind-the-scenes item is clear."""

from __future__ import annotations

import pytest
from backstageworld import World

from coulisses.backstage import page
from coulisses.errors import NotFoundError, UsageError
from coulisses.studio.tables import Cut, CutVariant, CutVersion, Rush


def _approved_cut(w: World, title: str = "La prise ratée") -> int:
    rush = Rush(workspace_id=w.page.workspace_id, name="r.mp4", path="rushes/r.mp4")
    w.db.add(rush)
    w.db.flush()
    cut = Cut(workspace_id=w.page.workspace_id, rush_id=rush.id, title=title)
    w.db.add(cut)
    w.db.flush()
    version = CutVersion(workspace_id=w.page.workspace_id, cut_id=cut.id, number=1,
                         platforms="tiktok", status="done", decision="approved")
    w.db.add(version)
    w.db.flush()
    w.db.add(CutVariant(workspace_id=w.page.workspace_id, version_id=version.id,
                        platform="tiktok", video="cuts/1/tiktok.mp4",
                        cover="cuts/1/tiktok.jpg", passed=True))
    w.db.commit()
    return cut.id


def test_only_published_pages_are_found_by_slug(world: World) -> None:
    assert page.published(world.db, world.page.slug) is world.page
    world.page.published = False
    for slug in (world.page.slug, "short", "x" * 41, world.page.slug[:-1] + "?"):
        with pytest.raises(NotFoundError):
            page.published(world.db, slug)
    assert len(world.page.slug) == 22 and page.new_slug() != page.new_slug()


def test_the_page_shows_the_chosen_beats_and_days_and_places_only_when_allowed(
        world: World) -> None:
    left = page.compose(world.db, world.page, world.settings, beats=["appel", "tournage"],
                        days=["jour-1"], cuts={})
    assert left == []
    shown = page.view(world.db, world.page, world.settings)
    assert [title for title, _ in shown.beats] == [b[1] for b in page.production(
        world.db, world.page, world.settings).beats if b[0] in ("appel", "tournage")]
    assert [place for _, place in shown.days] == [""]
    world.page.show_places = True
    assert page.view(world.db, world.page, world.settings).days[0][1] != ""
    with pytest.raises(UsageError, match="no beat 'nope'"):
        page.compose(world.db, world.page, world.settings, beats=["nope"], days=[], cuts={})


def test_an_approved_cut_shows_only_while_its_rights_gate_is_clear(world: World) -> None:
    cut_id = _approved_cut(world)
    assert page.compose(world.db, world.page, world.settings, beats=[], days=[],
                        cuts={cut_id: "prise-ratee"}) == []
    assert [c.title for c in page.view(world.db, world.page, world.settings).cuts] == \
        ["La prise ratée"]
    # Chloé withdraws her consent in the campaign file: the cut leaves the page
    world.campaign.source = world.campaign.source.replace(
        "{id: chloe, name: Chloé M., role: crew, consent: granted}",
        "{id: chloe, name: Chloé M., role: crew, consent: refused}")
    world.db.commit()
    assert page.view(world.db, world.page, world.settings).cuts == ()
    made = page.production(world.db, world.page, world.settings)
    assert "Chloé M. (chloe) has not given consent" in made.cuts[0].blocked[0]
    left = page.compose(world.db, world.page, world.settings, beats=[], days=[],
                        cuts={cut_id: "prise-ratee"})
    assert left and "consent" in left[0]


def test_a_cut_without_a_bts_item_or_not_approved_is_never_shown(world: World) -> None:
    cut_id = _approved_cut(world)
    page.compose(world.db, world.page, world.settings, beats=[], days=[], cuts={cut_id: ""})
    assert page.view(world.db, world.page, world.settings).cuts == ()
    version = world.db.get(Cut, cut_id).versions[0]  # type: ignore[union-attr]
    version.decision = "changes"
    world.db.commit()
    left = page.compose(world.db, world.page, world.settings, beats=[], days=[],
                        cuts={cut_id: "prise-ratee"})
    assert left == [f"cut {cut_id}: not approved, or no file passed its checks"]


def test_only_listed_origins_may_frame_the_page(world: World) -> None:
    assert page.frame_ancestors(world.page) == "'none'"  # nobody by default
    assert page.parse_origins("https://Brand.example/\nhttps://brand.example, "
                              "http://localhost:8000") == ["https://brand.example",
                                                           "http://localhost:8000"]
    for bad in ("http://brand.example", "https://brand.example/poll", "javascript:x", "*",
                "https://a.example 'unsafe-inline'"):
        with pytest.raises(UsageError):
            page.parse_origins(bad)
    with pytest.raises(UsageError, match="at most 10"):
        page.parse_origins(" ".join(f"https://s{i}.example" for i in range(11)))
    page.settings_from_form(world.page, title="T", intro="", lang="en", show_places=False,
                            moderation="pre", words={}, embed="https://brand.example")
    assert page.frame_ancestors(world.page) == "https://brand.example"
