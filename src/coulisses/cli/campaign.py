"""``coulisses campaign new|validate|schema``: start, check and describe a campaign file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from coulisses.settings import load_settings

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "written": "Wrote {file}: edit it, then run `coulisses campaign validate {file}`.",
        "example_written": "Wrote the example {name} to {file}: check it with `coulisses "
                           "campaign validate {file}`, plan it with `coulisses plan {file}`.",
        "examples": "Example campaigns (write one with `coulisses campaign new FILE "
                    "--example NAME`):",
        "valid": "{file} is valid: {errors} error(s), {warnings} warning(s), {infos} note(s) "
                 "in the health report.",
        "healthy": "{file} is valid and healthy.",
        "invalid": "{n} problem(s): the file does not validate",
        "strict": "the health report has {n} error(s)",
        "error": "error", "warning": "warning", "info": "note",
    },
    "fr": {
        "written": "{file} écrit : modifiez-le, puis lancez `coulisses campaign validate {file}`.",
        "example_written": "Exemple {name} écrit dans {file} : vérifiez-le avec `coulisses "
                           "campaign validate {file}`, planifiez-le avec `coulisses plan "
                           "{file}`.",
        "examples": "Campagnes d'exemple (pour en écrire une : `coulisses campaign new "
                    "FICHIER --example NOM`) :",
        "valid": "{file} est valide : {errors} erreur(s), {warnings} avertissement(s), "
                 "{infos} remarque(s) dans le bilan de santé.",
        "healthy": "{file} est valide et en bonne santé.",
        "invalid": "{n} problème(s) : le fichier n'est pas valide",
        "strict": "le bilan de santé compte {n} erreur(s)",
        "error": "erreur", "warning": "avertissement", "info": "remarque",
    },
}


def _t(lang: str, key: str, **values: object) -> str:
    table = MESSAGES.get(lang, MESSAGES["en"])
    return (table.get(key) or MESSAGES["en"][key]).format(**values)


campaign_app = typer.Typer(
    name="campaign", no_args_is_help=True,
    help="The campaign file: start one (or an example), validate it with its health report, "
         "print its schema.")


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app)


@campaign_app.command("new")
def new_cmd(
    file: Path = typer.Argument(..., help="campaign file to write, e.g. campaign.yaml"),
    lang: str = typer.Option("en", "--lang", help="language of the comments: en or fr"),
    force: bool = typer.Option(False, "--force", help="replace the file if it exists"),
    example: str | None = typer.Option(None, "--example", help="write this packaged example "
                                       "instead (see `coulisses campaign examples`)"),
) -> None:
    """Write a commented starting campaign file that validates (or one of the examples)."""
    from coulisses.campaign.template import write_example, write_starter

    if example is not None:
        write_example(file, example, force=force)
        typer.echo(_t(load_settings().lang, "example_written", name=example, file=file))
        return
    write_starter(file, lang=lang, force=force)
    typer.echo(_t(load_settings().lang, "written", file=file))


@campaign_app.command("examples")
def examples_cmd() -> None:
    """List the example campaigns that come with coulisses."""
    from coulisses.campaign.template import example_names, example_text

    typer.echo(_t(load_settings().lang, "examples"))
    for name in example_names():
        first = example_text(name).splitlines()[0].lstrip("# ").rstrip(",")
        typer.echo(f"  {name}: {first}")


@campaign_app.command("validate")
def validate_cmd(
    file: Path = typer.Argument(..., help="the campaign file (YAML)"),
    as_json: bool = typer.Option(False, "--json", help="print errors and findings as JSON"),
    strict: bool = typer.Option(False, "--strict",
                                help="also fail (exit 3) when the health report has errors"),
) -> None:
    """Check a campaign file: every error by file, line and column, then the health report.

    Exit 0 when the file is valid (health findings are printed, not fatal unless --strict),
    3 when it is not.
    """
    from coulisses.campaign.health import check_health
    from coulisses.campaign.load import load_campaign
    from coulisses.errors import CampaignError
    from coulisses.platforms.registry import Registry

    settings = load_settings()
    lang = settings.lang
    ids = set(Registry.load(settings.platform_dirs))
    try:
        campaign = load_campaign(file, platform_ids=ids)
    except CampaignError as exc:
        if as_json:
            typer.echo(json.dumps({"file": str(file), "valid": False, "errors": [
                _error_json(e) for e in exc.errors], "findings": []}, indent=2,
                ensure_ascii=False))
        else:
            for err in exc.errors:
                typer.echo(err.one_line())
        raise CampaignError(_t(lang, "invalid", n=len(exc.errors)), path=file) from None
    findings = check_health(campaign, lang=lang)
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    if as_json:
        typer.echo(json.dumps({"file": str(file), "valid": True, "errors": [], "findings": [
            {"rule": f.rule, "severity": f.severity, "message": f.message, "line": f.line,
             "column": f.column, "hint": f.hint} for f in findings]}, indent=2,
            ensure_ascii=False))
    else:
        _print_findings(file, findings, lang)
        if findings:
            typer.echo(_t(lang, "valid", file=file, errors=counts["error"],
                          warnings=counts["warning"], infos=counts["info"]))
        else:
            typer.echo(_t(lang, "healthy", file=file))
    if strict and counts["error"]:
        raise CampaignError(_t(lang, "strict", n=counts["error"]), path=file)


@campaign_app.command("schema")
def schema_cmd() -> None:
    """Print the campaign file's JSON Schema (for editors and other tools)."""
    from coulisses.campaign.template import json_schema

    typer.echo(json_schema(), nl=False)


def _error_json(err: Any) -> dict[str, Any]:
    return {"line": err.line, "column": err.column, "message": err.message, "hint": err.hint}


def _print_findings(file: Path, findings: list[Any], lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    colours = {"error": "red", "warning": "yellow", "info": "cyan"}
    console = Console(highlight=False, soft_wrap=True)
    for f in findings:
        where = f"{file}:{f.line}:{f.column}" if f.line is not None else str(file)
        hint = f" ({escape(f.hint)})" if f.hint else ""
        console.print(f"{escape(where)}: [{colours[f.severity]}]{_t(lang, f.severity)}"
                      f"[/] {escape(f'[{f.rule}]')} {escape(f.message)}{hint}")
