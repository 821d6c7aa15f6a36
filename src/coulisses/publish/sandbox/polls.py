"""Platform polls in the sandbox: LinkedIn poll posts (``content.poll``, counts per option) and
Instagram caption polls (``poll_attachment``, shares as fractions), their rules as the docs
state them, and ``/_sandbox/polls``, where a test or the demo casts the audience's votes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from coulisses.publish.sandbox.context import Sandbox

DURATIONS = {"ONE_DAY": 1, "THREE_DAYS": 3, "SEVEN_DAYS": 7, "FOURTEEN_DAYS": 14}
LINKEDIN_RULES = ("a poll has a question of 1 to 140 characters, 2 to 4 options of 1 to 30 "
                  "characters and a duration of ONE_DAY, THREE_DAYS, SEVEN_DAYS or FOURTEEN_DAYS")
IG_LETTERS = ("a", "b", "c", "d")
IG_POLL_DAYS = 3  # an Instagram caption poll runs 3 days unless is_poll_duration_extended


def linkedin_poll(raw: Any) -> dict[str, Any] | None:
    """The poll of a Posts API body, or None when it breaks the documented rules."""
    if not isinstance(raw, dict):
        return None
    question = raw.get("question")
    options = raw.get("options")
    duration = (raw.get("settings") or {}).get("duration", "SEVEN_DAYS")
    if not isinstance(question, str) or not 0 < len(question) <= 140:
        return None
    if not isinstance(options, list) or not 2 <= len(options) <= 4:
        return None
    texts = [o.get("text") if isinstance(o, dict) else None for o in options]
    if any(not isinstance(t, str) or not 0 < len(t) <= 30 for t in texts):
        return None
    if duration not in DURATIONS:
        return None
    return {"question": question, "options": texts, "duration": duration,
            "ends": time.time() + DURATIONS[duration] * 86400}


def linkedin_view(poll: dict[str, Any], votes: list[int]) -> dict[str, Any]:
    """The poll as the Posts API returns it to its author: counts per option."""
    return {"question": poll["question"],
            "settings": {"duration": poll["duration"], "voteSelectionType": "SINGLE_VOTE",
                         "isVoterVisibleToAuthor": True},
            "uniqueVotersCount": sum(votes),
            "options": [{"text": t, "voteCount": n, "isVotedByViewer": False}
                        for t, n in zip(poll["options"], votes, strict=True)]}


def instagram_poll(raw: str) -> list[str] | None:
    """The options of a ``poll_attachment`` parameter (a JSON object of ``option_a`` to
    ``option_d``), or None when it is not 2 to 4 options in order."""
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) - {f"option_{x}" for x in IG_LETTERS}:
        return None
    texts = [value.get(f"option_{x}") for x in IG_LETTERS]
    texts = texts[:len([t for t in texts if t is not None])]
    if not 2 <= len(texts) <= 4 or any(not isinstance(t, str) or not t.strip() for t in texts):
        return None
    return [str(t) for t in texts]


def instagram_view(options: list[str], votes: list[int], ends: float) -> dict[str, Any]:
    """``GET /<IG_MEDIA_ID>/poll_attachment``: each option's share of votes, a fraction; the
    count itself is never given."""
    total = sum(votes)
    out: dict[str, Any] = {}
    for letter, text, n in zip(IG_LETTERS, options, votes, strict=False):
        out[f"option_{letter}"] = text
        out[f"option_{letter}_votes_percentage"] = round(n / total, 4) if total else 0.0
    out["expiration_timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(ends))
    return out


def routes(sb: Sandbox) -> APIRouter:
    """``POST /_sandbox/polls/{platform}/{post id}`` with ``{"votes": [n, ...]}`` adds the
    audience's votes, option by option (a stand-in for people tapping in the app)."""
    r = APIRouter()

    @r.post("/_sandbox/polls/{platform}/{post_id}")
    async def cast(platform: str, post_id: str, request: Request) -> JSONResponse:
        key = {"linkedin": "post", "instagram": "media_id"}.get(platform)
        session = sb.store.find_session(platform, key, post_id) if key else None
        if session is None or "poll" not in session:
            return JSONResponse({"error": "no poll on that post"}, status_code=404)
        added = (await request.json()).get("votes")
        votes = list(session["votes"])
        if not isinstance(added, list) or len(added) != len(votes) or any(
                not isinstance(n, int) or n < 0 for n in added):
            return JSONResponse({"error": "votes: one whole number per option"},
                                status_code=400)
        votes = [a + b for a, b in zip(votes, added, strict=True)]
        sb.store.update(session["id"], votes=votes)
        return JSONResponse({"votes": votes})

    return r
