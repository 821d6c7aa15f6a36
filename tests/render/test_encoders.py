"""``--encoder nvenc``: the same plan through h264_nvenc, refused up front where it cannot run."""

from __future__ import annotations

import json
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path

import pytest
from test_graph import _json, _plan

from clirun import error_line, run_cli
from coulisses.errors import FFmpegError, UsageError
from coulisses.media.ffmpeg import Command, RunResult, SubprocessRunner
from coulisses.render import encoders, graph
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions
from coulisses.web import error_text


def _nvenc_works() -> bool:
    try:
        encoders.require_encoder("nvenc", SubprocessRunner())
    except UsageError:
        return False
    return True


def _value(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_nvenc_argv_golden(golden) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(start=Fraction(2), end=Fraction(14), encoder="nvenc")
    targets = [Path("/work") / f"v{i}.mp4" for i in range(len(plan.variants))]
    golden("argv_four_canvases_nvenc.json", _json(list(graph.to_command(plan, targets).args)))


def test_nvenc_keeps_every_rule_qc_checks() -> None:
    x264, nvenc = _plan(), _plan(encoder="nvenc")
    for a, b in zip(x264.variants, nvenc.variants, strict=True):
        xa = graph.video_codec_args(a.video)
        na = graph.video_codec_args(b.video)
        assert _value(na, "-c:v") == "h264_nvenc" and _value(xa, "-c:v") == "libx264"
        for flag in ("-profile:v", "-pix_fmt", "-g", "-maxrate", "-bufsize", "-bf"):
            assert _value(na, flag) == _value(xa, flag), flag
        assert _value(na, "-rc") == "vbr" and _value(na, "-b:v") == "0"
        assert _value(na, "-no-scenecut") == "1"  # keyframes on the GOP only, like x264's
        assert "-x264-params" not in na and "-threads" not in na
    # everything but the encoder's own options is the same plan
    same = {k: v for k, v in asdict(x264).items() if k != "variants"}
    assert same == {k: v for k, v in asdict(nvenc).items() if k != "variants"}
    assert graph.filter_graph(x264) == graph.filter_graph(nvenc)


NO_DRIVER = ("[h264_nvenc @ 0x55d1] Cannot load libcuda.so.1\n"
             "[vost#0:0/h264_nvenc @ 0x55d0] Error while opening")
# what the wheel's ffmpeg 9 printed on an NVIDIA H200 with driver 580.159 (a lent GPU machine,
# 2026-12-04): its h264_nvenc wants NVENC API 13.1
OLD_DRIVER = (
    "[h264_nvenc @ 0x5629a2b17f00] Driver does not support the required nvenc API version. "
    "Required: 13.1 Found: 13.0\n"
    "[h264_nvenc @ 0x5629a2b17f00] The minimum required Nvidia driver for nvenc is 610.00 or "
    "newer\n"
    "[vost#0:0/h264_nvenc @ 0x5629a2b17a40] [enc:h264_nvenc @ 0x5629a2b17e80] Error while "
    "opening encoder - maybe incorrect parameters such as bit_rate, rate, width or height.")

# what ffmpeg n8.0 (NVENC API 13.0, which driver 580 gives) printed on the same H200
# (2026-12-04): the driver answers, the GPU has no encoder block
NO_ENCODER_GPU = (
    "[h264_nvenc @ 0x557b6b0ccb00] OpenEncodeSessionEx failed: unsupported device (2): "
    "(no details)\n"
    "[h264_nvenc @ 0x557b6b0ccb00] No capable devices found\n"
    "[vost#0:0/h264_nvenc @ 0x557b6b0cc4c0] [enc:h264_nvenc @ 0x557b6b0cca80] Error while "
    "opening encoder - maybe incorrect parameters such as bit_rate, rate, width or height.")


class _CountingRunner:
    """Records the commands it is given; ffmpeg fails the way it printed ``stderr``."""

    def __init__(self, exe: str, works: bool, stderr: str = NO_DRIVER) -> None:
        self.exe = exe
        self.works = works
        self.stderr = stderr
        self.commands: list[Command] = []

    def run(self, command: Command, progress: object = None) -> RunResult:
        self.commands.append(command)
        if not self.works:
            raise FFmpegError("ffmpeg failed: Could not open encoder before EOF",
                              argv=command.argv(), returncode=187,
                              stderr_tail=self.stderr)
        return RunResult(stderr="")


def test_an_old_driver_is_named_with_the_driver_this_ffmpeg_needs(tmp_path: Path) -> None:
    runner = _CountingRunner(str(tmp_path / "ffmpeg-old-driver"), works=False,
                             stderr=OLD_DRIVER)
    with pytest.raises(UsageError) as err:
        encoders.require_encoder("nvenc", runner)
    line = err.value.one_line()
    assert "Required: 13.1 Found: 13.0" in line and "610.00 or newer" in line
    assert "COULISSES_FFMPEG" in line and "--encoder x264" in line
    assert "vost#" not in line and "0x5629" not in line
    french = error_text.error_line(err.value, "fr")
    assert "mettez à jour le pilote NVIDIA" in french and "COULISSES_FFMPEG" in french


def test_a_gpu_without_an_encoder_is_named_and_no_driver_update_is_suggested(
        tmp_path: Path) -> None:
    runner = _CountingRunner(str(tmp_path / "ffmpeg-h200"), works=False, stderr=NO_ENCODER_GPU)
    with pytest.raises(UsageError) as err:
        encoders.require_encoder("nvenc", runner)
    line = err.value.one_line()
    assert "this GPU has no NVENC video encoder" in line
    assert "unsupported device" in line and "--encoder x264" in line
    assert "update the NVIDIA driver" not in line and "COULISSES_FFMPEG" not in line
    french = error_text.error_line(err.value, "fr")
    assert "n'a pas d'encodeur vidéo NVENC" in french and "--encoder x264" in french


def test_the_nvenc_check_runs_once_per_ffmpeg(tmp_path: Path) -> None:
    runner = _CountingRunner(str(tmp_path / "ffmpeg-a"), works=False)
    for _ in range(2):
        with pytest.raises(UsageError) as err:
            encoders.require_encoder("nvenc", runner)
        assert "Cannot load libcuda.so.1" in err.value.one_line()
        assert "--encoder x264" in err.value.one_line()
    assert len(runner.commands) == 1
    assert "h264_nvenc" in runner.commands[0].args and "lavfi" in runner.commands[0].args
    other = _CountingRunner(str(tmp_path / "ffmpeg-b"), works=True)
    encoders.require_encoder("nvenc", other)
    encoders.require_encoder("nvenc", other)
    assert len(other.commands) == 1
    encoders.require_encoder("x264", runner)  # never checked: always there
    assert len(runner.commands) == 1


def test_nvenc_is_refused_before_any_render(landscape_clip: Path, tmp_path: Path) -> None:
    if _nvenc_works():
        pytest.skip("h264_nvenc works on this machine: nothing to refuse")
    out = tmp_path / "out"
    with pytest.raises(UsageError, match="h264_nvenc does not work here"):
        cut(landscape_clip, "tiktok", out, options=CutOptions(encoder="nvenc"))
    assert not list(out.glob("*.mp4"))


def test_cli_refuses_nvenc_with_one_line(landscape_clip: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    if _nvenc_works():
        pytest.skip("h264_nvenc works on this machine: nothing to refuse")
    run = run_cli(capsys, "cut", landscape_clip, "--to", "tiktok", "--encoder", "nvenc",
                  "--out", tmp_path / "out")
    assert run.rc == 2
    assert "h264_nvenc" in error_line(run)


def test_cli_rejects_an_unknown_encoder(landscape_clip: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "cut", landscape_clip, "--to", "tiktok", "--encoder", "qsv",
                  "--out", tmp_path / "out")
    assert run.rc == 2
    assert "x264 or nvenc" in error_line(run)


def test_nvenc_renders_and_passes_qc(landscape_clip: Path, tmp_path: Path) -> None:
    """Where an NVIDIA GPU is present: the same cut through h264_nvenc passes the same QC."""
    if not _nvenc_works():
        pytest.skip("no working h264_nvenc here (needs an NVIDIA GPU and driver)")
    result = cut(landscape_clip, "tiktok,youtube", tmp_path / "out",
                 options=CutOptions(encoder="nvenc"))
    assert result.passed, [v.qc.reasons for v in result.variants]
    report = json.loads(result.report.read_text(encoding="utf-8"))
    assert report["encoder"] == "nvenc"
