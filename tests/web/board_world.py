"""Helpers of the board and review-link tests (plain functions, no pytest): rendered cut
versions written straight into the database with a small file per variant, for the tests
whose subject is not the render (the render itself is tested in test_cuts.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from coulisses.studio.files import cuts_dir, relative, rushes_dir
from coulisses.studio.tables import Cut, CutVariant, CutVersion, Rush


def rendered_cut(app: FastAPI, workspace_id: int, user_id: int, *, versions: int = 1,
                 platform: str = "tiktok", campaign_id: int | None = None,
                 deliverable: str = "", decision: str = "pending") -> dict[str, Any]:
    """A rush and a cut with ``versions`` rendered versions (each with one variant file):
    ``{"rush_id", "cut_id", "versions": [version ids], "variants": [variant ids]}``."""
    data_dir = Path(app.state.settings.data_dir)
    with app.state.sessions() as db:
        folder = rushes_dir(data_dir, workspace_id)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"rush-{len(list(folder.iterdir()))}.mp4"
        source.write_bytes(b"\x00" * 64)
        rush = Rush(workspace_id=workspace_id, name=source.name,
                    path=relative(data_dir, source), duration=6.0, width=320, height=180,
                    fps=25.0, status="analysed", uploaded_by=user_id)
        db.add(rush)
        db.flush()
        cut = Cut(workspace_id=workspace_id, rush_id=rush.id, title="Teaser",
                  created_by=user_id, campaign_id=campaign_id, deliverable=deliverable)
        db.add(cut)
        db.flush()
        version_ids, variant_ids = [], []
        for number in range(1, versions + 1):
            out = cuts_dir(data_dir, workspace_id, cut.id, number)
            out.mkdir(parents=True, exist_ok=True)
            video = out / f"{platform}.mp4"
            video.write_bytes(f"version {number}".encode())
            version = CutVersion(workspace_id=workspace_id, cut_id=cut.id, number=number,
                                 platforms=platform, start=0.0, end=6.0, status="done",
                                 out_dir=relative(data_dir, out), passed=True,
                                 decision=decision if number == versions else "pending",
                                 created_by=user_id)
            db.add(version)
            db.flush()
            variant = CutVariant(workspace_id=workspace_id, version_id=version.id,
                                 platform=platform, label=platform,
                                 video=relative(data_dir, video), passed=True)
            db.add(variant)
            db.flush()
            version_ids.append(version.id)
            variant_ids.append(variant.id)
        db.commit()
        return {"rush_id": rush.id, "cut_id": cut.id, "versions": version_ids,
                "variants": variant_ids}
