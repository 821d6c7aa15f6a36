"""A challenge in a workspace with entries whose consent is known, for the jury and vote tests:
real (tiny) files under the data folder so the player and the poll can serve them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coulisses.challenges.tables import ChallengeEntry, ChallengeRow

#: public id -> (consent, status): e1-e4 visible, e5 without consent, e6 withdrawn
ENTRIES = {"e1": ("complete", "triaged"), "e2": ("complete", "triaged"),
           "e3": ("complete", "triaged"), "e4": ("complete", "triaged"),
           "e5": ("missing", "triaged"), "e6": ("withdrawn", "withdrawn")}


def seed_challenge(db: Any, workspace_id: int, data_dir: Path, campaign_id: int | None = None,
                   key: str = "casting") -> ChallengeRow:
    """A challenge of ``workspace_id`` with the entries of ``ENTRIES`` (committed)."""
    row = ChallengeRow(workspace_id=workspace_id, campaign_id=campaign_id,
                       campaign_key="cites-casting", key=key, title="Casting Cités",
                       slug=f"slug-{key}-{workspace_id}", secret="s" * 32, salt="t" * 32)
    db.add(row)
    db.flush()
    folder = data_dir / "challenges" / str(row.id)
    folder.mkdir(parents=True, exist_ok=True)
    for public_id, (consent, status) in ENTRIES.items():
        path = folder / f"{public_id}.mp4"
        path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + public_id.encode())
        db.add(ChallengeEntry(challenge_id=row.id, public_id=f"{public_id}-{row.id}",
                              path=str(path), original_name=f"{public_id}.mp4",
                              sha256=public_id * 8, entrant=f"Entrant {public_id}",
                              entrant_key=f"k-{public_id}",
                              declared=json.dumps({"city": "Lyon", "age_band": "18-24"}),
                              age_band="18-24", country="FR", consent=consent, status=status))
    db.commit()
    return row
