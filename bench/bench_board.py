"""The campaign board's cost: the board page (plan, cuts, decisions, posts, analytics, coverage)
against the plan page of the same campaign (the baseline: validating and planning the file),
for a small and a large plan, with a cut and a decision for every other deliverable. Writes the
``## Campaign board`` section of docs/benchmarks.md.

    .venv/bin/python bench/bench_board.py [--episodes 200] [--rounds 15]

In one process (the studio app through its test client, SQLite in a temporary folder), so the
ratio compares like with like; the median of ``--rounds`` requests each.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests" / "web")]
HEADING = "## Campaign board"


def campaign_text(episodes: int) -> str:
    """The starter campaign with ``episodes`` more episodes, one TikTok deliverable each."""
    from coulisses.campaign.template import starter_text

    text = starter_text("en")
    text = re.sub(r"episodes_planned: \d+", f"episodes_planned: {episodes + 1}", text)
    blocks = []
    for n in range(2, episodes + 2):
        day = date(2026, 4, 6) + timedelta(days=n)
        blocks.append(
            f"      - id: ep-{n}\n        number: {n}\n        title: Episode {n}\n"
            f"        duration_s: 45\n        deliverables:\n"
            f"          - {{id: ep-{n}-tiktok, platform: tiktok, format: tt-episode, "
            f"duration_s: 45, "
            f"publish: {day.isoformat()}}}\n")
    marker = "\n# The behind-the-scenes story."
    return text.replace(marker, "".join(blocks) + marker, 1) if blocks else text


def median_ms(client: object, url: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text[:300]
    return statistics.median(times)


def measure(episodes: int, rounds: int, folder: Path) -> tuple[int, float, float]:
    """(deliverables, plan page ms, board page ms)."""
    from board_world import rendered_cut
    from fastapi.testclient import TestClient

    from coulisses.settings import Settings
    from coulisses.studio.tables import Campaign, Membership, User, Workspace
    from coulisses.web.app import create_app
    from coulisses.web.security import hash_password

    settings = Settings(data_dir=folder / "data", cache_dir=folder / "cache")
    app = create_app(settings, database_url=f"sqlite:///{folder / 'studio.sqlite3'}",
                     start_worker=False)
    with app.state.sessions() as db:
        space, user = Workspace(name="Bench"), User(
            email="b@example.org", name="Bench", password_hash=hash_password("a long pass 1"))
        db.add_all([space, user])
        db.flush()
        db.add(Membership(workspace_id=space.id, user_id=user.id, role="owner"))
        row = Campaign(workspace_id=space.id, name="Bench", filename="b.yaml",
                       source=campaign_text(episodes))
        db.add(row)
        db.commit()
        ws, uid, cid = space.id, user.id, row.id
    ids = [f"ep-{n}-tiktok" for n in range(1, episodes + 2)]
    for i, deliverable in enumerate(ids[::2]):
        rendered_cut(app, ws, uid, campaign_id=cid, deliverable=deliverable,
                     decision=("approved", "changes", "pending")[i % 3])
    with TestClient(app) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert token
        client.post("/login", data={"email": "b@example.org", "password": "a long pass 1",
                                    "csrf_token": token.group(1)})
        board = client.get(f"/w/{ws}/campaigns/{cid}/board").text
        shown = len(re.findall(r'data-deliverable="', board))
        assert shown == episodes + 4, f"the board shows {shown} deliverables"
        plan_ms = median_ms(client, f"/w/{ws}/campaigns/{cid}/plan", rounds)
        board_ms = median_ms(client, f"/w/{ws}/campaigns/{cid}/board", rounds)
    app.state.engine.dispose()
    return shown, plan_ms, board_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    from docsection import write_section

    rows = []
    for extra in (0, args.episodes):
        with tempfile.TemporaryDirectory() as tmp:
            shown, plan_ms, board_ms = measure(extra, args.rounds, Path(tmp))
        rows.append(f"| {shown} | {shown // 2 + shown % 2} | {plan_ms:.0f} ms | "
                    f"{board_ms:.0f} ms | {board_ms / plan_ms:.2f} |")
    section = "\n".join([
        HEADING, "",
        "The board page of a campaign (each planned deliverable's state from cuts, decisions, "
        "publishing posts and the analytics store, and the coverage of BTS items) against "
        "the plan page of the same campaign (validating and planning the file, the baseline), "
        "median of "
        f"{args.rounds} requests each, in one process (test client, SQLite); every other "
        "deliverable has a cut with a rendered version and a decision.", "",
        "| Deliverables | Cuts | Plan page | Board page | Board / plan |",
        "|---:|---:|---:|---:|---:|", *rows, "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(load {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d')}; command: "
        f"`python bench/bench_board.py --episodes {args.episodes} --rounds {args.rounds}`.", ""])
    write_section(ROOT / "docs" / "benchmarks.md", HEADING, section)
    print(section)


if __name__ == "__main__":
    main()
