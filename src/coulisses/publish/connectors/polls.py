"""Reading a platform poll's results back through its documented API: a LinkedIn poll post's
counts per option (``GET /rest/posts/{urn}``, seen by its author) and an Instagram caption
poll's shares (``GET /<IG_MEDIA_ID>/poll_attachment``: fractions, never counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from coulisses.errors import PlatformError
from coulisses.publish.connectors.base import Context

IG_LETTERS = ("a", "b", "c", "d")


@dataclass(frozen=True)
class PollReading:
    """What a platform says of its poll, option by option in the order it was posted."""

    platform: str
    post_id: str
    options: tuple[str, ...]
    counts: tuple[int, ...] | None = None  # votes, where the platform gives them
    shares: tuple[float, ...] | None = None  # fractions of the votes, where it gives only those
    ends: str = ""


def read_linkedin(ctx: Context, urn: str) -> PollReading:
    """The counts of the poll on the post ``urn``.

    Raises:
        PlatformError: the post has no poll, or the platform refused the call.
        TransientError: 5xx, 429 or the network outlasted the retries.
    """
    api = ctx.endpoints.api
    headers = {api.api_version.header or "LinkedIn-Version": api.api_version.value,
               "X-Restli-Protocol-Version": "2.0.0"}
    body = ctx.client.call("GET", ctx.endpoints.url("post", post=quote(urn, safe="")),
                           headers=headers).json()
    poll = (body.get("content") or {}).get("poll")
    if not isinstance(poll, dict):
        raise PlatformError("linkedin", f"{urn} carries no poll", code="NO_POLL")
    options = [o for o in poll.get("options") or [] if isinstance(o, dict)]
    return PollReading("linkedin", urn, tuple(str(o.get("text", "")) for o in options),
                       counts=tuple(int(o.get("voteCount") or 0) for o in options))


def read_instagram(ctx: Context, media_id: str) -> PollReading:
    """The shares of the caption poll on the media ``media_id``.

    Raises:
        PlatformError: the media has no caption poll, or the platform refused the call.
        TransientError: 5xx, 429 or the network outlasted the retries.
    """
    body = ctx.client.call("GET", ctx.endpoints.url("poll", media_id=quote(media_id, safe="")),
                           ).json()
    if not isinstance(body, dict):
        raise PlatformError("instagram", f"media {media_id} carries no caption poll",
                            code="NO_POLL")
    letters = [x for x in IG_LETTERS if f"option_{x}" in body]
    shares = tuple(float(body.get(f"option_{x}_votes_percentage") or 0.0) for x in letters)
    return PollReading("instagram", media_id, tuple(str(body[f"option_{x}"]) for x in letters),
                       shares=shares, ends=str(body.get("expiration_timestamp", "")))
