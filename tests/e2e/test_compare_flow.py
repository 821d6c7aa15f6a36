"""Two versions side by side in Chromium: seeking or playing one player moves the other."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import media

pytestmark = pytest.mark.slow


def test_two_versions_play_and_seek_together(server: str, browser: Any,
                                             tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / "rush.mp4", duration=4.0)
    page = browser.new_page()
    page.set_default_timeout(30_000)
    page.goto(server + "/signup")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_label("Workspace name").fill("Atelier")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/w/\d+$"))
    page.get_by_role("link", name="Rushes").first.click()
    page.get_by_role("link", name="Upload rushes").click()
    page.get_by_label("Video files").set_input_files(str(clip))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/rushes/\d+$"))
    for version in (1, 2):  # from the rush page, then "render a new version" on the cut's
        page.get_by_label("Quality").select_option("draft")
        page.locator("#cut-captions, #rr-captions").first.uncheck()
        page.locator("#cut-reframe, #rr-reframe").first.uncheck()
        page.get_by_role("button", name="Render", exact=True).click()
        page.wait_for_selector(f"text=Version {version}")
        page.wait_for_selector("[data-variant-src]", timeout=180_000)
    page.get_by_label("Compare with").select_option("1")
    page.get_by_role("button", name="Compare side by side").click()
    players = page.locator(".side-by-side video[data-sync]")
    assert players.count() == 2
    page.wait_for_function("() => Array.from(document.querySelectorAll('video[data-sync]'))"
                           ".every(v => v.readyState >= 1)")
    page.evaluate("() => { document.querySelectorAll('video[data-sync]')[0].currentTime = 2; }")
    page.wait_for_function("() => Math.abs(document.querySelectorAll('video[data-sync]')[1]"
                           ".currentTime - 2) < 0.1")
    page.evaluate("() => { const v = document.querySelectorAll('video[data-sync]')[1];"
                  " v.muted = true; v.play(); }")
    page.wait_for_function("() => !document.querySelectorAll('video[data-sync]')[0].paused")
    page.close()
