"""The campaign tools as the studio uses them: validate, plan, health, calendar.

A thin adapter over ``coulisses.campaign`` (load, health, plan, deliverables, calendar).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coulisses.campaign import calendar, deliverables
from coulisses.campaign.health import Finding, check_health
from coulisses.campaign.load import loads_campaign
from coulisses.campaign.plan import Plan, PlannedDeliverable, plan_campaign
from coulisses.campaign.schema import Campaign
from coulisses.errors import CampaignError, UploadError
from coulisses.platforms.registry import Registry
from coulisses.settings import Settings

MAX_BYTES = 1024 * 1024

def decode(data: bytes, filename: str) -> str:
    """The campaign file's text, exactly (a BOM is kept, so the export is byte for byte).

    Raises:
        UploadError: too large (413) or not UTF-8 text (415).
    """
    if len(data) > MAX_BYTES:
        raise UploadError(f"{filename}: {len(data):,} bytes is over the 1 MB a campaign file "
                          "may be", http_status=413, hint="campaign files are short YAML")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError(f"{filename}: not UTF-8 text (byte {exc.start})",
                          hint="save it as UTF-8 YAML") from None


@dataclass(frozen=True)
class Checked:
    """A validated campaign: its model and its name."""

    campaign: Campaign
    name: str


def validate(text: str, filename: str, settings: Settings) -> Checked:
    """Validate campaign YAML.

    Raises:
        CampaignError: invalid, located by line and column.
    """
    campaign = loads_campaign(text, filename, platform_ids=_platform_ids(settings))
    return Checked(campaign, str(campaign.name)[:300])


def _platform_ids(settings: Settings) -> set[str] | None:
    if not settings.platform_dirs:
        return None
    return set(Registry.load(settings.platform_dirs))


def health(checked: Checked, lang: str) -> list[Finding]:
    """The health findings, each with its line."""
    return check_health(checked.campaign, lang=lang)


def plan(checked: Checked, settings: Settings, lang: str) -> Plan:
    """The plan: deliverables, capture sheets, calendar."""
    return plan_campaign(checked.campaign, Registry.load(settings.platform_dirs), lang)


def matrix(the_plan: Plan
           ) -> tuple[list[str], list[tuple[str, str, dict[str, PlannedDeliverable]]]]:
    """Platforms and rows of the deliverables matrix."""
    return deliverables.matrix(the_plan)


def ics(the_plan: Plan) -> bytes:
    """The calendar as ICS bytes."""
    return calendar.to_ics(the_plan)


# --- board12: the planned deliverables a cut can be made for -----------------------------

@dataclass(frozen=True)
class Planned:
    """A planned deliverable of one of the workspace's campaigns, as a form offers it."""

    campaign_id: int
    campaign_name: str
    deliverable: PlannedDeliverable

    @property
    def value(self) -> str:
        """The form value: ``<campaign row id>:<deliverable id>``."""
        return f"{self.campaign_id}:{self.deliverable.id}"


def planned(rows: Sequence[Any], settings: Settings, lang: str) -> list[Planned]:
    """Every planned deliverable of the campaign rows that validate (the others are skipped:
    their pages say why)."""
    out = []
    for row in rows:
        try:
            checked = validate(row.source, row.filename, settings)
        except CampaignError:
            continue
        out += [Planned(row.id, row.name, d) for d in plan(checked, settings, lang).deliverables]
    return out
