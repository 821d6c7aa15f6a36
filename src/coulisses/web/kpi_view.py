"""The measure issue's KPI report as the studio embeds it (adapter, kept apart from routes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coulisses.errors import CampaignError, NotFoundError
from coulisses.settings import Settings
from coulisses.store.tables import Campaign


def report_html(module: Any, store: Path, campaign: Campaign, settings: Settings,
                lang: str) -> str:
    """The report's self-contained HTML for ``campaign`` from the analytics ``store``.

    Raises:
        NotFoundError: no report module, or nothing imported yet.
        AnalyticsImportError, ConflictError: as ``coulisses.kpi.report.build_report``.
    """
    if module is None or not store.is_file():
        raise NotFoundError("No analytics imported yet for this workspace.",
                            hint="import platform exports with `coulisses kpi import`")
    from coulisses.web import campaign_view

    try:
        model = campaign_view.validate(campaign.source, campaign.filename, settings).campaign
    except CampaignError:  # an invalid file still has results: the store's, unfiltered
        model = None
    report = module.build_report(store, campaign=model, lang=lang)
    html: str = module.render(report, "html")
    return html
