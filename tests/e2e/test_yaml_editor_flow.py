"""The campaign YAML editor in Chromium: numbered lines that follow the text, a located problem
shown at its line after a refused save, and "go to line" putting the caret there."""

from __future__ import annotations

import re
from typing import Any

import pytest

from coulisses.campaign.template import example_text

pytestmark = pytest.mark.slow


def test_line_numbers_and_problems_at_their_lines(server: str, browser: Any) -> None:
    text = example_text("b2b-know-how-linkedin")
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(server + "/signup")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_label("Workspace name").fill("Atelier")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/w/\d+$"))
    page.get_by_role("link", name="Campaigns").first.click()
    page.locator("textarea[name=text]").fill(text)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+$"))
    page.get_by_role("link", name="Edit", exact=True).click()
    gutter = page.locator(".yaml-gutter span")
    assert gutter.count() == len(text.splitlines())
    area = page.locator("#campaign-source")
    area.press("Control+End")
    area.press("Enter")
    area.press("Enter")
    assert gutter.count() == len(text.splitlines()) + 2  # numbers follow the typing
    broken = text.replace("location: works,", "location: nowhere,", 1)
    line = next(n for n, x in enumerate(broken.splitlines(), 1) if "nowhere" in x)
    area.fill(broken)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(f"#L{line}.flagged")
    assert "nowhere" in page.locator(f"#L{line}").inner_text()
    assert page.locator(f".yaml-gutter span.flagged >> text='{line}'").count() == 1
    page.locator(f"#L{line} [data-goto-line]").click()
    caret = page.evaluate("() => { const a = document.getElementById('campaign-source');"
                          " return a.value.slice(0, a.selectionStart).split('\\n').length; }")
    assert caret == line
    page.close()
