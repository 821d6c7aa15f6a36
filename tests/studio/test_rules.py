"""The studio's rules without HTTP: comments, decisions and render requests on a real SQLite
database migrated to head, as the worker, the CLI or a test would call them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.errors import AccessError, ConflictError, NotFoundError, UsageError
from coulisses.studio import cuts, files, review
from coulisses.studio.db import open_database
from coulisses.studio.tables import Cut, CutVersion, Job, Rush, User, Workspace


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine, sessions = open_database(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    with sessions() as session:
        yield session
    engine.dispose()


def _world(db: Session, data_dir: Path) -> tuple[User, Cut, CutVersion]:
    user = User(email="a@example.org", name="A", password_hash="x")
    other = User(email="b@example.org", name="B", password_hash="x")
    workspace = Workspace(name="W")
    db.add_all([user, other, workspace])
    db.flush()
    rush = Rush(workspace_id=workspace.id, name="take.mp4",
                path=str(files.rushes_dir(data_dir, workspace.id).relative_to(data_dir)
                         / "take.mp4"))
    db.add(rush)
    db.flush()
    cut = Cut(workspace_id=workspace.id, rush_id=rush.id, title="T", created_by=user.id)
    db.add(cut)
    db.flush()
    version = CutVersion(workspace_id=workspace.id, number=1, platforms="tiktok", start=None,
                         end=None, status="done", created_by=user.id)
    cut.versions.append(version)
    db.commit()
    return user, cut, version


def test_comments_dedupe_by_nonce_and_replies_take_their_parents_times(
        db: Session, tmp_path: Path) -> None:
    user, _, version = _world(db, tmp_path)
    first = review.add_comment(db=db, version=version, author_id=user.id, body="  a\r\nb ",
                               t_start=1.5, t_end=3.0, nonce="n1")
    again = review.add_comment(db=db, version=version, author_id=user.id, body="other",
                               t_start=9.0, t_end=None, nonce="n1")
    assert again.id == first.id and first.body == "a\nb"
    reply = review.add_comment(db=db, version=version, author_id=user.id, body="yes",
                               t_start=None, t_end=None, parent_id=first.id)
    assert (reply.parent_id, reply.t_start, reply.t_end) == (first.id, 1.5, 3.0)
    with pytest.raises(UsageError, match="end after it starts"):
        review.add_comment(db=db, version=version, author_id=user.id, body="x", t_start=2.0,
                           t_end=1.0)
    with pytest.raises(UsageError, match="Write something first"):
        review.add_comment(db=db, version=version, author_id=user.id, body=" \r\n ",
                           t_start=None, t_end=None)
    with pytest.raises(NotFoundError):
        review.add_comment(db=db, version=version, author_id=user.id, body="x", t_start=None,
                           t_end=None, parent_id=first.id + 100)


def test_an_edit_on_an_old_revision_or_by_someone_else_is_refused(
        db: Session, tmp_path: Path) -> None:
    user, _, version = _world(db, tmp_path)
    comment = review.add_comment(db=db, version=version, author_id=user.id, body="one",
                                 t_start=0.0, t_end=None)
    rev = comment.rev
    review.save_comment(db=db, comment=comment, rev=rev, change={"body": "two"})
    with pytest.raises(ConflictError):
        review.save_comment(db=db, comment=comment, rev=rev, change={"body": "three"})
    assert comment.body == "two"
    with pytest.raises(AccessError):
        review.editable_comment(db=db, workspace_id=version.workspace_id,
                                comment_id=comment.id, user_id=user.id + 1)


def test_a_decision_needs_a_rendered_version_and_a_known_word(
        db: Session, tmp_path: Path) -> None:
    user, _, version = _world(db, tmp_path)
    with pytest.raises(UsageError):
        review.decide(db=db, version=version, user_id=user.id, decision="maybe")
    review.decide(db=db, version=version, user_id=user.id, decision="approved", note=" ok ")
    assert version.decision == "approved"
    version.status = "rendering"
    with pytest.raises(ConflictError):
        review.decide(db=db, version=version, user_id=user.id, decision="changes")


def test_a_render_request_is_version_n_plus_one_once_per_nonce(
        db: Session, tmp_path: Path) -> None:
    user, cut, _ = _world(db, tmp_path)
    rush = db.get(Rush, cut.rush_id)
    assert rush is not None
    request = cuts.RenderRequest(platforms=("tiktok", "youtube"), start=1.0, end=4.0,
                                 preset="draft", captions=True)
    version = cuts.queue_render(db=db, data_dir=tmp_path, cut=cut, rush=rush, request=request,
                                user_id=user.id, nonce="click")
    again = cuts.queue_render(db=db, data_dir=tmp_path, cut=cut, rush=rush, request=request,
                              user_id=user.id, nonce="click")
    assert again.id == version.id and version.number == 2
    assert db.scalar(select(func.count()).select_from(Job)) == 1
    job = db.get(Job, version.job_id)
    assert job is not None and job.kind == "render"
    payload = json.loads(job.payload)
    assert payload["platforms"] == ["tiktok", "youtube"] and payload["captions"] is True
    assert payload["out_dir"] == str(files.cuts_dir(tmp_path, cut.workspace_id, cut.id, 2)
                                     .relative_to(tmp_path))
    with pytest.raises(UsageError, match="must come after"):
        cuts.RenderRequest(platforms=("tiktok",), start=3.0, end=2.0)
    with pytest.raises(UsageError, match="not final, master or draft"):
        cuts.RenderRequest(platforms=("tiktok",), preset="best")
