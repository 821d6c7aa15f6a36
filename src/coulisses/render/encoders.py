"""Whether the video encoder a cut asks for works here, checked once before any rendering.

``x264`` is built into the ffmpeg wheel and always works. ``nvenc`` (h264_nvenc) needs an
NVIDIA GPU with a video encoder block, and its driver: a tiny encode of a generated picture
proves it, once per ffmpeg binary for the life of the process. Each ffmpeg build asks for a
minimum driver: the wheel's ffmpeg 9 asks for NVENC API 13.1 (driver 610 or newer), and the
refusal says which driver it wants. Some GPUs have no encoder at all: the data-centre A100, H100
and H200 decode video but cannot encode it; on an H200 an ffmpeg whose API the driver supports
opens the GPU and is told "unsupported device" (docs/benchmarks.md, "nvenc on a GPU"), and the
refusal says the GPU has no NVENC, since no driver or build changes that.
"""

from __future__ import annotations

from coulisses.errors import FFmpegError, UsageError
from coulisses.media.ffmpeg import Command, Runner
from coulisses.settings import Encoder

# one 256x256 frame: the smallest encode that opens the GPU session the real one would
NVENC_CHECK = Command(args=("-loglevel", "error", "-f", "lavfi", "-i", "nullsrc=s=256x256:d=0.1",
                            "-frames:v", "1", "-c:v", "h264_nvenc", "-f", "null", "-"),
                      label="nvenc check")
_checked: dict[str, str | None] = {}  # ffmpeg binary -> None (works) or why not
# what h264_nvenc says when the driver answers but the GPU has no encoder block
NO_DEVICE_SIGNS = ("no capable devices found", "unsupported device")
NO_ENCODER = "no encoder: "


def require_encoder(encoder: Encoder, runner: Runner) -> None:
    """Refuse, before any work, an encoder this machine cannot run.

    Raises:
        UsageError: ``nvenc`` was asked for and h264_nvenc does not work with this ffmpeg.
    """
    if encoder == "x264":
        return
    key = getattr(runner, "exe", None)
    why = _checked[key] if isinstance(key, str) and key in _checked else _try_nvenc(runner)
    if isinstance(key, str):
        _checked[key] = why
    if why is None:
        return
    if why.startswith(NO_ENCODER):
        raise UsageError(f"--encoder nvenc: this GPU has no NVENC video encoder "
                         f"({why.removeprefix(NO_ENCODER)})",
                         hint="use --encoder x264: no driver or ffmpeg build adds an encoder "
                              "to this GPU")
    if "driver" in why.lower():
        raise UsageError(f"--encoder nvenc: h264_nvenc does not work here ({why})",
                         hint="update the NVIDIA driver, or set COULISSES_FFMPEG to an ffmpeg "
                              "built for this driver; or use --encoder x264")
    raise UsageError(f"--encoder nvenc: h264_nvenc does not work here ({why})",
                     hint="it needs an NVIDIA GPU and driver; use --encoder x264")


def _try_nvenc(runner: Runner) -> str | None:
    """None when h264_nvenc encodes a frame, else the reason ffmpeg gives."""
    try:
        runner.run(NVENC_CHECK)
    except FFmpegError as exc:
        lines = (exc.stderr_tail or exc.message).splitlines()
        named = [ln for ln in lines if "nvenc" in ln.lower() or "cuda" in ln.lower()]
        why = _reason((named or lines or ["ffmpeg failed"])[0])
        if any(sign in ln.lower() for ln in named for sign in NO_DEVICE_SIGNS):
            return NO_ENCODER + why
        # an old driver: ffmpeg's next line names the driver this build needs
        wants = [_reason(ln) for ln in named[1:] if "minimum required" in ln.lower()]
        return f"{why}; {wants[0]}" if wants else why
    return None


def _reason(line: str) -> str:
    """``[h264_nvenc @ 0x55..] Cannot load libcuda.so.1`` -> ``Cannot load libcuda.so.1``."""
    text = line.split("]", 1)[1].strip() if line.startswith("[") and "]" in line else line
    return text[:200] or "ffmpeg failed"
