"""``coulisses kpi``: import analytics exports into the store and list its posts.

The report work adds ``coulisses kpi report`` from ``coulisses.cli.kpi_report`` (its
``register(kpi_app)`` is called when the module exists).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from coulisses.errors import CoulissesError, UsageError
from coulisses.settings import load_settings

if TYPE_CHECKING:
    from coulisses.kpi.store import ImportResult

kpi_app = typer.Typer(
    name="kpi", no_args_is_help=True, add_completion=False,
    help="Import platform analytics exports and measure campaigns on business objectives.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

PLATFORMS = ("auto", "tiktok", "instagram", "facebook", "youtube", "linkedin", "generic")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "importing": "importing {name}",
        "already": "{file}: already imported, nothing changed",
        "title": "Analytics import into {store}",
        "file": "file", "adapter": "export", "rows": "rows", "new": "new values",
        "changed": "changed", "unchanged": "unchanged", "posts": "posts",
        "matched": "matched", "unmatched": "unmatched",
        "warning": "warning",
        "partial": "{file}: partial days stored and flagged: {days}",
        "unmatched_hint": "{n} post(s) not matched to a campaign: coulisses kpi posts "
                          "--unmatched",
        "matched_n": "{n} post(s) matched to the campaign",
        "no_posts": "No posts in {store}.",
        "posts_title": "Posts in {store}",
        "platform": "platform", "post": "post", "published": "published",
        "campaign": "campaign", "variant": "variant", "kind": "kind", "rule": "match",
        "caption": "caption",
        "guessed": "Guessed mapping for {file} (written to {mapping}):",
        "platform_line": "platform: {platform} ({why})",
        "not_imported": "Not imported:",
        "not_found": "Could not find: {what}",
        "to_check": "To check: {what}",
        "sure": "The guess is unambiguous: import with the command below as it is.",
        "known_export": "Note: {file} is an export coulisses reads without a mapping "
                        "(import it without --platform generic).",
        "unsure": "Some of it needs a look (CHECK and 'To check' in the file): edit it, then "
                  "import.",
    },
    "fr": {
        "importing": "import de {name}",
        "already": "{file} : déjà importé, rien n'a changé",
        "title": "Import des statistiques dans {store}",
        "file": "fichier", "adapter": "export", "rows": "lignes", "new": "valeurs nouvelles",
        "changed": "modifiées", "unchanged": "inchangées", "posts": "publications",
        "matched": "rattachées", "unmatched": "non rattachées",
        "warning": "attention",
        "partial": "{file} : jours incomplets gardés et signalés : {days}",
        "unmatched_hint": "{n} publication(s) non rattachée(s) à une campagne : coulisses kpi "
                          "posts --unmatched",
        "matched_n": "{n} publication(s) rattachée(s) à la campagne",
        "no_posts": "Aucune publication dans {store}.",
        "posts_title": "Publications dans {store}",
        "platform": "plateforme", "post": "publication", "published": "publiée",
        "campaign": "campagne", "variant": "déclinaison", "kind": "type", "rule": "rattachement",
        "caption": "légende",
        "guessed": "Mapping deviné pour {file} (écrit dans {mapping}) :",
        "platform_line": "plateforme : {platform} ({why})",
        "not_imported": "Non importées :",
        "not_found": "Introuvable : {what}",
        "to_check": "À vérifier : {what}",
        "sure": "Rien d'ambigu : importez avec la commande ci-dessous telle quelle.",
        "known_export": "À noter : {file} est un export que coulisses lit sans correspondance "
                        "(importez-le sans --platform generic).",
        "unsure": "Certains points sont à vérifier (CHECK et « To check » dans le fichier) : "
                  "corrigez-le, puis importez.",
    },
}


def _t(lang: str, key: str, **values: object) -> str:
    table = MESSAGES.get(lang, MESSAGES["en"])
    return (table.get(key) or MESSAGES["en"][key]).format(**values)


def register(app: typer.Typer) -> None:
    """Add the ``kpi`` group, with the report's commands when that module exists."""
    try:
        report = importlib.import_module("coulisses.cli.kpi_report")
    except ModuleNotFoundError as exc:  # the report command is being built separately
        if exc.name != "coulisses.cli.kpi_report":
            raise
    else:
        report.register(kpi_app)
    app.add_typer(kpi_app, name="kpi")


def _store_path(store: Path | None) -> Path:
    return store if store is not None else load_settings().data_dir / "analytics.duckdb"


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date like 2026-10-03") from None


@kpi_app.command("import")
def import_cmd(
    files: list[Path] = typer.Argument(..., help="analytics export files (CSV, XLSX, XLS)"),
    platform: str = typer.Option("auto", "--platform", "-p",
                                 help="auto|tiktok|instagram|facebook|youtube|linkedin|generic"),
    mapping: Path | None = typer.Option(None, "--mapping", "-m",
                                        help="mapping YAML for a generic CSV"),
    campaign: Path | None = typer.Option(None, "--campaign", "-c",
                                         help="campaign file (or known-posts YAML) whose "
                                              "deliverables the posts are matched to"),
    as_of: str | None = typer.Option(None, "--as-of",
                                     help="date the export was downloaded (default: the "
                                          "file's modification date)"),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: "
                                      "<data_dir>/analytics.duckdb)"),
    brand_account: str | None = typer.Option(None, "--brand-account",
                                             help="the brand's account name in a comments "
                                                  "export (its replies)"),
    force: bool = typer.Option(False, "--force",
                               help="with --platform generic and no --mapping: guess again "
                                    "over an existing FILE.mapping.yaml"),
) -> None:
    """Import exports from TikTok, Instagram/Facebook, YouTube, LinkedIn or a mapped CSV.

    With --platform generic and no --mapping, guess a mapping for FILE, write it next to it
    as FILE.mapping.yaml, say what was guessed, and stop (exit 3): check it, then import with
    --mapping.
    """
    from rich.console import Console
    from rich.table import Table

    from coulisses.kpi.campaign_posts import load_posts_to_match
    from coulisses.kpi.store import open_store

    if platform not in PLATFORMS:
        raise UsageError(f"--platform {platform!r} is not one of {', '.join(PLATFORMS)}")
    lang = load_settings().lang
    if platform == "generic" and mapping is None:
        _propose(files, lang, force=force)
    as_of_day = _parse_day(as_of, "--as-of")
    known = load_posts_to_match(campaign) if campaign is not None else None
    path = _store_path(store)
    fresh = not path.exists()
    results: list[ImportResult] = []
    try:
        with open_store(path) as db:
            for file in files:
                with _bar(_t(lang, "importing", name=file.name)) as progress:
                    results.append(db.import_file(file, platform=platform, mapping=mapping,
                                                  known_posts=known, as_of=as_of_day,
                                                  progress=progress,
                                                  brand_account=brand_account))
    except CoulissesError:
        if fresh and not results:  # a first import that failed leaves no empty store behind
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    table = Table(title=_t(lang, "title", store=path))
    for key in ("file", "adapter", "rows", "new", "changed", "unchanged", "posts", "matched",
                "unmatched"):
        table.add_column(_t(lang, key), justify="left" if key in ("file", "adapter")
                         else "right")
    unmatched = 0
    for r in results:
        if r.already:
            typer.echo(_t(lang, "already", file=r.file))
            continue
        table.add_row(str(r.file), r.adapter, str(r.rows_read), str(r.values_new),
                      str(r.values_changed), str(r.values_unchanged), str(r.posts),
                      str(r.matched), str(r.unmatched))
        unmatched += r.unmatched
    if table.row_count:
        Console(width=160).print(table)
    for r in results:
        for warning in r.warnings:
            typer.echo(f"{_t(lang, 'warning')}: {r.file}: {warning}", err=True)
        if r.partial_days:
            typer.echo(_t(lang, "partial", file=r.file,
                          days=", ".join(d.isoformat() for d in r.partial_days)), err=True)
    if unmatched:
        typer.echo(_t(lang, "unmatched_hint", n=unmatched))


def _propose(files: list[Path], lang: str, *, force: bool) -> None:
    """Guess, write and show the mapping of the one file given; always raises.

    Raises:
        UsageError: several files at once.
        AnalyticsImportError: always, once the mapping is written (so the exit is not 0).
        OutputError: the mapping file exists (without --force) or cannot be written.
    """
    from coulisses.errors import AnalyticsImportError
    from coulisses.kpi.imports.proposal_file import (
        mapping_path,
        next_command,
        proposal_yaml,
        write_proposal,
    )
    from coulisses.kpi.imports.propose import propose_mapping, read_sample
    from coulisses.kpi.imports.read import recognises

    if len(files) != 1:
        raise UsageError("--platform generic without --mapping guesses the mapping of one file "
                         f"at a time, not {len(files)}", hint="give one file")
    file = files[0]
    known = recognises(file)
    header, rows = read_sample(file)
    proposal = propose_mapping(header, rows, name=file.name)
    target = mapping_path(file)
    command = next_command(file, target)
    write_proposal(target, proposal_yaml(proposal, file.name, command), force=force)
    echo = typer.echo
    echo(_t(lang, "guessed", file=file.name, mapping=target))
    echo("  " + _t(lang, "platform_line", platform=proposal.platform,
                   why=proposal.platform_why))
    width = max((len(g.column) for g in proposal.guesses), default=0)
    for g in proposal.guesses:
        mark = " " if g.confidence >= 0.75 else "?"
        echo(f" {mark}{g.column.ljust(width)} -> {g.field} ({g.kind}, "
             f"{round(g.confidence * 100)}%: {g.why})")
    if proposal.unmapped:
        echo(_t(lang, "not_imported"))
        for u in proposal.unmapped:
            echo(f"   {u.column}: {u.why}")
    for what in proposal.missing:
        echo(_t(lang, "not_found", what=what))
    for note in proposal.notes:
        echo(_t(lang, "to_check", what=note))
    echo(_t(lang, "sure" if proposal.unambiguous else "unsure"))
    if known:
        echo(_t(lang, "known_export", file=file.name))
    raise AnalyticsImportError(f"no --mapping: a guessed mapping is written to {target}",
                               path=file, hint=f"check it, then run: {command}")


@kpi_app.command("match")
def match_cmd(
    campaign: Path = typer.Option(..., "--campaign", "-c",
                                  help="campaign file (or known-posts YAML)"),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: "
                                      "<data_dir>/analytics.duckdb)"),
) -> None:
    """Match the stored posts to a campaign's deliverables again (after editing the file)."""
    from coulisses.kpi.campaign_posts import load_posts_to_match
    from coulisses.kpi.store import open_store

    lang = load_settings().lang
    known = load_posts_to_match(campaign)
    path = _store_path(store)
    with open_store(path) as db:
        matched = db.match(known)
        unmatched = len(db.posts(unmatched=True))
    typer.echo(_t(lang, "matched_n", n=matched))
    if unmatched:
        typer.echo(_t(lang, "unmatched_hint", n=unmatched))


@kpi_app.command("posts")
def posts_cmd(
    unmatched: bool = typer.Option(False, "--unmatched", help="only posts with no campaign"),
    platform: str | None = typer.Option(None, "--platform", "-p", help="one platform"),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: "
                                      "<data_dir>/analytics.duckdb)"),
) -> None:
    """List the posts in the store, with the campaign and variant each was matched to."""
    from rich.console import Console
    from rich.table import Table

    from coulisses.kpi.store import open_store

    lang = load_settings().lang
    path = _store_path(store)
    with open_store(path) as db:
        posts = db.posts(unmatched=unmatched, platform=platform)
    if not posts:
        typer.echo(_t(lang, "no_posts", store=path))
        return
    table = Table(title=_t(lang, "posts_title", store=path))
    for key in ("platform", "post", "published", "campaign", "variant", "kind", "rule",
                "caption"):
        table.add_column(_t(lang, key))
    for p in posts:
        table.add_row(p.platform, p.post_id, p.published_at.isoformat(" ", "minutes")
                      if p.published_at else "", p.campaign or "", p.variant or "",
                      p.kind or "", p.match_rule or "", (p.caption or "")[:60])
    Console(width=200).print(table)


@contextmanager
def _bar(label: str) -> Iterator[Callable[[float], None]]:
    """A transient progress bar on stderr fed a fraction in 0..1; silent when not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda fraction: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(label, total=1000)
        yield lambda fraction: progress.update(
            task, completed=int(min(max(fraction, 0.0), 1.0) * 1000))
