"""The one exception tree of coulisses.

Every failure a user can meet is a leaf of ``CoulissesError``. Leaves carry the context a person
needs to act (file, platform, rule, ffmpeg argv and stderr tail), an exit code for the CLI and an
HTTP status for the web app. Surfaces turn them into one clear line; the core never returns
``False`` or a status code for failure::

    CoulissesError                      exit 1   HTTP 500
    ├── UsageError                      exit 2   HTTP 400   bad option values, bad time codes
    ├── InputError                      exit 3   HTTP 422
    │   ├── UnsafeInputError                                URLs, playlists, protocols not allowed
    │   ├── MediaError                                      cannot be read as video
    │   │   ├── EmptyFileError                              zero-length file
    │   │   ├── CorruptMediaError                           unreadable, truncated, not media
    │   │   ├── NoVideoError                                audio-only, still images
    │   │   └── AbsurdMediaError                            sizes or durations out of range
    │   ├── CaptionError                                    unreadable SRT/VTT
    │   ├── SpecError                                       unknown platform, invalid spec data
    │   │   └── DurationError                               span outside a platform's limits
    │   ├── CampaignError                                   campaign file: file, line, column, hint
    │   ├── AnalyticsImportError                            export: file, sheet, row, column
    │   └── UploadError                     HTTP 413/415    oversized or mistyped upload
    ├── RightsError                     exit 7   HTTP 409   no consent, or unlicensed music
    ├── AccessError                     exit 8   HTTP 403   not signed in or not allowed (web)
    │   ├── AuthenticationError                  HTTP 401   wrong password, expired session
    │   ├── RateLimitError                       HTTP 429   too many attempts: wait, then retry
    │   └── NotFoundError                        HTTP 404   no such item in this workspace
    ├── ConflictError                   exit 9   HTTP 409   edited by someone else meanwhile
    ├── OutputError                     exit 4   HTTP 500
    │   ├── UnsafeOutputError                               a path that would leave the out folder
    │   ├── UnwritableOutputError                           folder missing or read-only
    │   └── DiskFullError                                   no space left while writing
    ├── FFmpegError                     exit 5   HTTP 500   ffmpeg failed: argv, code, stderr tail
    ├── QCFailedError                   exit 6   HTTP 422   an output does not meet its platform
    ├── PlatformError                   exit 10  HTTP 502   a platform refused, in its own words
    ├── TransientError                  exit 11  HTTP 503   not now (5xx, 429, network): try later
    ├── LeaseLost                       exit 12  HTTP 409   another worker took the post over
    └── NotApprovedError                exit 13  HTTP 409   the cut to publish was not approved
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class CoulissesError(Exception):
    """Root of every error coulisses raises on purpose."""

    exit_code: int = 1
    http_status: int = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and hint on one line, as the CLI prints it."""
        text = _flat(self.message)
        if self.hint:
            text += f" ({_flat(self.hint)})"
        return text


def _flat(text: str) -> str:
    """One line, keeping the spacing of file names inside it."""
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace(
        "\t", " ").strip()


class UsageError(CoulissesError):
    """An option value that cannot be understood."""

    exit_code = 2
    http_status = 400


class InputError(CoulissesError):
    """A user-supplied file or value that coulisses cannot work with."""

    exit_code = 3
    http_status = 422

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.path = path


class UnsafeInputError(InputError):
    """A URL, playlist or protocol that user media may not use."""


class MediaError(InputError):
    """A file that cannot be used as a video source."""


class EmptyFileError(MediaError):
    """The file has zero bytes."""


class CorruptMediaError(MediaError):
    """The file is damaged, truncated, or not media at all."""


class NoVideoError(MediaError):
    """The file has no moving picture (audio only, or a still image)."""


class AbsurdMediaError(MediaError):
    """The file's size, frame size or duration is outside what coulisses accepts."""


class CaptionError(InputError):
    """A caption file that cannot be read."""


class SpecError(InputError):
    """An unknown platform, or platform data that does not validate."""

    def __init__(self, message: str, *, platform: str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.platform = platform


class DurationError(SpecError):
    """A span that does not fit a platform's duration limits."""


class OutputError(CoulissesError):
    """Coulisses cannot write where it was asked to."""

    exit_code = 4
    http_status = 500

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.path = path


class UnsafeOutputError(OutputError):
    """An output name that would resolve outside the chosen folder."""


class UnwritableOutputError(OutputError):
    """The output folder does not exist or cannot be written."""


class DiskFullError(OutputError):
    """The disk filled up while writing."""


class FFmpegError(CoulissesError):
    """ffmpeg exited with an error."""

    exit_code = 5
    http_status = 500

    def __init__(self, message: str, *, argv: Sequence[str] = (), returncode: int | None = None,
                 stderr_tail: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.argv = tuple(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class QCFailedError(CoulissesError):
    """One or more outputs do not meet their platform's spec."""

    exit_code = 6
    http_status = 422

    def __init__(self, message: str, *, reasons: Sequence[str] = (), hint: str | None = None):
        super().__init__(message, hint=hint)
        self.reasons = tuple(reasons)


class CampaignError(InputError):
    """A campaign file that cannot be read or does not validate: located by file, line, column."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None,
                 errors: Sequence[CampaignError] = ()) -> None:
        super().__init__(message, path=path, hint=hint)
        self.line = line
        self.column = column
        self.errors = tuple(errors) or (self,)  # every problem found, this one first

    def one_line(self) -> str:
        where = str(self.path) if self.path is not None else "campaign"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {super().one_line()}"


class AnalyticsImportError(InputError):
    """An analytics export that cannot be imported: located by file, sheet, row and column."""

    def __init__(self, message: str, *, path: Path | str | None = None, sheet: str | None = None,
                 row: int | None = None, column: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, path=path, hint=hint)
        self.sheet = sheet
        self.row = row
        self.column = column

    def one_line(self) -> str:
        parts = [str(self.path) if self.path is not None else "export"]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return f"{', '.join(parts)}: {super().one_line()}"


class UploadError(InputError):
    """An upload that is too large or not of an accepted type."""

    def __init__(self, message: str, *, http_status: int = 415, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.http_status = http_status


class RightsError(CoulissesError):
    """The rights gate: a person without consent or music without a licence for a platform."""

    exit_code = 7
    http_status = 409

    def __init__(self, message: str, *, reasons: Sequence[str] = (), hint: str | None = None):
        super().__init__(message, hint=hint)
        self.reasons = tuple(reasons)


class AccessError(CoulissesError):
    """Not allowed: the user's role or workspace does not permit this."""

    exit_code = 8
    http_status = 403


class AuthenticationError(AccessError):
    """Not signed in, wrong credentials, or an expired session."""

    http_status = 401


class RateLimitError(AccessError):
    """Too many attempts in a short time (sign-ins): wait, then try again."""

    http_status = 429


class NotFoundError(AccessError):
    """No such item in this workspace (also what another workspace's items look like)."""

    http_status = 404


class ConflictError(CoulissesError):
    """Someone else changed this item since it was read: nothing was overwritten."""

    exit_code = 9
    http_status = 409


class PlatformError(CoulissesError):
    """A publishing platform refused the request; retrying the same request cannot succeed."""

    exit_code = 10
    http_status = 502

    def __init__(self, platform: str, message: str, *, status: int | None = None,
                 code: str = "", hint: str | None = None) -> None:
        where = f"{platform}" + (f" HTTP {status}" if status else "") + (f" {code}" if code else "")
        super().__init__(f"{where}: {message}", hint=hint)
        self.platform = platform
        self.status = status
        self.code = code


class TransientError(CoulissesError):
    """A platform could not answer now (5xx, 429, network); a later attempt may succeed,
    not before ``retry_after`` seconds when the platform said so."""

    exit_code = 11
    http_status = 503

    def __init__(self, message: str, *, hint: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class LeaseLost(CoulissesError):
    """This worker's claim on a post ran out and another worker holds it now."""

    exit_code = 12
    http_status = 409


class NotApprovedError(CoulissesError):
    """A post asked for a cut that nobody approved in the studio."""

    exit_code = 13
    http_status = 409
