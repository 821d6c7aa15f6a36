"""Public comments: held or shown by the page's moderation and the automatic holds, moderated
in bulk, reported by visitors, and logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from backstageworld import World

from coulisses.backstage import comments
from coulisses.backstage.challenge import Visitor
from coulisses.backstage.tables import PublicComment
from coulisses.errors import NotFoundError, RateLimitError, UsageError


def _post(w: World, body: str, *, who: str = "ann", address: str = "203.0.113.5",
          at: timedelta = timedelta(0), lang: str = "en", forged: bool = False
          ) -> PublicComment:
    return comments.post(w.db, page=w.page, visitor=Visitor(who, forged=forged),
                         address=address, body=body, name=who, lang=lang, now=w.now + at)


def test_pre_moderation_holds_everything_and_post_moderation_shows_it(world: World) -> None:
    held = _post(world, "Love the red cover")
    assert (held.status, held.hold) == ("held", "queue")
    world.page.moderation = "post"
    shown = _post(world, "The blue one is better", who="bob", address="198.51.100.8")
    assert (shown.status, shown.hold) == ("visible", "")
    assert [c.id for c, _ in comments.visible(world.db, world.page)] == [shown.id]


@pytest.mark.parametrize(("body", "reason"), [
    ("see https://spam.example", "link"), ("buy at www.cheap", "link"),
    ("go to promo.xyz now", "link"), ("this is CRAP honestly", "blocked_word")])
def test_automatic_holds_in_post_moderation(world: World, body: str, reason: str) -> None:
    world.page.moderation = "post"
    world.page.blocked_words = '{"en": ["crap"], "fr": ["nul"]}'
    made = _post(world, body)
    assert (made.status, made.hold) == ("held", reason)


def test_blocked_words_follow_the_comment_language(world: World) -> None:
    world.page.moderation = "post"
    world.page.blocked_words = '{"fr": ["nul"]}'
    assert _post(world, "c'est nul", lang="fr").hold == "blocked_word"
    assert _post(world, "nul points", lang="en", who="x", address="192.0.2.1").hold == ""


def test_repeated_text_and_bursts_are_held(world: World) -> None:
    world.page.moderation = "post"
    assert _post(world, "Vote blue!!").status == "visible"
    assert _post(world, "vote  BLUE", who="other", address="192.0.2.9").hold == "repeated"
    for i in range(2):
        _post(world, f"thought number {i}", at=timedelta(seconds=i + 1))
    assert _post(world, "and one more", at=timedelta(seconds=5)).hold == "burst"


def test_oversized_empty_and_flooding_comments_are_refused(world: World) -> None:
    with pytest.raises(UsageError, match="1001 characters"):
        _post(world, "x" * 1001)
    with pytest.raises(UsageError, match="empty"):
        _post(world, " \x00 ")
    for i in range(comments.FLOOD):
        _post(world, f"comment {i}", who=f"w{i}", at=timedelta(seconds=i))
    with pytest.raises(RateLimitError):
        _post(world, "one too many", who="w99", at=timedelta(seconds=30))


def test_markup_is_kept_as_text(world: World) -> None:
    made = _post(world, "<script>alert(1)</script><b>hi</b>")
    assert made.body == "<script>alert(1)</script><b>hi</b>"


def test_moderation_in_bulk_blocks_and_trusts_commenters(world: World) -> None:
    a = _post(world, "first from a", who="a", address="192.0.2.1")
    b = _post(world, "first from b", who="b", address="192.0.2.2")
    c = _post(world, "first from c", who="c", address="192.0.2.3")
    assert comments.moderate(world.db, page=world.page, comment_ids=[a.id, b.id],
                             action="approve", user_id=None, now=world.now) == 2
    comments.moderate(world.db, page=world.page, comment_ids=[b.id], action="block",
                      user_id=None, now=world.now)
    comments.moderate(world.db, page=world.page, comment_ids=[c.id], action="trust",
                      user_id=None, now=world.now)
    later = timedelta(minutes=10)
    assert _post(world, "b again", who="b", address="192.0.2.2", at=later).status == "declined"
    assert _post(world, "c again, with www.link", who="c", address="192.0.2.3",
                 at=later).status == "visible"
    assert _post(world, "a again", who="a", address="192.0.2.1", at=later).status == "held"
    with pytest.raises(UsageError):
        comments.moderate(world.db, page=world.page, comment_ids=[a.id], action="delete",
                          user_id=None, now=world.now)


def test_three_distinct_reports_hold_a_comment_and_team_replies_are_marked(
        world: World) -> None:
    world.page.moderation = "post"
    made = _post(world, "a rude remark")
    assert comments.report(world.db, page=world.page, comment_id=made.id,
                           visitor=Visitor("r1"), now=world.now)
    assert not comments.report(world.db, page=world.page, comment_id=made.id,
                               visitor=Visitor("r1"), now=world.now)  # once per visitor
    for who in ("r2", "r3"):
        comments.report(world.db, page=world.page, comment_id=made.id, visitor=Visitor(who),
                        now=world.now)
    assert (made.status, made.hold, made.reports) == ("held", "reported", 3)
    with pytest.raises(NotFoundError):
        comments.report(world.db, page=world.page, comment_id=made.id,
                        visitor=Visitor("r4"), now=world.now)
    reply = comments.reply(world.db, page=world.page, parent_id=made.id, body="Thanks!",
                           user_id=None, name="Team", now=world.now)
    assert reply.team and made.status == "visible"
    assert [(c.id, [r.id for r in rs]) for c, rs in comments.visible(world.db, world.page)] \
        == [(made.id, [reply.id])]


def test_the_log_lists_every_step_and_defuses_formulas(world: World) -> None:
    world.page.moderation = "post"
    made = _post(world, "=HYPERLINK(\"http://x\")")
    comments.moderate(world.db, page=world.page, comment_ids=[made.id], action="decline",
                      user_id=None, now=world.now)
    text = comments.log_csv(world.db, world.page)
    lines = text.strip().splitlines()
    assert lines[0] == "at,action,detail,comment_id,user_id,comment"
    assert [line.split(",")[1] for line in lines[1:]] == ["hold", "decline"]
    assert "'=HYPERLINK" in text
