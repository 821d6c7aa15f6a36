"""Platform poll tallies typed in by the team: one per platform, replaced when typed again,
never added to the page's own count."""

from __future__ import annotations

import pytest
from backstageworld import World

from coulisses.backstage import platform_tallies, polls
from coulisses.errors import UsageError


def test_a_tally_per_platform_replaced_when_typed_again(world: World) -> None:
    red, blue = polls.options_of(world.db, world.poll)
    platform_tallies.enter(world.db, world.poll, "instagram_story", {red.id: 120, blue.id: 80},
                           estimated=True, user_id=None, now=world.now)
    platform_tallies.enter(world.db, world.poll, "linkedin", {red.id: 4}, estimated=False,
                           user_id=None, now=world.now)
    platform_tallies.enter(world.db, world.poll, "linkedin", {red.id: 5, blue.id: 6},
                           estimated=False, user_id=None, now=world.now)
    world.db.commit()
    found = platform_tallies.tallies(world.db, world.poll)
    assert [(t.channel, [n for _, n in t.counts], t.estimated) for t in found] == [
        ("instagram_story", [120, 80], True), ("linkedin", [5, 6], False)]
    assert found[0].total == 200
    assert polls.tally(world.db, world.poll).total == 0  # the page's own count is untouched


def test_bad_tallies_are_refused(world: World) -> None:
    red, _ = polls.options_of(world.db, world.poll)
    with pytest.raises(UsageError, match="one of instagram_story"):
        platform_tallies.enter(world.db, world.poll, "myspace", {red.id: 1}, estimated=False,
                               user_id=None, now=world.now)
    with pytest.raises(UsageError, match="not one of the poll's"):
        platform_tallies.enter(world.db, world.poll, "tiktok", {10**6: 1}, estimated=False,
                               user_id=None, now=world.now)
    with pytest.raises(UsageError, match="whole numbers"):
        platform_tallies.enter(world.db, world.poll, "tiktok", {red.id: -1}, estimated=False,
                               user_id=None, now=world.now)
