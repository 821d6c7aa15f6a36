"""Publishing in Chromium, end to end: connect a sandbox account through the studio's OAuth
callback, schedule an approved cut from the calendar, approve it, let the studio's own worker
publish it to the sandbox (in-process, on loopback), and see it published in the queue and in
``/_sandbox/posts``; sync its metrics and see the numbers the sandbox served; drag another post
to a new day."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.metrics import audience
from coulisses.publish.studio import open_url
from publishseed import approved_variant

pytestmark = pytest.mark.slow

UNLABELLED = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter(el => {
  if (el.tagName === 'BUTTON') return !(el.textContent.trim() || el.getAttribute('aria-label'));
  if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
  if (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) return false;
  return !el.closest('label');
}).map(el => el.outerHTML.slice(0, 120))"""


def _schedule_from(page: Any, server: str, workspace: int, variant: int, day: date,
                   clock: str, caption: str) -> int:
    page.goto(f"{server}/w/{workspace}/publishing?tz=UTC&date={day}")
    page.locator(f'td[data-day="{day}"] a.add').click()  # the day's "+": the form, that day
    assert page.get_by_label("Day", exact=True).input_value() == str(day)
    page.get_by_label("Approved cut").select_option(str(variant))
    page.get_by_label("Time", exact=True).fill(clock)
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("button", name="Schedule as a draft").click()
    page.wait_for_url(re.compile(r"/publishing/posts/\d+"))
    match = re.search(r"/posts/(\d+)", page.url)
    assert match
    return int(match.group(1))


def test_schedule_from_the_calendar_approve_and_see_it_published(
        server: str, browser: Any, shots: Any, tmp_path: Path, database_url: str) -> None:
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(server + "/signup")
    page.get_by_label("Your name").fill("Inès")
    page.get_by_label("Email").fill("ines@example.org")
    page.get_by_label("Password").fill("a long enough pass")
    page.get_by_label("Workspace name").fill("Maison")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/w/\d+$"))
    workspace = int(page.url.rsplit("/", 1)[1])

    later_on = time.time() + 5 * 3600  # the sandbox's "now": its numbers stay put
    with SandboxServer(tmp_path / "sandbox", clock=lambda: later_on) as sandbox:
        page.get_by_role("link", name="Publishing").first.click()
        assert page.evaluate(UNLABELLED) == []
        page.get_by_label("Platform", exact=True).select_option("tiktok")
        page.get_by_label("Account name").fill("maison")
        page.get_by_label("Sandbox address", exact=False).fill(sandbox.url)
        page.get_by_role("button", name="Connect").click()  # to the sandbox's OAuth and back
        page.wait_for_url(re.compile(r"/publishing\?done=connected"))
        assert "tiktok:maison" in page.content()

        engine, sessions = open_url(database_url)
        try:
            first = approved_variant(sessions, tmp_path / "data", workspace)
            other = approved_variant(sessions, tmp_path / "data", workspace)
        finally:
            engine.dispose()

        now = datetime.now(UTC)
        post_id = _schedule_from(page, server, workspace, first, now.date(),
                                 now.strftime("%H:%M"), "Backstage, live #bts")
        assert page.locator('[data-field="state"]').get_attribute("data-state") == "draft"
        shots(page, "1-draft")
        page.get_by_role("button", name="Approve caption and options").click()
        page.wait_for_url(re.compile(r"done=approved"))
        assert "approved by Inès" in page.content()

        deadline = time.monotonic() + 90  # the studio's worker takes it (due now)
        state = ""
        while time.monotonic() < deadline:
            page.goto(f"{server}/w/{workspace}/publishing?tz=UTC")
            row = page.locator(f'tr[data-post="{post_id}"] td.state')
            state = row.get_attribute("data-state") or ""
            if state in ("published", "failed", "needs_attention"):
                break
            time.sleep(1)
        assert state == "published", page.content()[-2000:]
        shots(page, "2-published")
        record = httpx.get(f"{sandbox.url}/_sandbox/posts", timeout=10).json()["posts"]
        assert [(p["platform"], p["account"], p["caption"]) for p in record] == \
            [("tiktok", "maison", "Backstage, live #bts")]
        page.goto(f"{server}/w/{workspace}/publishing/posts/{post_id}")
        assert record[0]["platform_id"] in page.content()

        # its metrics after a sync: the numbers the sandbox served, on the queue and the post
        served = audience(record[0]["platform_id"], later_on - float(record[0]["time"]))
        page.goto(f"{server}/w/{workspace}/publishing?tz=UTC")
        assert "not synced yet" in page.locator(f'tr[data-post="{post_id}"]').inner_text()
        page.get_by_role("button", name="Sync metrics").click()
        page.wait_for_url(re.compile(r"done=sync_queued"))
        deadline = time.monotonic() + 60  # a studio job: the studio's job worker runs it
        while "Last metrics sync: 1 post(s) read." not in page.content():
            assert time.monotonic() < deadline, page.content()[-2000:]
            time.sleep(0.5)
            page.goto(f"{server}/w/{workspace}/publishing?tz=UTC")
        row = page.locator(f'tr[data-post="{post_id}"]')
        for metric in ("views", "likes", "comments", "shares"):
            cell = row.locator(f'[data-metric="{metric}"]')
            assert float(cell.get_attribute("data-value") or "nan") == served[metric], metric
            assert f"{metric} {int(served[metric])}" in cell.inner_text()
        assert "synced " in row.inner_text()
        shots(page, "2b-metrics")
        page.goto(f"{server}/w/{workspace}/publishing/posts/{post_id}")
        numbers = page.locator('[data-field="numbers"]').inner_text()
        assert f"views {int(served['views'])}" in numbers

        # a second post, two days ahead, dragged to another day of its week
        later = now.date() + timedelta(days=2)
        target = later + timedelta(days=1) if later.weekday() < 6 else later - timedelta(days=1)
        second = _schedule_from(page, server, workspace, other, later, "12:00",
                                "Next one #bts")
        assert second != post_id
        page.goto(f"{server}/w/{workspace}/publishing?view=week&tz=UTC&date={later}")
        source = page.locator(f'a.post[data-post="{second}"]')
        source.focus()  # keyboard reachable: a link to the post's page
        assert page.evaluate("document.activeElement.dataset.post") == str(second)
        source.drag_to(page.locator(f'td[data-day="{target}"]'))
        page.wait_for_selector(f'td[data-day="{target}"] a.post[data-post="{second}"]')
        shots(page, "3-moved")
        assert "12:00" in page.locator(f'td[data-day="{target}"]').inner_text()
