"""The campaign board: each planned deliverable's state, computed from the studio's data.

``deliverable_state(facts)`` is the one rule (pure): not shot, rushes tagged, cut, in review,
changes requested, approved, scheduled, published, measured. ``board(...)`` gathers the facts of
every deliverable of a plan (rushes tagged to its episode or BTS item, the latest version of its
latest cut and that version's decision, publishing posts of its files, analytics of its posts)
and returns the rows, with the coverage of the planned BTS items.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coulisses.campaign.plan import CaptureItem, PlannedDeliverable
from coulisses.studio.board_tables import RushTag
from coulisses.studio.tables import Cut, CutVersion, Rush

STATES = ("not_shot", "tagged", "cut", "in_review", "changes", "approved", "scheduled",
          "published", "measured")
SCHEDULED = ("scheduled", "publishing")


@dataclass(frozen=True)
class Facts:
    """What the studio knows of one deliverable."""

    tagged: bool = False  # a rush is tagged as footage of its episode or BTS item
    version_status: str = ""  # latest version of its latest cut: queued, rendering, done, failed
    decision: str = ""  # that version's decision: pending, approved, changes
    post_states: tuple[str, ...] = ()  # publishing posts of the approved files
    measured: bool = False  # the analytics store holds numbers for it


def deliverable_state(facts: Facts) -> str:
    """The deliverable's state on the board, one of ``STATES``; the furthest step wins."""
    if facts.measured:
        return "measured"
    if "published" in facts.post_states:
        return "published"
    if any(state in SCHEDULED for state in facts.post_states):
        return "scheduled"
    if facts.version_status:
        if facts.decision == "approved":
            return "approved"
        if facts.decision == "changes":
            return "changes"
        return "in_review" if facts.version_status == "done" else "cut"
    return "tagged" if facts.tagged else "not_shot"


@dataclass(frozen=True)
class BoardRow:
    """One deliverable on the board, its state and where its work is."""

    deliverable: PlannedDeliverable
    state: str
    cut_id: int | None = None
    version: int | None = None
    rushes: tuple[tuple[int, str], ...] = ()  # (id, name) tagged for its source


@dataclass(frozen=True)
class CoverageRow:
    """A planned BTS item and the rushes tagged as its footage."""

    source: str
    title: str
    rushes: tuple[tuple[int, str], ...]

    @property
    def covered(self) -> bool:
        return bool(self.rushes)


def latest_cuts(db: Session, workspace_id: int, campaign_id: int) -> dict[str, Cut]:
    """The newest cut made for each deliverable of the campaign row."""
    cuts = db.scalars(select(Cut).where(Cut.workspace_id == workspace_id,
                                        Cut.campaign_id == campaign_id).order_by(Cut.id)
                      .options(selectinload(Cut.versions).selectinload(CutVersion.variants)))
    return {c.deliverable: c for c in cuts if c.deliverable}


def tagged_rushes(db: Session, workspace_id: int, campaign_id: int
                  ) -> dict[str, tuple[tuple[int, str], ...]]:
    """(id, name) of the rushes tagged for each episode or BTS item of the campaign row."""
    rows = db.execute(select(RushTag.source, Rush.id, Rush.name)
                      .join(Rush, Rush.id == RushTag.rush_id)
                      .where(RushTag.workspace_id == workspace_id,
                             RushTag.campaign_id == campaign_id)
                      .order_by(RushTag.id))
    out: dict[str, list[tuple[int, str]]] = {}
    for source, rush_id, name in rows:
        out.setdefault(source, []).append((rush_id, name))
    return {k: tuple(v) for k, v in out.items()}


def footage(db: Session, workspace_id: int, campaign_id: int,
            deliverables: Sequence[PlannedDeliverable]) -> dict[str, tuple[tuple[int, str], ...]]:
    """(id, name) of the rushes that are footage of each episode or BTS item: tagged for it,
    or cut for one of its deliverables."""
    out = {k: list(v) for k, v in tagged_rushes(db, workspace_id, campaign_id).items()}
    source_of = {d.id: d.source for d in deliverables}
    rows = db.execute(select(Cut.deliverable, Rush.id, Rush.name)
                      .join(Rush, Rush.id == Cut.rush_id)
                      .where(Cut.workspace_id == workspace_id, Cut.campaign_id == campaign_id)
                      .order_by(Cut.id))
    for deliverable, rush_id, name in rows:
        source = source_of.get(deliverable)
        if source is not None and (rush_id, name) not in out.setdefault(source, []):
            out[source].append((rush_id, name))
    return {k: tuple(v) for k, v in out.items()}


def _post_states(db: Session, paths: Collection[str]) -> dict[str, tuple[str, ...]]:
    """The states of the publishing posts of each file path."""
    if not paths:
        return {}
    from coulisses.publish.tables import Post

    out: dict[str, list[str]] = {}
    for path, state in db.execute(select(Post.video_path, Post.state)
                                  .where(Post.video_path.in_(list(paths)))):
        out.setdefault(path, []).append(state)
    return {k: tuple(v) for k, v in out.items()}


def measured_deliverables(store: Path, campaign: str) -> set[str]:
    """The deliverable ids of ``campaign`` (the file's id) with numbers in the analytics store;
    empty when nothing was imported."""
    if not store.is_file():
        return set()
    import duckdb

    try:
        with duckdb.connect(str(store), read_only=True) as con:
            rows = con.execute(
                "SELECT DISTINCT p.variant FROM posts p JOIN metrics m "
                "ON m.platform = p.platform AND m.post_id = p.post_id "
                "WHERE p.campaign = ? AND p.variant IS NOT NULL", [campaign]).fetchall()
    except duckdb.Error:  # a store being written or from an older layout: not measured yet
        return set()
    return {str(r[0]) for r in rows}


def board(db: Session, *, workspace_id: int, campaign_id: int,
          deliverables: Sequence[PlannedDeliverable], data_dir: Path,
          measured: Collection[str] = ()) -> list[BoardRow]:
    """Every planned deliverable with its state (``deliverable_state``) and its work."""
    cuts = latest_cuts(db, workspace_id, campaign_id)
    tags = footage(db, workspace_id, campaign_id, deliverables)
    approved_files: dict[str, list[str]] = {}
    for d_id, made in cuts.items():
        latest = made.versions[-1] if made.versions else None
        if latest is not None and latest.decision == "approved":
            root = Path(data_dir).resolve()
            approved_files[d_id] = [str(root / v.video) for v in latest.variants if v.video]
    posts = _post_states(db, [p for files in approved_files.values() for p in files])
    rows = []
    for d in deliverables:
        cut = cuts.get(d.id)
        version: CutVersion | None = cut.versions[-1] if cut is not None and cut.versions \
            else None
        facts = Facts(tagged=bool(tags.get(d.source)),
                      version_status=version.status if version is not None else "",
                      decision=version.decision if version is not None else "",
                      post_states=tuple(s for p in approved_files.get(d.id, [])
                                        for s in posts.get(p, ())),
                      measured=d.id in measured)
        rows.append(BoardRow(d, deliverable_state(facts), cut.id if cut else None,
                             version.number if version is not None else None,
                             tags.get(d.source, ())))
    return rows


def coverage(db: Session, *, workspace_id: int, campaign_id: int,
             items: Sequence[CaptureItem],
             deliverables: Sequence[PlannedDeliverable] = ()) -> list[CoverageRow]:
    """Each planned BTS item (``Plan.sheets`` items, then ``Plan.unscheduled``) and the
    rushes that are its footage (``footage``); none: not covered yet."""
    found = footage(db, workspace_id, campaign_id, deliverables)
    return [CoverageRow(item.id, item.title or item.id, found.get(item.id, ()))
            for item in items]
