"""``coulisses publish``: accounts, schedule, the queue, the worker, and the sandbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from coulisses.errors import CoulissesError, InputError, QCFailedError, UsageError
from coulisses.settings import Settings, load_settings

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.orm import Session, sessionmaker

    from coulisses.publish.api import PlatformApi
    from coulisses.publish.oauth import TokenSet
    from coulisses.publish.tables import Post

publish_app = typer.Typer(
    name="publish", no_args_is_help=True, add_completion=False,
    help="Publish cuts to the platforms on schedule, exactly once, or rehearse in the sandbox.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
accounts_app = typer.Typer(name="accounts", no_args_is_help=True, add_completion=False,
                           help="Connect, list and remove publishing accounts.")
publish_app.add_typer(accounts_app)

MESSAGES: dict[str, dict[str, str]] = {
    "en": {"connected": "connected {platform}:{name} ({channel})",
           "removed": "removed {target}", "none": "no posts", "no_accounts": "no accounts",
           "cancelled": "post {id} cancelled", "retry": "post {id} is scheduled again",
           "complete": "post {id} published at {url}", "ran": "{n} posts handled",
           "sandbox": "sandbox on {url} ({faults}); posts at {url}/_sandbox/posts",
           "exported": "{n} posts written to {out} ({format})",
           "imported": "{n} posts imported from {file} ({format})",
           "skipped": "{n} bad rows skipped",
           "synced": "{posts} post(s) synced, {matched} matched to their deliverable by id; "
                     "{values} values in {store}",
           "sync_skipped": "{n} post(s) published by hand: import the platform's export "
                           "(coulisses kpi import) to measure them",
           "sync_problem": "not synced: {line}",
           "confirmed": "post {id} is scheduled for {due}",
           "reconnect": "sign in again",
           "sign_in_by": "token without renewal: sign in again before {day}"},
    "fr": {"connected": "compte {platform}:{name} connecté ({channel})",
           "removed": "{target} supprimé", "none": "aucune publication",
           "no_accounts": "aucun compte", "cancelled": "publication {id} annulée",
           "retry": "publication {id} reprogrammée", "complete": "publication {id} publiée : {url}",
           "ran": "{n} publications traitées",
           "sandbox": "bac à sable sur {url} ({faults}) ; publications sur {url}/_sandbox/posts",
           "exported": "{n} publications écrites dans {out} ({format})",
           "imported": "{n} publications importées de {file} ({format})",
           "skipped": "{n} lignes incorrectes ignorées",
           "synced": "{posts} publication(s) synchronisée(s), {matched} rattachée(s) à leur "
                     "livrable par identifiant ; {values} valeurs dans {store}",
           "sync_skipped": "{n} publication(s) faite(s) à la main : importez l'export de la "
                           "plateforme (coulisses kpi import) pour les mesurer",
           "sync_problem": "non synchronisé : {line}",
           "confirmed": "publication {id} programmée pour {due}",
           "reconnect": "à reconnecter",
           "sign_in_by": "jeton non renouvelable : reconnectez avant le {day}"},
}


def register(app: typer.Typer) -> None:
    app.add_typer(publish_app)


def _say(settings: Settings, key: str, **values: Any) -> None:
    typer.echo(MESSAGES.get(settings.lang, MESSAGES["en"])[key].format(**values))


def _t(settings: Settings, key: str) -> str:
    return MESSAGES.get(settings.lang, MESSAGES["en"])[key]


def _apis(platform: str | None = None) -> tuple[dict[str, PlatformApi], PlatformApi | None]:
    from coulisses.publish.api import builtin_apis, get_api

    apis = builtin_apis()
    return apis, get_api(apis, platform) if platform else None


def _db(settings: Settings) -> sessionmaker[Session]:
    from coulisses.publish.studio import sessions

    return sessions(settings)


def _target(text: str) -> tuple[str, str | None]:
    platform, _, name = text.partition(":")
    return platform.strip().lower(), name.strip() or None


@accounts_app.command("add")
def accounts_add(
    platform: str = typer.Argument(..., help="tiktok, instagram, youtube, linkedin or facebook"),
    name: str = typer.Option("", "--name", help="a name for the account (default: the platform)"),
    sandbox: str = typer.Option("", "--sandbox", help="connect through the sandbox at this URL"),
    manual: bool = typer.Option(False, "--manual", help="no API: post by hand from packs"),
    workspace: int | None = typer.Option(None, "--workspace",
                                         help="the studio workspace (id) it belongs to"),
    account_pick: str = typer.Option("", "--account",
                                     help="the Page, Instagram account or LinkedIn "
                                          "organization to post as, when there are several"),
) -> None:
    """Connect an account (OAuth with PKCE; through the sandbox without a browser)."""
    from coulisses.publish import accounts

    settings = load_settings()
    _, api = _apis(platform.lower())
    assert api is not None
    fernet = accounts.sealer(settings.publish_key, settings.data_dir)
    sign_in = None
    if not sandbox and not manual:  # a real platform: the browser, back on a loopback port
        import webbrowser

        from coulisses.publish.oauth import app_credentials, loopback_sign_in

        client_id, secret = app_credentials(settings.publish_apps, api.id)

        def sign_in(http: httpx.Client) -> TokenSet:
            def show(url: str) -> None:
                typer.echo(f"Sign in and approve in your browser:\n{url}", err=True)
                webbrowser.open(url)

            return loopback_sign_in(api, "", client_id=client_id, client_secret=secret,
                                    open_url=show, client=http)

    with _db(settings)() as session:
        if workspace is not None:
            from coulisses.errors import NotFoundError
            from coulisses.studio.tables import Workspace

            if session.get(Workspace, workspace) is None:
                raise NotFoundError(f"no studio workspace {workspace}",
                                    hint="its id is in the studio's address: /w/ID")
        account = accounts.add(session, fernet, api, name or api.id, sandbox_url=sandbox,
                               manual=manual, sign_in=sign_in, workspace_id=workspace,
                               pick=account_pick)
        _say(settings, "connected", platform=api.id, name=account.name, channel=account.channel)


@accounts_app.command("list")
def accounts_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List connected accounts (never their tokens)."""
    from coulisses.publish import accounts

    settings = load_settings()
    fernet = accounts.sealer(settings.publish_key, settings.data_dir)
    with _db(settings)() as session:
        rows = [{"platform": a.platform, "name": a.name, "channel": a.channel,
                 "sandbox": a.sandbox_url, "account_id": a.external_id,
                 "reconnect": a.reconnect, "sign_in_by": _day(accounts.sign_in_by(fernet, a))}
                for a in accounts.listing(session)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        _say(settings, "no_accounts")
    for r in rows:
        where = f"  sandbox {r['sandbox']}" if r["sandbox"] else ""
        again = f"  {_t(settings, 'reconnect')}: {r['reconnect']}" if r["reconnect"] else ""
        by = ("  " + _t(settings, "sign_in_by").format(day=r["sign_in_by"])
              if r["sign_in_by"] and not r["reconnect"] else "")
        typer.echo(f"{r['platform']}:{r['name']}  {r['channel']}{where}{again}{by}")


def _day(epoch_s: float | None) -> str | None:
    from datetime import UTC, datetime

    return None if epoch_s is None else datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%d")


@accounts_app.command("remove")
def accounts_remove(target: str = typer.Argument(..., help="PLATFORM[:NAME]")) -> None:
    """Forget an account and its tokens."""
    from coulisses.publish import accounts

    settings = load_settings()
    platform, name = _target(target)
    with _db(settings)() as session:
        accounts.remove(session, platform, name)
    _say(settings, "removed", target=target)


def _qc(video: Path, api: PlatformApi, settings: Settings) -> float:
    """Check the video against the platform's specs before it is scheduled; its duration."""
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.media.probe import probe
    from coulisses.platforms.registry import Registry
    from coulisses.render.qc import check_file

    info = probe(video)
    registry = Registry.load(settings.platform_dirs)
    results = [check_file(video, registry[s], SubprocessRunner(settings.ffmpeg or None),
                          info=info) for s in api.specs if s in registry]
    if results and not any(r.passed for r in results):
        first = results[0]
        raise QCFailedError(f"{video.name} does not meet {first.platform}: "
                            f"{'; '.join(first.reasons[:3])}", reasons=first.reasons,
                            hint="cut it again with coulisses cut, or pass --skip-qc")
    return float(info.duration)


@publish_app.command("schedule")
def schedule_cmd(
    video: Path | None = typer.Argument(None, help="the cut to publish"),
    to: str = typer.Option("", "--to", help="PLATFORM[:ACCOUNT]"),
    at: str = typer.Option("", "--at", help='"2026-12-10 18:00 Europe/Paris", ISO 8601, or now'),
    caption: str = typer.Option("", "--caption"),
    caption_file: Path | None = typer.Option(None, "--caption-file"),
    cover: str = typer.Option("", "--cover", help="an image file, or a time in the video"),
    first_comment: str = typer.Option("", "--first-comment"),
    option: list[str] = typer.Option([], "--option", help="KEY=VALUE, per platform"),
    force: bool = typer.Option(False, "--force", help="post the same video to it again"),
    skip_qc: bool = typer.Option(False, "--skip-qc", help="do not check the video first"),
    from_plan: Path | None = typer.Option(None, "--from-plan", help="a campaign file"),
    cut: list[str] = typer.Option([], "--cut", help="DELIVERABLE=RESULTS_FOLDER"),
    variant: list[str] = typer.Option([], "--variant", help="DELIVERABLE=FILE"),
    studio_cut: list[str] = typer.Option([], "--studio-cut", help="DELIVERABLE=VERSION_ID"),
    now: bool = typer.Option(False, "--now", help="publish the plan's posts at once"),
    confirm: bool = typer.Option(False, "--confirm", help="schedule, not draft"),
) -> None:
    """Schedule a video to one account; prints the post's id."""
    from coulisses.media.inputs import check_source
    from coulisses.publish import accounts, queue
    from coulisses.publish.api import check_caption, validate_options
    from coulisses.publish.when import parse_at
    from coulisses.publish.worker import sha256_of

    settings = load_settings()
    if from_plan is not None:
        from coulisses.cli.publish_plan import schedule_from_plan

        if video is not None or to or at:
            raise UsageError("--from-plan takes its videos, accounts and times from the plan",
                             hint="name the cuts with --cut, --variant or --studio-cut")
        schedule_from_plan(settings, from_plan, cuts=cut, variants=variant,
                           studio_cuts=studio_cut, at_once=now, confirm=confirm, force=force)
        return
    if video is None or not to or not at:
        raise UsageError("schedule needs VIDEO, --to and --at (or --from-plan CAMPAIGN.yaml)")
    platform, name = _target(to)
    _, api = _apis(platform)
    assert api is not None
    if caption and caption_file:
        raise UsageError("give --caption or --caption-file, not both")
    if caption_file is not None:
        try:
            caption = caption_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{caption_file}: cannot read the caption ({exc})",
                             path=caption_file) from None
    check_caption(api, caption)
    raw: dict[str, str] = {}
    for item in option:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--option {item!r} is not KEY=VALUE")
        raw[key.strip()] = value.strip()
    options = validate_options(api, raw)
    cover = _cover(cover, api, options)
    due = parse_at(at)
    path = check_source(video)
    duration = 0.0 if skip_qc else _qc(path, api, settings)
    with _db(settings)() as session:
        account = accounts.find(session, platform, name)
        post = queue.schedule(session, account_id=account.id, platform=api.id,
                              video_path=str(path.resolve()), video_sha256=sha256_of(path),
                              size_bytes=path.stat().st_size,
                              due_ms=int(due.timestamp() * 1000), caption=caption,
                              options=options, duration_ms=int(duration * 1000), cover=cover,
                              first_comment=first_comment, force=force)
        typer.echo(str(post.id))


def _cover(cover: str, api: PlatformApi, options: dict[str, Any]) -> str:
    """An image file is kept for the post; a time becomes the platform's cover-frame option."""
    from coulisses.timecode import parse_time

    if not cover or Path(cover).is_file():
        return str(Path(cover).resolve()) if cover else ""
    try:
        at = parse_time(cover)
    except CoulissesError:
        raise InputError(f"--cover {cover!r} is neither an image file nor a time",
                         hint="e.g. --cover cover.jpg or --cover 00:00:01.5") from None
    if api.cover_time_option is None:
        raise UsageError(f"{api.name} takes a cover image file, not a time",
                         hint="pass --cover FILE (coulisses cut writes one per platform)")
    options[api.cover_time_option] = int(at * 1000)
    return ""


def _row(post: Post) -> dict[str, Any]:
    return {"id": post.id, "platform": post.platform, "account_id": post.account_id,
            "state": post.state, "step": post.step,
            "due": datetime.fromtimestamp(post.due_ms / 1000, UTC).isoformat(),
            "video": post.video_path, "caption": post.caption,
            "options": json.loads(post.options), "attempts": post.attempts,
            "platform_id": post.platform_post_id, "url": post.url, "error": post.error}


@publish_app.command("list")
def list_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every post with its state."""
    from coulisses.publish import queue

    settings = load_settings()
    with _db(settings)() as session:
        rows = [_row(p) for p in queue.listing(session)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        _say(settings, "none")
    for r in rows:
        tail = r["url"] or r["error"]
        typer.echo(f"{r['id']:>5}  {r['state']:<16} {r['platform']:<10} {r['due'][:16]}  "
                   f"{Path(r['video']).name}  {tail}")


@publish_app.command("show")
def show_cmd(post_id: int = typer.Argument(...),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """One post, its journal and its history."""
    from coulisses.publish import queue

    settings = load_settings()
    with _db(settings)() as session:
        post = queue.get(session, post_id)
        row = _row(post)
        row["history"] = [{"at": datetime.fromtimestamp(e.at_ms / 1000, UTC).isoformat(),
                           "kind": e.kind, "state": e.state, "step": e.step,
                           "detail": e.detail} for e in queue.history(session, post_id)]
    if as_json:
        typer.echo(json.dumps(row, indent=2, ensure_ascii=False))
        return
    for key in ("id", "platform", "state", "step", "due", "video", "caption", "attempts",
                "platform_id", "url", "error"):
        typer.echo(f"{key:<12} {row[key]}")
    for e in row["history"]:
        typer.echo(f"  {e['at'][:19]}  {e['kind']:<10} {e['state']:<15} {e['step']:<12} "
                   f"{e['detail'][:100]}")


@publish_app.command("cancel")
def cancel_cmd(post_id: int = typer.Argument(...)) -> None:
    """Cancel a post that has not started publishing."""
    from coulisses.publish import queue

    settings = load_settings()
    with _db(settings)() as session:
        queue.cancel(session, post_id)
    _say(settings, "cancelled", id=post_id)


@publish_app.command("retry")
def retry_cmd(post_id: int = typer.Argument(...)) -> None:
    """Schedule a failed post again, now; it resumes from where it stood."""
    from coulisses.publish import queue

    settings = load_settings()
    with _db(settings)() as session:
        queue.retry(session, post_id)
    _say(settings, "retry", id=post_id)


@publish_app.command("complete")
def complete_cmd(post_id: int = typer.Argument(...),
                 url: str = typer.Argument(..., help="the published post's link")) -> None:
    """Record a post published by hand (manual channel) by its URL."""
    from coulisses.publish import manual, queue

    settings = load_settings()
    platform_id = manual.platform_id_from_url(url)
    with _db(settings)() as session:
        queue.complete(session, post_id, url.strip(), platform_id)
    _say(settings, "complete", id=post_id, url=url.strip())


@publish_app.command("export")
def export_cmd(
    fmt: str = typer.Option("csv", "--format",
                            help="csv, metricool, buffer, hootsuite, or ics (a calendar)"),
    out: Path | None = typer.Option(None, "--out", help="the file to write (default: stdout)"),
    timezone: str = typer.Option("UTC", "--timezone", help="the zone times are written in"),
    to: str = typer.Option("", "--to", help="only the posts to PLATFORM[:ACCOUNT]"),
    every: bool = typer.Option(False, "--all", help="published and cancelled posts too"),
    month_first: bool = typer.Option(False, "--month-first",
                                     help="Hootsuite dates as mm/dd/yyyy (default dd/mm/yyyy)"),
) -> None:
    """Write the queue as CSV, in coulisses' columns or a scheduling tool's, or as a calendar."""
    import sys

    from coulisses import spreadsheet
    from coulisses.output import write_bytes
    from coulisses.publish import accounts, bulk, queue

    settings = load_settings()
    fmt = fmt.strip().lower()
    with _db(settings)() as session:
        posts = queue.listing(session, states=() if every else queue.OPEN_STATES)
        if to:
            account = accounts.find(session, *_target(to))
            posts = [p for p in posts if p.account_id == account.id]
        rows = bulk.outgoing(session, posts, timezone)
        if fmt == "ics":  # a calendar: manual posts carry alarms
            from coulisses.publish.ics import posts_ics

            channels = {a.id: a.channel for a in accounts.listing(session)}
            data = posts_ics(posts, channels, _apis()[0])
    if fmt != "ics":
        separator = spreadsheet.delimiter(settings.lang) if fmt == "csv" else ","
        data = bulk.export_bytes(bulk.export_text(rows, fmt, separator,
                                                  month_first=month_first), fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_bytes(out, data, what="export")
    _say(settings, "exported", n=len(rows), out=out, format=fmt)


@publish_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="a CSV file: coulisses', Metricool's, Buffer's or "
                                          "Hootsuite's columns"),
    timezone: str = typer.Option("UTC", "--timezone",
                                 help="the zone of times written without one"),
    fmt: str = typer.Option("", "--format", help="the column set, when not detected"),
    to: str = typer.Option("", "--to", help="PLATFORM[:ACCOUNT] (Hootsuite files name none)"),
    force: bool = typer.Option(False, "--force", help="accept a video already scheduled there"),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="import the good rows only"),
    draft: bool = typer.Option(False, "--draft", help="import as drafts, to approve"),
    skip_qc: bool = typer.Option(False, "--skip-qc", help="do not check the videos first"),
    month_first: bool = typer.Option(False, "--month-first",
                                     help="Hootsuite dates as mm/dd/yyyy (default dd/mm/yyyy)"),
) -> None:
    """Schedule every row of a bulk CSV file; nothing is imported if a row is bad."""
    from coulisses.publish import bulk

    settings = load_settings()
    apis, _ = _apis()
    fmt = fmt.strip().lower()
    if fmt and fmt not in ("csv", "metricool", "buffer", "hootsuite"):
        raise UsageError(f"--format {fmt!r} is not csv, metricool, buffer or hootsuite")

    def qc(video: Path, api: PlatformApi) -> float:
        return _qc(video, api, settings)

    with _db(settings)() as session:
        try:
            done = bulk.import_file(session, file, apis, zone_name=timezone, dialect=fmt,
                                    to=to, force=force, skip_bad=skip_bad, draft=draft,
                                    qc=None if skip_qc else qc, month_first=month_first)
        except bulk.BulkImportError as exc:
            for line in exc.problems:
                typer.echo(line, err=True)
            raise
    for line in done.skipped:
        typer.echo(line, err=True)
    if done.skipped:
        _say(settings, "skipped", n=len(done.skipped))
    _say(settings, "imported", n=len(done.post_ids), file=file.name, format=done.dialect)
@publish_app.command("confirm")
def confirm_cmd(post_id: int = typer.Argument(...)) -> None:
    """Confirm a draft (from a plan): it is scheduled at its time."""
    from coulisses.publish import queue

    settings = load_settings()
    with _db(settings)() as session:
        post = queue.confirm(session, post_id)
        due = datetime.fromtimestamp(post.due_ms / 1000, UTC).isoformat(timespec="minutes")
    _say(settings, "confirmed", id=post_id, due=due)


@publish_app.command("sync")
def sync_cmd(
    since: str = typer.Option("", "--since", help="only posts published since YYYY-MM-DD"),
    store: Path | None = typer.Option(None, "--store", help="DuckDB file (default: "
                                      "<data_dir>/analytics.duckdb)"),
) -> None:
    """Read the numbers of published posts through the platforms' APIs into the analytics
    store, matched to their deliverables by platform id."""
    from coulisses.publish import accounts
    from coulisses.publish.sync import sync

    settings = load_settings()
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:
            raise UsageError(f"--since {since!r} is not a date", hint="e.g. --since 2026-12-01") \
                from None
    apis, _ = _apis()
    path = store if store is not None else settings.data_dir / "analytics.duckdb"
    result = sync(_db(settings), accounts.sealer(settings.publish_key, settings.data_dir), apis,
                  path, since=start, apps=settings.publish_apps,
                  backoff_s=settings.publish_backoff_ms / 1000)
    for line in result.problems:
        typer.echo(MESSAGES.get(settings.lang, MESSAGES["en"])["sync_problem"].format(
            line=line), err=True)
    _say(settings, "synced", posts=result.posts, matched=result.matched, values=result.values,
         store=path)
    if result.skipped:
        _say(settings, "sync_skipped", n=result.skipped)


@publish_app.command("run")
def run_cmd(until_idle: bool = typer.Option(False, "--until-idle",
                                            help="stop when nothing is due")) -> None:
    """The worker: publish what is due. Several may run at once."""
    from coulisses.publish.service import make_worker

    settings = load_settings()
    worker = make_worker(settings, _db(settings))
    try:
        handled = worker.run(until_idle=until_idle)
    finally:
        worker.close()
    _say(settings, "ran", n=handled)


@publish_app.command("sandbox")
def sandbox_cmd(
    port: int = typer.Option(8765, "--port"),
    faults: str = typer.Option("", "--faults", help="e.g. 5xx=0.1,429=0.05,drop=0.05; all=RATE"),
    state: Path | None = typer.Option(None, "--state", help="folder of its record"),
) -> None:
    """Run the local sandbox that speaks the platforms' publishing APIs."""
    import uvicorn

    from coulisses.publish.sandbox.app import create_app
    from coulisses.publish.sandbox.faults import parse_faults

    settings = load_settings()
    parsed = parse_faults(faults)
    folder = state or settings.data_dir / "publish-sandbox"
    app = create_app(folder, faults=parsed)
    _say(settings, "sandbox", url=f"http://127.0.0.1:{port}", faults=parsed.describe())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
