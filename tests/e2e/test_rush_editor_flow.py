"""The rush page's editor tools in Chromium: the keys I and O set the cut's in and out points
from the player (shown as mm:ss.ff, the span drawn on the timeline), shift-clicking two words
sets both, and captions and reframing follow the vertical platforms until changed by hand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_studio_flow import _clip

pytestmark = pytest.mark.slow


def test_in_and_out_from_the_player_keys_and_words(server: str, browser: Any,
                                                   tmp_path: Path) -> None:
    clip, has_speech = _clip(tmp_path)
    page = browser.new_page()
    page.set_default_timeout(20_000)
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
    page.get_by_role("button", name="Analyse this rush").click()
    page.wait_for_selector("text=Shots:", timeout=180_000)

    def at(seconds: float) -> None:
        page.evaluate(f"() => {{ document.querySelector('video').currentTime = {seconds}; }}")
        page.wait_for_function(
            f"() => Math.abs(document.querySelector('video').currentTime - {seconds}) < 0.05")

    at(1.0)
    page.locator("h1").click()  # focus out of any field: the keys are for the page
    page.keyboard.press("i")
    at(2.5)
    page.keyboard.press("o")
    assert page.get_by_label("In (mm:ss.ff)").input_value() == "00:01.00"
    assert page.get_by_label("Out (mm:ss.ff)").input_value() == "00:02.50"
    assert page.locator("#inout-length").inner_text() == "(00:01.50)"
    width = float(page.locator("#timeline-selection").get_attribute("width") or 0)
    assert width > 0
    # typing in a field never sets a point
    page.get_by_label("Title").fill("io")
    assert page.get_by_label("In (mm:ss.ff)").input_value() == "00:01.00"
    if has_speech:
        words = page.locator(".transcript button.word")
        first, last = words.nth(1), words.nth(4)
        first.click()
        last.click(modifiers=["Shift"])
        start = float(first.get_attribute("data-seek") or 0)
        end = float(last.get_attribute("data-end") or 0)
        assert page.get_by_label("In (mm:ss.ff)").input_value() == f"00:{start:05.2f}"
        assert page.get_by_label("Out (mm:ss.ff)").input_value() == f"00:{end:05.2f}"
        assert page.locator(".transcript button.word.selected").count() >= 2
    # vertical TikTok is ticked: captions and reframing on; only YouTube (landscape): off
    captions, reframe = page.locator("#cut-captions"), page.locator("#cut-reframe")
    assert captions.is_checked() and reframe.is_checked()
    page.get_by_label("YouTube", exact=True).check()
    page.get_by_label("TikTok").uncheck()
    assert not captions.is_checked() and not reframe.is_checked()
    page.get_by_label("YouTube Shorts").check()
    assert captions.is_checked()
    captions.uncheck()  # by hand: the editor's choice stays
    page.get_by_label("Instagram Reels").check()
    assert not captions.is_checked() and reframe.is_checked()
    page.close()
