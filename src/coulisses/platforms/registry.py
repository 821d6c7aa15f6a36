"""Load platform specs from data files: the built-ins and any folder a team adds.

Built-ins are read through ``load_dir`` exactly as a third party's folder would be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from coulisses.errors import SpecError
from coulisses.platforms.spec import PlatformSpec

_MAX_SPEC_BYTES = 256 * 1024


def load_file(path: Path) -> PlatformSpec:
    """Read and validate one spec file.

    Raises:
        SpecError: unreadable YAML or values that do not validate.
    """
    try:
        if path.stat().st_size > _MAX_SPEC_BYTES:
            raise SpecError(f"{path}: platform file is larger than 256 KiB")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read platform file: {exc}") from exc
    try:
        return PlatformSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SpecError(f"{path}: {where}: {first['msg']}") from exc


def load_dir(folder: Path | resources.abc.Traversable) -> dict[str, PlatformSpec]:
    """Load every ``*.yaml`` file in a folder, keyed by platform id.

    Raises:
        SpecError: a file does not validate, or two files share an id.
    """
    specs: dict[str, PlatformSpec] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        spec = load_file(Path(str(entry)))
        if spec.id in specs:
            raise SpecError(f"{entry.name}: platform id {spec.id!r} is defined twice")
        specs[spec.id] = spec
    return specs


def builtin_dir() -> Path:
    """The folder of packaged platform files."""
    return Path(str(resources.files("coulisses.platforms") / "data"))


class Registry(Mapping[str, PlatformSpec]):
    """Platform specs by id; later folders override earlier ones."""

    def __init__(self, specs: Mapping[str, PlatformSpec]) -> None:
        self._specs = dict(specs)

    @classmethod
    def load(cls, extra_dirs: Iterable[Path] = ()) -> Registry:
        """Built-ins first, then each extra folder in order.

        Raises:
            SpecError: a file does not validate.
        """
        specs = load_dir(builtin_dir())
        for folder in extra_dirs:
            specs.update(load_dir(folder))
        return cls(specs)

    def __getitem__(self, key: str) -> PlatformSpec:
        try:
            return self._specs[key]
        except KeyError:
            known = ", ".join(sorted(self._specs))
            raise SpecError(f"unknown platform {key!r}", platform=key,
                            hint=f"known platforms: {known}") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._specs))

    def __len__(self) -> int:
        return len(self._specs)

    def select(self, names: str | Iterable[str]) -> list[PlatformSpec]:
        """Specs for a comma-separated list or iterable of ids, in the order given, no repeats.

        Raises:
            SpecError: an id is unknown, or the list is empty.
        """
        items = names.split(",") if isinstance(names, str) else list(names)
        ids: list[str] = []
        for raw in items:
            name = raw.strip().lower()
            if name and name not in ids:
                ids.append(name)
        if not ids:
            raise SpecError("no platform named", hint="e.g. --to tiktok,instagram-feed")
        return [self[i] for i in ids]
