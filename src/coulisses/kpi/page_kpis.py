"""The backstage page's own KPIs in the report: page views (a daily counter, no cookie), votes
counted and flagged, comments approved and held, the team's reply share and time, returning
commenters; and the conversation KPIs of the platforms and the page together (response rate,
response time, returning commenters: Σ numerator / Σ denominator over both).

The numbers come from the studio database (``coulisses.backstage.kpis`` counts them); this
module only holds and combines them, so the report needs no studio.
"""

from __future__ import annotations

from dataclasses import dataclass

from coulisses.kpi.compute import Group, KpiValue

COMBINED = ("response_rate", "response_time_h", "returning_commenters")


@dataclass(frozen=True)
class PageKpis:
    """One backstage page's counts over its whole life."""

    views: int
    view_days: int  # days with at least one view
    votes_counted: int
    votes_flagged: int
    flagged: tuple[tuple[str, int], ...]  # flagged votes by reason
    voters: int  # distinct counted voters, summed over polls (0 once digests are purged)
    comments_approved: int  # visitors' comments shown on the page
    comments_held: int  # waiting in the moderation queue
    comments_declined: int
    to_answer: int  # visitors' comments (not replies) the team could answer: not declined
    answered: int  # of those, answered by a team reply
    reply_hours: float  # summed hours from comment to the team's first reply
    median_reply_h: float | None
    commenters: int
    returning_commenters: int  # commented on at least two different days

    @property
    def reply_share(self) -> float | None:
        """Answered comments in percent of those the team could answer."""
        return 100 * self.answered / self.to_answer if self.to_answer else None

    @property
    def participation(self) -> float | None:
        """Votes and comments per 100 page views (a visitor may do both)."""
        acts = self.votes_counted + self.votes_flagged + self.to_answer
        return 100 * acts / self.views if self.views else None


def combined(overall: Group | None, page: PageKpis) -> tuple[KpiValue, ...]:
    """Response rate, response time and returning commenters over the platforms' posts and
    the backstage page together, each weighted by its comments (Σ numerator / Σ
    denominator); the basis says how much each side brings."""
    out = []
    page_side = {
        "response_rate": (float(page.answered), float(page.to_answer), 100.0),
        "response_time_h": (page.reply_hours, float(page.answered), 1.0),
        "returning_commenters": (float(page.returning_commenters), float(page.commenters),
                                 100.0),
    }
    for kpi in COMBINED:
        numerator, denominator, scale = page_side[kpi]
        platform = _find(overall, kpi)
        basis = [("backstage page", int(denominator))]
        n_posts = n_total = 0
        if platform is not None and platform.value is not None and \
                platform.numerator is not None and platform.denominator:
            numerator += platform.numerator
            denominator += platform.denominator
            basis.insert(0, ("platforms", int(platform.denominator)))
            n_posts, n_total = platform.n_posts, platform.n_total
        if not denominator:
            out.append(KpiValue(kpi, None, None, None, n_posts, n_total,
                                unavailable_reason="no comment, on the platforms or the page"))
            continue
        out.append(KpiValue(kpi, numerator / denominator * scale, numerator, denominator,
                            n_posts, n_total, basis=tuple(basis)))
    return tuple(out)


def _find(group: Group | None, kpi: str) -> KpiValue | None:
    if group is None:
        return None
    try:
        return group.get(kpi)
    except KeyError:
        return None
