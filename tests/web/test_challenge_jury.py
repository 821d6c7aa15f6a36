"""The jury: only visible entries, scores 1-5 and notes per juror, blind mode hiding names and
others' scores until one has scored, Krippendorff's ordinal alpha, and the page over HTTP with
its workspace authorisation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jury_seed import seed_challenge
from sqlalchemy import select

from coulisses.challenges import jury
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import NotFoundError, UsageError
from coulisses.settings import Settings


@pytest.fixture
def world(app: FastAPI, make_user: Any, settings: Settings) -> dict[str, Any]:
    owner = make_user("owner@example.org")
    juror = make_user("juror@example.org", role="reviewer")
    with app.state.sessions() as db:
        row = seed_challenge(db, owner.workspace_id, settings.data_dir)
        return {"owner": owner, "juror": juror, "cid": row.id,
                "ws": owner.workspace_id, "base": f"/w/{owner.workspace_id}/challenges/"
                f"{row.id}/jury"}


def _row(db: Any, world: dict[str, Any]) -> ChallengeRow:
    row = db.get(ChallengeRow, world["cid"])
    assert row is not None
    return row


def test_only_visible_entries_are_judged(app: FastAPI, world: dict[str, Any]) -> None:
    with app.state.sessions() as db:
        row = _row(db, world)
        shown = [e.public_id.split("-")[0] for e in jury.jury_entries(db, row)]
        assert shown == ["e1", "e2", "e3", "e4"]
        short = jury.jury_entries(db, row, [f"e3-{row.id}", f"e5-{row.id}", f"e1-{row.id}"])
        assert [e.public_id.split("-")[0] for e in short] == ["e3", "e1"]  # e5 has no consent
        with pytest.raises(NotFoundError):
            jury.score(db, row, f"e6-{row.id}", world["juror"].user_id, 4)


def test_scores_are_one_to_five_and_replace_the_juror_s_last(app: FastAPI,
                                                              world: dict[str, Any]) -> None:
    with app.state.sessions() as db:
        row = _row(db, world)
        e1 = f"e1-{row.id}"
        for bad in (0, 6, True):
            with pytest.raises(UsageError):
                jury.score(db, row, e1, world["juror"].user_id, bad)
        with pytest.raises(UsageError, match="at most"):
            jury.score(db, row, e1, world["juror"].user_id, 3, "x" * 2001)
        jury.score(db, row, e1, world["juror"].user_id, 2, "shy")
        again = jury.score(db, row, e1, world["juror"].user_id, 4, " bold ")
        db.commit()
        assert (again.score, again.note) == (4, "bold")
        mine = jury.cards(db, row, world["juror"].user_id, jury.jury_entries(db, row))[0]
        assert (mine.mine, mine.my_note) == (4, "bold")


def test_blind_mode_hides_names_and_others_scores_until_one_has_scored(
        app: FastAPI, world: dict[str, Any]) -> None:
    owner, juror = world["owner"].user_id, world["juror"].user_id
    with app.state.sessions() as db:
        row = _row(db, world)
        entries = jury.jury_entries(db, row)
        jury.score(db, row, entries[0].public_id, owner, 5)
        card = jury.cards(db, row, juror, entries)[0]
        assert card.entrant is None and card.file is None and card.others is None
        jury.score(db, row, entries[0].public_id, juror, 3)
        card = jury.cards(db, row, juror, entries)[0]
        assert card.others == (5,) and card.entrant is None
        assert jury.cards(db, row, juror, entries)[1].others is None  # e2: not scored by juror
        jury.set_blind(db, row, False)
        open_card = jury.cards(db, row, juror, entries)[1]
        assert open_card.entrant == "Entrant e2" and open_card.others == ()


def test_agreement_is_krippendorff_ordinal_alpha() -> None:
    perfect = [(j, e, s) for j in (1, 2, 3) for e, s in ((10, 1), (11, 3), (12, 5), (13, 2))]
    assert jury.alpha_of(perfect).alpha == pytest.approx(1.0)
    flipped = [(1, e, s) for e, s in ((10, 1), (11, 2), (12, 4), (13, 5))] + \
              [(2, e, s) for e, s in ((10, 5), (11, 4), (12, 2), (13, 1))]
    low = jury.alpha_of(flipped)
    assert low.alpha is not None and low.alpha < 0
    close = [(1, e, s) for e, s in ((10, 1), (11, 2), (12, 4), (13, 5))] + \
            [(2, e, s) for e, s in ((10, 2), (11, 2), (12, 4), (13, 4))]
    mid = jury.alpha_of(close)
    assert mid.alpha is not None and 0.5 < mid.alpha < 1.0
    assert (mid.jurors, mid.entries, mid.method) == (2, 4, "krippendorff-alpha-ordinal")
    alone = jury.alpha_of([(1, 10, 3), (1, 11, 4)])
    assert alone.alpha is None and "two jurors" in alone.why


def test_the_jury_page_scores_by_form_and_json(client: TestClient, app: FastAPI,
                                               login: Any, post: Any,
                                               world: dict[str, Any]) -> None:
    login(client, "juror@example.org")
    page = client.get(world["base"])
    assert page.status_code == 200
    assert "Entrant e1" not in page.text  # blind by default
    assert f'id="e1-{world["cid"]}"' in page.text and "e5-" not in page.text
    assert "/static/jury.js" in page.text and "Score it to see" in page.text
    e1 = f"e1-{world['cid']}"
    done = post(client, f"{world['base']}/{e1}/score", {"score": "4", "note": "clear"},
                follow_redirects=False)
    assert done.status_code == 303
    bad = post(client, f"{world['base']}/{e1}/score", {"score": "9"})
    assert bad.status_code == 400
    hidden = post(client, f"{world['base']}/e6-{world['cid']}/score", {"score": "3"})
    assert hidden.status_code == 404
    data = client.get(world["base"], headers={"accept": "application/json"}).json()
    assert data["blind"] is True
    assert data["entries"][0] == {"id": e1, "entrant": None, "mine": 4, "note": "clear",
                                  "others": [], "same_person_as": [], "file_missing": False}
    video = client.get(f"{world['base']}/{e1}/video")
    assert video.status_code == 200 and video.content.startswith(b"\x00\x00\x00\x18ftyp")
    assert client.get(f"{world['base']}/e5-{world['cid']}/video").status_code == 404
    french = client.get(world["base"] + "?lang=fr")
    assert "Notez-la pour voir" in french.text


def test_the_page_names_entries_of_the_same_person(client: TestClient, login: Any,
                                                   settings: Settings,
                                                   world: dict[str, Any]) -> None:
    from coulisses.challenges.entry import Verdict, challenge_folder
    from coulisses.challenges.triage import Decision, write_decision

    cid = world["cid"]
    e1, e3, e5 = (f"{e}-{cid}" for e in ("e1", "e3", "e5"))
    # e1, e3 and e5 (no consent: never shown) matched as one person by face matching
    write_decision(challenge_folder(settings.data_dir, cid), Decision(
        verdicts=[Verdict(f"e{i}-{cid}", True, i, "") for i in range(1, 7)],
        people={e1: e1, e3: e1, e5: e1}))
    login(client, "juror@example.org")
    page = client.get(world["base"])
    assert page.text.count("data-same-person") == 2
    assert f'Same person as (face matching, the entrants opted in): <a href="#{e3}">' in page.text
    data = client.get(world["base"], headers={"accept": "application/json"}).json()
    twins = {e["id"]: e["same_person_as"] for e in data["entries"]}
    assert twins == {e1: [e3], f"e2-{cid}": [], e3: [e1], f"e4-{cid}": []}
    assert "Même personne que" in client.get(world["base"] + "?lang=fr").text


def test_a_missing_video_is_said_on_its_card_and_by_its_player(
        client: TestClient, login: Any, settings: Settings, world: dict[str, Any]) -> None:
    cid = world["cid"]
    (settings.data_dir / "challenges" / str(cid) / "e2.mp4").unlink()  # the drive lost it
    login(client, "juror@example.org")
    page = client.get(world["base"])
    assert page.text.count("data-file-missing") == 1
    assert "video is missing on the server: whoever runs" in page.text
    gone = client.get(f"{world['base']}/e2-{cid}/video", headers={"accept": "application/json"})
    assert gone.status_code == 404
    assert f"The video of entry e2-{cid} is missing on the server." in gone.text
    french = client.get(f"{world['base']}/e2-{cid}/video?lang=fr",
                        headers={"accept": "application/json"})
    assert "La vidéo de la participation" in french.text


def test_only_the_workspace_judges_and_only_editors_unblind(
        client: TestClient, app: FastAPI, login: Any, post: Any, make_user: Any,
        world: dict[str, Any]) -> None:
    make_user("stranger@example.org", workspace="Other")
    login(client, "stranger@example.org")
    assert client.get(world["base"]).status_code in (403, 404)
    client.cookies.clear()
    login(client, "juror@example.org")
    assert post(client, f"{world['base']}/blind", {}).status_code == 403
    client.cookies.clear()
    login(client, "owner@example.org")
    assert post(client, f"{world['base']}/blind", {}, follow_redirects=False).status_code == 303
    with app.state.sessions() as db:
        assert jury.jury_of(db, _row(db, world)).blind is False
        e1 = db.scalars(select(ChallengeEntry).where(
            ChallengeEntry.public_id == f"e1-{world['cid']}")).one()
        assert e1.consent == "complete"
    assert "Entrant e1" in client.get(world["base"]).text


def test_those_who_run_the_jury_see_its_result_best_first(
        client: TestClient, app: FastAPI, login: Any, world: dict[str, Any]) -> None:
    owner, juror = world["owner"].user_id, world["juror"].user_id
    with app.state.sessions() as db:
        row = _row(db, world)
        e1, e2, e3, _ = (e.public_id for e in jury.jury_entries(db, row))
        for who, entry, value in ((owner, e1, 2), (juror, e1, 4), (owner, e2, 5),
                                  (juror, e2, 5), (owner, e3, 1)):
            jury.score(db, row, entry, who, value)
        db.commit()
        ranked = jury.standings(db, jury.jury_entries(db, row))
    assert [(s.public_id, s.mean, s.jurors, s.low, s.high) for s in ranked][:3] == [
        (e2, 5.0, 2, 5, 5), (e1, 3.0, 2, 2, 4), (e3, 1.0, 1, 1, 1)]
    assert ranked[3].mean is None
    login(client, "juror@example.org")
    assert "jury-standings" not in client.get(world["base"]).text  # blind: not for jurors
    client.cookies.clear()
    login(client, "owner@example.org")
    page = client.get(world["base"] + "?lang=fr").text
    assert "Le résultat du jury" in page and page.index(e2) < page.index(f'href="#{e1}"')
