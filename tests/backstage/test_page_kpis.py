"""The backstage page's KPIs from the studio database: a cookie-free daily view counter,
votes counted and flagged, comments by status, the team's reply share and median time,
returning commenters."""

from __future__ import annotations

from datetime import timedelta

from backstageworld import World

from coulisses.backstage import challenge, comments, kpis, polls
from coulisses.backstage.tables import PageViews, Vote


def test_views_are_a_daily_counter_and_nothing_else(world: World) -> None:
    today = world.now.date()
    for day in (today, today, today, today - timedelta(days=1)):
        kpis.count_view(world.db, world.page, day)
    rows = world.db.query(PageViews).order_by(PageViews.day).all()
    assert [(r.day, r.views) for r in rows] == [(today - timedelta(days=1), 1), (today, 3)]
    found = kpis.page_kpis(world.db, world.page)
    assert (found.views, found.view_days) == (4, 2)


def test_votes_comments_and_replies_are_counted(world: World) -> None:
    red, blue = polls.options_of(world.db, world.poll)
    world.db.add_all([Vote(poll_id=world.poll.id, option_id=red.id, voter="a"),
                      Vote(poll_id=world.poll.id, option_id=blue.id, voter="b"),
                      Vote(poll_id=world.poll.id, option_id=blue.id, voter="a",
                           counted=False, reason="already_voted")])
    world.db.commit()
    ana = challenge.visitor(world.page.secret, None)
    first = comments.post(world.db, page=world.page, visitor=ana, address="10.0.0.1",
                          body="Love the red one", now=world.now - timedelta(days=2))
    again = comments.post(world.db, page=world.page, visitor=ana, address="10.0.0.1",
                          body="Still the red one", now=world.now)
    other = comments.post(world.db, page=world.page, visitor=challenge.visitor(
        world.page.secret, None), address="10.0.0.2", body="Blue!", now=world.now)
    comments.reply(world.db, page=world.page, parent_id=first.id, body="Thanks", user_id=None,
                   name="Team", now=first.created_at + timedelta(hours=3))
    comments.reply(world.db, page=world.page, parent_id=first.id, body="Again", user_id=None,
                   name="Team", now=first.created_at + timedelta(hours=9))
    comments.reply(world.db, page=world.page, parent_id=again.id, body="Yes", user_id=None,
                   name="Team", now=again.created_at + timedelta(hours=1))
    comments.moderate(world.db, page=world.page, comment_ids=[other.id], action="decline",
                      user_id=None, now=world.now)
    found = kpis.page_kpis(world.db, world.page)
    assert (found.votes_counted, found.votes_flagged, found.voters) == (2, 1, 2)
    assert found.flagged == (("already_voted", 1),)
    assert (found.comments_approved, found.comments_held, found.comments_declined) == (2, 0, 1)
    assert (found.to_answer, found.answered) == (2, 2)  # the declined one is not owed a reply
    assert found.reply_hours == 4.0 and found.median_reply_h == 2.0  # first replies only
    assert (found.commenters, found.returning_commenters) == (2, 1)
    assert kpis.for_campaign(world.db, world.campaign.id) == found
    assert kpis.for_campaign(world.db, 10**6) is None
