"""The KPI report as the studio embeds it (adapter over ``coulisses.kpi.report``, kept apart
from routes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses.errors import CampaignError, NotFoundError
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign
from coulisses.web.i18n_web import translator

if TYPE_CHECKING:
    from coulisses.kpi.page_kpis import PageKpis


def report_html(store: Path, campaign: Campaign, settings: Settings, lang: str,
                backstage: PageKpis | None = None) -> str:
    """The report's self-contained HTML for ``campaign`` from the analytics ``store``, with
    its ``backstage`` page's KPIs when it has one.

    Raises:
        NotFoundError: nothing imported yet.
        AnalyticsImportError, ConflictError: as ``coulisses.kpi.report.build_report``.
    """
    if not store.is_file():
        raise NotFoundError("No analytics imported yet for this workspace.",
                            hint="import platform exports with `coulisses kpi import`")
    from coulisses.kpi.report import build_report, render
    from coulisses.web import campaign_view

    try:
        model = campaign_view.validate(campaign.source, campaign.filename, settings).campaign
    except CampaignError:  # an invalid file still has results: the store's, unfiltered
        model = None
    report = build_report(store, campaign=model, lang=lang, backstage=backstage)
    # the report names its source; a viewer (a client too) sees no server path
    report = replace(report, store=translator(lang)("results.source"))
    html: str = render(report, "html")
    return html
