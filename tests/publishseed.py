"""A rendered, QC-passed, approved cut variant in a workspace, for the studio's publishing
tests (web and browser): the rows a render and a review would leave, over a real file."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from coulisses.studio.tables import Cut, CutVariant, CutVersion, Rush


def approved_variant(sessions: sessionmaker[Session], data_dir: Path, workspace_id: int, *,
                     platform: str = "tiktok", size: int = 200_000,
                     decision: str = "approved", passed: bool = True) -> int:
    """The id of a new variant for ``platform`` whose video is ``size`` random bytes."""
    folder = data_dir / "seeded"
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / f"{platform}-{os.urandom(4).hex()}.mp4"
    video.write_bytes(os.urandom(size))
    with sessions() as db:
        rush = Rush(workspace_id=workspace_id, name="rush.mp4", path="seeded/rush.mp4",
                    status="analysed")
        db.add(rush)
        db.flush()
        cut = Cut(workspace_id=workspace_id, rush_id=rush.id, title="Teaser")
        db.add(cut)
        db.flush()
        version = CutVersion(workspace_id=workspace_id, cut_id=cut.id, number=1,
                             platforms=platform, status="done", passed=passed,
                             decision=decision)
        db.add(version)
        db.flush()
        variant = CutVariant(workspace_id=workspace_id, version_id=version.id,
                             platform=platform, video=str(video.relative_to(data_dir)),
                             passed=passed)
        db.add(variant)
        db.commit()
        return variant.id
