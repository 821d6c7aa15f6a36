"""Notifications on SQLite and PostgreSQL: who hears of a comment, a mention, a decision and a
job's end; the bell's unread count and the list page; e-mail through a real local SMTP server
(aiosmtpd), sent once per event, retried after a failure, with the password never logged."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest
from board_world import rendered_cut
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from coulisses.studio import mail, review
from coulisses.studio.board_tables import MailOutbox, Notification
from coulisses.studio.tables import CutVersion, User
from smtpbox import Inbox, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free loopback port, and what it received."""
    with smtp_server() as running:
        yield running


def _team(make_user: Any) -> dict[str, Any]:
    return {"owner": make_user("olivia@example.org", name="Olivia Owner"),
            "editor": make_user("edith@example.org", role="editor", name="Édith Piaf"),
            "reviewer": make_user("remy@example.org", role="reviewer", name="Rémy"),
            "client": make_user("claire@example.org", role="client", name="Claire")}


def _notes(app: FastAPI) -> list[tuple[int, str, str]]:
    with app.state.sessions() as db:
        return sorted((n.user_id, n.kind, n.actor) for n in db.scalars(select(Notification)))


def test_comments_mentions_and_decisions_notify_the_team_not_the_author(
        app: FastAPI, make_user: Any) -> None:
    team = _team(make_user)
    made = rendered_cut(app, team["owner"].workspace_id, team["editor"].user_id)
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        review.add_comment(db=db, version=version, author_id=team["reviewer"].user_id,
                           body="@edith the logo, and @Claire? @nobody", t_start=1.0,
                           t_end=None)
    owner, editor, reviewer, client = (team[k].user_id for k in
                                       ("owner", "editor", "reviewer", "client"))
    assert _notes(app) == sorted([(owner, "comment", "Rémy"), (editor, "mention", "Rémy"),
                                  (client, "mention", "Rémy")])
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        review.decide(db=db, version=version, user_id=None, decision="approved",
                      guest_name="Claire via link", confirmed=True)  # as the link's route does
    approved = [n for n in _notes(app) if n[1] == "approved"]
    assert approved == sorted([(owner, "approved", "Claire via link"),
                               (editor, "approved", "Claire via link"),
                               (reviewer, "approved", "Claire via link")])


def test_the_bell_counts_unread_and_the_list_marks_them_read(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any) -> None:
    team = _team(make_user)
    made = rendered_cut(app, team["owner"].workspace_id, team["editor"].user_id)
    login(client, team["editor"].email)
    assert 'data-unread="0"' in client.get("/notifications").text
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        for body in ("first", "second <b>not bold</b>"):
            review.add_comment(db=db, version=version, author_id=team["client"].user_id,
                               body=body, t_start=2.0, t_end=None)
    page = client.get("/notifications")
    assert 'data-unread="2"' in page.text
    assert "Claire commented on Teaser v1" in page.text
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page.text
    assert f'href="/w/{team["owner"].workspace_id}/cuts/{made["cut_id"]}?v=1#comment-' \
        in page.text
    french = client.get("/notifications?lang=fr").text
    assert "Claire a commenté Teaser v1" in french
    assert client.get("/api/notifications").json()["unread"] == 2
    one = client.get("/api/notifications").json()["items"][0]["id"]
    assert post(client, "/notifications/read", {"note_id": str(one)}).status_code == 303
    assert client.get("/api/notifications").json()["unread"] == 1
    assert post(client, "/notifications/read").status_code == 303
    assert 'data-unread="0"' in client.get("/notifications").text
    # another user's notifications are not theirs to read or mark
    login(client, team["owner"].email)
    assert client.get("/api/notifications").json()["unread"] == 2


def test_job_end_notifies_its_author(app: FastAPI, make_user: Any, wait_kind: str) -> None:
    from coulisses.studio.jobs import submit
    from coulisses.studio.jobs.registry import HANDLERS, handler
    from coulisses.studio.jobs.worker import Worker

    me = make_user("ed@example.org", role="editor")

    @handler("test-fail")
    def fail(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        from coulisses.errors import UsageError

        raise UsageError("nothing to do")

    try:
        with app.state.sessions() as db:
            done = submit(db, me.workspace_id, wait_kind, {"seconds": 0}, user_id=me.user_id)
            failed = submit(db, me.workspace_id, "test-fail", {}, user_id=me.user_id)
            db.commit()
            ids = (done.id, failed.id)
        Worker(app.state.sessions, app.state.settings).run_until_empty()
    finally:
        HANDLERS.pop("test-fail", None)
    with app.state.sessions() as db:
        notes = {n.subject: (n.kind, n.body) for n in db.scalars(select(Notification))}
    assert notes == {f"{wait_kind} #{ids[0]}": ("job_done", ""),
                     f"test-fail #{ids[1]}": ("job_failed", "nothing to do")}


def test_a_render_notifies_its_author_with_the_cut_title(
        app: FastAPI, client: TestClient, make_user: Any, login: Any,
        landscape_clip: Any) -> None:
    from studio_media import render_cut, run_jobs, upload

    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    render_cut(client, me.workspace_id, rush["rush_id"], title="Teaser d'été")
    run_jobs(app)
    items = client.get("/api/notifications").json()["items"]
    assert [(n["kind"], n["subject"]) for n in items] == [("job_done", "Teaser d'été v1")]
    assert items[0]["url"].startswith(f"/w/{me.workspace_id}/cuts/")


def test_mail_is_sent_once_per_event_through_smtp(app: FastAPI, make_user: Any,
                                                  smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    team = _team(make_user)
    with app.state.sessions() as db:  # Édith reads French
        db.get(User, team["editor"].user_id).lang = "fr"  # type: ignore[union-attr]
        db.commit()
    settings = dataclasses.replace(app.state.settings, smtp_host="127.0.0.1", smtp_port=port,
                                   smtp_from="studio@example.org",
                                   public_url="https://studio.example.org")
    made = rendered_cut(app, team["owner"].workspace_id, team["client"].user_id)
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        review.add_comment(db=db, version=version, author_id=team["client"].user_id,
                           body="Trop long au début, @remy ?", t_start=0.5, t_end=None)
    assert mail.deliver(app.state.sessions, settings) == 3
    assert mail.deliver(app.state.sessions, settings) == 0  # sent once, never again
    received = {rcpt[0]: msg for rcpt, msg in inbox.messages}
    assert sorted(received) == ["edith@example.org", "olivia@example.org", "remy@example.org"]
    assert received["remy@example.org"]["Subject"] == "Claire mentioned you on Teaser v1"
    assert received["edith@example.org"]["Subject"] == "Claire a commenté Teaser v1"
    assert received["olivia@example.org"]["From"] == "studio@example.org"
    text = received["olivia@example.org"].get_payload(decode=True).decode()
    assert "Trop long au début" in text
    assert f"https://studio.example.org/w/{team['owner'].workspace_id}/cuts/" in text
    with app.state.sessions() as db:
        assert {r.status for r in db.scalars(select(MailOutbox))} == {"sent"}


def test_a_failed_send_is_retried_and_the_password_never_logged(
        app: FastAPI, make_user: Any, smtp: tuple[Inbox, int],
        caplog: pytest.LogCaptureFixture) -> None:
    inbox, port = smtp
    owner = make_user("olivia@example.org")
    editor = make_user("edith@example.org", role="editor")
    made = rendered_cut(app, owner.workspace_id, editor.user_id)
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        review.decide(db=db, version=version, user_id=editor.user_id, decision="changes",
                      note="the end")
    # this server offers no sign-in: the first try fails, and says why without the password
    wrong = dataclasses.replace(app.state.settings, smtp_host="127.0.0.1", smtp_port=port,
                                smtp_user="studio", smtp_password="hunter2-secret")
    assert mail.deliver(app.state.sessions, wrong) == 0
    assert "hunter2-secret" not in caplog.text and "hunter2-secret" not in repr(wrong)
    with app.state.sessions() as db:
        row = db.scalars(select(MailOutbox)).one()
        assert (row.status, row.attempts) == ("pending", 1)
        assert "hunter2-secret" not in row.error and row.error
        row.due_at = row.due_at.replace(year=2000)  # the retry is due now
        db.commit()
    right = dataclasses.replace(wrong, smtp_user="", smtp_password="")
    assert mail.deliver(app.state.sessions, right) == 1
    assert [m["Subject"] for _, m in inbox.messages] == [
        "edith requested changes on Teaser v1"]


def test_without_smtp_nothing_is_sent_and_the_outbox_does_not_grow(
        app: FastAPI, make_user: Any) -> None:
    owner = make_user("olivia@example.org")
    made = rendered_cut(app, owner.workspace_id, owner.user_id)
    editor = make_user("edith@example.org", role="editor")
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        review.add_comment(db=db, version=version, author_id=editor.user_id, body="ok",
                           t_start=0, t_end=None)
    started = time.monotonic()
    assert mail.deliver(app.state.sessions, app.state.settings) == 0
    assert time.monotonic() - started < 5
    with app.state.sessions() as db:
        assert {r.status for r in db.scalars(select(MailOutbox))} == {"skipped"}
