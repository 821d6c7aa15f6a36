"""The rights gate: no clip of a person without consent, no music without a licence.

``check`` is pure and raises ``RightsError`` with every reason; ``gate`` is what surfaces call
before rendering or exporting: it lets a person override the gate only with a written reason,
which is appended (who, when, why, what was overridden) to a JSON-lines log that is never
rewritten.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from coulisses.campaign.plan import Plan, PlannedDeliverable
from coulisses.errors import RightsError, UsageError

OVERRIDE_LOG = "rights-overrides.jsonl"


def reasons(plan: Plan, deliverable: PlannedDeliverable, people: Sequence[str] | None = None,
            music: Sequence[str] | None = None, on: date | None = None) -> list[str]:
    """Why ``deliverable`` may not be published (empty when it may).

    ``people`` and ``music`` are the ids in the clip (default: those the plan expects);
    ``on`` is the publication day (default: the deliverable's), for releases that expire.
    """
    platform = deliverable.platform
    day = on or _day(deliverable.publish)
    out: list[str] = []
    for pid in deliverable.people if people is None else people:
        person = plan.person(pid)
        if person is None:
            out.append(f"{pid} is not among the campaign's people: no consent on file")
            continue
        if person.consent != "granted":
            out.append(f"{person.name} ({pid}) has not given consent (consent: "
                       f"{person.consent})")
        if person.minor and not person.guardian_consent:
            out.append(f"{person.name} ({pid}) is a minor without a guardian's consent")
        if person.platforms and platform not in person.platforms:
            out.append(f"{person.name} ({pid})'s release does not cover {platform}")
        if day and person.expires and day > person.expires:
            out.append(f"{person.name} ({pid})'s release expires on {person.expires}, "
                       f"before publication on {day}")
    tracks = {m.id: m for m in plan.music}
    for mid in deliverable.music if music is None else music:
        track = tracks.get(mid)
        if track is None:
            out.append(f"music {mid!r} is not in the campaign: no licence on file")
        elif not track.licensed_for(platform):
            out.append(f"music {track.title!r} is not licensed for {platform}")
        elif day and not track.licensed_for(platform, day):
            out.append(f"music {track.title!r}'s licence for {platform} ends before {day}")
    return out


def check(plan: Plan, deliverable: PlannedDeliverable, people: Sequence[str] | None = None,
          music: Sequence[str] | None = None, on: date | None = None) -> None:
    """Pass silently when ``deliverable`` may be rendered with these people and this music.

    Raises:
        RightsError: a person without consent (or a minor without a guardian's consent), a
            release that does not cover the platform or date, or music not licensed there.
    """
    found = reasons(plan, deliverable, people, music, on)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise RightsError(f"{deliverable.id}: {found[0]}{more}", reasons=found,
                          hint="record the consent or licence in the campaign file, or pass "
                               "--override-rights \"why\"")


def gate(plan: Plan, deliverable: PlannedDeliverable, folder: Path, *,
         people: Sequence[str] | None = None, music: Sequence[str] | None = None,
         override: str | None = None, who: str | None = None) -> list[str]:
    """Check the rights; with ``override`` (a reason), log the override and let it pass.

    Returns the reasons that were overridden (empty when the gate was clear).

    Raises:
        RightsError: the gate is closed and no override was given.
        UsageError: the override reason is empty.
    """
    if override is not None and not override.strip():
        raise UsageError("--override-rights needs a reason, e.g. --override-rights "
                         "\"consent signed on paper, scan to follow\"")
    try:
        check(plan, deliverable, people, music)
    except RightsError as exc:
        if override is None:
            raise
        record_override(folder, plan, deliverable, list(exc.reasons), override.strip(), who)
        return list(exc.reasons)
    return []


def record_override(folder: Path, plan: Plan, deliverable: PlannedDeliverable, found: list[str],
                    why: str, who: str | None = None) -> dict[str, Any]:
    """Append one override to ``folder/rights-overrides.jsonl`` (flushed to disk)."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "who": who or _user(),
             "why": why, "campaign": plan.campaign, "deliverable": deliverable.id,
             "platform": deliverable.platform, "reasons": found}
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / OVERRIDE_LOG).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def overrides(folder: Path) -> list[dict[str, Any]]:
    """Every override recorded in ``folder``, oldest first."""
    path = folder / OVERRIDE_LOG
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
