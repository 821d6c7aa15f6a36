"""The example casting challenge as a test needs it: taking entries today."""

from __future__ import annotations

import re
from datetime import date, timedelta


def casting_open_now(today: date | None = None) -> str:
    """The example campaign ``casting-series-fr`` with its ``casting`` challenge's dates moved
    around ``today`` (a week before to a month after), so its public page takes entries."""
    from coulisses.campaign.template import example_text

    day = today or date.today()
    text = example_text("casting-series-fr")
    text, opens = re.subn(r"(\n    opens: )\d{4}-\d{2}-\d{2}",
                          rf"\g<1>{day - timedelta(days=7)}", text)
    text, closes = re.subn(r"(\n    closes: )\d{4}-\d{2}-\d{2}",
                           rf"\g<1>{day + timedelta(days=30)}", text)
    assert opens == closes == 1, "the example's challenge dates moved: update this helper"
    return text
