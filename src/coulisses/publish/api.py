"""``PlatformApi``: one platform's publishing API as data (version, endpoints, limits, options).

Built-ins live in ``publish/data/*.yaml`` and are read through ``load_dir`` exactly as a team's
own folder would be; every group names its source, so a retired API version is a one-line change.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coulisses.errors import SpecError, UsageError

_MAX_FILE_BYTES = 128 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A public document a value was taken from."""

    title: str
    url: str
    confidence: Literal["primary", "secondary", "disputed", "unverified"]


class _Sourced(_Strict):
    source: str = Field(description="key into the file's `sources`")
    note: str | None = None


class ApiVersion(_Sourced):
    value: str = Field(description="the version the connector sends or puts in its paths")
    header: str | None = Field(default=None, description="header that carries it, if any")
    retires: date | None = Field(default=None, description="day the platform stops serving it")


class Auth(_Sourced):
    authorize_url: str
    token_url: str
    scopes: list[str]
    access_seconds: int = Field(gt=0, description="typical access-token lifetime")
    client_id_param: str = Field(default="client_id", description="TikTok calls it client_key")
    needs_account: bool = Field(default=True,
                                description="calls name the account (user, page, member) by id")
    pkce: bool = Field(default=True, description="the authorize step takes a PKCE challenge")
    long_lived: bool = Field(default=False,
                             description="Meta: no refresh token; the code's short-lived user "
                                         "token is swapped for a long-lived one "
                                         "(fb_exchange_token) at once")
    lookup: Literal["token", "meta-pages", "meta-instagram", "linkedin"] = Field(
        default="token", description="how the account to post as is found after sign-in: "
                                     "named in the token answer, or a documented lookup call")


class Limits(_Sourced):
    caption_max_chars: int = Field(gt=0)
    hashtags_max: int | None = Field(default=None, gt=0)
    max_bytes: int = Field(gt=0)
    min_seconds: float = Field(ge=0)
    max_seconds: float = Field(gt=0)


class Chunks(_Sourced):
    """How the bytes go up: sizes of the pieces and how many there may be."""

    single_max_bytes: int = Field(gt=0, description="largest file sent as one piece")
    chunk_bytes: int = Field(gt=0, description="size of each piece the connector sends")
    min_bytes: int = Field(gt=0, description="smallest piece the platform accepts (not last)")
    max_bytes: int = Field(gt=0, description="largest piece the platform accepts (not last)")
    last_max_bytes: int | None = Field(default=None, gt=0)
    multiple_of: int = Field(default=1, gt=0, description="pieces other than the last")
    max_count: int = Field(default=10000, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> Chunks:
        if not self.min_bytes <= self.chunk_bytes <= self.max_bytes:
            raise ValueError("chunk_bytes must lie between min_bytes and max_bytes")
        if self.chunk_bytes % self.multiple_of:
            raise ValueError("chunk_bytes must be a multiple of multiple_of")
        return self


class Quota(_Sourced):
    name: str
    limit: int = Field(gt=0)
    window_hours: float = Field(gt=0)
    per: Literal["account", "project", "token"]


class MetricField(_Strict):
    """One field of a metrics answer and the canonical metric it is stored as."""

    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="canonical metric name")
    scale: float = Field(default=1.0, gt=0, description="e.g. 0.001 for milliseconds")


class Metrics(_Sourced):
    """Where a published post's numbers are read, and which fields they come in."""

    endpoint: str = Field(description="path template of the per-post metrics call")
    style: Literal["tiktok-video-query", "graph-insights", "youtube-statistics",
                   "youtube-analytics", "linkedin-member-analytics"] = Field(
        description="the shape of the call")
    base_url: str | None = Field(default=None, description="its host, when not the API's")
    batch: int = Field(default=1, gt=0, le=100, description="posts asked per call")
    fields: dict[str, MetricField]


class Option(_Strict):
    """One post option a user may set, with the values the platform accepts."""

    kind: Literal["choice", "bool", "text", "tags", "int"]
    field: str = Field(description="the API field it is sent as")
    help: str
    values: list[str] = Field(default_factory=list)
    default: str | bool | int | None = None
    max_length: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _choices(self) -> Option:
        if self.kind == "choice" and not self.values:
            raise ValueError("a choice option needs values")
        if self.kind == "choice" and self.default is not None and self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not one of the values")
        return self


class PlatformApi(_Strict):
    """One platform's publishing API."""

    version: Literal[1] = 1
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    base_url: str
    upload_base_url: str | None = Field(default=None, description="host of byte uploads")
    api_version: ApiVersion
    auth: Auth
    endpoints: dict[str, str] = Field(description="step name -> path template")
    limits: Limits
    chunks: Chunks
    quotas: list[Quota] = Field(default_factory=list)
    metrics: Metrics | None = Field(default=None, description="per-post metrics (sync)")
    options: dict[str, Option] = Field(default_factory=dict)
    cover_time_option: str | None = Field(
        default=None, description="the option that takes `--cover TIME`, in milliseconds")
    specs: list[str] = Field(description="platform spec ids this API publishes (render/QC)")
    review: str = Field(description="what an app must pass before it can post publicly")
    checklist: list[str] = Field(description="what a person checks when posting by hand")
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _sources_exist(self) -> PlatformApi:
        groups: list[_Sourced] = [self.api_version, self.auth, self.limits, self.chunks,
                                  *self.quotas, *([self.metrics] if self.metrics else [])]
        for group in groups:
            if group.source not in self.sources:
                raise ValueError(f"{type(group).__name__} names unknown source {group.source!r}")
        cover = self.options.get(self.cover_time_option or "")
        if self.cover_time_option and (cover is None or cover.kind != "int"):
            raise ValueError("cover_time_option must name an int option")
        if self.limits.min_seconds >= self.limits.max_seconds:
            raise ValueError("limits: min_seconds must be below max_seconds")
        return self

    def retired(self, today: date) -> bool:
        """Whether the API version in the data is past its retirement day."""
        return self.api_version.retires is not None and today >= self.api_version.retires


def load_file(path: Path) -> PlatformApi:
    """Read and validate one API file.

    Raises:
        SpecError: unreadable YAML or values that do not validate.
    """
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise SpecError(f"{path}: publishing API file is larger than 128 KiB")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read publishing API file: {exc}") from exc
    try:
        return PlatformApi.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SpecError(f"{path}: {where}: {first['msg']}") from exc


def load_dir(folder: Path) -> dict[str, PlatformApi]:
    """Every ``*.yaml`` in a folder, keyed by platform id.

    Raises:
        SpecError: a file does not validate, or two files share an id.
    """
    apis: dict[str, PlatformApi] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            api = load_file(entry)
            if api.id in apis:
                raise SpecError(f"{entry.name}: publishing API {api.id!r} is defined twice")
            apis[api.id] = api
    return apis


def builtin_apis() -> dict[str, PlatformApi]:
    """The packaged API files."""
    return load_dir(Path(str(resources.files("coulisses.publish") / "data")))


def get_api(apis: dict[str, PlatformApi], platform: str) -> PlatformApi:
    """The API of ``platform``.

    Raises:
        SpecError: no such platform.
    """
    try:
        return apis[platform]
    except KeyError:
        raise SpecError(f"no publishing API for {platform!r}", platform=platform,
                        hint=f"known: {', '.join(sorted(apis))}") from None


def validate_options(api: PlatformApi, raw: dict[str, str]) -> dict[str, Any]:
    """Turn ``KEY=VALUE`` strings into typed option values, defaults filled in.

    Raises:
        UsageError: an unknown key, or a value the platform does not accept.
    """
    out: dict[str, Any] = {}
    for key, text in raw.items():
        option = api.options.get(key)
        if option is None:
            raise UsageError(f"{api.name} has no option {key!r}",
                             hint=f"known: {', '.join(sorted(api.options)) or 'none'}")
        out[key] = _parse(api, key, option, text)
    for key, option in api.options.items():
        if key not in out and option.default is not None:
            out[key] = option.default
    return out


def _parse(api: PlatformApi, key: str, option: Option, text: str) -> Any:
    where = f"{api.name} option {key}"
    if option.kind == "choice":
        if text not in option.values:
            raise UsageError(f"{where}: {text!r} is not allowed",
                             hint=f"one of {', '.join(option.values)}")
        return text
    if option.kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "1", "on", "oui"):
            return True
        if lowered in ("false", "no", "0", "off", "non"):
            return False
        raise UsageError(f"{where}: {text!r} is not true or false")
    if option.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{where}: {text!r} is not a whole number") from None
    if option.kind == "tags":
        tags = [t.strip() for t in text.split(",") if t.strip()]
        if option.max_length and sum(len(t) for t in tags) > option.max_length:
            raise UsageError(f"{where}: tags are longer than {option.max_length} characters")
        return tags
    if option.max_length and len(text) > option.max_length:
        raise UsageError(f"{where}: longer than {option.max_length} characters")
    return text


def check_caption(api: PlatformApi, caption: str) -> None:
    """Refuse a caption over the platform's length or hashtag limits.

    Raises:
        UsageError: too long, or too many hashtags.
    """
    if len(caption) > api.limits.caption_max_chars:
        raise UsageError(f"caption has {len(caption)} characters; {api.name} takes at most "
                         f"{api.limits.caption_max_chars}")
    tags = [w for w in caption.split() if w.startswith("#") and len(w) > 1]
    if api.limits.hashtags_max is not None and len(tags) > api.limits.hashtags_max:
        raise UsageError(f"caption has {len(tags)} hashtags; {api.name} takes at most "
                         f"{api.limits.hashtags_max}")
