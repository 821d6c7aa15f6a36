"""Bad input at the command line: one clear line, a non-zero exit, and no partial output.

Each case runs the real CLI (``coulisses.cli.main.main``, in-process; a few through a real
subprocess) on the generated media of ``tests/media.py`` and checks three things:

- the exit code is the one of the expected leaf of ``coulisses.errors`` (never 0, never a
  traceback's 1);
- stderr is exactly ONE non-empty line ``coulisses: error: ...`` naming the file (or the
  option) and saying what is wrong;
- the output folder holds nothing afterwards (or does not exist): no video, no report, no
  hidden ``.coulisses-work-*`` folder.

Hostile file names (spaces, unicode, a leading dash, shell and ffmpeg metacharacters) are the
opposite case: they must be cut, with safe output names inside the output folder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

import media
from clirun import PREFIX, Run, error_line, run_cli, without_progress
from coulisses import errors
from coulisses.errors import (
    AbsurdMediaError,
    CaptionError,
    CorruptMediaError,
    DiskFullError,
    DurationError,
    EmptyFileError,
    InputError,
    NoVideoError,
    OutputError,
    SpecError,
    UnsafeInputError,
    UnsafeOutputError,
    UnwritableOutputError,
    UsageError,
)
from coulisses.media.probe import probe
from coulisses.platforms.registry import Registry, builtin_dir

# --- helpers ----------------------------------------------------------------------------


def cut_args(source: str | os.PathLike[str], out: Path, *extra: str) -> list[str]:
    return ["cut", os.fspath(source), "--to", "tiktok", "--preset", "draft", "--out",
            os.fspath(out), *extra]


def assert_fails(run: Run, leaf: type[errors.CoulissesError], *words: str) -> str:
    """A clean failure: the leaf's exit code, one error line holding every word, no stdout."""
    assert run.rc == leaf.exit_code, (run.rc, run.err, run.out)
    assert run.rc not in (0, 1)
    line = error_line(run)
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    assert run.out == "", f"a failed command printed on stdout: {run.out!r}"
    return line


def tree(folder: Path) -> list[str]:
    """Every entry under ``folder``, hidden ones included, as relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_no_output(out: Path) -> None:
    """No partial output: the folder does not exist, or holds nothing at all."""
    if out.exists():
        assert out.is_dir()
        assert tree(out) == [], f"left behind in {out}: {tree(out)}"


def cli_script() -> Path:
    """The ``coulisses`` console script of the environment running the tests."""
    script = Path(sys.executable).parent / ("coulisses.exe" if os.name == "nt" else "coulisses")
    if not script.exists():
        pytest.skip(f"no coulisses console script next to {sys.executable}")
    return script


def run_subprocess(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COULISSES_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          env=env, stdin=subprocess.DEVNULL, timeout=120, check=False)


@contextlib.contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """Mount a tmpfs on ``folder`` for the duration of the block; skip where not permitted."""
    if os.name != "posix" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("no mount/umount command")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True,
                          check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def probe_leaf(path: Path) -> type[BaseException]:
    """The exact exception class the core raises for a source (probe, then require_video)."""
    with pytest.raises(errors.CoulissesError) as excinfo:
        probe(path).require_video()
    return excinfo.type


# --- media that is not a usable video ------------------------------------------------------

BAD_MEDIA = [
    pytest.param("corrupt_file", CorruptMediaError, ("not a readable media file",),
                 id="corrupt"),
    pytest.param("truncated_back", CorruptMediaError, ("not a readable media file",),
                 id="truncated-back"),
    pytest.param("empty_file", EmptyFileError, ("empty", "0 bytes"), id="empty"),
    pytest.param("audio_only", NoVideoError, ("audio-only",), id="audio-only"),
    pytest.param("image_file", NoVideoError, ("still image",), id="png-image"),
    pytest.param("text_file", CorruptMediaError, ("not a readable media file",), id="text"),
    pytest.param("huge_frame_clip", AbsurdMediaError, ("larger than", "10000x10000"),
                 id="10000x10000"),
    pytest.param("playlist_file", UnsafeInputError, ("playlist",), id="m3u8-playlist"),
    pytest.param("concat_file", UnsafeInputError, ("playlist",), id="ffconcat-list"),
]


@pytest.mark.parametrize(("fixture", "leaf", "words"), BAD_MEDIA)
def test_cut_refuses_bad_media(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
                               tmp_path: Path, fixture: str, leaf: type[InputError],
                               words: tuple[str, ...]) -> None:
    source: Path = request.getfixturevalue(fixture)
    out = tmp_path / "out"
    run = run_cli(capsys, *cut_args(source, out))
    assert_fails(run, leaf, source.name, *words)
    assert_no_output(out)
    assert probe_leaf(source) is leaf


@pytest.mark.parametrize(("fixture", "leaf", "words"),
                         [p for p in BAD_MEDIA if p.id != "audio-only"])
def test_probe_refuses_bad_media(request: pytest.FixtureRequest,
                                 capsys: pytest.CaptureFixture[str], fixture: str,
                                 leaf: type[InputError], words: tuple[str, ...]) -> None:
    source: Path = request.getfixturevalue(fixture)
    for argv in (["probe", source], ["probe", source, "--json"],
                 ["check", source, "--for", "tiktok"]):
        assert_fails(run_cli(capsys, *argv), leaf, source.name, *words)


def test_probe_describes_audio_only_but_check_refuses_it(
        audio_only: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``probe`` describes any media (an audio file has no video); ``check`` needs video."""
    run = run_cli(capsys, "probe", audio_only, "--json")
    assert run.rc == 0, run.err
    data = json.loads(run.out)
    assert data["video"] is None
    assert [a["codec"] for a in data["audio"]] == ["aac"]
    run = run_cli(capsys, "probe", audio_only)
    assert run.rc == 0 and "no video" in run.out
    assert_fails(run_cli(capsys, "check", audio_only, "--for", "tiktok"), NoVideoError,
                 audio_only.name, "audio-only")


def test_cut_refuses_real_flac_speech(shared_media: Path, capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    flac = shared_media / "speech" / "jfk.flac"
    if not flac.is_file():
        pytest.skip(f"{flac} is absent")
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(flac, out)), NoVideoError, "jfk.flac", "audio-only")
    assert_no_output(out)


# Files whose content is not what their name says: coulisses must look at the bytes.


def _png_as_mp4(tmp: Path, image_file: Path, **_: Path) -> Path:
    target = tmp / "holiday.mp4"
    shutil.copyfile(image_file, target)
    return target


def _playlist_as_mp4(tmp: Path, playlist_file: Path, **_: Path) -> Path:
    target = tmp / "innocent.mp4"
    shutil.copyfile(playlist_file, target)
    return target


def _ffconcat_as_mov(tmp: Path, **_: Path) -> Path:
    # the classic local-file-read payload, named like a video
    return media.make_concat_list(tmp / "reads passwd.mov")


def _audio_with_cover_art(tmp: Path, audio_only: Path, image_file: Path, **_: Path) -> Path:
    target = tmp / "song with art.m4a"
    media.ffmpeg("-i", audio_only, "-i", image_file, "-map", "0", "-map", "1", "-c:a", "copy",
                 "-c:v", "png", "-disposition:v", "attached_pic", target)
    return target


def _one_frame_mp4(tmp: Path, **_: Path) -> Path:
    target = tmp / "one frame.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-frames:v", "1",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", target)
    return target


DISGUISED = [
    pytest.param(_png_as_mp4, NoVideoError, ("still image",), id="png-named-mp4"),
    pytest.param(_playlist_as_mp4, UnsafeInputError, ("playlist",), id="m3u8-named-mp4"),
    pytest.param(_ffconcat_as_mov, UnsafeInputError, ("playlist",), id="ffconcat-named-mov"),
    pytest.param(_audio_with_cover_art, NoVideoError, ("audio-only",), id="m4a-with-cover-art"),
    pytest.param(_one_frame_mp4, NoVideoError, ("still image",), id="one-frame-mp4"),
]


@pytest.mark.parametrize(("make", "leaf", "words"), DISGUISED)
def test_cut_looks_at_content_not_name(make: Callable[..., Path], leaf: type[InputError],
                                       words: tuple[str, ...],
                                       capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       audio_only: Path, image_file: Path,
                                       playlist_file: Path) -> None:
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    source = make(src_dir, audio_only=audio_only, image_file=image_file,
                  playlist_file=playlist_file)
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(source, out)), leaf, source.name, *words)
    assert_no_output(out)
    assert probe_leaf(source) is leaf


def test_error_line_stays_one_line_for_a_name_with_a_newline(
        corrupt_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if os.name == "nt":
        pytest.skip("Windows file names cannot hold a newline")
    source = tmp_path / "two\nlines.mp4"
    shutil.copyfile(corrupt_file, source)
    out = tmp_path / "out"
    line = assert_fails(run_cli(capsys, *cut_args(source, out)), CorruptMediaError,
                        "not a readable media file")
    assert "two" in line and "lines.mp4" in line
    assert_no_output(out)


def test_error_line_names_the_file_exactly(corrupt_file: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    source = tmp_path / "clip with  spaces.mp4"  # two spaces, as in media.HOSTILE_NAMES
    shutil.copyfile(corrupt_file, source)
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(source, out)), CorruptMediaError, source.name)


# --- things that are not a media file at all ---------------------------------------------


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    for argv in (cut_args(tmp_path / "missing.mp4", out), ["probe", tmp_path / "missing.mp4"]):
        line = assert_fails(run_cli(capsys, *argv), InputError, "missing.mp4", "no such file")
        assert "network" not in line
    assert_no_output(out)


def test_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "rushes.mp4"  # a folder named like a video
    folder.mkdir()
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(folder, out)), InputError, "rushes.mp4", "folder")
    assert_fails(run_cli(capsys, "probe", folder), InputError, "rushes.mp4", "folder")
    assert_no_output(out)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_device_files(device: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An endless or empty device is not a media file (and must not be read forever)."""
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(device, out)), InputError, device,
                 "not a regular file")
    assert_no_output(out)


def test_named_pipe(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "stream.mp4"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(fifo, out)), InputError, "stream.mp4",
                 "not a regular file")
    assert_no_output(out)


def test_empty_file_argument(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    line = assert_fails(run_cli(capsys, *cut_args("", out)), InputError)
    assert not line[len(PREFIX):].strip().startswith(":"), line
    assert "folder" not in line, line


# --- network addresses, protocols and playlists ------------------------------------------


def _protocol_inputs(landscape_clip: Path) -> list[tuple[str, tuple[str, ...]]]:
    clip = str(landscape_clip)
    return [
        ("http://example.com/clip.mp4", ("network",)),
        ("https://example.com/clip.mp4", ("network",)),
        ("HTTPS://EXAMPLE.COM/CLIP.MP4", ("network",)),
        ("rtmp://example.com/live/stream", ("network",)),
        ("ftp://example.com/clip.mp4", ("network",)),
        ("tcp://127.0.0.1:9", ("protocol",)),
        (f"concat:{clip}|{clip}", ("protocol",)),
        ("pipe:0", ("protocol",)),
        ("data:video/mp4;base64,AAAAIGZ0eXA=", ("protocol",)),
        # Decided: a `file:` prefix is refused too. The whitelist is applied by coulisses
        # itself (it adds `file:` when it opens a checked path); users give the plain path.
        (f"file:{clip}", ("protocol",)),
    ]


def test_network_urls_and_protocols_are_refused(landscape_clip: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    for raw, words in _protocol_inputs(landscape_clip):
        for argv in (cut_args(raw, out), ["probe", raw]):
            line = assert_fails(run_cli(capsys, *argv), UnsafeInputError, *words,
                                "not accepted")
            assert " ".join(raw.split()) in line
        with pytest.raises(UnsafeInputError):
            probe(raw)
    assert_no_output(out)


# --- option values ------------------------------------------------------------------------

BAD_OPTIONS = [
    pytest.param(["--start", "2", "--end", "1"], UsageError, ("--end", "after"),
                 id="end-before-start"),
    pytest.param(["--start", "1", "--end", "1"], UsageError, ("--end", "after"),
                 id="empty-span"),
    pytest.param(["--start", "5"], UsageError, ("--start", "outside"), id="start-past-end"),
    pytest.param(["--start", "3"], UsageError, ("--start", "outside"), id="start-at-end"),
    pytest.param(["--start", "abc"], UsageError, ("'abc'", "time code"), id="start-abc"),
    pytest.param(["--end", "abc"], UsageError, ("'abc'", "time code"), id="end-abc"),
    pytest.param(["--start", "-1"], UsageError, ("'-1'",), id="start-negative"),
    pytest.param(["--start", "1:75"], UsageError, ("'1:75'", "60"), id="start-75-seconds"),
    pytest.param(["--crop", "300,0,100,100"], UsageError, ("--crop", "outside", "320x180"),
                 id="crop-outside-frame"),
    pytest.param(["--crop", "-5,0,100,100"], UsageError, ("--crop", "outside"),
                 id="crop-negative"),
    pytest.param(["--crop", "0,0,0,100"], UsageError, ("--crop", "positive"), id="crop-empty"),
    pytest.param(["--crop", "1,2,3"], UsageError, ("--crop", "X,Y,W,H"), id="crop-3-values"),
    pytest.param(["--crop", "abc"], UsageError, ("--crop", "X,Y,W,H"), id="crop-abc"),
    pytest.param(["--fit", "nonsense"], UsageError, ("--fit", "nonsense", "fill, pad or blur"),
                 id="fit-nonsense"),
    pytest.param(["--fit", "pad", "--crop", "0,0,10,10"], UsageError, ("--crop", "fill"),
                 id="crop-with-pad"),
    pytest.param(["--export-timeline", "bogus"], UsageError, ("bogus", "otio"),
                 id="timeline-bogus"),
    pytest.param(["--bogus"], UsageError, ("--bogus",), id="unknown-option"),
]


@pytest.mark.parametrize(("extra", "leaf", "words"), BAD_OPTIONS)
def test_bad_option_values(extra: list[str], leaf: type[UsageError], words: tuple[str, ...],
                           landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_fails(run_cli(capsys, *cut_args(landscape_clip, out, *extra)), leaf, *words)
    assert_no_output(out)


def test_bad_preset(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["cut", landscape_clip, "--to", "tiktok", "--preset", "nope", "--out", out]
    assert_fails(run_cli(capsys, *argv), UsageError, "preset", "'nope'")
    assert_no_output(out)


def test_unknown_platform_lists_the_known_ones(landscape_clip: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["cut", landscape_clip, "--to", "tiktok,tikitok", "--preset", "draft", "--out", out]
    line = assert_fails(run_cli(capsys, *argv), SpecError, "unknown platform", "'tikitok'")
    known = list(Registry.load())
    assert len(known) == 11
    for platform_id in known:
        assert platform_id in line
    assert_no_output(out)
    for empty in ("", ",,", " "):
        argv = ["cut", landscape_clip, "--to", empty, "--preset", "draft", "--out", out]
        assert_fails(run_cli(capsys, *argv), SpecError, "no platform")
    assert_no_output(out)


def test_caption_files_that_are_not_srt_or_vtt(landscape_clip: Path, text_file: Path,
                                               image_file: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    json_captions = tmp_path / "captions.json"
    json_captions.write_text('{"cues": [{"start": 0, "end": 1, "text": "hi"}]}\n',
                             encoding="utf-8")
    cases = [
        (text_file, ("notes.txt", "caption")),
        (json_captions, ("captions.json", "caption")),
        (image_file, ("still.png", "caption", "UTF-8")),
        (tmp_path / "missing.srt", ("missing.srt", "no such caption file")),
        (tmp_path, ("caption",)),  # a folder
    ]
    for captions, words in cases:
        argv = cut_args(landscape_clip, out, "--captions", str(captions))
        assert_fails(run_cli(capsys, *argv), CaptionError, *words)
    assert_no_output(out)


# --- spans that do not fit a platform ------------------------------------------------------


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 76 s video, 64x36 flat grey at 30 fps, no audio: cheap to make, never rendered."""
    path = tmp_path_factory.mktemp("long") / "long76.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=64x36:rate=30:duration=76",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an", path)
    return path


def test_span_too_long_for_the_platform_is_refused(long_clip: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    base = ["cut", long_clip, "--preset", "draft", "--out", out]
    line = assert_fails(run_cli(capsys, *base, "--to", "instagram-feed"), DurationError,
                        "instagram-feed", "76.00 s", "at most 60 s", "--trim")
    assert "--start/--end" in line
    line = assert_fails(run_cli(capsys, *base, "--to", "instagram-feed", "--start", "0",
                                "--end", "75"), DurationError, "75.00 s", "at most 60 s")
    # one platform too short for the span refuses the whole run: nothing for TikTok either
    assert_fails(run_cli(capsys, *base, "--to", "tiktok,instagram-feed"), DurationError,
                 "instagram-feed", "60 s")
    assert_no_output(out)


def test_span_too_short_for_the_platform_is_refused(hostile_names: list[Path],
                                                    capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    one_second = hostile_names[0]
    assert_fails(run_cli(capsys, *cut_args(one_second, out)), DurationError, "tiktok",
                 "at least 3 s", "--extend")
    assert_no_output(out)


@pytest.fixture
def trim_test_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A platform like TikTok but at most 2 s long, from an extra spec folder: the --trim
    path of a long platform limit, reproduced on the 3 s clip instead of 60 s of video."""
    data = yaml.safe_load((builtin_dir() / "tiktok.yaml").read_text(encoding="utf-8"))
    data.update(id="trim-test", name="Trim test")
    data["duration"] = {"min_seconds": 0.5, "max_seconds": 2, "source": "tiktok-api"}
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "trim-test.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("COULISSES_PLATFORM_DIRS", str(folder))
    return "trim-test"


def test_span_too_long_for_a_custom_platform_is_refused(trim_test_platform: str,
                                                        landscape_clip: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["cut", landscape_clip, "--to", trim_test_platform, "--preset", "draft",
            "--out", out]
    assert_fails(run_cli(capsys, *argv), DurationError, "trim-test", "3.00 s", "at most 2 s")
    assert_no_output(out)


@pytest.mark.parametrize("span", [["--trim"], ["--end", "2"]], ids=["trim", "end-at-limit"])
def test_span_at_the_platform_maximum_passes_qc(span: list[str], trim_test_platform: str,
                                                landscape_clip: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["cut", landscape_clip, "--to", trim_test_platform, "--preset", "draft",
            "--out", out, "--json", *span]
    run = run_cli(capsys, *argv)
    report = json.loads(run.out)
    duration = report["variants"][0]["qc"]["measured"]["duration"]
    assert duration <= 2.05, f"output lasts {duration} s, the platform takes at most 2 s"
    assert run.rc == 0, run.err


# --- hostile file names: these must work ---------------------------------------------------

SAFE_NAME = re.compile(r"^\w[\w.-]*$", re.UNICODE)


# Hidden bookkeeping coulisses keeps in an output folder on purpose (resuming a cut).
BOOKKEEPING = (".coulisses-cache", ".coulisses-manifest.json")


def _assert_safe_outputs(out: Path, source: Path, platform: str) -> None:
    everything = tree(out)
    assert not [n for n in everything if n.startswith(".coulisses-work-")], everything
    names = [n for n in everything if n.split(os.sep)[0] not in BOOKKEEPING]
    assert names, "nothing was written"
    for name in names:
        assert "/" not in name and os.sep not in name, f"a sub-folder was written: {name}"
        assert SAFE_NAME.match(name), f"unsafe output name {name!r}"
        assert not name.startswith(("-", ".")), name
        assert (out / name).resolve().parent == out.resolve()
    videos = [n for n in names if n.endswith(".mp4")]
    assert len(videos) == 1 and videos[0].endswith(f".{platform}.mp4"), names
    assert {"report.json", "report.txt", "contact-sheet.png"} <= set(names)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["passed"] is True
    assert Path(report["source"]["path"]) == source.resolve()


HOSTILE = [n for n in media.HOSTILE_NAMES if os.name != "nt" or media._legal_here(n)]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_cut_safely(name: str, hostile_names: list[Path],
                                      capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Spaces, unicode, quotes, ``$(...)``, backticks, ``:``, ``%d``: cut under a safe name.

    The clips last 1 s, so the platform is X (0.5 s minimum) rather than TikTok (3 s).
    """
    source = next(p for p in hostile_names if p.name == name)
    before = tree(source.parent)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # a shell injection would leave files here
    out = tmp_path / "out"
    argv = ["cut", source, "--to", "x", "--preset", "draft", "--out", out]
    run = run_cli(capsys, *argv)
    assert run.rc == 0, run.err
    assert without_progress(run.err) == ""  # stderr is not a terminal: stage lines only
    _assert_safe_outputs(out, source, "x")
    assert tree(work) == []
    assert tree(source.parent) == before


@pytest.mark.parametrize("how", ["dot-slash", "after-double-dash"])
def test_leading_dash_name(how: str, hostile_names: list[Path],
                           capsys: pytest.CaptureFixture[str], tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    source = next(p for p in hostile_names if p.name == "-rf.mp4")
    monkeypatch.chdir(source.parent)
    out = tmp_path / "out"
    opts = ["--to", "x", "--preset", "draft", "--out", str(out)]
    argv = {
        "dot-slash": ["cut", "./-rf.mp4", *opts],  # (the absolute path: test above)
        "after-double-dash": ["cut", *opts, "--", "-rf.mp4"],
    }[how]
    run = run_cli(capsys, *argv)
    assert run.rc == 0, run.err
    _assert_safe_outputs(out, source, "x")
    assert "rf.x.mp4" in tree(out)


def test_leading_dash_name_without_double_dash_is_a_usage_error(
        hostile_names: list[Path], capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``cut -rf.mp4`` reads ``-rf.mp4`` as options: a usage error, never a file or a crash."""
    monkeypatch.chdir(hostile_names[0].parent)
    out = tmp_path / "out"
    run = run_cli(capsys, "cut", "-rf.mp4", "--to", "x", "--preset", "draft", "--out", out)
    assert_fails(run, UsageError, "option")
    assert_no_output(out)


def test_leading_dash_name_through_the_real_entry_point(hostile_names: list[Path],
                                                        tmp_path: Path) -> None:
    source = next(p for p in hostile_names if p.name == "-rf.mp4")
    out = tmp_path / "out"
    done = run_subprocess([str(cli_script()), "cut", "--to", "x", "--preset", "draft",
                           "--out", str(out), "--", "-rf.mp4"], cwd=source.parent)
    assert done.returncode == 0, done.stderr
    assert without_progress(done.stderr) == ""
    _assert_safe_outputs(out, source, "x")


def _digests(out: Path, stem: str) -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.glob(f"{stem}.*")) if p.is_file()}


@pytest.mark.parametrize(("first", "second", "stem"), [
    ("clip  a.mp4", "clip a.mp4", "clip_a"),
    ("a.mov", "a.mp4", "a"),
])
def test_two_sources_with_one_safe_stem_keep_both_outputs(
        first: str, second: str, stem: str, landscape_clip: Path,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Two different files that map to the same safe stem, cut into one folder in two runs:
    the second gets ``STEM-2``, the report says why, and each source resumes its own."""
    sources = tmp_path / "rushes"
    sources.mkdir()
    a, b = sources / first, sources / second
    media.ffmpeg("-i", landscape_clip, "-c", "copy", "-metadata", "title=take 1", a)
    media.ffmpeg("-i", landscape_clip, "-c", "copy", "-metadata", "title=take 2", b)
    out = tmp_path / "out"

    run = run_cli(capsys, *cut_args(a, out))
    assert run.rc == 0, run.err
    kept = _digests(out, stem)
    assert f"{stem}.tiktok.mp4" in kept

    run = run_cli(capsys, *cut_args(b, out))
    assert run.rc == 0, run.err
    assert _digests(out, stem) == kept  # the first source's files are untouched
    assert (out / f"{stem}-2.tiktok.mp4").is_file()
    note = f"named {stem}-2.*: {stem}.* in this folder was made from another source"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["variants"][0]["video"] == f"{stem}-2.tiktok.mp4"
    assert Path(report["source"]["path"]) == b.resolve()
    assert any(note in n for n in report["variants"][0]["notes"])
    assert note in (out / "report.txt").read_text(encoding="utf-8")
    assert note in run.out
    second_files = _digests(out, f"{stem}-2")

    # each source finds its own outputs again: nothing is rendered, nothing renamed
    for source, name in ((a, stem), (b, f"{stem}-2")):
        run = run_cli(capsys, *cut_args(source, out))
        assert run.rc == 0, run.err
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["resumed"] == ["tiktok"]
        assert report["variants"][0]["video"] == f"{name}.tiktok.mp4"
    assert _digests(out, stem) == kept and _digests(out, f"{stem}-2") == second_files
    assert not list(out.glob(f"{stem}-3.*"))


# --- truncated with the index intact: part of it decodes ----------------------------------


def _probed_duration(path: Path) -> float:
    return float(probe(path).duration)


def test_truncated_front_is_reported_honestly(truncated_front: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    """Whatever coulisses does with a file whose header survives but whose data is cut, it
    must not pretend: a rendered file's report gives its real duration.

    Observed (ffmpeg 9, PyAV): probe trusts the header (3.000 s), the render stops where the
    data ends (1.24 s), QC fails "duration" and "duration as planned", exit 6.
    """
    out = tmp_path / "out"
    run = run_cli(capsys, *cut_args(truncated_front, out, "--json"))
    if run.rc == CorruptMediaError.exit_code:
        assert_fails(run, CorruptMediaError, truncated_front.name)
        assert_no_output(out)
        return
    assert run.rc in (0, errors.QCFailedError.exit_code), run.err
    report = json.loads(run.out)
    variant = report["variants"][0]
    real = _probed_duration(out / variant["video"])
    assert variant["qc"]["measured"]["duration"] == pytest.approx(real, abs=1e-3)
    planned = next(c for c in variant["qc"]["checks"] if c["name"] == "duration as planned")
    if abs(real - report["span"]["duration"]) > 0.2:
        assert planned["passed"] is False, "a short render must not pass 'duration as planned'"
        assert run.rc == errors.QCFailedError.exit_code
        error_line(run)
    else:
        assert run.rc == 0


def test_truncated_front_fails_cleanly_or_passes(truncated_front: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = run_cli(capsys, *cut_args(truncated_front, out, "--json"))
    if run.rc == 0:
        report = json.loads(run.out)
        assert report["passed"] is True
        return
    line = assert_fails(run, CorruptMediaError, truncated_front.name)
    assert "truncated" in line or "damaged" in line
    assert_no_output(out)


# --- where the output goes -----------------------------------------------------------------


def test_output_parent_is_a_file(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("keep me\n", encoding="utf-8")
    line = assert_fails(run_cli(capsys, *cut_args(landscape_clip, blocker / "out")),
                        UnwritableOutputError, "not-a-folder", "cannot create")
    assert "Not a directory" in line or "not a folder" in line.lower() or os.name == "nt"
    assert_fails(run_cli(capsys, *cut_args(landscape_clip, blocker)), UnwritableOutputError,
                 "not-a-folder", "not a folder")
    assert blocker.read_text(encoding="utf-8") == "keep me\n"
    assert tree(tmp_path) == ["not-a-folder"]


def test_output_folder_without_write_permission(landscape_clip: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 0o500 does not stop root from writing (the "
                    "parent-is-a-file and read-only tmpfs cases cover unwritable folders)")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for out in (locked, locked / "out"):
            assert_fails(run_cli(capsys, *cut_args(landscape_clip, out)),
                         UnwritableOutputError, "locked", "permission denied")
        assert tree(locked) == []
    finally:
        locked.chmod(0o700)


def test_output_folder_on_a_read_only_file_system(landscape_clip: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        for out in (ro, ro / "out"):
            assert_fails(run_cli(capsys, *cut_args(landscape_clip, out)),
                         UnwritableOutputError, str(out), "read-only file system")
        assert tree(ro) == []


def test_symlink_named_like_the_video_cannot_redirect_it(landscape_clip: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    """A link planted in the output folder under the output's name would write elsewhere."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "landscape.tiktok.mp4").symlink_to(elsewhere / "victim.mp4")
    assert_fails(run_cli(capsys, *cut_args(landscape_clip, out)), UnsafeOutputError,
                 "landscape.tiktok.mp4", "outside")
    assert tree(out) == ["landscape.tiktok.mp4"]  # only the planted link
    assert tree(elsewhere) == []


def test_symlink_named_like_a_cover_leaves_no_partial_output(
        landscape_clip: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "landscape.instagram-feed.jpg").symlink_to(elsewhere / "victim.jpg")
    argv = ["cut", landscape_clip, "--to", "tiktok,instagram-feed", "--preset", "draft",
            "--out", out]
    assert_fails(run_cli(capsys, *argv), UnsafeOutputError, "landscape.instagram-feed.jpg",
                 "outside")
    assert tree(elsewhere) == []
    assert tree(out) == ["landscape.instagram-feed.jpg"]


def test_safe_child_refuses_names_leaving_the_folder(tmp_path: Path) -> None:
    from coulisses.output import safe_child, safe_stem

    for name in ("../escape.mp4", "a/../../escape.mp4", str(tmp_path / "abs.mp4"),
                 "/etc/passwd"):
        with pytest.raises(UnsafeOutputError) as excinfo:
            safe_child(tmp_path / "out", name)
        assert excinfo.value.exit_code == OutputError.exit_code == 4
    assert safe_child(tmp_path, "ok.mp4") == (tmp_path / "ok.mp4").resolve()
    for hostile in ("..", "-rf", "../../etc/passwd", "a/b", "--help", " "):
        stem = safe_stem(hostile)
        assert stem and not stem.startswith(("-", ".")) and "/" not in stem, (hostile, stem)


# --- disk full -----------------------------------------------------------------------------


def test_disk_full_on_a_small_tmpfs(landscape_clip: Path, capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    """A 2 MiB tmpfs filled to 64 KiB of free space: the render cannot finish."""
    with tmpfs(tmp_path / "small", "size=2m") as disk:
        stat = os.statvfs(disk)
        free = stat.f_bavail * stat.f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - 64 * 1024))
        out = disk / "out"
        assert_fails(run_cli(capsys, *cut_args(landscape_clip, out)), DiskFullError,
                     "disk is full")
        assert_no_output(out)
        assert tree(disk) in (["filler"], ["filler", "out"])


def _ffmpeg_to_dev_full() -> tuple[list[str], int, str]:
    from coulisses.media.ffmpeg import ffmpeg_exe

    if not Path("/dev/full").exists():
        pytest.skip("/dev/full does not exist here")
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i",
            "testsrc=size=64x36:rate=10:duration=1", "-c:v", "mpeg4", "-f", "nut", "/dev/full"]
    done = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
                          check=False)
    return argv, done.returncode, done.stderr.decode("utf-8", "replace")


def test_classify_failure_of_a_real_ffmpeg_writing_to_dev_full() -> None:
    from coulisses.media.ffmpeg import classify_failure

    argv, code, stderr = _ffmpeg_to_dev_full()
    assert code != 0
    assert "No space left on device" in stderr
    error = classify_failure(argv, code, stderr)
    assert type(error) is DiskFullError
    assert error.exit_code == 4
    assert "disk is full" in error.one_line()


def test_subprocess_runner_raises_disk_full() -> None:
    from coulisses.media.ffmpeg import Command, SubprocessRunner

    if not Path("/dev/full").exists():
        pytest.skip("/dev/full does not exist here")
    command = Command(args=("-f", "lavfi", "-i", "testsrc=size=64x36:rate=10:duration=1",
                            "-c:v", "mpeg4", "-f", "nut", "/dev/full"))
    with pytest.raises(DiskFullError):
        SubprocessRunner().run(command)


# "permission denied": the path ffmpeg names says whether the input or the output is at fault.
# Crafted from ffmpeg 9's real wording (in#/out# contexts, then "Error opening ... file PATH."),
# ffmpeg 4's ("PATH: Permission denied") and image2's ("Could not open file : PATH").
_IN, _OUT = "file:/rushes/my clip.mov", "/out/.coulisses-work-1/v0.mp4"
_DENIED_CASES = [
    pytest.param(f"[in#0 @ 0x55b4cc907e00] Error opening input: Permission denied\n"
                 f"Error opening input file {_IN}.\nError opening input files: Permission denied",
                 InputError, "/rushes/my clip.mov", id="ffmpeg9-input"),
    pytest.param(f"[out#0/mp4 @ 0x55b6f57bf4c0] Error opening output {_OUT}: Permission denied\n"
                 f"Error opening output file {_OUT}.\n"
                 "Error opening output files: Permission denied",
                 UnwritableOutputError, _OUT, id="ffmpeg9-output"),
    pytest.param(f"{_IN}: Permission denied", InputError, "/rushes/my clip.mov",
                 id="ffmpeg4-input"),
    pytest.param(f"{_OUT}: Permission denied", UnwritableOutputError, _OUT, id="ffmpeg4-output"),
    pytest.param(f"[image2 @ 0x564ef47fc300] Could not open file : {_OUT}\n"
                 "[vost#0:0/png @ 0x564ef47fce00] Error submitting a packet to the muxer: "
                 "Permission denied", UnwritableOutputError, _OUT, id="image2-output"),
    pytest.param("[aist#0:1/aac @ 0x5600] Error while decoding: Permission denied",
                 InputError, None, id="input-stream-context-two-inputs"),
    pytest.param("something: Permission denied", UnwritableOutputError, None,
                 id="unnamed-is-the-output"),
]


@pytest.mark.parametrize(("stderr", "leaf", "path"), _DENIED_CASES)
def test_permission_denied_names_the_input_or_the_output(
        stderr: str, leaf: type[errors.CoulissesError], path: str | None) -> None:
    from coulisses.media.ffmpeg import classify_failure

    argv = ["ffmpeg", "-protocol_whitelist", "file,pipe", "-i", _IN, "-f", "lavfi", "-i",
            "anullsrc", "-map", "0:v", _OUT]
    error = classify_failure(argv, 1, stderr)
    assert type(error) is leaf, error
    assert getattr(error, "path", None) == path
    verb = "cannot read" if leaf is InputError else "cannot write"
    assert verb in error.one_line() and "permission denied" in error.one_line()
    if path is not None:
        assert Path(path).name in error.one_line()


def _unreadable_file(tmp_path: Path) -> Path:
    """A file this process cannot read: mode 000, or (root reads everything) /proc/1/mem."""
    locked = tmp_path / "locked.mp4"
    locked.write_bytes(b"\0" * 64)
    locked.chmod(0)
    for candidate in (locked, Path("/proc/1/mem")):
        try:
            with candidate.open("rb"):
                pass
        except PermissionError:
            return candidate
        except OSError:
            continue
    pytest.skip("every file is readable here (root, and /proc/1/mem is open to it)")


def _unwritable_target(tmp_path: Path) -> Path:
    """A path this process cannot create: in a read-only folder, or (root) in sysfs."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for target in (folder / "out.mp4", Path("/sys/coulisses-test-output.mp4")):
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except PermissionError:
            return target
        except OSError:
            continue
        os.close(fd)
        target.unlink()
    pytest.skip("no unwritable place found (root, and sysfs refuses nothing)")


def test_a_real_unreadable_input_is_an_input_error(tmp_path: Path) -> None:
    from coulisses.media.ffmpeg import Command, SubprocessRunner

    source = _unreadable_file(tmp_path)
    command = Command(args=("-protocol_whitelist", "file,pipe", "-i", f"file:{source}",
                            "-t", "0.1", "-f", "null", "-"))
    with pytest.raises(InputError) as excinfo:
        SubprocessRunner().run(command)
    assert type(excinfo.value) is InputError
    assert excinfo.value.path == str(source)
    assert f"cannot read {source.name}: permission denied" in excinfo.value.one_line()


def test_a_real_unwritable_output_is_an_output_error(tmp_path: Path) -> None:
    from coulisses.media.ffmpeg import Command, SubprocessRunner

    target = _unwritable_target(tmp_path)
    command = Command(args=("-f", "lavfi", "-i", "testsrc=size=64x36:rate=10:duration=0.2",
                            "-c:v", "mpeg4", f"file:{target}"))
    with pytest.raises(UnwritableOutputError) as excinfo:
        SubprocessRunner().run(command)
    assert excinfo.value.path == str(target)
    assert f"cannot write {target.name}: permission denied" in excinfo.value.one_line()
    assert not target.exists()


def _contact_sheet_fills_disk(rows: object, target: Path, title: str) -> None:
    Path(target).write_bytes(b"\x89PNG\r\n\x1a\n")  # a partial file, then the disk is full
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))


def _reports_fill_disk(*args: object, **kwargs: object) -> list[tuple[Path, Path]]:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "report.json")


@pytest.mark.parametrize("where", ["contact-sheet", "report"])
def test_disk_full_while_writing_pictures_or_reports(where: str, landscape_clip: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen for real on a tmpfs with ~400 KiB free: the render fits, the contact sheet does
    not. Reproduced deterministically by making that write fail with ENOSPC."""
    from coulisses.render import pictures

    if where == "contact-sheet":
        monkeypatch.setattr(pictures, "contact_sheet", _contact_sheet_fills_disk)
    else:
        from coulisses.render import cut as cut_module

        monkeypatch.setattr(cut_module, "_write_reports", _reports_fill_disk)
    out = tmp_path / "out"
    run = run_cli(capsys, *cut_args(landscape_clip, out))
    assert_fails(Run(run.rc, "", run.err), DiskFullError, "disk is full")
    assert_no_output(out)


# --- the real entry point ------------------------------------------------------------------


def test_corrupt_file_through_python_dash_m(corrupt_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_subprocess([sys.executable, "-m", "coulisses.cli.main", *cut_args(corrupt_file,
                                                                                  out)])
    assert done.returncode == CorruptMediaError.exit_code, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), done.stderr
    assert "corrupt.mp4" in lines[0] and "not a readable media file" in lines[0]
    assert_no_output(out)


@pytest.mark.parametrize(("fixture", "leaf", "word"), [
    ("playlist_file", UnsafeInputError, "playlist"),
])
def test_bad_input_through_the_console_script(fixture: str, leaf: type[InputError], word: str,
                                              request: pytest.FixtureRequest,
                                              tmp_path: Path) -> None:
    source: Path = request.getfixturevalue(fixture)
    out = tmp_path / "out"
    done = run_subprocess([str(cli_script()), *cut_args(source, out)])
    assert done.returncode == leaf.exit_code, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), done.stderr
    assert source.name in lines[0] and word in lines[0]
    assert_no_output(out)


def test_exit_codes_are_distinct_per_family() -> None:
    """The families the tests above rely on keep their documented exit codes."""
    assert UsageError.exit_code == 2
    assert InputError.exit_code == 3 and UnsafeInputError.exit_code == 3
    assert OutputError.exit_code == 4 and DiskFullError.exit_code == 4
    assert errors.FFmpegError.exit_code == 5
    assert errors.QCFailedError.exit_code == 6
