"""Nothing shown to a viewer is left in English in the French studio, or leaks the server:
permission names, QC check names, moment reasons, the report's source; and "Post comment"
never reads as publishing the video."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.i18n import MESSAGES
from coulisses.web.i18n_web import EN, FR, core_words

SRC = Path(__file__).resolve().parents[2] / "src" / "coulisses"


def test_every_permission_has_a_name_in_both_languages() -> None:
    from coulisses.web.roles import ACTIONS

    missing = [a for a in sorted(ACTIONS) for table in (EN, FR) if f"perm.{a}" not in table]
    assert missing == [], f"permissions without a name: {missing}"
    assert FR["perm.cut.approve"] != EN["perm.cut.approve"]


def test_every_qc_check_and_moment_measure_is_in_french() -> None:
    from coulisses.analysis.moments import BTS_CUES, WEIGHTS

    qc_source = (SRC / "render" / "qc.py").read_text(encoding="utf-8")
    checks = set(re.findall(r'\badd\("([^"]+)"', qc_source))
    assert len(checks) > 15  # the pattern still finds the checks
    measures = {k for w in WEIGHTS.values() for k in w} | set(BTS_CUES)
    keys = ({f"qc.{c}" for c in checks} | {f"moment.{m}" for m in measures}
            | {f"moment.kind.{k}" for k in WEIGHTS})
    missing = sorted(k for k in keys if k not in MESSAGES["fr"])
    assert missing == [], f"untranslated: {missing}"


def test_templates_show_core_words_in_the_page_language() -> None:
    fr, en = core_words("fr"), core_words("en")
    assert fr["qc_word"]("frame rate") == "cadence"
    assert fr["qc_value"]("one video stream") == "un flux vidéo"
    assert fr["qc_value"]("25.000 fps") == "25.000 fps"  # numbers stay as measured
    moment = {"kind": "bts", "reason": "bts: clear speech",
              "scores": {"speech": 0.9, "picture": 0.8, "laughter": 0.0}}
    assert set(en["moment_reason"](moment)[5:].split(", ")) == {"clear speech", "clean picture"}
    said = fr["moment_reason"](moment)
    assert said.startswith("coulisses : ")
    assert set(said[12:].split(", ")) == {"une parole claire", "une image propre"}
    assert fr["moment_reason"]({"reason": "older"}) == "older"


def test_post_comment_never_reads_as_publishing() -> None:
    assert "publi" not in FR["review.send"].lower()
    assert "comment" in FR["review.send"].lower()


def test_members_page_names_permissions_in_french(client: TestClient, make_user: Any,
                                                  login: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    page = client.get(f"/w/{made.workspace_id}/members?lang=fr")
    assert page.status_code == 200
    assert FR["perm.cut.approve"].replace("'", "&#39;") in page.text
    assert "cut.approve" not in page.text


def test_the_report_shows_no_server_path_even_to_a_client(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, settings: Any) -> None:
    from coulisses.kpi.store import open_store
    from coulisses.studio.tables import Campaign

    owner = make_user("ana@example.org")
    viewer = make_user("cli@example.org", role="client")
    with app.state.sessions() as db:
        row = Campaign(workspace_id=owner.workspace_id, name="Été", filename="ete.yaml",
                       source="version: 1\nid: nope\nname: Été\n")
        db.add(row)
        db.commit()
        cid = row.id
    open_store(settings.data_dir / "workspaces" / str(owner.workspace_id)
               / "analytics.duckdb").close()
    login(client, viewer.email)
    for lang, source in (("en", EN["results.source"]), ("fr", FR["results.source"])):
        report = client.get(f"/w/{owner.workspace_id}/results/{cid}/report?lang={lang}")
        assert report.status_code == 200
        assert str(settings.data_dir) not in report.text
        assert "analytics.duckdb" not in report.text
        assert source.replace("'", "&#39;") in report.text


def _raised_lines() -> list[tuple[str, str]]:
    """Every error line (message or hint) the web and studio code raises with literal text:
    (where, the line with each value as "7")."""
    import ast

    import coulisses.errors as errors

    leaves = {n for n in dir(errors) if n.endswith("Error")}

    def sample(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
        return None

    found = []
    for folder in ("web", "studio"):
        for path in sorted((SRC / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in leaves and node.args):
                    continue
                texts = [sample(node.args[0])] + [sample(k.value) for k in node.keywords
                                                  if k.arg == "hint"]
                found += [(f"{path.name}:{node.lineno}", t) for t in texts
                          if t is not None and re.search(r"[a-z]{2}", t.replace("7", ""))]
    return found


def test_every_error_line_of_the_studio_is_in_french() -> None:
    from coulisses.web.error_text import french

    lines = _raised_lines()
    assert len(lines) > 80  # the walk still finds them
    missing = [f"{where}: {line}" for where, line in lines if french(line) is None]
    assert missing == [], "error lines without French:\n" + "\n".join(missing)


def test_error_lines_keep_their_values_and_name_roles_and_permissions() -> None:
    from coulisses.errors import AccessError
    from coulisses.web.error_text import error_line, french, in_lang

    assert french("Your role (client) cannot do this here (cut.approve).") == (
        f"Votre rôle ({FR['role.client']}) ne permet pas cela ici "
        f"({FR['perm.cut.approve']}).")
    assert french("rush.mp4: 12 bytes still missing") == "rush.mp4 : il manque encore 12 octets"
    assert french("No such cut in this workspace.") == "Introuvable dans cet espace (montage)."
    assert in_lang("No such item.", "en") == "No such item."
    assert in_lang("something new", "fr") == "something new"
    assert error_line(AccessError("No such item.", hint="check the link"), "fr") == (
        "Cet élément n'existe pas. (vérifiez le lien)")


def test_an_error_page_is_in_the_page_language(client: TestClient, make_user: Any,
                                               login: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    page = client.get(f"/w/{made.workspace_id}/campaigns/99999?lang=fr")
    assert page.status_code == 404
    assert "Cette campagne n&#39;est pas dans cet espace." in page.text
    api = client.get(f"/api/w/{made.workspace_id}/cuts/99999?lang=fr")
    assert api.status_code == 404 and "espace" in api.json()["error"]


def test_every_builtin_job_kind_has_a_name_in_both_languages() -> None:
    from coulisses.studio.jobs.handlers import BUILTIN

    missing = [key for k in BUILTIN for key in (f"jobkind.{k}", f"jobs.open.{k}")
               for table in (EN, FR) if key not in table]
    assert missing == [], f"job kinds without a name: {missing}"
    assert core_words("fr")["job_kind"]("render") == "rendu"
    assert core_words("fr")["job_kind"]("someone-elses") == "someone-elses"


def test_every_health_severity_has_a_name_in_both_languages() -> None:
    from typing import get_args

    from coulisses.campaign.health import Severity

    missing = [s for s in get_args(Severity) for table in (EN, FR) if f"sev.{s}" not in table]
    assert missing == []


def test_templates_hold_no_text_of_their_own() -> None:
    """Every word a template shows goes through ``t()`` (so both tables must have it); only
    the language names, written in their own language, are literal."""
    found = {}
    for path in sorted((SRC / "web" / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<script.*?</script>",
                        r"<style.*?</style>"):
            text = re.sub(pattern, " ", text, flags=re.DOTALL)
        attributes = re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', text)
        text = re.sub(r"<[^>]*>", " ", text, flags=re.DOTALL)
        words = re.findall(r"[^\W\d_]{2,}", text) + [
            w for a in attributes for w in re.findall(r"[^\W\d_]{2,}", a)]
        words = [w for w in words if w not in {"English", "Français"}]
        if words:
            found[path.name] = words
    assert found == {}, f"literal text in templates (use t()): {found}"


def test_job_stage_words_in_the_page_language() -> None:
    assert core_words("fr")["stage"]("done") == MESSAGES["fr"]["done"]
    assert core_words("fr")["stage"]("step 1 of 2") == "step 1 of 2"
    assert core_words("en")["stage"](None) == ""


# --- issue 12, studio12b: the library's lines, calendar kinds and form choices in French ---

LIBRARY = ("campaign", "render", "kpi")
# pieces added to another line (campaign/load.py): the count of further problems and the
# wrong type's ", not <type> <value>" are put in French by error_text (web/pydantic_fr.py)
FRAGMENTS = (" (and ", ", not ")


def _library_lines() -> list[tuple[str, str]]:
    """Every literal error line (message or hint) of the campaign, render and kpi code that a
    studio page can show: raised ``errors.py`` leaves, located problems (``.error(...)``), the
    reference checker's problems and the campaign loader's messages: (where, the line with
    each value as "7")."""
    import ast

    import coulisses.errors as errors

    leaves = {n for n in dir(errors) if n.endswith("Error")}

    def sample(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
        return None

    found = []
    for folder in LIBRARY:
        for path in sorted((SRC / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                texts: list[ast.expr] = []
                if isinstance(node, ast.Call) and node.args:
                    func = node.func
                    if ((isinstance(func, ast.Name) and func.id in leaves)
                            or (isinstance(func, ast.Attribute) and func.attr == "error")):
                        texts = [node.args[0]]
                    elif (isinstance(func, ast.Attribute) and func.attr == "add"
                          and path.name == "refs.py"):
                        texts = [node.args[0], *node.args[2:3]]
                    texts += [k.value for k in node.keywords if k.arg == "hint"]
                elif isinstance(node, ast.Assign | ast.AugAssign) and path.name == "load.py":
                    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                    if isinstance(target, ast.Name) and target.id in ("message", "hint"):
                        texts = [node.value]
                lines = [sample(t) for t in texts]
                found += [(f"{path.name}:{node.lineno}", t) for t in lines
                          if t is not None and re.search(r"[a-z]{2}", t.replace("7", ""))
                          and not t.startswith(FRAGMENTS)]
    return found


def test_every_library_error_line_that_reaches_the_studio_is_in_french() -> None:
    from coulisses.web.error_text import french

    lines = _library_lines()
    assert len(lines) > 150  # the walk still finds them
    missing = [f"{where}: {line}" for where, line in lines if french(line) is None]
    assert missing == [], "library error lines without French:\n" + "\n".join(missing)


def test_stored_job_errors_and_counted_problems_read_in_french() -> None:
    from coulisses.web.error_text import french, stored_line

    assert stored_line("clip.mp4: the span lasts 2 s but tiktok needs at least 3 s (choose a "
                       "longer span with --start/--end, or pass --extend to hold the last "
                       "frame)", "fr") == (
        "clip.mp4 : l'extrait dure 2 s mais tiktok demande au moins 3 s (choisissez un extrait "
        "plus long avec --start/--end, ou passez --extend pour tenir la dernière image)")
    # a trailing value does not swallow the hint: both are put in French
    assert stored_line("c.yaml:3:1: unknown platform 'tikitok' (did you mean 'tiktok'?)",
                       "fr") == (
        "c.yaml:3:1: plateforme inconnue : 'tikitok' (vouliez-vous dire 'tiktok' ?)")
    assert stored_line("something new (whatever)", "fr") == "something new (whatever)"
    assert stored_line("unknown beat 'x'", "en") == "unknown beat 'x'"
    assert french("unknown beat 'x' (and 2 more problems)") == (
        "temps fort inconnu : 'x' (et 2 autres problèmes)")


def test_every_form_choice_and_calendar_kind_has_a_name_in_both_languages() -> None:
    from typing import get_args

    from coulisses.campaign.edit import SECTIONS
    from coulisses.campaign.schema import BtsKind

    keys = {f"choice.{f.key}.{c}" for s in SECTIONS.values() for f in s.fields
            if f.kind == "choice" and f.key != "comparator" for c in f.choices}
    keys |= {f"choice.kind.{k}" for k in get_args(BtsKind)}
    keys |= {f"cal.kinds.{k}" for k in ("shoot", "due", "publish")}
    assert len(keys) > 20
    missing = sorted(k for k in keys for table in (EN, FR) if k not in table)
    assert missing == [], f"untranslated: {missing}"


def test_campaign_pages_and_their_errors_in_a_french_studio(
        client: TestClient, make_user: Any, login: Any, post: Any) -> None:
    from coulisses.campaign.template import starter_text

    made = make_user("ana@example.org")
    login(client, made.email)
    w = f"/w/{made.workspace_id}"
    text = starter_text("fr")
    base = post(client, f"{w}/campaigns", {"text": text}).headers["location"]
    calendar = client.get(base + "/calendar?lang=fr").text
    assert all(FR[f"cal.kinds.{k}"] in calendar for k in ("shoot", "due", "publish"))
    plan = client.get(base + "/plan?lang=fr").text
    assert "(bts)" not in plan and "(episode)" not in plan and "(failure)" not in plan
    assert f"({FR['board.kinds.bts']})" in plan and f"({FR['choice.kind.failure']})" in plan
    board = client.get(base + "?lang=fr").text
    assert FR["board.deliverable"] in board and FR["board.states.not_shot"] in board
    assert "not shot" not in board
    forms = client.get(base + "/forms/bts?lang=fr").text
    assert f">{FR['choice.kind.failure']}</option>" in forms and ">failure</option>" not in forms
    # the library's own lines (the loader, the reference checker), with their count
    broken = text.replace("version: 1", "version: 1\nzut: 1\nzou: 2")
    refused = post(client, f"{w}/campaigns?lang=fr", {"text": broken})
    assert refused.status_code == 422
    assert "clé inconnue &#39;zut&#39; dans le fichier" in refused.text
    assert "(et 1 autre problème)" in refused.text
    assert "unknown key" not in refused.text
    bad_yaml = post(client, f"{w}/campaigns?lang=fr", {"text": "version: ["})
    assert "YAML mal formé" in bad_yaml.text and "malformed" not in bad_yaml.text
    unknown = text.replace("tiktok", "tikitok", 1)
    edited = post(client, base + "/edit?lang=fr", {"text": unknown, "version": "1"})
    assert edited.status_code == 422 and "unknown platform" not in edited.text
    assert edited.text.count("plateforme inconnue") >= 2  # the line above, and at its line


# --- issue 12, fr12: pydantic's messages by error type, time field names ---

# pydantic's error types a campaign file can meet, with a context to render each
PYDANTIC_SAMPLES: dict[str, tuple[dict[str, Any] | None, ...]] = {
    "missing": (None,), "extra_forbidden": (None,), "string_type": (None,),
    "string_too_short": ({"min_length": 1}, {"min_length": 3}),
    "string_too_long": ({"max_length": 1}, {"max_length": 80}),
    "string_pattern_mismatch": ({"pattern": "^[a-z]+$"},),
    "int_parsing": (None,), "int_type": (None,), "int_from_float": (None,),
    "float_parsing": (None,), "float_type": (None,), "finite_number": (None,),
    "bool_parsing": (None,), "bool_type": (None,),
    "date_parsing": ({"error": "input is too short"},),
    "date_from_datetime_parsing": ({"error": "invalid character in year"},),
    "date_type": (None,), "time_parsing": ({"error": "input is too short"},),
    "time_type": (None,), "literal_error": ({"expected": "'a', 'b' or 'c'"},),
    "greater_than": ({"gt": 0},), "greater_than_equal": ({"ge": 1},),
    "less_than": ({"lt": 10},), "less_than_equal": ({"le": 50},),
    "too_short": ({"field_type": "Tuple", "min_length": 1, "actual_length": 0},
                  {"field_type": "List", "min_length": 2, "actual_length": 1}),
    "too_long": ({"field_type": "List", "max_length": 1, "actual_length": 3},
                 {"field_type": "Tuple", "max_length": 3, "actual_length": 5}),
    "list_type": (None,), "tuple_type": (None,), "dict_type": (None,),
    "model_type": ({"class_name": "Cadence"},), "value_error": ({"error": "input is too long"},),
}


def test_pydantic_messages_are_worded_as_the_installed_pydantic_words_them() -> None:
    """Each error type's English row matches pydantic's own message, rendered by pydantic
    with a context, as the loader shows it; and its French keeps the context's values."""
    from pydantic_core import PydanticKnownError

    from coulisses.web.error_text import french
    from coulisses.web.pydantic_fr import MESSAGES

    codes = {code for code, _, _ in MESSAGES}
    assert set(PYDANTIC_SAMPLES) <= codes, sorted(set(PYDANTIC_SAMPLES) - codes)
    for code, contexts in PYDANTIC_SAMPLES.items():
        for ctx in contexts:
            message = PydanticKnownError(code, ctx).message()
            line = f"beats[0].title: {message[0].lower() + message[1:]}"
            shown = french(line)
            assert shown is not None and shown.startswith("beats[0].title : "), (code, line)
            mine = [en for c, en, _ in MESSAGES if c == code]
            assert any(re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+", re.escape(en)), line[16:])
                       for en in mine), (code, line)
            numbers = [str(v) for v in (ctx or {}).values() if isinstance(v, int)
                       and f" {v} " in f" {message} "]
            assert all(n in shown for n in numbers), (code, shown)


def test_the_schema_own_errors_and_the_loader_pieces_read_in_french() -> None:
    import ast

    from coulisses.web.error_text import french
    from coulisses.web.pydantic_fr import MESSAGES

    tree = ast.parse((SRC / "campaign" / "schema.py").read_text(encoding="utf-8"))
    custom = {node.args[0].value: node.args[1].value for node in ast.walk(tree)
              if isinstance(node, ast.Call)
              and getattr(node.func, "id", "") == "PydanticCustomError"
              and all(isinstance(a, ast.Constant) for a in node.args[:2])}
    assert len(custom) >= 5
    worded = {code: en for code, en, _ in MESSAGES}
    assert {code: worded.get(code) for code in custom} == {
        code: en[0].lower() + en[1:] for code, en in custom.items()}
    assert french("timezone: 'Europe/Pariss' is not a time zone") == (
        "timezone : 'Europe/Pariss' n'est pas un fuseau horaire")
    assert french("people[0]: value error, a guardian is only for minors: set `minor: true` "
                  "or remove it") == ("people[0] : un tuteur n'est prévu que pour un mineur : "
                                      "mettez `minor: true` ou retirez-le")
    assert french("brand.name: input should be a valid string, not NoneType None") == (
        "brand.name : un texte est attendu, pas la valeur vide None")
    assert french("the file: input should be a valid dictionary") == (
        "le fichier : une table de clés est attendue")
    assert french("x.goal: 'fame' is not one of 'a', 'b' or 'c'") == (
        "x.goal : 'fame' n'est pas parmi 'a', 'b' ou 'c'")


def test_time_fields_are_named_in_french_in_error_lines() -> None:
    from coulisses.errors import UsageError
    from coulisses.web.error_text import error_line
    from coulisses.web.forms import number

    for raw, name, shown in (("abc", "time", "temps : 'abc' n'est ni"),
                             ("99999", "range end", "fin de la plage : 99999 est hors limites"),
                             ("x", "clip start", "début de l'extrait : 'x'"),
                             ("-1", "end", "fin : '-1' n'est ni")):
        with pytest.raises(UsageError) as caught:
            number(raw, name)
        assert error_line(caught.value, "fr").startswith(shown), error_line(caught.value, "fr")
        assert error_line(caught.value, "en").startswith(f"{name}: ")


def test_every_campaign_field_description_is_in_french() -> None:
    """A located problem's hint is its field's description: every field a campaign file can
    hold has one in French, shown alone and after its key (a missing key)."""
    from pydantic import BaseModel

    from coulisses.campaign.load import _inner_model
    from coulisses.campaign.schema import Campaign
    from coulisses.web.campaign_fields_fr import DESCRIPTIONS
    from coulisses.web.error_text import french

    seen: set[type[BaseModel]] = set()
    found: set[str] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for info in model.model_fields.values():
            if info.description:
                found.add(info.description)
            inner = _inner_model(info.annotation)
            if inner is not None:
                walk(inner)

    walk(Campaign)
    assert len(found) > 100
    missing = sorted(found - set(DESCRIPTIONS))
    assert missing == [], f"field descriptions without French: {missing}"
    for english in sorted(found):
        assert french(english) == DESCRIPTIONS[english], english
        assert french(f"name: {english}") == f"name : {DESCRIPTIONS[english]}", english
