"""The posts as a calendar (ICS, RFC 5545, written by ``icalendar``): one event per post, and
for a post on the manual channel an alarm (VALARM) before its time and one at it, so the person
who posts by hand is reminded where their calendar lives.

UIDs are stable (``post-ID@coulisses``): importing the file again updates the events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from coulisses.publish.api import PlatformApi
from coulisses.publish.tables import Post

PRODID = "-//coulisses//publishing calendar//EN"
REMIND_BEFORE = timedelta(minutes=30)
EVENT_LENGTH = timedelta(minutes=15)


def posts_ics(posts: Sequence[Post], channel_of: Mapping[int, str],
              apis: Mapping[str, PlatformApi], *, title: str = "coulisses",
              stamp: datetime | None = None) -> bytes:
    """The posts as ICS bytes; ``channel_of`` maps an account id to ``api`` or ``manual``.

    ``stamp`` is every event's DTSTAMP (now, in UTC, when not given).
    """
    from icalendar import Alarm, Calendar, Event

    when = (stamp or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{title}: publishing")
    for post in sorted(posts, key=lambda p: (p.due_ms, p.id)):
        api = apis.get(post.platform)
        name = api.name if api is not None else post.platform
        manual = channel_of.get(post.account_id) == "manual"
        start = datetime.fromtimestamp(post.due_ms / 1000, UTC)
        event = Event()
        event.add("uid", f"post-{post.id}@coulisses")
        event.add("dtstamp", when)
        event.add("dtstart", start)
        event.add("dtend", start + EVENT_LENGTH)
        how = "post by hand" if manual else "published by coulisses"
        event.add("summary", f"{name}: post {post.id} ({how})")
        lines = [f"State: {post.state}", post.caption]
        if manual:
            lines.append(f"Then record its link: coulisses publish complete {post.id} URL")
        event.add("description", "\n".join(line for line in lines if line))
        event.add("categories", ["publish", post.platform] + (["manual"] if manual else []))
        event.add("transp", "TRANSPARENT")
        if manual and post.state in ("draft", "scheduled", "needs_attention"):
            for offset, words in ((-REMIND_BEFORE, "in 30 minutes"), (timedelta(0), "now")):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("trigger", offset)
                alarm.add("description", f"Post to {name} by hand {words} (post {post.id})")
                event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
