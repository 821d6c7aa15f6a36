"""Retake the screenshots of docs/studio.md from the studio as it is now: a fresh studio (a
temporary data folder, SQLite) seeded through its own pages in Chromium, as a team would use
it: an editor imports the starter campaign, uploads and analyses a rush with real speech, cuts
it for a planned deliverable, comments and sends a review link; a client opens the link with no
account, comments at a time code and approves. Then the board, the calendar, the review page,
the rush editor and the link as the client sees it are photographed.

    PYTHONPATH=src .venv/bin/python bench/studio_screenshots.py [--out docs/img/studio]

Needs Debian's Chromium (/usr/bin/chromium) and the speech model of the default settings in
its cache folder (``coulisses`` prepares it on first use); no network. About two minutes on a
shared 2-core machine, most of it the rush's analysis.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT.parent / "shared" / "media" / "speech" / "jfk.flac"  # 11 s of a known speech
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH, SHOWN_WIDTH, MAX_HEIGHT, COLOURS = 1280, 960, 1500, 192
PASSWORD = "a long enough pass"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(data_dir: Path) -> Iterator[str]:
    """The studio on SQLite in ``data_dir``, its worker running; its base URL."""
    import uvicorn

    from coulisses.settings import Settings
    from coulisses.web.app import create_app

    app = create_app(Settings(data_dir=data_dir, lang="en"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the studio did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def make_rush(path: Path) -> Path:
    """An 11 s 720p rush: a moving test picture over real speech (a sine when the shared
    media are absent)."""
    import imageio_ffmpeg

    picture = ("testsrc2=size=1280x720:rate=25:duration=11,"
               "drawbox=x='440+260*sin(t*1.3)':y=160:w=400:h=400:color=0xE04E39@0.85:t=fill")
    sound = (["-i", str(SPEECH)] if SPEECH.exists()
             else ["-f", "lavfi", "-i", "sine=frequency=220:duration=11"])
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", picture, *sound, "-map", "0:v", "-map", "1:a",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-ac", "2", "-shortest", str(path)], check=True)
    return path


def keep(page: Any, out: Path, name: str) -> Path:
    """A screenshot of ``page`` as docs/ keeps it: 960 px wide, at most 1500 px of the
    1280 px page's height, 192 colours."""
    from PIL import Image

    raw = out / f".{name}.raw.png"
    page.screenshot(path=str(raw), full_page=True, animations="disabled")
    with Image.open(raw) as shot:
        shot = shot.convert("RGB")
        shot = shot.crop((0, 0, shot.width, min(shot.height, MAX_HEIGHT)))
        shown = shot.resize((SHOWN_WIDTH, round(shot.height * SHOWN_WIDTH / shot.width)),
                            Image.Resampling.LANCZOS)
        target = out / f"{name}.png"
        shown.quantize(COLOURS, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    raw.unlink()
    print(f"{target} ({target.stat().st_size // 1024} KB)")
    return target


def show_frame(page: Any, at: float) -> None:
    """The page's player paused at ``at`` seconds with its frame drawn (no loading spinner
    in the picture)."""
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate(f"() => {{ document.querySelector('video').currentTime = {at}; }}")
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return !v.seeking && v.readyState >= 3; }")
    with contextlib.suppress(Exception):  # all of it buffered: the player's spinner is gone
        page.wait_for_function("() => document.querySelector('video').readyState >= 4",
                               timeout=10_000)
    page.wait_for_timeout(1500)


def take(base: str, out: Path, rush_file: Path) -> None:
    """Seed the studio at ``base`` through its pages and photograph it into ``out``."""
    from playwright.sync_api import sync_playwright

    from coulisses.campaign.template import starter_text

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        editor = browser.new_page(viewport={"width": WIDTH, "height": 900})
        editor.set_default_timeout(30_000)
        editor.goto(base + "/signup")
        editor.get_by_label("Your name").fill("Édith Monteuse")
        editor.get_by_label("Email").fill("edith@example.org")
        editor.get_by_label("Password").fill(PASSWORD)
        editor.get_by_label("Workspace name").fill("Maison Lumière")
        editor.get_by_role("button", name="Create account").click()
        editor.wait_for_url(re.compile(r"/w/\d+$"))
        workspace = editor.url

        editor.goto(workspace + "/campaigns")
        editor.get_by_label("…or paste its text").fill(starter_text("en"))
        editor.get_by_role("button", name="Import", exact=True).click()
        editor.wait_for_url(re.compile(r"/campaigns/\d+$"))
        campaign = editor.url

        editor.goto(workspace + "/rushes/upload")
        editor.get_by_label("Video files").set_input_files(str(rush_file))
        editor.get_by_role("button", name="Upload").click()
        editor.wait_for_url(re.compile(r"/rushes/\d+$"))
        rush = editor.url
        editor.get_by_role("button", name="Analyse this rush").click()
        editor.wait_for_selector("text=Shots:", timeout=600_000)
        editor.goto(rush)
        option = editor.locator("#cut-deliverable option", has_text="First fitting goes wrong")
        editor.get_by_label("For the planned deliverable").select_option(
            option.get_attribute("value"))
        editor.get_by_label("Quality").select_option("draft")
        show_frame(editor, 4.0)
        keep(editor, out, "rush-editor")
        editor.get_by_role("button", name="Render", exact=True).click()
        editor.wait_for_selector("[data-variant-src]", timeout=300_000)
        cut = editor.url.split("?")[0].split("#")[0]

        editor.locator("#comment-start").fill("00:02.50")
        editor.get_by_label("Your comment").fill("The logo is too small here.")
        editor.get_by_role("button", name="Post comment").click()
        editor.wait_for_selector(".comments >> text=The logo is too small here.")
        editor.get_by_label("Label (who it is for)").fill("Claire, client")
        editor.get_by_role("button", name="Create a link").click()
        link = editor.locator("#share-url").input_value()

        client = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
        client.set_default_timeout(30_000)
        client.goto(link)
        client.locator("#comment-name").fill("Claire Cliente")
        client.locator("#comment-start").fill("00:06.20")
        client.get_by_label("Your comment").fill("More light on her face here, please.")
        client.get_by_role("button", name="Post comment").click()
        client.wait_for_selector(".comments >> text=More light on her face")
        client.locator("#decision-name").fill("Claire Cliente")
        client.get_by_role("button", name="Approve").click()
        client.wait_for_selector("#decision >> text=approved")
        client.goto(link)
        show_frame(client, 6.2)
        keep(client, out, "share-link-client")

        editor.goto(cut)
        editor.wait_for_selector("[data-variant-src]")
        show_frame(editor, 2.5)
        keep(editor, out, "review")
        editor.goto(campaign)
        keep(editor, out, "board")
        editor.goto(campaign + "/calendar?view=month&at=2026-04-01")
        keep(editor, out, "calendar")
        editor.goto(campaign + "?lang=fr")
        keep(editor, out, "board-fr")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "studio",
                        help="folder of the pictures (default: docs/img/studio)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is absent ({CHROMIUM}): apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coulisses-shots-") as tmp:
        rush_file = make_rush(Path(tmp) / "fitting-day.mp4")
        with serve(Path(tmp) / "data") as base:
            take(base, args.out, rush_file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
