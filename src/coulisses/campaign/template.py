"""The files ``coulisses campaign new`` writes (the commented starter, or one of the packaged
examples) and the JSON Schema. The examples live in ``campaign/data/examples/``, shipped in the
wheel; the repository's ``examples/`` folder only points to them.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses import output
from coulisses.errors import OutputError, UnwritableOutputError, UsageError

if TYPE_CHECKING:
    from collections.abc import Collection
    from importlib.resources.abc import Traversable

    from coulisses.campaign.schema import Campaign

STARTERS = {"en": "starter.yaml", "fr": "starter.fr.yaml"}


def _examples() -> Traversable:
    return resources.files("coulisses.campaign") / "data" / "examples"


def example_names() -> list[str]:
    """The packaged example campaigns, by name (the file name without ``.yaml``)."""
    return sorted(f.name.removesuffix(".yaml") for f in _examples().iterdir()
                  if f.name.endswith(".yaml"))


def example_text(name: str) -> str:
    """The packaged example campaign ``name``, e.g. ``casting-series-fr``.

    Raises:
        UsageError: no example of that name.
    """
    known = example_names()
    stem = name.removesuffix(".yaml")
    if stem not in known:
        raise UsageError(f"no example campaign {name!r}", hint="known: " + ", ".join(known))
    return (_examples() / f"{stem}.yaml").read_text(encoding="utf-8")


def load_example(name: str, *, platform_ids: Collection[str] | None = None) -> Campaign:
    """The packaged example campaign ``name``, loaded and validated (errors name it).

    Raises:
        UsageError: no example of that name.
        CampaignError: it does not validate against ``platform_ids``.
    """
    from coulisses.campaign.load import loads_campaign

    stem = name.removesuffix(".yaml")
    return loads_campaign(example_text(stem), f"{stem}.yaml", platform_ids=platform_ids)


def starter_text(lang: str = "en") -> str:
    """The starting campaign file, commented in ``lang`` (en or fr).

    Raises:
        UsageError: a language with no starter.
    """
    name = STARTERS.get(lang)
    if name is None:
        raise UsageError(f"no starting file in {lang!r}", hint="use --lang en or --lang fr")
    return (resources.files("coulisses.campaign") / "data" / name).read_text(encoding="utf-8")


def write_starter(target: Path, *, lang: str = "en", force: bool = False) -> Path:
    """Write the starting file at ``target`` atomically; never overwrite without ``force``.

    Raises:
        UsageError: unknown language.
        OutputError: the file exists (without ``force``), or its folder cannot be written.
    """
    return write_text(target, starter_text(lang), force=force)


def write_example(target: Path, name: str, *, force: bool = False) -> Path:
    """Write the packaged example ``name`` at ``target``, as ``write_starter`` does.

    Raises:
        UsageError: no example of that name.
        OutputError: as ``write_starter``.
    """
    return write_text(target, example_text(name), force=force)


def write_text(target: Path, text: str, *, force: bool = False) -> Path:
    """Write ``text`` at ``target`` atomically; never overwrite without ``force``.

    Raises:
        OutputError: the file exists (without ``force``), or its folder cannot be written.
    """
    if target.exists() and not force:
        raise OutputError(f"{target} already exists", path=target,
                          hint="choose another name, or pass --force to replace it")
    if target.is_dir():
        raise OutputError(f"{target} is a folder", path=target, hint="give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise UnwritableOutputError(f"folder {folder} does not exist", path=folder,
                                    hint="create it first")
    return output.write_text(target, text, what="campaign file")


def json_schema() -> str:
    """The campaign file's JSON Schema, as stable, indented text."""
    from coulisses.campaign.schema import Campaign

    schema = Campaign.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://coulisses.dev/schema/campaign-1.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
