"""A guessed mapping as an editable YAML file: every line says what was guessed, how sure the
guess is and why; the columns left out are listed as comments, ready to uncomment. Written
atomically next to the export, never over an existing mapping without ``force``.
"""

from __future__ import annotations

import json
from pathlib import Path

from coulisses import atomic
from coulisses.errors import OutputError
from coulisses.kpi.imports.propose import CONFIDENT, POST_KEYS, Proposal

SUFFIX = ".mapping.yaml"
_WIDTH = 44  # the column where comments start


def mapping_path(source: Path) -> Path:
    """Where the guessed mapping of ``source`` goes: ``posts.csv`` -> ``posts.mapping.yaml``."""
    return source.with_name(source.stem + SUFFIX)


def next_command(source: Path | str, mapping: Path | str) -> str:
    """The command that imports ``source`` with its mapping (paths quoted when needed)."""
    return (f"coulisses kpi import {_shell(str(source))} --platform generic "
            f"--mapping {_shell(str(mapping))}")


def proposal_yaml(proposal: Proposal, source: str, command: str) -> str:
    """The mapping file's text, with comments (YAML keys and values quoted as JSON strings,
    which YAML reads as they are)."""
    data = proposal.mapping()
    lines = [
        f"# coulisses mapping for {source}, guessed from its header and first rows.",
        "# Check each line (the comment says how sure the guess is and why), fix what is wrong,",
        "# then import with:",
        f"#   {command}",
        "# Mapping proposée pour ce fichier : vérifiez chaque ligne, corrigez ce qui est faux,",
        "# puis lancez la commande ci-dessus. Docs: docs/kpi.md, Importing analytics.",
        "",
        "version: 1",
        _line(f"platform: {data['platform']}",
              f"{'guessed' if data['platform'] != 'other' else 'UNKNOWN'}: "
              f"{proposal.platform_why} (tiktok, instagram, facebook, youtube, linkedin, x, "
              "other)"),
    ]
    for guess in proposal.guesses:
        if guess.field in POST_KEYS:
            lines.append(_line(f"{POST_KEYS[guess.field]}: {_q(guess.column)}", _why(guess)))
    if proposal.date_format:
        lines.append(_line(f"date_format: {_q(proposal.date_format)}",
                           "day and month order seen in the dates"))
    lines.append(_line(f"decimal: {_q(proposal.decimal)}",
                       "decimal mark seen in the numbers" if proposal.decimal == "." else
                       "decimal comma: dates are read day first"))
    metrics = [g for g in proposal.guesses if g.field not in POST_KEYS]
    lines.append("metrics:" if metrics else "metrics: {}  # NOTHING TO IMPORT: add a column here")
    for guess in metrics:
        value = guess.field if guess.kind == "count" else \
            f"{{metric: {guess.field}, kind: {guess.kind}}}"
        lines.append(_line(f"  {_q(guess.column)}: {value}", _why(guess)))
    if proposal.unmapped:
        lines += ["", "# Not imported (to import one, add it under metrics: with a metric name,",
                  "# e.g.  \"Column\": my_metric   or   \"Column\": {metric: my_metric, kind: "
                  "percent}):"]
        lines += [f"#   {_q(u.column)}: {u.why}" for u in proposal.unmapped]
    if proposal.missing or proposal.notes:
        lines += ["", "# To check:"]
        lines += [f"#   not found: {m}" for m in proposal.missing]
        lines += [f"#   {n}" for n in proposal.notes]
    return "\n".join(lines) + "\n"


def write_proposal(path: Path, text: str, *, force: bool = False) -> Path:
    """Write the mapping atomically.

    Raises:
        OutputError: the file exists (without ``force``), or its folder cannot be written.
    """
    if path.exists() and not force:
        raise OutputError(f"{path} already exists: coulisses never replaces a mapping you may "
                          "have edited", path=path,
                          hint=f"use it: {next_command('FILE', path)}; or pass --force to "
                               "guess again over it")
    return atomic.write_text(path, text, what="mapping file")


def _why(guess: object) -> str:
    confidence = getattr(guess, "confidence", 0.0)
    mark = "" if confidence >= CONFIDENT else "CHECK: "
    return f"{mark}{round(confidence * 100)}%: {getattr(guess, 'why', '')}"


def _line(text: str, comment: str) -> str:
    return f"{text.ljust(_WIDTH)}  # {comment}"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _shell(text: str) -> str:
    import shlex

    return shlex.quote(text)
