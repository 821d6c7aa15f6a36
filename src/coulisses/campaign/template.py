"""The commented starting file that ``coulisses campaign new`` writes, and the JSON Schema."""

from __future__ import annotations

import json
import os
import tempfile
from importlib import resources
from pathlib import Path

from coulisses.errors import OutputError, UnwritableOutputError, UsageError

STARTERS = {"en": "starter.yaml", "fr": "starter.fr.yaml"}


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
    text = starter_text(lang)
    if target.exists() and not force:
        raise OutputError(f"{target} already exists", path=target,
                          hint="choose another name, or pass --force to replace it")
    if target.is_dir():
        raise OutputError(f"{target} is a folder", path=target, hint="give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise UnwritableOutputError(f"folder {folder} does not exist", path=folder,
                                    hint="create it first")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise UnwritableOutputError(f"cannot write in {folder}: {exc.strerror}",
                                    path=folder) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def json_schema() -> str:
    """The campaign file's JSON Schema, as stable, indented text."""
    from coulisses.campaign.schema import Campaign

    schema = Campaign.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://coulisses.dev/schema/campaign-1.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
