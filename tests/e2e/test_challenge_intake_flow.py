"""A challenge's public pages in Chromium at a phone's size (390x844): a 14-year-old sends a
video through the resumable upload with each consent item, the parent confirms from the
e-mailed link, then the entrant withdraws from the confirmation's link. Every control has a
label and nothing scrolls sideways."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_studio_flow import _labelled

from challengekit import casting_open_now

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


def _seed(database_url: str) -> str:
    """The example campaign in a workspace, its casting challenge open: its slug."""
    from coulisses.challenges import intake
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import Campaign, Workspace

    engine, sessions = open_database(database_url)
    with sessions() as db:
        space = Workspace(name="Cinéquartiers")
        db.add(space)
        db.flush()
        campaign = Campaign(workspace_id=space.id, name="Cités", filename="c.yaml",
                            source=casting_open_now(), version_id=1)
        db.add(campaign)
        db.flush()
        row = intake.sync(db, campaign, "casting")
        intake.set_open(db, row, True)
        db.commit()
        slug = row.slug
    engine.dispose()
    return slug


def _link(database_url: str, to: str, kind: str) -> str:
    from sqlalchemy import select

    from coulisses.studio.board_tables import MailOutbox
    from coulisses.studio.db import open_database

    engine, sessions = open_database(database_url)
    with sessions() as db:
        bodies = [m.body for m in db.scalars(select(MailOutbox).where(MailOutbox.to_addr == to))]
    engine.dispose()
    found = [re.search(rf"\{{base\}}(/b/c/\S+/{kind}/\S+)", b) for b in bodies]
    links = [f.group(1) for f in found if f]
    assert links, bodies
    return links[-1]


def test_submit_confirm_and_withdraw_on_a_phone(server: str, database_url: str, browser: Any,
                                                shots: Any, landscape_clip: Path) -> None:
    slug = _seed(database_url)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server}/b/c/{slug}?lang=en")
    _labelled(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "1-form")
    page.get_by_label("Video file").set_input_files(str(landscape_clip))
    page.get_by_label("Age band", exact=True).select_option("13-14")
    page.get_by_label("Country", exact=True).select_option("FR")
    page.get_by_label("City", exact=True).fill("Saint-Denis")
    page.get_by_label("Your e-mail").fill("kid@example.org")
    page.get_by_label("A parent's e-mail").fill("mum@example.org")
    for box in page.locator("input[type=checkbox][required]").all():
        box.check()
    with page.expect_navigation(url=re.compile(r"m=sent")):
        page.get_by_role("button", name="Send my entry").click()
    told = page.get_by_role("status").first.inner_text()
    assert "your entry is in" in told and "parent" in told
    shots(page, "2-sent")

    parent = context.new_page()
    parent.goto(server + _link(database_url, "mum@example.org", "parent") + "&lang=en")
    _labelled(parent)
    assert "jointly" in parent.content()
    parent.get_by_role("button", name="I agree, jointly with my child").click()
    assert "consent is recorded" in parent.get_by_role("status").first.inner_text()
    shots(parent, "3-parent")

    page.goto(server + _link(database_url, "kid@example.org", "withdraw") + "&lang=en")
    _labelled(page)
    page.get_by_role("button", name="Withdraw my entry").click()
    assert "Your entry is withdrawn." in page.get_by_role("status").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shots(page, "4-withdrawn")
    context.close()
