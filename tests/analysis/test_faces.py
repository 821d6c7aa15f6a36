"""Face detection, tracking and speaker finding: real faces (GRID, people), generated clips whose
face motion is known by construction, and the pure parts on synthetic numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import media
from coulisses.analysis import faces
from coulisses.analysis.centerface import (
    CenterFace,
    Detection,
    _encode,
    _parse,
    default_model_path,
    free_input_size,
    model_path,
)
from coulisses.analysis.faces import FaceAnalyzer, find_faces, track_faces
from coulisses.analysis.facetracks import Tracker
from coulisses.analysis.model import Box
from coulisses.analysis.run import analyze
from coulisses.analysis.speakers import VoiceActivity, speaking_spans, voice_activity
from coulisses.errors import InputError
from coulisses.media.frames import sample_frames
from coulisses.settings import Settings

PEOPLE = "people/one-by-one-person-detection.mp4"


@pytest.fixture(scope="module")
def detector() -> CenterFace:
    return CenterFace(default_model_path())


@pytest.fixture(scope="module")
def moving_face_clip(tmp_path_factory: pytest.TempPathFactory, shared_media: Path) -> Path:
    """A still GRID frame (360x288) pasted on a grey 1280x400 canvas at x = 40 + 150 t,
    y = 56, for 4 s at 25 fps: one face moving right at 150 px/s."""
    folder = tmp_path_factory.mktemp("moving")
    still = folder / "face.png"
    media.ffmpeg("-ss", "1", "-i", shared_media / "grid" / "bbaf2n.mpg", "-frames:v", "1",
                 still)
    clip = folder / "moving.mp4"
    media.ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=1280x400:r=25:d=4", "-loop", "1",
                 "-i", still, "-filter_complex",
                 "[0][1]overlay=x='40+150*t':y=56:eval=frame:shortest=1", "-c:v", "libx264",
                 "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip)
    return clip


@pytest.mark.slow
def test_one_face_in_every_sampled_grid_frame(detector: CenterFace, shared_media: Path) -> None:
    """GRID: one speaker facing the camera in a 360x288 picture, in every frame."""
    clips = sorted((shared_media / "grid").glob("*.mpg"))
    assert clips
    for clip in clips:
        for frame in sample_frames(clip, fps=1.0):
            faces = detector.detect(frame.rgb)
            assert len(faces) == 1, (clip.name, frame.t, faces)
            face = faces[0]
            cx, cy = face.x + face.w / 2, face.y + face.h / 2
            assert 90 < cx < 270 and 70 < cy < 230, (clip.name, frame.t, face)
            assert 60 < face.h < 220 and 0.5 < face.w / face.h < 1.1, (clip.name, face)


def test_the_analyser_tracks_one_speaking_face_on_grid(shared_media: Path,
                                                       tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache")
    done: list[float] = []
    clip = shared_media / "grid" / "swwp2s.mpg"
    result = analyze(clip, settings, [FaceAnalyzer(settings)],
                     progress=lambda file, name, d: done.append(d))
    faces = result.faces
    assert faces is not None and len(faces) == 1
    assert analyze(clip, settings, [FaceAnalyzer(settings)]).faces == faces  # from the cache
    track = faces[0]
    assert len(track.boxes) >= 14  # 5 a second over 3 s
    assert all(b.x >= 0 and b.x + b.w <= 360 and b.y >= 0 and b.y + b.h <= 288
               for b in track.boxes)
    # swwp2s.align: speech from about 0.6 s to 2.6 s; the one face speaks when the voice does
    assert track.speaking, "a lone face with a voice is the speaker"
    assert track.speaking[0].start < 1.2 and track.speaking[-1].end > 2.0
    assert done[-1] == 1.0 and done == sorted(done)


@pytest.mark.slow
def test_people_walking_through_the_room(shared_media: Path, detector: CenterFace) -> None:
    """One person crosses the room around 68.4-69 s (seen at 5 fps, 66-70 s analysed): one
    short track moving right; the rest of the clip is mostly backs, counted in the bench."""
    clip = shared_media / PEOPLE
    tracks = track_faces(clip, detector, (768, 432), duration=139.0, start=66.0, end=70.0)
    counts = [(t.id, len(t.boxes), t.boxes[0].t, t.boxes[-1].t) for t in tracks]
    print("people 66-70 s tracks (id, boxes, first, last):", counts)
    assert len(tracks) == 1, counts
    xs = [b.x for b in tracks[0].boxes]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 100
    assert all(b.x >= 0 and b.x + b.w <= 768 and 0 <= b.y + b.h <= 432
               for b in tracks[0].boxes)


def test_no_face_in_a_test_pattern(tmp_path: Path) -> None:
    clip = media.make_clip(tmp_path / "pattern.mp4", duration=2.0)
    assert find_faces(clip, Settings(cache_dir=tmp_path)) == ()


def test_a_moving_face_keeps_one_id_and_its_box_follows(moving_face_clip: Path,
                                                       detector: CenterFace) -> None:
    tracks = track_faces(moving_face_clip, detector, (1280, 400), duration=4.0,
                         speakers=False)
    assert len(tracks) == 1
    boxes = tracks[0].boxes
    assert len(boxes) >= 18 and boxes[-1].t - boxes[0].t > 3.5
    offset = boxes[0].x - (40 + 150 * boxes[0].t)  # where the face sits in the pasted frame
    for box in boxes:
        assert abs(box.x - (40 + 150 * box.t) - offset) < 12, box


class _Counting:
    """The real detector, counting the image sizes it is given."""

    def __init__(self, detector: CenterFace) -> None:
        self.detector = detector
        self.sizes: list[tuple[int, int]] = []

    def detect(self, rgb: np.ndarray, threshold: float = 0.5) -> list[Detection]:
        self.sizes.append(rgb.shape[:2])
        return self.detector.detect(rgb, threshold)


def test_large_faces_are_found_again_at_half_size_with_the_same_boxes(
        shared_media: Path, detector: CenterFace, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Between whole-frame scans a face seen large is detected on the half-size frame (a
    quarter of the pixels); its boxes stay within a few pixels of full-size detection."""
    clip = tmp_path / "big.mp4"  # a GRID speaker at 1280x720: the face ~160 px at 640
    media.ffmpeg("-i", shared_media / "grid" / "bbaf2n.mpg", "-vf",
                 "crop=360:202:0:43,scale=1280:720", "-c:v", "libx264", "-preset",
                 "ultrafast", "-pix_fmt", "yuv420p", "-an", clip)
    counting = _Counting(detector)
    fast = track_faces(clip, counting, (1280, 720), duration=3.0,  # type: ignore[arg-type]
                       speakers=False)
    full_sizes = [s for s in counting.sizes if s[1] == 640]
    assert 0 < len(full_sizes) <= len(counting.sizes) / 3  # mostly half size
    assert all(s[1] in (640, 320) for s in counting.sizes)
    monkeypatch.setattr(faces, "FULL_EVERY", 1)
    slow = track_faces(clip, detector, (1280, 720), duration=3.0, speakers=False)
    assert len(fast) == len(slow) == 1
    pairs = {b.t: b for b in slow[0].boxes}
    matched = [(b, pairs[b.t]) for b in fast[0].boxes if b.t in pairs]
    assert len(matched) >= 0.95 * len(slow[0].boxes) >= 14
    for a, b in matched:  # in 1280x720 pixels: a few pixels at 640
        assert abs(a.x + a.w / 2 - b.x - b.w / 2) < 12 and abs(a.w - b.w) < 0.1 * b.w, (a, b)


@pytest.fixture(scope="module")
def two_faces_clip(tmp_path_factory: pytest.TempPathFactory, shared_media: Path) -> Path:
    """Two GRID speakers side by side (720x288, 4.5 s): the left one (bbaf2n) talks with its
    own sound from the start, then freezes; the right one (lrwp9a) is frozen for 1.5 s, then
    moves its lips with no sound at all. Only the left face's mouth moves with the voice."""
    clip = tmp_path_factory.mktemp("two") / "two.mp4"
    grid = shared_media / "grid"
    media.ffmpeg("-i", grid / "bbaf2n.mpg", "-i", grid / "lrwp9a.mpg", "-filter_complex",
                 "[0:v]tpad=stop_mode=clone:stop_duration=1.5[a];"
                 "[1:v]tpad=start_mode=clone:start_duration=1.5[b];[a][b]hstack[v];"
                 "[0:a]apad=pad_dur=1.5[s]", "-map", "[v]", "-map", "[s]", "-c:v", "libx264",
                 "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", clip)
    return clip


@pytest.mark.slow
def test_the_face_that_moves_its_lips_with_the_voice_is_the_speaker(
        two_faces_clip: Path, detector: CenterFace) -> None:
    tracks = track_faces(two_faces_clip, detector, (720, 288), duration=4.5)
    assert len(tracks) == 2
    left, right = sorted(tracks, key=lambda t: t.boxes[0].x)
    assert right.speaking == ()
    spoken = sum(s.duration for s in left.speaking)
    assert spoken > 1.2 and left.speaking[0].start < 1.2, left.speaking


def test_tracks_survive_a_missed_sample_and_drop_blips() -> None:
    tracker = Tracker(sample_step=0.2)
    for i in range(10):
        t = i * 0.2
        boxes = [] if i == 4 else [Box(t, 100 + 20 * i, 50, 60, 80, 0.9)]
        if i == 6:
            boxes.append(Box(t, 500, 300, 40, 50, 0.6))  # a one-sample false detection
        tracker.update(t, boxes)
    tracks = tracker.finish()
    assert len(tracks) == 1 and len(tracks[0][1]) == 9


def test_the_face_whose_mouth_moves_with_the_voice_speaks() -> None:
    step = 0.2
    times = [round(i * step, 4) for i in range(50)]
    voiced = np.zeros(int(10 / 0.03), dtype=bool)
    for a, b in ((1.0, 3.0), (5.0, 7.5)):
        voiced[int(a / 0.03):int(b / 0.03)] = True
    voice = VoiceActivity(0.0, 0.03, voiced)
    rng = np.random.default_rng(1)
    talking = {t: float(voice.fraction(t - 0.1, t + 0.1) * 1.0 + rng.normal(0, 0.1))
               for t in times}
    still = {t: float(abs(rng.normal(0.3, 0.1))) for t in times}
    tracks = [(0, [Box(t, 0, 0, 50, 60, 0.9) for t in times]),
              (1, [Box(t, 300, 0, 50, 60, 0.9) for t in times])]
    spans = speaking_spans(tracks, {0: talking, 1: still}, voice, step)
    assert set(spans) == {0}, spans  # only the talking face speaks; the still one never
    assert [(round(s.start, 1), round(s.end, 1)) for s in spans[0]] == [(0.9, 3.1), (4.9, 7.5)]


def test_voice_activity_follows_the_energy() -> None:
    db = np.full(1000, -80.0)  # 30 s of near silence with two 3 s phrases
    db[100:200] = -25.0
    db[500:600] = -30.0
    db[150] = -80.0  # a one-frame dip inside a phrase is bridged
    voice = voice_activity(0.0, db)
    assert voice.voiced[100:200].all() and voice.voiced[500:600].all()
    assert voice.voiced.sum() == 200


def test_the_model_file_is_rewritten_with_free_sizes_only() -> None:
    data = default_model_path().read_bytes()
    assert b"".join(_encode(*f) for f in _parse(data)) == data  # the codec is lossless
    free = free_input_size(data)
    assert b"height" in free and b"width" in free and len(free) - len(data) < 1000


def test_a_missing_or_broken_model_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="face model not found"):
        model_path(str(tmp_path / "nothing.onnx"))
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(InputError, match="cannot load the face model"):
        CenterFace(broken)
