"""The plan-driven flow in Chromium: an editor imports a campaign, uploads a rush and cuts it
for a planned deliverable (draft), makes a review link; a client opens it without an account,
comments at a time code and approves; the editor sees the bell and the notification, the
e-mail arrives at a real local SMTP server (aiosmtpd), and the board shows the deliverable
approved."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_studio_flow import _labelled

import media
from coulisses.settings import Settings
from smtpbox import Inbox, smtp_server

pytestmark = pytest.mark.slow


@pytest.fixture
def studio_with_mail(tmp_path: Path, database_url: str,
                     serve_studio: Any) -> Iterator[tuple[str, Inbox]]:
    """The studio, sending its notification e-mails to a local SMTP server."""
    with smtp_server() as (inbox, port):
        settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                            lang="en", smtp_host="127.0.0.1", smtp_port=port,
                            smtp_from="studio@example.org")
        with serve_studio(settings, database_url) as url:
            yield url, inbox


def _wait_mail(inbox: Inbox, to: str, subject: str, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for rcpt, message in inbox.messages:
            if to in rcpt and message["Subject"] == subject:
                return str(message.get_content())
        time.sleep(0.2)
    raise AssertionError(f"no mail {subject!r} to {to}: "
                         f"{[(r, m['Subject']) for r, m in inbox.messages]}")


def test_editor_cuts_a_planned_deliverable_and_a_client_approves_it_by_link(
        studio_with_mail: tuple[str, Inbox], browser: Any, shots: Any,
        tmp_path: Path) -> None:
    from coulisses.campaign.template import starter_text

    server, inbox = studio_with_mail
    clip = media.make_clip(tmp_path / "fitting.mp4", duration=2.0)
    editor = browser.new_page()
    editor.set_default_timeout(20_000)
    editor.goto(server + "/signup")
    editor.get_by_label("Your name").fill("Édith Monteuse")
    editor.get_by_label("Email").fill("edith@example.org")
    editor.get_by_label("Password").fill("a long enough pass")
    editor.get_by_label("Workspace name").fill("Maison Lumière")
    editor.get_by_role("button", name="Create account").click()
    editor.wait_for_url(re.compile(r"/w/\d+$"))
    workspace = editor.url

    editor.goto(workspace + "/campaigns")
    editor.get_by_label("…or paste its text").fill(starter_text("en"))
    editor.get_by_role("button", name="Import").click()
    editor.wait_for_url(re.compile(r"/campaigns/\d+$"))
    campaign = editor.url

    editor.goto(workspace + "/rushes/upload")
    editor.get_by_label("Video files").set_input_files(str(clip))
    editor.get_by_role("button", name="Upload").click()
    editor.wait_for_url(re.compile(r"/rushes/\d+$"))
    deliverable = editor.get_by_label("For the planned deliverable")
    option = editor.locator("#cut-deliverable option", has_text="First fitting goes wrong")
    deliverable.select_option(option.get_attribute("value"))
    # the plan presets the cut: its platform ticked, only it, and its title
    assert editor.locator("#pf-tiktok").is_checked()
    assert editor.get_by_label("Title").input_value() == "First fitting goes wrong"
    editor.get_by_label("Quality").select_option("draft")
    _labelled(editor)
    shots(editor, "1-rush-for-deliverable")
    editor.get_by_role("button", name="Render", exact=True).click()
    editor.wait_for_selector("[data-variant-src]", timeout=180_000)
    assert "Made for first-fitting-tiktok" in editor.content()

    editor.get_by_label("Label (who it is for)").fill("Claire, client")
    editor.get_by_label("Password (optional)").fill("")
    editor.get_by_role("button", name="Create a link").click()
    link = editor.locator("#share-url").input_value()
    assert re.fullmatch(re.escape(server) + r"/s/[\w-]{40,}", link), link
    shots(editor, "2-link-made")

    client = browser.new_context().new_page()  # another browser: no account, no cookie
    client.set_default_timeout(20_000)
    client.goto(link)
    assert "Sign out" not in client.content()
    _labelled(client)
    client.wait_for_function("() => document.querySelector('video').readyState >= 1")
    client.evaluate("() => { document.querySelector('video').currentTime = 1.2; }")
    client.wait_for_function("() => document.querySelector('video').currentTime >= 1.1")
    client.get_by_role("button", name="At current time").click()
    client.locator("#comment-name").fill("Claire Cliente")
    client.get_by_label("Your comment").fill("Plus de lumière ici, @edith")
    client.get_by_role("button", name="Post comment").click()
    client.wait_for_selector(".comments >> text=Plus de lumière ici")
    assert "0:01." in client.locator(".comments").inner_text()
    client.locator("#decision-name").fill("Claire Cliente")
    client.get_by_role("button", name="Approve").click()
    client.wait_for_selector("#decision >> text=approved")
    shots(client, "3-client-approved")

    editor.goto(workspace)
    bell = editor.locator("#bell .bell-count")
    assert int(bell.inner_text()) >= 2  # the mention and the approval (and the render)
    editor.locator("#bell").click()
    editor.wait_for_url(re.compile(r"/notifications$"))
    assert "Claire Cliente approved First fitting goes wrong v1" in editor.content()
    assert "Claire Cliente mentioned you on First fitting goes wrong v1" in editor.content()
    shots(editor, "4-notifications")
    body = _wait_mail(inbox, "edith@example.org",
                      "Claire Cliente approved First fitting goes wrong v1")
    assert "/cuts/" in body

    editor.goto(campaign + "/board")
    row = editor.locator("#d-first-fitting-tiktok")
    assert row.get_attribute("data-state") == "approved"
    assert "approved" in row.inner_text()
    assert editor.locator("#d-ep-1-tiktok").get_attribute("data-state") == "not_shot"
    _labelled(editor)
    shots(editor, "5-board")

    # the calendar: the deliverable's due date is a link the keyboard reaches
    editor.goto(campaign + "/calendar?view=month&at=2026-04-01")
    editor.keyboard.press("Tab")
    reached = set()
    for _ in range(120):
        editor.keyboard.press("Tab")
        reached.add(editor.evaluate("document.activeElement.getAttribute('href') || ''"))
        if any(h.endswith("#d-first-fitting-tiktok") for h in reached):
            break
    assert any(h.endswith("#d-first-fitting-tiktok") for h in reached), sorted(reached)[:20]
    shots(editor, "6-calendar")
    editor.close()
