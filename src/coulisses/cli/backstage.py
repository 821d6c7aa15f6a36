"""``coulisses backstage build``: a published backstage page as static files;
``backstage poll-out`` and ``poll-results``: a poll sent as platform polls, and its one tally."""

from __future__ import annotations

from pathlib import Path

import typer

from coulisses.settings import Settings, load_settings

backstage_app = typer.Typer(
    name="backstage", no_args_is_help=True, add_completion=False,
    help="The campaigns' public backstage pages (composed and published in the studio).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def register(app: typer.Typer) -> None:
    app.add_typer(backstage_app)


@backstage_app.command("build")
def build_cmd(
    campaign: str = typer.Argument(..., help="the campaign's id or name in the studio"),
    out: Path = typer.Option(..., "--out", help="folder for the page's files"),
    studio_url: str | None = typer.Option(None, "--studio-url", help=(
        "the studio's address the polls link back to (default: the public_url setting, "
        "else http://127.0.0.1:8000)")),
) -> None:
    """Export a published backstage page as static files (English and French), read-only:
    its polls and comments link back to the studio."""
    from coulisses.backstage.export import build, find_page
    from coulisses.studio.db import default_url, open_database

    settings = load_settings()
    engine, sessions = open_database(default_url(settings))
    try:
        with sessions() as db:
            written = build(db, find_page(db, campaign), settings, out,
                            studio_url or settings.public_url or "http://127.0.0.1:8000")
    finally:
        engine.dispose()
    for path in written:
        if path.suffix == ".html":
            typer.echo(str(path))


# --- platform polls (issue 14) ---
POLL_TEXT: dict[str, dict[str, str]] = {
    "en": {"queued": "poll {poll} queued as LinkedIn post {post}: `coulisses publish run` posts it",
           "attached": "poll {poll} attached to Instagram post {post} as its caption poll",
           "page": "page (verified)", "api": "read through the API", "typed": "typed in",
           "estimated": "estimated", "waiting": "waiting: {what}",
           "totals": "verified on the page: {v}; with exact platform counts: {x}; "
                     "estimated elsewhere: {e}"},
    "fr": {"queued": "sondage {poll} mis en file comme publication LinkedIn {post} : "
                     "`coulisses publish run` la publie",
           "attached": "sondage {poll} joint à la publication Instagram {post} comme sondage "
                       "de légende",
           "page": "page (vérifiés)", "api": "lu par l'API", "typed": "saisi à la main",
           "estimated": "estimé", "waiting": "en attente : {what}",
           "totals": "vérifiés sur la page : {v} ; avec les comptes exacts des plateformes : "
                     "{x} ; estimés ailleurs : {e}"},
}


def _say(settings: Settings, key: str, **values: object) -> str:
    return POLL_TEXT.get(settings.lang, POLL_TEXT["en"])[key].format(**values)


@backstage_app.command("poll-out")
def poll_out_cmd(
    poll: int = typer.Argument(..., help="the poll's id (shown in the studio)"),
    linkedin: str | None = typer.Option(None, "--linkedin", help=(
        "post it as a LinkedIn poll from this account (its name; empty: the only one)")),
    instagram_post: int | None = typer.Option(None, "--instagram-post", help=(
        "attach it as the caption poll of this scheduled Instagram post (its id)")),
    duration: str = typer.Option("SEVEN_DAYS", "--duration", help=(
        "how long the LinkedIn poll runs: ONE_DAY, THREE_DAYS, SEVEN_DAYS or FOURTEEN_DAYS")),
    text: str = typer.Option("", "--text", help="the LinkedIn post's text (default: the "
                                                "question)"),
) -> None:
    """Send a poll out as platform polls, once: a LinkedIn poll post, or the caption poll of an
    Instagram reel that is still scheduled (Instagram takes one only at creation)."""
    from coulisses.backstage import platform_polls
    from coulisses.backstage.tables import BackstagePage, Poll
    from coulisses.errors import NotFoundError, UsageError
    from coulisses.publish.accounts import find
    from coulisses.publish.studio import sessions

    settings = load_settings()
    if linkedin is None and instagram_post is None:
        raise UsageError("say where the poll goes: --linkedin ACCOUNT or --instagram-post ID")
    with sessions(settings)() as db:
        found = db.get(Poll, poll)
        the_page = db.get(BackstagePage, found.page_id) if found is not None else None
        if found is None or the_page is None:
            raise NotFoundError("No such poll.", hint="its id is shown in the studio")
        lines = []
        if linkedin is not None:
            account = find(db, "linkedin", linkedin or None)
            post = platform_polls.send_linkedin(db, found, account_id=account.id,
                                                workspace_id=the_page.workspace_id,
                                                duration=duration.upper(), commentary=text)
            lines.append(_say(settings, "queued", poll=poll, post=post.id))
        if instagram_post is not None:
            platform_polls.attach_instagram(db, found, post_id=instagram_post,
                                            workspace_id=the_page.workspace_id)
            lines.append(_say(settings, "attached", poll=poll, post=instagram_post))
        db.commit()
    for line in lines:
        typer.echo(line)


@backstage_app.command("poll-results")
def poll_results_cmd(
    poll: int = typer.Argument(..., help="the poll's id (shown in the studio)"),
) -> None:
    """Read the platform polls' results back through their APIs, then print the one tally,
    channel by channel: the page's verified votes, exact platform counts, estimates."""
    from coulisses.backstage import platform_polls, platform_tallies
    from coulisses.backstage.tables import Poll
    from coulisses.errors import NotFoundError
    from coulisses.publish.accounts import sealer
    from coulisses.publish.api import builtin_apis
    from coulisses.publish.studio import sessions
    from coulisses.studio.tables import utcnow

    settings = load_settings()
    made = sessions(settings)
    result = platform_polls.read_back(made, sealer(settings.publish_key, settings.data_dir),
                                      builtin_apis(), poll, now=utcnow())
    with made() as db:
        found = db.get(Poll, poll)
        if found is None:
            raise NotFoundError("No such poll.")
        merged = platform_tallies.merged(db, found)
        typer.echo(f"{found.question}")
        typer.echo(f"  {_say(settings, 'page')}: "
                   + " · ".join(f"{o.label} {n}" for o, n in merged.page))
        for channel in merged.channels:
            how = _say(settings, "api" if channel.source == "api" else "typed")
            if channel.estimated:
                how += ", " + _say(settings, "estimated")
            typer.echo(f"  {channel.channel} ({how}): "
                       + " · ".join(f"{o.label} {n}" for o, n in channel.counts))
        typer.echo(_say(settings, "totals", v=merged.verified_total, x=merged.exact_total,
                        e=merged.estimated_total))
    for line in result.waiting:
        typer.echo(_say(settings, "waiting", what=line))
    for line in result.problems:
        typer.echo(line, err=True)
