"""The studio in Chromium, end to end: sign up, upload a clip (chunked, resumable), see its
analysis (shots and the transcript), render a draft cut, comment at a time code, approve.
With the basic accessibility checks: labels on every control, keyboard reach, contrast."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import media

SHARED_SPEECH = Path(__file__).resolve().parents[2].parent / "shared" / "media" / "speech"
CSS = Path(__file__).resolve().parents[2] / "src" / "coulisses" / "web" / "static"

pytestmark = pytest.mark.slow

UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter(el => {
  if (el.tagName === 'BUTTON') return !(el.textContent.trim() || el.getAttribute('aria-label'));
  if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
  if (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) return false;
  return !el.closest('label');
}).map(el => el.outerHTML.slice(0, 120))"""


def _clip(folder: Path) -> tuple[Path, bool]:
    """A 6 s test pattern with real speech (jfk.flac) when the shared media is present."""
    jfk = SHARED_SPEECH / "jfk.flac"
    if not jfk.is_file():
        return media.make_clip(folder / "rush.mp4", duration=4.0, audio="speech"), False
    out = folder / "interview.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=6",
                 "-i", jfk, "-map", "0:v", "-map", "1:a", "-t", "6",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                 "-c:a", "aac", "-movflags", "+faststart", out)
    return out, True


def _labelled(page: Any) -> None:
    missing = page.evaluate(UNLABELLED)
    assert missing == [], f"controls without a label on {page.url}: {missing}"


def test_new_user_uploads_analyses_renders_comments_and_approves(
        server: str, browser: Any, shots: Any, tmp_path: Path) -> None:
    clip, has_speech = _clip(tmp_path)
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(server + "/signup")
    _labelled(page)
    page.get_by_label("Your name").fill("Zoé Ñúñez")
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_label("Workspace name").fill("Maison Æther 🎬")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/w/\d+$"))
    shots(page, "1-dashboard")

    page.get_by_role("link", name="Rushes").first.click()
    page.get_by_role("link", name="Upload rushes").click()
    _labelled(page)
    page.get_by_label("Video files").set_input_files(str(clip))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/rushes/\d+$"))
    assert clip.name in page.content()
    page.get_by_role("button", name="Analyse this rush").click()
    page.wait_for_selector("text=Shots:", timeout=180_000)
    if has_speech:
        words = page.locator(".transcript button.word")
        assert words.count() > 5
        assert "americans" in page.locator(".transcript").inner_text().lower()
        words.nth(3).click()  # click a word: the player seeks there
        t = page.evaluate("document.querySelector('video').currentTime")
        assert t > 0.2
    assert page.locator("svg.timeline rect.shot").count() >= 1
    _labelled(page)
    shots(page, "2-rush-analysed")

    page.get_by_label("Quality").select_option("draft")
    page.get_by_role("button", name="Render", exact=True).click()
    page.wait_for_selector("[data-variant-src]", timeout=180_000)
    assert "passes" in page.content()
    _labelled(page)
    shots(page, "3-cut")

    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 1.5; }")
    page.wait_for_function("() => document.querySelector('video').currentTime >= 1.4")
    page.get_by_role("button", name="At current time").click()
    minutes, _, secs = page.get_by_label("At (mm:ss)").input_value().partition(":")
    assert int(minutes) == 0 and float(secs) == pytest.approx(1.5, abs=0.1)
    page.get_by_label("Your comment").fill("Logo trop petit ici 🎬")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector(".comments >> text=Logo trop petit ici 🎬")
    assert page.locator(".comments .when").first.inner_text().startswith("00:01.")

    page.get_by_role("button", name="Approve").click()
    # the comment is still open: approving asks first (review12)
    page.get_by_role("button", name="Approve anyway").click()
    page.wait_for_selector("#decision >> text=approved")
    shots(page, "4-approved")

    # keyboard: from the top of the page, Tab reaches the main actions
    page.goto(page.url)
    reached: set[str] = set()
    for _ in range(150):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || ''"))
        if {"comment-send", "approve-button"} <= reached:
            break
    assert {"comment-send", "approve-button"} <= reached, sorted(reached)
    page.close()


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two hex colours."""
    hi, lo = sorted((_luminance(_hex(a)), _luminance(_hex(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_palette_text_contrast_meets_wcag_aa() -> None:
    css = (CSS / "studio.css").read_text(encoding="utf-8")
    palette = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    pairs = [("ink", "paper"), ("muted", "paper"), ("accent", "paper"),
             ("accent-ink", "accent"), ("danger", "paper"), ("ok", "paper"),
             ("ink", "soft"), ("muted", "soft"), ("accent-ink", "danger"),
             # the design system's other surfaces: dark header and player stage, state badges
             ("accent-ink", "accent-hover"), ("accent", "accent-soft"), ("bar-ink", "bar"),
             ("bar-muted", "bar"), ("bar-accent", "bar"), ("stage-ink", "stage"),
             ("warn", "paper"), ("warn", "warn-soft"), ("ok", "ok-soft"),
             ("danger", "danger-soft")]
    for fg, bg in pairs:
        ratio = contrast(palette[fg], palette[bg])
        assert ratio >= 4.5, f"--{fg} on --{bg}: {ratio:.2f}:1 is below 4.5:1"
    # the media pages' own text colours: the timeline labels and the spoken-word highlight
    assert contrast(palette["ink"], "#f4d35e") >= 4.5
    assert contrast(palette["ink"], "#dfe6f3") >= 4.5
    assert contrast("#000000", "#000000") == pytest.approx(1.0)
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
