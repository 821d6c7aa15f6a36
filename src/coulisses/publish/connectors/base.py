"""What every connector shares: the post it publishes, its journal, and the ``Connector`` protocol.

A connector publishes in resumable steps. Before each call that changes something on the
platform it records an intent in the journal; after it, the outcome and the handles it got
(publish id, session URI, container id, video URN). Started again on the same post, it first
asks the platform where those handles stand, and never posts a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from coulisses.publish.api import PlatformApi
from coulisses.publish.connectors.http import ApiClient


@dataclass(frozen=True)
class Upload:
    """One post as a connector sees it."""

    post_id: int
    path: Path
    size: int
    sha256: str
    caption: str
    options: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    account: str = ""  # the platform's id of the account (user, page, member)
    cover: Path | None = None  # a cover image, where the platform takes one


@dataclass(frozen=True)
class Published:
    platform_id: str
    url: str


class Journal(Protocol):
    """The durable record of a post's steps (the database, or a dict in a test)."""

    @property
    def state(self) -> dict[str, Any]: ...

    def intent(self, step: str, **data: Any) -> None: ...

    def outcome(self, step: str, **data: Any) -> None: ...


class Connector(Protocol):
    """Publishes one post, resuming from what its journal holds."""

    def publish(self, upload: Upload, journal: Journal) -> Published: ...


@dataclass
class Endpoints:
    """Absolute URLs of one platform's API, for the real service or the sandbox."""

    api: PlatformApi
    sandbox_url: str = ""

    @property
    def base(self) -> str:
        if self.sandbox_url:
            return f"{self.sandbox_url.rstrip('/')}/{self.api.id}"
        return self.api.base_url

    def url(self, name: str, **values: str) -> str:
        path = self.api.endpoints[name].format(version=self.api.api_version.value, **values)
        return self.base + path


def read_piece(path: Path, first: int, length: int) -> bytes:
    """``length`` bytes of ``path`` from ``first``."""
    with open(path, "rb") as fh:
        fh.seek(first)
        return fh.read(length)


def option_fields(api: PlatformApi, options: dict[str, Any]) -> dict[str, Any]:
    """Options keyed by the API field each is sent as."""
    return {api.options[k].field: v for k, v in options.items() if k in api.options}


@dataclass
class Context:
    """What a connector is built from."""

    endpoints: Endpoints
    client: ApiClient
    poll_s: float = 2.0
    max_polls: int = 60


class MemoryJournal:
    """A journal held in a dict: for one-off publishing where no database records the steps."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self._state: dict[str, Any] = dict(state or {})
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    @property
    def state(self) -> dict[str, Any]:
        return self._state

    def intent(self, step: str, **data: Any) -> None:
        self._state.update(data)
        self.events.append(("intent", step, data))

    def outcome(self, step: str, **data: Any) -> None:
        self._state.update(data)
        self.events.append(("outcome", step, data))
