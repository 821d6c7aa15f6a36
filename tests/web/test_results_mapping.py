"""The import form's guessed mapping: a file no export signature matches is kept, its guessed
mapping shown column by column (what, how, why), confirmed or edited by the user, then
imported; the same guess as ``coulisses kpi import FILE --platform generic``."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.kpi.sample import write_csv
from coulisses.store.tables import Campaign
from coulisses.web import kpi_import

SHEET = [["Post", "Date", "Reach", "Likes", "Comments", "Saves", "Plays", "Notes"],
         ["https://www.instagram.com/reel/C9z8y7x6w5A/", "2026-04-06", "12,400", "610", "57",
          "230", "15,000", "good hook"],
         ["https://www.instagram.com/p/C1a2b3c4d5E/", "2026-04-09", "9100", "402", "12", "80",
          "11,000", ""]]


def _campaign(app: FastAPI, workspace_id: int) -> int:
    source = resources.files("coulisses.campaign").joinpath("data/starter.yaml").read_text(
        encoding="utf-8")
    with app.state.sessions() as db:
        row = Campaign(workspace_id=workspace_id, name="Spring", filename="spring.yaml",
                       source=source)
        db.add(row)
        db.commit()
        return row.id


def _upload(client: TestClient, csrf: Any, url: str, path: Path) -> Any:
    return client.post(url, data={"csrf_token": csrf(client), "as_of": "2026-04-25"},
                       files=[("files", (path.name, path.read_bytes(), "text/csv"))])


def _form(html: str) -> dict[str, str]:
    """The mapping form's fields as the page shows them (selected options, inputs)."""
    form = html[html.index('action="/w/'):]
    form = form[:form.index("</form>")]
    out = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    out["date_format"] = re.search(r'name="date_format" value="([^"]*)"', form)[1]  # type: ignore[index]
    for name, body in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        out[name] = chosen[1] if chosen else ""
    return out


def _metrics(settings: Any, workspace_id: int) -> dict[tuple[str, str], float]:
    from coulisses.kpi.store import open_store

    with open_store(kpi_import.store_path(settings.data_dir, workspace_id)) as db:
        rows = db.con.execute("SELECT post_id, metric, value FROM metrics").fetchall()
    return {(p, m): v for p, m, v in rows}


def _pending(settings: Any, workspace_id: int) -> list[Path]:
    root = kpi_import.store_path(settings.data_dir, workspace_id).parent / kpi_import.PENDING
    return sorted(root.iterdir()) if root.is_dir() else []


def test_an_unknown_sheet_gets_the_guess_then_imports_as_confirmed(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, csrf: Any,
        settings: Any, tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    sheet = write_csv(tmp_path / "our instagram.csv", SHEET)
    shown = _upload(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import", sheet)
    assert shown.status_code == 200, re.findall(r"role=\"alert\">(.*?)</div>", shown.text, re.S)
    assert "our instagram.csv is no export coulisses knows" in shown.text
    fields = _form(shown.text)
    columns = re.findall(r'<th scope="row" id="col-\d+">([^<]*)</th>', shown.text)
    assert columns == SHEET[0]
    chosen = {columns[int(k.split("_")[1])]: v for k, v in fields.items()
              if k.startswith("field_")}
    assert chosen == {"Post": "url", "Date": "published_at", "Reach": "reach", "Likes": "likes",
                      "Comments": "comments", "Saves": "saves", "Plays": "views", "Notes": ""}
    assert fields["platform"] == "instagram" and fields["as_of"] == "2026-04-25"
    assert "values are links" in shown.text  # each guess says why
    assert len(_pending(settings, me.workspace_id)) == 1
    fields["csrf_token"] = csrf(client)
    done = client.post(f"/w/{me.workspace_id}/results/{cid}/import/mapped", data=fields)
    assert done.status_code == 200, done.text[:400]
    assert "our instagram.csv (generic)" in done.text
    values = _metrics(settings, me.workspace_id)
    assert values[(SHEET[1][0], "reach")] == 12400
    assert values[(SHEET[2][0], "views")] == 11000
    assert _pending(settings, me.workspace_id) == []  # the kept file is gone once imported


def test_an_edited_mapping_is_what_imports(client: TestClient, app: FastAPI, make_user: Any,
                                           login: Any, csrf: Any, settings: Any,
                                           tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    shown = _upload(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import",
                    write_csv(tmp_path / "sheet.csv", SHEET))
    fields = _form(shown.text)
    fields["field_6"] = ""  # Plays: not imported after all
    fields["field_2"] = "impressions"  # Reach read as impressions
    fields["csrf_token"] = csrf(client)
    done = client.post(f"/w/{me.workspace_id}/results/{cid}/import/mapped", data=fields)
    assert done.status_code == 200, done.text[:400]
    values = _metrics(settings, me.workspace_id)
    assert values[(SHEET[1][0], "impressions")] == 12400
    assert not any(m in ("views", "reach") for _, m in values)


def test_a_mapping_that_cannot_work_shows_the_form_again_and_keeps_the_file(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, csrf: Any,
        settings: Any, tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    shown = _upload(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import",
                    write_csv(tmp_path / "sheet.csv", SHEET))
    fields = {k: ("" if k.startswith("field_") else v) for k, v in _form(shown.text).items()}
    fields["csrf_token"] = csrf(client)
    refused = client.post(f"/w/{me.workspace_id}/results/{cid}/import/mapped", data=fields)
    assert refused.status_code == 422
    assert 'role="alert"' in refused.text and "metrics" in refused.text
    assert "/import/mapped" in refused.text  # the form again, to fix
    assert len(_pending(settings, me.workspace_id)) == 1
    fields["token"] = "not-a-token-at-all-../../x"
    gone = client.post(f"/w/{me.workspace_id}/results/{cid}/import/mapped", data=fields)
    assert gone.status_code == 404


def test_known_exports_skip_the_guess(client: TestClient, app: FastAPI, make_user: Any,
                                      login: Any, csrf: Any, settings: Any,
                                      tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    real = Path(__file__).resolve().parents[1] / "kpi" / "real" / "youtube-table-data-2021.csv"
    done = _upload(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import", real)
    assert done.status_code == 200 and "youtube.table" in done.text
    assert "/import/mapped" not in done.text and _pending(settings, me.workspace_id) == []


def test_only_owners_and_editors_confirm_a_mapping(client: TestClient, app: FastAPI,
                                                   make_user: Any, login: Any, csrf: Any,
                                                   settings: Any, tmp_path: Path) -> None:
    owner = make_user("ana@example.org")
    reviewer = make_user("rev@example.org", role="reviewer")
    login(client, owner.email)
    cid = _campaign(app, owner.workspace_id)
    shown = _upload(client, csrf, f"/w/{owner.workspace_id}/results/{cid}/import",
                    write_csv(tmp_path / "sheet.csv", SHEET))
    fields = _form(shown.text)
    login(client, reviewer.email)
    fields["csrf_token"] = csrf(client)
    refused = client.post(f"/w/{owner.workspace_id}/results/{cid}/import/mapped", data=fields)
    assert refused.status_code == 403
    assert len(_pending(settings, owner.workspace_id)) == 1
