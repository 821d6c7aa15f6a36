"""Every studio page in Chromium, as an owner with a small seeded workspace (a campaign, an
analysed rush, a rendered and commented cut, imported analytics): axe-core finds no
accessibility violation, at desktop and tablet widths, in English and French; a screenshot
of each page at both widths is kept (``COULISSES_E2E_SCREENSHOTS`` copies them out)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_studio_flow import _clip

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}
# axe-core's WCAG 2.0/2.1 A and AA rules, plus its best practices (landmarks, headings)
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                      "best-practice"]}}


def _token(page: Any) -> str:
    return str(page.get_attribute('meta[name="csrf-token"]', "content"))


def _seed(page: Any, server: str, tmp_path: Path) -> dict[str, str]:
    """Sign up, then make one of each thing through the studio's own forms; the pages."""
    from coulisses.campaign.template import example_text, load_example
    from coulisses.kpi.sample import write_sample_exports
    from coulisses.platforms.registry import builtin_dir, load_dir

    page.goto(server + "/signup")
    page.get_by_label("Your name").fill("Inès Lambert")
    page.get_by_label("Email").fill("ines@example.org")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_label("Workspace name").fill("Maison Lumière")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/w/\d+$"))
    ws = page.url.rstrip("/").rsplit("/", 1)[1]
    w = f"{server}/w/{ws}"

    page.goto(f"{w}/campaigns")
    page.get_by_label("…or paste its text").fill(example_text("casting-series-fr"))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/campaigns/\d+$"))
    campaign = page.url

    clip, _ = _clip(tmp_path)
    page.goto(f"{w}/rushes/upload")
    page.get_by_label("Video files").set_input_files(str(clip))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/rushes/\d+$"))
    rush = page.url
    page.get_by_role("button", name="Analyse this rush").click()
    page.wait_for_selector("text=Shots:", timeout=180_000)
    page.get_by_label("Quality").select_option("draft")
    page.get_by_role("button", name="Render", exact=True).click()
    page.wait_for_selector("[data-variant-src]", timeout=180_000)
    cut = page.url.split("?")[0]
    page.get_by_label("Your comment").fill("Le logo est trop petit ici.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector(".comments >> text=Le logo est trop petit ici.")

    registry = load_dir(builtin_dir())
    exports = write_sample_exports(load_example("casting-series-fr", platform_ids=set(registry)),
                                   tmp_path / "exports", lang="fr")
    page.goto(f"{w}/results")
    page.locator("main a").first.click()
    results = page.url
    page.get_by_label("Export files").set_input_files(str(exports.content))
    page.get_by_label("Day the exports were downloaded").fill(exports.as_of.isoformat())
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_selector("iframe.report")

    page.goto(f"{w}/jobs")
    job = server + str(page.locator("main table a").first.get_attribute("href"))
    return {
        "dashboard": w, "campaigns": f"{w}/campaigns", "campaign": campaign,
        "campaign-health": campaign + "/health",
        "campaign-plan": campaign + "/plan", "campaign-calendar": campaign + "/calendar",
        "campaign-edit": campaign + "/edit", "rushes": f"{w}/rushes",
        "rush-upload": f"{w}/rushes/upload", "rush": rush, "search": f"{w}/search?q=americans",
        "cuts": f"{w}/cuts", "cut": cut, "jobs": f"{w}/jobs", "job": job,
        "results": f"{w}/results", "results-campaign": results, "members": f"{w}/members",
        "workspaces": f"{server}/workspaces", "account": f"{server}/account",
        "not-found": f"{w}/rushes/999999",
    }


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    found = []
    for v in results.response["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        found.append(f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: {targets}")
    return found


def test_every_page_passes_axe_at_desktop_and_tablet_widths(
        server: str, browser: Any, shots: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.set_default_timeout(20_000)
    for name, path in (("signup", "/signup"), ("login", "/login")):
        page.goto(server + path)
        assert _axe(page) == []
        shots(page, f"desktop-{name}")
    pages = _seed(page, server, tmp_path)
    # the keyboard: the first Tab reaches the skip link, the next ones show a visible focus ring
    page.goto(pages["dashboard"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(3):
        page.keyboard.press("Tab")
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
        assert float(ring.removesuffix("px")) >= 2, ring

    found: list[str] = []
    for size, viewport in (("desktop", DESKTOP), ("tablet", TABLET)):
        page.set_viewport_size(viewport)
        for name, url in pages.items():
            page.goto(url)
            found += _axe(page)
            shots(page, f"{size}-{name}")
            # nothing overflows sideways: the layout fits the tablet's width
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= viewport["width"], f"{name} is {wide} px wide at {size}"
    for name in ("rush", "cut", "members", "campaign-plan"):
        page.goto(pages[name] + ("&" if "?" in pages[name] else "?") + "lang=fr")
        found += _axe(page)
        shots(page, f"fr-{name}")
    # the QC report and the permissions in French, not as the code names them
    page.goto(pages["cut"] + "?lang=fr")
    assert "cadence" in (page.locator("main").text_content() or "")  # folded QC details
    page.goto(pages["members"] + "?lang=fr")
    assert "cut.approve" not in page.content()
    assert found == [], "\n".join(found)
    page.close()
