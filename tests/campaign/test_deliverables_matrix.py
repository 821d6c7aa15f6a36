"""The deliverables matrix: canvas and limits from the platform registry, due dates, CSV, HTML."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from planworld import load_world

from coulisses.campaign import deliverables
from coulisses.campaign.plan import DUE_LEAD_DAYS
from coulisses.platforms.registry import Registry


def test_csv_matches_golden(tmp_path: Path, golden: Callable[[str, str], None]) -> None:
    _, _, plan = load_world(tmp_path)
    golden("campaign_deliverables.csv", deliverables.to_csv(plan))


def test_every_row_comes_from_the_registry(tmp_path: Path) -> None:
    _, campaign, plan = load_world(tmp_path)
    registry = Registry.load()
    rows = list(csv.DictReader(io.StringIO(deliverables.to_csv(plan))))
    assert [r["asset"] for r in rows] == [d.id for _, d in campaign.deliverables()]
    for row, (_, planned) in zip(rows, campaign.deliverables(), strict=True):
        spec = registry[planned.platform]
        assert row["canvas"] == f"{spec.canvas.width}x{spec.canvas.height}"
        assert float(row["max_seconds"]) == spec.duration.max_seconds
        assert float(row["target_seconds"]) == planned.duration_s
        assert planned.publish is not None
        assert (planned.publish - date.fromisoformat(row["due"])).days == DUE_LEAD_DAYS


def test_html_matrix_has_a_cell_per_source_and_platform(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    html = deliverables.to_html(plan, "fr")
    assert "Livrables" in html
    for d in plan.deliverables:
        assert f'id="asset-{d.id}"' in html
    platforms, grid = deliverables.matrix(plan)
    assert platforms == ["tiktok", "instagram-reels"]
    installation = next(cells for kind, title, cells in grid if title == "Installation du décor")
    assert set(installation) == {"tiktok", "instagram-reels"}
