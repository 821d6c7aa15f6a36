"""Shared fixtures: the suite builds its own media world (see tests/media.py).

Every clip fixture is session-scoped and built lazily, the first time a test asks for it,
into one temporary folder (``media_dir``); tests must treat these files as read-only (copy
them into ``tmp_path`` before modifying). ``shared_media`` points at the optional real-media
folder ``../shared/media`` beside the repository and skips when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import media

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_MEDIA = REPO_ROOT.parent / "shared" / "media"


@pytest.fixture(autouse=True)
def _no_coulisses_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without any COULISSES_* environment variable from the caller."""
    for name in list(os.environ):
        if name.startswith("COULISSES_"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def shared_media() -> Path:
    """The real-media folder ``../shared/media`` beside the repo; skips the test if absent."""
    if not SHARED_MEDIA.is_dir():
        pytest.skip("../shared/media is absent: real-media tests need the shared folder "
                    "beside the repo")
    return SHARED_MEDIA


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per test session (per xdist worker) holding every generated file."""
    return tmp_path_factory.mktemp("media")


# --- ordinary clips -------------------------------------------------------------------


@pytest.fixture(scope="session")
def landscape_clip(media_dir: Path) -> Path:
    """H.264 320x180, 30 fps, 3 s, keyframes at 0/1/2 s, AAC stereo 440 Hz -20 dBFS tone."""
    return media.make_clip(media_dir / "landscape.mp4")


@pytest.fixture(scope="session")
def portrait_clip(media_dir: Path) -> Path:
    """Natively portrait: H.264 CODED 180x320 (no rotation), 30 fps, 3 s, tone audio."""
    return media.make_clip(media_dir / "portrait.mp4", width=180, height=320)


@pytest.fixture(scope="session")
def silent_clip(media_dir: Path) -> Path:
    """H.264 320x180, 30 fps, 3 s, and NO audio stream at all."""
    return media.make_clip(media_dir / "silent.mp4", audio=None)


@pytest.fixture(scope="session")
def quiet_clip(media_dir: Path) -> Path:
    """320x180 3 s clip whose audio is a -50 dBFS sine (about -50.7 LUFS)."""
    return media.make_clip(media_dir / "quiet.mp4", audio="quiet")


@pytest.fixture(scope="session")
def clipping_clip(media_dir: Path) -> Path:
    """320x180 3 s clip whose audio is a hard-clipped sine at full scale (0 dBFS)."""
    return media.make_clip(media_dir / "clipping.mp4", audio="clipping")


@pytest.fixture(scope="session")
def speech_clip(media_dir: Path) -> Path:
    """H.264 1280x720, 30 fps, 4 s; speech-like audio voiced in
    media.speech_intervals(4.0) = (0.3-1.2), (1.7-2.6), (3.1-3.9) s, silent elsewhere."""
    return media.make_clip(media_dir / "speech.mp4", width=1280, height=720, duration=4.0,
                           audio="speech")


# --- geometry, timing and colour --------------------------------------------------------


@pytest.fixture(scope="session")
def rotated_clip(media_dir: Path) -> Path:
    """Coded 320x180, display rotation +90 (counter-clockwise): displays as 180x320."""
    return media.make_rotated_phone_clip(media_dir / "rotated_ccw90.mp4", rotation=90)


@pytest.fixture(scope="session")
def rotated_clip_iphone(media_dir: Path) -> Path:
    """Coded 320x180, display rotation -90 (an upright iPhone's): displays as 180x320."""
    return media.make_rotated_phone_clip(media_dir / "rotated_iphone.mp4", rotation=-90)


@pytest.fixture(scope="session")
def vfr_clip(media_dir: Path) -> Path:
    """VFR H.264: 30 fps (0-1 s), 15 fps (1-2 s), 30 fps (2-3 s); media.VFR_FRAME_TIMES."""
    return media.make_vfr_clip(media_dir / "vfr.mp4")


@pytest.fixture(scope="session")
def hlg_clip(media_dir: Path) -> Path:
    """HEVC Main 10 320x180 2 s, BT.2020 / arib-std-b67 (HLG) / bt2020nc, hvc1, MP4."""
    return media.make_hlg_clip(media_dir / "hlg.mp4")


@pytest.fixture(scope="session")
def pq_clip(media_dir: Path) -> Path:
    """HEVC Main 10 320x180 2 s, BT.2020 / smpte2084 (PQ) / bt2020nc + HDR10 SEI, MP4."""
    return media.make_pq_clip(media_dir / "pq.mp4")


@pytest.fixture(scope="session")
def anamorphic_clip(media_dir: Path) -> Path:
    """H.264 coded 240x180 with SAR 4:3: displays as 320x180 (16:9), 2 s."""
    return media.make_anamorphic_clip(media_dir / "anamorphic.mp4")


@pytest.fixture(scope="session")
def extra_tracks_clip(media_dir: Path) -> Path:
    """MOV: video, stereo AAC, quad AAC, mov_text subtitles, tmcd timecode (01:00:00:00)."""
    return media.make_extra_tracks_clip(media_dir / "extra_tracks.mov")


@pytest.fixture(scope="session")
def huge_frame_clip(media_dir: Path) -> Path:
    """H.264 MP4 declaring 10000x10000, one flat grey frame."""
    return media.make_huge_frame_clip(media_dir / "huge_frame.mp4")


# --- not-quite-video and hostile inputs -------------------------------------------------


@pytest.fixture(scope="session")
def audio_only(media_dir: Path) -> Path:
    """M4A with one AAC stereo stream (2 s tone) and no video."""
    return media.make_audio_only(media_dir / "audio_only.m4a")


@pytest.fixture(scope="session")
def image_file(media_dir: Path) -> Path:
    """A 320x180 PNG still."""
    return media.make_image(media_dir / "still.png")


@pytest.fixture(scope="session")
def text_file(media_dir: Path) -> Path:
    """A plain text file (.txt)."""
    return media.make_text_file(media_dir / "notes.txt")


@pytest.fixture(scope="session")
def empty_file(media_dir: Path) -> Path:
    """A zero-byte file named like a video (empty.mp4)."""
    return media.make_empty(media_dir / "empty.mp4")


@pytest.fixture(scope="session")
def corrupt_file(media_dir: Path) -> Path:
    """64 KiB of seeded random bytes named corrupt.mp4."""
    return media.make_corrupt(media_dir / "corrupt.mp4")


@pytest.fixture(scope="session")
def truncated_front(media_dir: Path) -> Path:
    """A 3 s faststart MP4 cut to 40 % of its bytes: header intact, media data missing."""
    return media.make_truncated(media_dir / "truncated_front.mp4", moov_at_front=True)


@pytest.fixture(scope="session")
def truncated_back(media_dir: Path) -> Path:
    """A 3 s MP4 with moov at the end, cut to 40 %: the moov is lost, it cannot be opened."""
    return media.make_truncated(media_dir / "truncated_back.mp4", moov_at_front=False)


@pytest.fixture(scope="session")
def hostile_names(media_dir: Path) -> list[Path]:
    """Valid 1 s clips under hostile file names (media.HOSTILE_NAMES), in their own folder."""
    return media.make_hostile_names(media_dir / "hostile names")


@pytest.fixture(scope="session")
def playlist_file(media_dir: Path, landscape_clip: Path) -> Path:
    """An HLS .m3u8 whose only segment is the local landscape clip (must be refused)."""
    return media.make_playlist(media_dir / "playlist.m3u8", landscape_clip)


@pytest.fixture(scope="session")
def concat_file(media_dir: Path, landscape_clip: Path) -> Path:
    """An ffconcat script (concat.ffconcat) naming the landscape clip (must be refused)."""
    return media.make_concat_list(media_dir / "concat.ffconcat", [landscape_clip])


# --- golden files ---------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output instead of comparing")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden(name, text)``: compare ``text`` with tests/golden/NAME (or rewrite it with
    --regen-golden, so the diff shows in review)."""
    regen = bool(request.config.getoption("--regen-golden"))

    def compare(name: str, text: str) -> None:
        path = REPO_ROOT / "tests" / "golden" / name
        if regen or not path.exists():
            if not regen:
                pytest.fail(f"golden file {name} is missing: run pytest --regen-golden")
            path.write_text(text, encoding="utf-8")
            return
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs from its golden file; if the change is intended, run "
            "pytest --regen-golden and review the diff")

    return compare
