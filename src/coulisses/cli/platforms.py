"""``coulisses platforms``: the platform specs and where each value comes from."""

from __future__ import annotations

import json

import typer

from coulisses.settings import load_settings


def register(app: typer.Typer) -> None:
    app.command("platforms")(platforms_cmd)


def platforms_cmd(
    as_json: bool = typer.Option(False, "--json", help="print every value with its source"),
    platform: str = typer.Argument("", help="one platform id to show in full"),
) -> None:
    """List the platform specs: canvas, durations, size, loudness, safe zones, captions."""
    from rich.console import Console
    from rich.table import Table

    from coulisses.platforms.registry import Registry

    registry = Registry.load(load_settings().platform_dirs)
    specs = [registry[platform]] if platform else [registry[k] for k in registry]
    if as_json:
        typer.echo(json.dumps({s.id: s.model_dump(mode="json") for s in specs}, indent=2,
                              ensure_ascii=False))
        return
    table = Table(title="coulisses platforms")
    for col in ("id", "canvas", "fps", "duration", "max size", "video kb/s", "loudness",
                "safe zone t/b/l/r", "captions"):
        table.add_column(col)
    for s in specs:
        table.add_row(
            s.id, f"{s.canvas.width}x{s.canvas.height} ({s.canvas.aspect})",
            f"{s.frame_rate.min:g}-{s.frame_rate.max:g}",
            f"{s.duration.min_seconds:g}-{s.duration.max_seconds:g} s",
            f"{s.file.max_bytes / 1e6:,.0f} MB", f"{s.video.target_kbps}/{s.video.max_kbps}",
            f"{s.loudness.integrated_lufs:g} LUFS, {s.loudness.true_peak_dbtp:g} dBTP",
            f"{s.safe_zone.top}/{s.safe_zone.bottom}/{s.safe_zone.left}/{s.safe_zone.right}",
            f"{s.captions.chars_per_line}x{s.captions.max_lines}, {s.captions.max_cps:g} cps")
    Console(width=200).print(table)
    typer.echo("Sources: coulisses platforms --json, or coulisses platforms ID --json")
