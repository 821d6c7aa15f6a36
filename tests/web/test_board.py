"""The campaign board on SQLite and PostgreSQL: each planned deliverable's state from data (the
pure rule, then the page), a cut made for a planned deliverable from the rush page and from the
board (its platform preset from the plan), approval moving the deliverable, publishing posts and
analytics moving it further, coverage of the planned BTS items, and the month and week
calendar."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from board_world import rendered_cut
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from studio_media import render_cut, run_jobs, upload

from coulisses.studio.board import Facts, deliverable_state
from coulisses.studio.tables import Campaign, Cut, CutVersion, Rush


@pytest.mark.parametrize(("facts", "state"), [
    (Facts(), "not_shot"),
    (Facts(tagged=True), "tagged"),
    (Facts(tagged=True, version_status="queued", decision="pending"), "cut"),
    (Facts(version_status="rendering", decision="pending"), "cut"),
    (Facts(version_status="failed", decision="pending"), "cut"),
    (Facts(version_status="done", decision="pending"), "in_review"),
    (Facts(version_status="done", decision="changes"), "changes"),
    (Facts(version_status="done", decision="approved"), "approved"),
    (Facts(version_status="done", decision="approved", post_states=("draft",)), "approved"),
    (Facts(version_status="done", decision="approved", post_states=("failed", "scheduled")),
     "scheduled"),
    (Facts(version_status="done", decision="approved", post_states=("publishing",)),
     "scheduled"),
    (Facts(version_status="done", decision="approved", post_states=("scheduled", "published")),
     "published"),
    (Facts(version_status="done", decision="approved", post_states=("published",),
           measured=True), "measured"),
])
def test_deliverable_state_is_the_furthest_step_the_data_shows(facts: Facts,
                                                               state: str) -> None:
    assert deliverable_state(facts) == state


def _campaign(app: FastAPI, workspace_id: int) -> int:
    from coulisses.campaign.template import starter_text

    with app.state.sessions() as db:
        row = Campaign(workspace_id=workspace_id, name="Spring launch", filename="spring.yaml",
                       source=starter_text("en"))
        db.add(row)
        db.commit()
        return row.id


def _states(client: TestClient, workspace_id: int, campaign_id: int) -> dict[str, str]:
    page = client.get(f"/w/{workspace_id}/campaigns/{campaign_id}/board")
    assert page.status_code == 200, page.text[:500]
    return dict(re.findall(r'data-deliverable="([^"]+)" data-state="([^"]+)"', page.text))


def test_a_cut_made_for_a_deliverable_moves_it_across_the_board(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor", name="Édith")
    login(client, me.email)
    campaign_id = _campaign(app, me.workspace_id)
    assert _states(client, me.workspace_id, campaign_id) == {
        "ep-1-tiktok": "not_shot", "first-fitting-tiktok": "not_shot",
        "launch-teaser-reel": "not_shot", "launch-reveal-reel": "not_shot"}
    rush = upload(client, me.workspace_id, landscape_clip)
    rush_page = client.get(f"/w/{me.workspace_id}/rushes/{rush['rush_id']}").text
    assert f'value="{campaign_id}:launch-teaser-reel" data-platform="instagram-reels"' in rush_page
    # the rush is tagged as footage of the teaser: its deliverable has rushes, the BTS item
    # is covered
    tagged = post(client, f"/w/{me.workspace_id}/campaigns/{campaign_id}/tags",
                  {"rush_id": str(rush["rush_id"]), "source": "launch-teaser"})
    assert tagged.status_code == 303
    assert _states(client, me.workspace_id, campaign_id)["launch-teaser-reel"] == "tagged"
    board = client.get(f"/w/{me.workspace_id}/campaigns/{campaign_id}/board").text
    assert "1 of 3 planned items have footage." in board
    # cut for the planned deliverable, no platform ticked: the plan's platform is used
    made = render_cut(client, me.workspace_id, rush["rush_id"], platforms=[],
                      deliverable=f"{campaign_id}:launch-teaser-reel", title="Teaser reel")
    assert made.status_code == 303, made.text[:500]
    with app.state.sessions() as db:
        cut = db.scalars(select(Cut)).one()
        assert (cut.campaign_id, cut.deliverable) == (campaign_id, "launch-teaser-reel")
        assert cut.versions[0].platforms == "instagram-reels"
    assert _states(client, me.workspace_id, campaign_id)["launch-teaser-reel"] == "cut"
    run_jobs(app)
    assert _states(client, me.workspace_id, campaign_id)["launch-teaser-reel"] == "in_review"
    with app.state.sessions() as db:
        version = db.scalars(select(CutVersion)).one()
    decided = post(client, f"/w/{me.workspace_id}/versions/{version.id}/decision",
                   {"decision": "approved"})
    assert decided.status_code == 303
    states = _states(client, me.workspace_id, campaign_id)
    assert states["launch-teaser-reel"] == "approved"
    assert states["ep-1-tiktok"] == "not_shot"  # the others did not move
    # a rush cut for a BTS item's deliverable is footage of that item too
    other = rendered_cut(app, me.workspace_id, me.user_id, campaign_id=campaign_id,
                         deliverable="launch-reveal-reel")
    board = client.get(f"/w/{me.workspace_id}/campaigns/{campaign_id}/board").text
    assert "2 of 3 planned items have footage." in board
    reveal = board.split("<code>launch-reveal</code>")[1].split("</li>")[0]
    with app.state.sessions() as db:
        assert db.get(Rush, other["rush_id"]).name in reveal  # type: ignore[union-attr]
    assert "no footage yet" not in reveal


def test_a_cut_for_a_deliverable_of_another_plan_or_workspace_is_refused(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    other = make_user("o@example.org", workspace="Other")
    login(client, me.email)
    mine = _campaign(app, me.workspace_id)
    theirs = _campaign(app, other.workspace_id)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    for value, status in ((f"{mine}:no-such-deliverable", 400), (f"{theirs}:ep-1-tiktok", 404),
                          ("nonsense", 400)):
        response = render_cut(client, me.workspace_id, made["rush_id"], deliverable=value)
        assert response.status_code == status, (value, response.text[:300])
    with app.state.sessions() as db:
        assert db.scalars(select(Cut.deliverable)).all() == [""]


def test_the_board_cut_form_presets_the_deliverable(app: FastAPI, client: TestClient,
                                                    make_user: Any, login: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    campaign_id = _campaign(app, me.workspace_id)
    rendered_cut(app, me.workspace_id, me.user_id)
    board = client.get(f"/w/{me.workspace_id}/campaigns/{campaign_id}/board").text
    form = board.split('id="d-ep-1-tiktok"')[1].split("</form>")[0]
    assert f'name="deliverable" value="{campaign_id}:ep-1-tiktok"' in form
    assert 'name="platforms" value="tiktok"' in form
    assert 'name="rush_id"' in form


def test_publishing_and_analytics_move_an_approved_deliverable(
        app: FastAPI, client: TestClient, make_user: Any, login: Any) -> None:
    from coulisses.kpi.store import open_store
    from coulisses.publish.queue import schedule
    from coulisses.publish.tables import Post, PublishAccount
    from coulisses.studio.files import analytics_store
    from coulisses.studio.tables import CutVariant

    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    campaign_id = _campaign(app, me.workspace_id)
    made = rendered_cut(app, me.workspace_id, me.user_id, campaign_id=campaign_id,
                        deliverable="ep-1-tiktok", decision="approved")
    assert _states(client, me.workspace_id, campaign_id)["ep-1-tiktok"] == "approved"
    data_dir = Path(app.state.settings.data_dir)
    with app.state.sessions() as db:
        account = PublishAccount(workspace_id=me.workspace_id, platform="tiktok", name="brand",
                                 channel="manual")
        db.add(account)
        db.commit()
        variant = db.get(CutVariant, made["variants"][0])
        path = str((data_dir / variant.video).resolve())
        posted = schedule(db, account_id=account.id, platform="tiktok", video_path=path,
                          video_sha256="0" * 64, size_bytes=9, due_ms=0)
        post_id = posted.id
    assert _states(client, me.workspace_id, campaign_id)["ep-1-tiktok"] == "scheduled"
    with app.state.sessions() as db:
        db.get(Post, post_id).state = "published"  # type: ignore[union-attr]
        db.commit()
    assert _states(client, me.workspace_id, campaign_id)["ep-1-tiktok"] == "published"
    with open_store(analytics_store(data_dir, me.workspace_id)) as store:
        store.con.execute(
            "INSERT INTO posts (platform, post_id, campaign, variant, source_file, source_row,"
            " import_id) VALUES ('tiktok', '42', 'spring-launch', 'ep-1-tiktok', 'x.csv', 1,"
            " 'i1')")
        store.con.execute(
            "INSERT INTO metrics (platform, post_id, scope, day, metric, value, source_file,"
            " source_row, source_column, import_id, imported_at) VALUES ('tiktok', '42',"
            " 'lifetime', DATE '2026-04-07', 'views', 1200, 'x.csv', 1, 'Views', 'i1',"
            " TIMESTAMP '2026-04-08 00:00:00')")
    states = _states(client, me.workspace_id, campaign_id)
    assert states["ep-1-tiktok"] == "measured"
    assert states["first-fitting-tiktok"] == "not_shot"


def test_clients_see_the_board_without_cut_or_tag_forms(app: FastAPI, client: TestClient,
                                                       make_user: Any, login: Any,
                                                       post: Any) -> None:
    owner = make_user("o@example.org")
    client_user = make_user("c@example.org", role="client")
    campaign_id = _campaign(app, owner.workspace_id)
    made = rendered_cut(app, owner.workspace_id, owner.user_id)
    login(client, client_user.email)
    board = client.get(f"/w/{owner.workspace_id}/campaigns/{campaign_id}/board")
    assert board.status_code == 200
    assert 'name="deliverable"' not in board.text and "/tags" not in board.text
    refused = post(client, f"/w/{owner.workspace_id}/campaigns/{campaign_id}/tags",
                   {"rush_id": str(made["rush_id"]), "source": "launch-teaser"})
    assert refused.status_code == 403


def test_the_calendar_shows_months_and_weeks_of_due_dates_and_publications(
        app: FastAPI, client: TestClient, make_user: Any, login: Any) -> None:
    me = make_user("ed@example.org")
    login(client, me.email)
    campaign_id = _campaign(app, me.workspace_id)
    base = f"/w/{me.workspace_id}/campaigns/{campaign_id}/calendar"
    month = client.get(base + "?view=month&at=2026-04-01")
    assert month.status_code == 200
    assert "April 2026" in month.text
    cells = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', month.text)
    assert cells[0] == "2026-03-30" and len(cells) % 7 == 0  # whole weeks, Monday first
    assert "2026-04-30" in cells
    april6 = month.text.split('datetime="2026-04-06"')[1].split("</td>")[0]
    assert "Publish on TikTok" in april6 and "18:00" in april6 and "Due: " in april6
    assert 'href="' + f"/w/{me.workspace_id}/campaigns/{campaign_id}/board#d-ep-1-tiktok" \
        in april6  # each entry is a link: reachable with the keyboard
    assert f'{base}?view=month&amp;at=2026-05-01' in month.text
    assert f'{base}?view=month&amp;at=2026-03-01' in month.text
    week = client.get(base + "?view=week&at=2026-04-08")
    days = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)">', week.text)
    assert days == [f"2026-04-{d:02d}" for d in range(6, 13)]
    assert "First fitting goes wrong" in week.text
    french = client.get(base + "?view=month&at=2026-04-01&lang=fr")
    assert "avril 2026" in french.text and "lundi" in french.text
    # with no day asked, the first planned day from today on (or the last one) is shown
    assert client.get(base).status_code == 200


def test_the_calendar_grid_is_pure() -> None:
    from coulisses.campaign.plan import CalendarEntry
    from coulisses.web.calendar_view import anchor, grid

    entries = [CalendarEntry(uid="a", kind="due", title="Due A", start=date(2026, 2, 27),
                             end=date(2026, 2, 27))]
    feb = grid(entries, "month", date(2026, 2, 10))
    assert feb.weeks[0][0].date == date(2026, 1, 26) and len(feb.weeks) == 5
    assert next(d.entries for w in feb.weeks for d in w if d.entries)[0].title == "Due A"
    assert (feb.previous, feb.next) == (date(2026, 1, 1), date(2026, 3, 1))
    assert anchor(entries, "", date(2026, 1, 1)) == date(2026, 2, 27)
    assert anchor(entries, "", date(2027, 1, 1)) == date(2026, 2, 27)
    assert anchor(entries, "2026-07-04", date(2027, 1, 1)) == date(2026, 7, 4)
    assert anchor(entries, "garbage", date(2027, 1, 1)) == date(2026, 2, 27)


def test_every_key_of_the_board_pages_exists_in_both_languages() -> None:
    from coulisses.studio.board import STATES
    from coulisses.studio.notify import KINDS
    from coulisses.web.deps import TEMPLATES
    from coulisses.web.i18n_web import EN, FR

    used: set[str] = set()
    for name in ("campaigns_board", "campaigns_calendar", "share_links", "share_created",
                 "share_password", "share_review", "notifications", "base"):
        text = (TEMPLATES / f"{name}.html").read_text("utf-8")
        # keys built with ``~`` end their prefix with a dot: listed below, whole
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]*\w)["']""", text))
    used |= {f"board.states.{s}" for s in STATES} | {f"note.kinds.{k}" for k in KINDS}
    used |= {f"cal.days.{i}" for i in range(7)} | {f"cal.months.{i}" for i in range(1, 13)}
    used |= {f"board.kinds.{k}" for k in ("episode", "bts")}
    used |= {f"cal.{w}.{v}" for w in ("previous", "next") for v in ("month", "week")}
    assert used - set(EN) == set() and used - set(FR) == set()


def test_the_board_pages_render_in_french(app: FastAPI, client: TestClient, make_user: Any,
                                          login: Any) -> None:
    me = make_user("ed@example.org")
    login(client, me.email)
    campaign_id = _campaign(app, me.workspace_id)
    made = rendered_cut(app, me.workspace_id, me.user_id, campaign_id=campaign_id,
                        deliverable="ep-1-tiktok")
    client.get("/account?lang=fr")
    board = client.get(f"/w/{me.workspace_id}/campaigns/{campaign_id}/board").text
    assert '<html lang="fr">' in board and "en relecture" in board and "pas tourné" in board
    assert "Couverture des coulisses prévues" in board
    cut = client.get(f"/w/{me.workspace_id}/cuts/{made['cut_id']}").text
    assert "Liens de relecture client" in cut and "Fait pour ep-1-tiktok" in cut
    assert "Notifications" in client.get("/notifications").text
