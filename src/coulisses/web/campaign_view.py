"""The campaign tools as the studio uses them: validate, plan, health, calendar.

A thin adapter over ``coulisses.campaign`` (schema, load, health) and the plan outputs; when a
piece is missing from the build, pages say so instead of failing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from coulisses.errors import CampaignError, UploadError
from coulisses.settings import Settings

MAX_BYTES = 1024 * 1024


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


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
    """A validated campaign: its model (None when the tools are missing) and its name."""

    campaign: Any
    name: str


def validate(text: str, filename: str, settings: Settings) -> Checked:
    """Validate campaign YAML.

    Raises:
        CampaignError: invalid, located by line and column.
    """
    load = _module("coulisses.campaign.load")
    if load is None:  # the campaign tools are not in this build: at least it must be YAML
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CampaignError(str(getattr(exc, "problem", exc)), path=filename,
                                line=mark.line + 1 if mark else None,
                                column=mark.column + 1 if mark else None) from None
        if not isinstance(data, dict):
            raise CampaignError("a campaign file is a mapping of keys", path=filename)
        return Checked(None, str(data.get("name") or filename)[:300])
    platform_ids = _platform_ids(settings)
    campaign = load.loads_campaign(text, filename, platform_ids=platform_ids)
    return Checked(campaign, str(campaign.name)[:300])


def _platform_ids(settings: Settings) -> set[str] | None:
    if not settings.platform_dirs:
        return None
    from coulisses.platforms.registry import Registry

    registry = Registry.load(settings.platform_dirs)
    return set(registry)


def health(checked: Checked, lang: str) -> list[Any] | None:
    """The health findings (each with its line), or None when the rules are not built."""
    module = _module("coulisses.campaign.health")
    if module is None or checked.campaign is None:
        return None
    findings: list[Any] = module.check_health(checked.campaign, lang=lang)
    return findings


def plan(checked: Checked, settings: Settings, lang: str) -> Any:
    """The plan (deliverables, capture sheets, calendar), or None when not built."""
    module = _module("coulisses.campaign.plan")
    if module is None or checked.campaign is None:
        return None
    from coulisses.platforms.registry import Registry

    return module.build_plan(checked.campaign, Registry.load(settings.platform_dirs), lang)


def matrix(the_plan: Any) -> Any:
    """Platforms and rows of the deliverables matrix, or None when not built."""
    module = _module("coulisses.campaign.deliverables")
    return None if module is None else module.matrix(the_plan)


def ics(the_plan: Any) -> bytes | None:
    """The calendar as ICS bytes, or None when not built."""
    module = _module("coulisses.campaign.calendar")
    return None if module is None else bytes(module.to_ics(the_plan))
