"""``coulisses publish export`` and ``publish import``: the bulk CSV round trip, on files written
in coulisses', Metricool's, Buffer's and Hootsuite's column sets; every bad row named by its
line and nothing imported, or the good ones with --skip-bad; duplicates refused unless forced."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import media
from clirun import error_line, run_cli
from coulisses.publish.dialects import BUFFER, METRICOOL
from coulisses.publish.sandbox.app import SandboxServer


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("COULISSES_DATA_DIR", str(data))
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COULISSES_LANG", "en")
    return data


@pytest.fixture
def connected(env: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]) -> Path:
    for platform in ("tiktok", "youtube", "instagram"):
        run = run_cli(capsys, "publish", "accounts", "add", platform, "--name", "alice",
                      "--sandbox", sandbox.url)
        assert run.rc == 0, run.err
    return env


def _videos(folder: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        path = folder / f"cut-{i}.mp4"
        path.write_bytes(os.urandom(50_000 + i))
        out.append(path)
    return out


def _listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(run_cli(capsys, "publish", "list", "--json").out)
    return rows


def _write(path: Path, header: tuple[str, ...] | None, rows: list[dict[str, str]] | list[
        list[str]], *, delimiter: str = ",", bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) and header
                        else row)
    path.write_bytes((("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8"))
    return path


def test_export_then_import_round_trips_the_queue(
        connected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _videos(tmp_path, 2)
    assert run_cli(capsys, "publish", "schedule", a, "--to", "tiktok", "--at",
                   "2030-06-01 18:00 Europe/Paris", "--caption", "Été ; «coulisses» #bts",
                   "--option", "privacy=PUBLIC_TO_EVERYONE", "--skip-qc").rc == 0
    assert run_cli(capsys, "publish", "schedule", b, "--to", "youtube", "--at",
                   "2030-06-02 09:30 Europe/Paris", "--caption", "second, with a comma",
                   "--option", "title=Backstage", "--skip-qc").rc == 0
    before = _listed(capsys)
    monkeypatch.setenv("COULISSES_LANG", "fr")  # a French spreadsheet: BOM and semicolons
    out = tmp_path / "queue.csv"
    run = run_cli(capsys, "publish", "export", "--out", out, "--timezone", "Europe/Paris")
    assert run.rc == 0, run.err
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    head = data.decode("utf-8-sig").splitlines()[0]
    assert head.split(";")[:5] == ["post_id", "state", "platform", "account", "video"]
    assert "2030-06-01T18:00:00+02:00" in data.decode("utf-8-sig")

    again = run_cli(capsys, "publish", "import", out, "--skip-qc")  # the same posts: refused
    assert again.rc == 3
    assert [line for line in again.err.splitlines() if "line 2" in line or "line 3" in line]
    assert "already scheduled" in again.err and "nothing was imported" in again.err
    assert len(_listed(capsys)) == 2

    for row in before:  # a fresh queue takes them back as they were
        assert run_cli(capsys, "publish", "cancel", str(row["id"])).rc == 0
    run = run_cli(capsys, "publish", "import", out, "--skip-qc")
    assert run.rc == 0, run.err
    after = [r for r in _listed(capsys) if r["state"] == "scheduled"]
    key = ("platform", "due", "caption", "options", "video")
    assert sorted(tuple(json.dumps(r[k]) for k in key) for r in after) == \
        sorted(tuple(json.dumps(r[k]) for k in key) for r in before)


def test_a_metricool_file_schedules_one_post_per_network(
        connected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _videos(tmp_path, 2)
    path = _write(tmp_path / "metricool.csv", METRICOOL, [
        {"Text": "Launch day #bts", "Date": "2030-06-01", "Time": "18:00:00", "Draft": "false",
         "TikTok": "true", "Youtube": "true", "Facebook": "false", "Picture Url 1": str(a),
         "TikTok Post Privacy": "PUBLIC_TO_EVERYONE", "TikTok disable duet": "true",
         "Youtube Video Title": "Launch", "Youtube Video Privacy": "unlisted",
         "First Comment Text": "credits in bio", "Brand name": "Maison"},
        {"Text": "Reel", "Date": "2030-06-03", "Time": "12:15:00", "Draft": "true",
         "Instagram": "true", "Instagram Post Type": "REEL",
         "Instagram Show Reel On Feed": "false", "Picture Url 1": str(b)},
    ])
    run = run_cli(capsys, "publish", "import", path, "--timezone", "Europe/Paris",
                  "--skip-qc")
    assert run.rc == 0, run.err
    assert "3 posts imported" in run.out and "metricool" in run.out
    rows = {r["platform"]: r for r in _listed(capsys)}
    assert rows["tiktok"]["due"] == "2030-06-01T16:00:00+00:00"
    assert rows["tiktok"]["options"]["privacy"] == "PUBLIC_TO_EVERYONE"
    assert rows["tiktok"]["options"]["disable_duet"] is True
    assert rows["youtube"]["options"]["title"] == "Launch"
    assert rows["youtube"]["options"]["privacy"] == "unlisted"
    assert rows["instagram"]["state"] == "draft"
    assert rows["instagram"]["options"]["share_to_feed"] is False

    out = tmp_path / "back.csv"  # and out again in Metricool's columns
    assert run_cli(capsys, "publish", "export", "--format", "metricool", "--out", out,
                   "--timezone", "Europe/Paris").rc == 0
    back = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert tuple(back[0]) == METRICOOL
    tiktok = next(r for r in back if r["TikTok"] == "true")
    assert (tiktok["Date"], tiktok["Time"], tiktok["Youtube"]) == \
        ("2030-06-01", "18:00:00", "false")
    assert tiktok["TikTok Post Privacy"] == "PUBLIC_TO_EVERYONE"


def test_buffer_and_hootsuite_files(connected: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = _videos(tmp_path, 3)
    # Buffer's documented bulk-upload columns; one channel per file, named by --to
    buffer = _write(tmp_path / "buffer.csv", BUFFER, [
        {"Text": "one", "Image URL": str(a), "Tags": "", "Posting Time": "2030-07-01 08:00"},
        {"Text": "two", "Image URL": str(b), "Tags": "launch", "Posting Time":
         "2030-07-02 08:00"}])
    nobody = run_cli(capsys, "publish", "import", buffer, "--skip-qc")
    assert nobody.rc == 2 and "--to" in error_line(nobody)
    run = run_cli(capsys, "publish", "import", buffer, "--to", "tiktok:alice", "--timezone",
                  "America/New_York", "--skip-qc")
    assert run.rc == 0 and "buffer" in run.out, run.err
    hoot = _write(tmp_path / "hootsuite.csv", None,
                  [["15/07/2030 20:45", "from Hootsuite", str(c)]])
    missing = run_cli(capsys, "publish", "import", hoot, "--skip-qc")
    assert missing.rc == 2 and "--to" in error_line(missing)
    run = run_cli(capsys, "publish", "import", hoot, "--to", "instagram:alice",
                  "--timezone", "UTC", "--skip-qc")
    assert run.rc == 0 and "hootsuite" in run.out, run.err
    rows = {r["caption"]: r for r in _listed(capsys)}
    assert rows["one"]["due"] == "2030-07-01T12:00:00+00:00"  # New York in summer: UTC-4
    assert rows["from Hootsuite"]["due"] == "2030-07-15T20:45:00+00:00"
    assert rows["from Hootsuite"]["platform"] == "instagram"
    several = run_cli(capsys, "publish", "export", "--format", "hootsuite")
    assert several.rc == 2 and "one profile" in error_line(several)
    one = run_cli(capsys, "publish", "export", "--format", "hootsuite", "--to", "tiktok")
    assert one.rc == 0 and one.out.strip().split(",")[0] == "01/07/2030 12:00"
    us = run_cli(capsys, "publish", "export", "--format", "hootsuite", "--to", "instagram",
                 "--month-first")
    assert us.rc == 0 and us.out.strip().split(",")[0] == "07/15/2030 20:45"
    (tmp_path / "us").mkdir()
    [d] = _videos(tmp_path / "us", 1)
    american = _write(tmp_path / "us.csv", None, [["12/25/2030 09:00", "Xmas", str(d)]])
    wrong = run_cli(capsys, "publish", "import", american, "--to", "tiktok", "--skip-qc")
    assert wrong.rc == 3 and "is not dd/mm/yyyy hh:mm" in wrong.err
    run = run_cli(capsys, "publish", "import", american, "--to", "tiktok", "--skip-qc",
                  "--month-first")
    assert run.rc == 0, run.err
    assert {r["caption"]: r["due"] for r in _listed(capsys)}["Xmas"] == \
        "2030-12-25T09:00:00+00:00"


def test_every_bad_row_is_named_and_nothing_is_imported(
        connected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, other, twice = _videos(tmp_path, 3)
    clip = media.make_clip(tmp_path / "small.mp4", duration=1.0)  # breaks TikTok's spec
    header = ("platform", "account", "video", "at", "timezone", "caption")
    rows = [
        ["tiktok", "alice", str(good), "2030-06-01 18:00", "Europe/Paris", "fine"],  # line 2
        ["myspace", "", str(other), "2030-06-01 18:00", "UTC", "x"],
        ["tiktok", "", str(other), "2030-03-31 02:30", "Europe/Paris", "gap"],
        ["youtube", "", str(other), "2030-10-27 02:30", "Europe/Paris", "twice"],
        ["tiktok", "", str(other), "2030-06-01 18:00", "UTC", "x" * 3000],
        ["tiktok", "", str(tmp_path / "gone.mp4"), "2030-06-01 18:00", "UTC", "x"],
        ["tiktok", "", str(twice), "2020-01-01 10:00", "UTC", "past"],
        ["tiktok", "bob", str(twice), "2030-06-01 18:00", "UTC", "who"],
        ["tiktok", "", str(good), "2030-06-05 18:00", "UTC", "again"],  # line 10: dup of 2
    ]
    path = _write(tmp_path / "bad.csv", header, [dict(zip(header, r, strict=True))
                                                 for r in rows], delimiter=";", bom=True)
    run = run_cli(capsys, "publish", "import", path, "--skip-qc")
    assert run.rc == 3
    lines = run.err.splitlines()
    expect = {3: "myspace", 4: "does not exist", 5: "happens twice", 6: "characters",
              7: "no such file", 8: "in the past", 9: "no tiktok:bob", 10: "as line 2"}
    for number, words in expect.items():
        found = [line for line in lines if f"bad.csv line {number}:" in line]
        assert found and words in found[0], (number, lines)
    assert not [line for line in lines if "line 2:" in line]
    assert "8 bad row(s); nothing was imported" in lines[-1]
    assert _listed(capsys) == []
    qc = _write(tmp_path / "qc.csv", header, [dict(zip(header, [
        "tiktok", "", str(clip), "2030-06-05 18:00", "UTC", "qc"], strict=True))])
    run = run_cli(capsys, "publish", "import", qc)  # QC runs before anything is scheduled
    assert run.rc == 3 and "qc.csv line 2:" in run.err and "does not meet tiktok" in run.err

    run = run_cli(capsys, "publish", "import", path, "--skip-bad", "--skip-qc")
    assert run.rc == 0, run.err
    assert "1 posts imported" in run.out and "8 bad rows skipped" in run.out
    [row] = _listed(capsys)
    assert (row["caption"], row["due"]) == ("fine", datetime(2030, 6, 1, 16, 0, tzinfo=UTC)
                                            .isoformat())


def test_duplicates_in_a_file_need_force_and_unknown_columns_are_refused(
        connected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [video] = _videos(tmp_path, 1)
    header = ("platform", "video", "at")
    same = [{"platform": "tiktok", "video": str(video), "at": "2030-06-01T18:00:00+02:00"},
            {"platform": "tiktok", "video": str(video), "at": "2030-06-02T18:00:00+02:00"}]
    path = _write(tmp_path / "twice.csv", header, same)
    run = run_cli(capsys, "publish", "import", path, "--skip-qc")
    assert run.rc == 3 and "line 3: the same video to the same account as line 2" in run.err
    run = run_cli(capsys, "publish", "import", path, "--skip-qc", "--force")
    assert run.rc == 0 and "2 posts imported" in run.out, run.err
    odd = _write(tmp_path / "odd.csv", ("When", "What"), [{"When": "x", "What": "y"}])
    run = run_cli(capsys, "publish", "import", odd)
    assert run.rc == 3 and "not coulisses', Metricool's" in error_line(run)


def test_the_calendar_export_reminds_of_manual_posts(
        connected: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from icalendar import Calendar

    a, b = _videos(tmp_path, 2)
    assert run_cli(capsys, "publish", "accounts", "add", "facebook", "--manual").rc == 0
    assert run_cli(capsys, "publish", "schedule", a, "--to", "facebook", "--at",
                   "2030-06-01 18:00 Europe/Paris", "--skip-qc").rc == 0
    assert run_cli(capsys, "publish", "schedule", b, "--to", "tiktok", "--at",
                   "2030-06-01 19:00 Europe/Paris", "--skip-qc").rc == 0
    out = tmp_path / "posts.ics"
    assert run_cli(capsys, "publish", "export", "--format", "ics", "--out", out).rc == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    alarms = {str(e["summary"]).split(":")[0]: e.walk("VALARM") for e in events}
    assert len(alarms["Facebook"]) == 2 and alarms["TikTok"] == []
    assert events[0]["dtstart"].dt == datetime(2030, 6, 1, 16, 0, tzinfo=UTC)


def test_an_account_added_on_the_command_line_can_belong_to_a_studio_workspace(
        env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from coulisses.publish.studio import open_url
    from coulisses.publish.tables import PublishAccount
    from coulisses.studio.tables import Workspace

    unknown = run_cli(capsys, "publish", "accounts", "add", "tiktok", "--manual",
                      "--workspace", "7")
    assert unknown.rc == 8 and "no studio workspace 7" in error_line(unknown)
    engine, sessions = open_url(f"sqlite:///{env / 'studio.sqlite3'}")
    try:
        with sessions() as db:
            space = Workspace(name="Maison")
            db.add(space)
            db.commit()
            space_id = space.id
        run = run_cli(capsys, "publish", "accounts", "add", "tiktok", "--manual",
                      "--workspace", str(space_id))
        assert run.rc == 0, run.err
        with sessions() as db:
            [account] = db.scalars(select(PublishAccount)).all()
            assert account.workspace_id == space_id
    finally:
        engine.dispose()


def test_a_utf16_tab_separated_sheet_is_read(connected: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Excel's "Unicode text": UTF-16 with its mark, tabs between cells."""
    [video] = _videos(tmp_path, 1)
    text = "\t".join(BUFFER) + "\r\n" + "\t".join(
        ["Répétition générale", str(video), "", "2030-08-01 07:05"]) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    run = run_cli(capsys, "publish", "import", path, "--to", "tiktok:alice", "--timezone",
                  "Europe/Paris", "--skip-qc")
    assert run.rc == 0, run.err
    [row] = _listed(capsys)
    assert (row["caption"], row["due"]) == ("Répétition générale", "2030-08-01T05:05:00+00:00")
