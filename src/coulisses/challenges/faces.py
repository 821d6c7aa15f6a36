"""The ``faces`` triage stage, opt-in only: one face embedding per entry whose entrant agreed to
face matching (``ChallengeEntry.face_matching``), and the groups of entries that show the same
person (someone who entered twice under two names is what a jury must know).

Matching faces is biometric processing: triage sends this stage only the entries that opted in
(``triage``), the stage refuses any other, and a purge drops the embedding with the entry's
other rows. Frames are sampled once a second; the largest face of each (CenterFace, as
``analysis.faces``) is embedded by dlib's ResNet face model (128 numbers, from the
``face_recognition_models`` package, CC0; dlib from ``dlib-bin`` wheels: the ``faces``
extra) on at most ``MAX_FRAMES`` frames spread over the entry, and the entry's embedding is
their mean. Two entries are the same person when their embeddings are closer than
``SAME_PERSON`` (Euclidean); groups are the connected entries (docs/quality.md).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.challenges.entry import Entry, Rules, Scalar
from coulisses.errors import InputError, UsageError
from coulisses.installed import package_dirs

#: frames embedded per entry, spread over it; one frame read per second
MAX_FRAMES = 8
READ_FPS = 1.0
SIDE = 640  # decoded picture's longer side
MIN_FACE = 40  # pixels, the face box's shorter side: smaller faces say too little
#: Euclidean distance between two entries' mean embeddings under which they are one person
#: (dlib's own threshold for single pictures is 0.6; means of several frames are tighter: on
#: real clips same-person pairs measured 0.20-0.23, different people 0.47 and above)
SAME_PERSON = 0.4
DIMENSIONS = 128
BLOCK = 1024  # entries whose distances to all others are computed at once
EXTRA_HINT = "pip install 'coulisses[faces]' (dlib-bin and face_recognition_models)"


def model_files() -> tuple[Path, Path]:
    """The 5-point landmark model and the ResNet face model of ``face_recognition_models``,
    found without importing it (its ``__init__`` imports the deprecated ``pkg_resources``).

    Raises:
        UsageError: the ``faces`` extra is not installed.
    """
    for folder in package_dirs("face_recognition_models"):
        models = folder / "models"
        landmarks = models / "shape_predictor_5_face_landmarks.dat"
        network = models / "dlib_face_recognition_resnet_model_v1.dat"
        if landmarks.is_file() and network.is_file():
            return landmarks, network
    raise UsageError("face matching needs the face model, which is not installed",
                     hint=EXTRA_HINT)


def available() -> bool:
    """Whether the face model and dlib are installed."""
    try:
        model_files()
    except UsageError:
        return False
    return importlib.util.find_spec("dlib") is not None


@lru_cache(maxsize=1)
def _models() -> tuple[Any, Any, Any]:
    """The detector, the landmark model and the face network, loaded once per process.

    Raises:
        UsageError: dlib or the face model is not installed.
    """
    landmarks, network = model_files()
    try:
        import dlib
    except ImportError:
        raise UsageError("face matching needs dlib, which is not installed",
                         hint=EXTRA_HINT) from None
    from coulisses.analysis.centerface import CenterFace, default_model_path

    return (CenterFace(default_model_path(), threads=1), dlib.shape_predictor(str(landmarks)),
            dlib.face_recognition_model_v1(str(network)))


def embed(path: Path, *, max_frames: int = MAX_FRAMES) -> tuple[np.ndarray | None, int]:
    """The mean face embedding of the largest face of up to ``max_frames`` frames spread over
    the video, and how many frames it came from (None, 0: no face large enough).

    Raises:
        UsageError: dlib or the face model is not installed.
        av.FFmpegError: the file cannot be decoded.
    """
    from coulisses.media.frames import sample_frames

    detector, landmarks, network = _models()
    # each frame's largest face, kept as a crop with a margin (not the whole frame) and its
    # box within the crop: a minute-long entry holds 60 small pictures, not 60 frames
    found: list[tuple[np.ndarray, tuple[int, int, int, int]]] = []
    for frame in sample_frames(path, fps=READ_FPS, max_side=SIDE):
        h, w = frame.rgb.shape[:2]
        boxes = [d for d in detector.detect(frame.rgb) if min(d.w, d.h) >= MIN_FACE]
        if not boxes:
            continue
        best = max(boxes, key=lambda d: d.w * d.h)
        left, top = max(0, int(best.x)), max(0, int(best.y))
        right, bottom = min(w - 1, int(best.x + best.w)), min(h - 1, int(best.y + best.h))
        mx, my = (right - left) // 2, (bottom - top) // 2
        x0, y0 = max(0, left - mx), max(0, top - my)
        crop = np.ascontiguousarray(frame.rgb[y0:min(h, bottom + my + 1),
                                              x0:min(w, right + mx + 1)])
        found.append((crop, (left - x0, top - y0, right - x0, bottom - y0)))
    if not found:
        return None, 0
    picks = range(len(found)) if len(found) <= max_frames else \
        sorted({int(i) for i in np.linspace(0, len(found) - 1, max_frames).round()})
    import dlib

    vectors = []
    for index in picks:
        image, (left, top, right, bottom) = found[index]
        shape = landmarks(image, dlib.rectangle(left, top, right, bottom))
        vectors.append(np.asarray(network.compute_face_descriptor(image, shape), np.float32))
    return np.mean(vectors, axis=0).astype(np.float32), len(vectors)


def pack(vector: np.ndarray) -> bytes:
    """An embedding as the stage's ``face`` column holds it (128 float32)."""
    return np.asarray(vector, np.float32).reshape(DIMENSIONS).tobytes()


def unpack(data: bytes) -> np.ndarray | None:
    """An embedding read back; None for bytes this module did not write."""
    if len(data) != DIMENSIONS * 4:
        return None
    return np.frombuffer(data, np.float32)


@dataclass(frozen=True)
class FacesStage:
    """The entry's face embedding, for entries whose entrant opted in to face matching."""

    name: str = "faces"
    columns: tuple[str, ...] = ("face", "face_frames")

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        """The entry's row: its embedding (None: no face large enough, or not opted in).

        Raises:
            UsageError: dlib or the face model is not installed.
        """
        if not entry.face_matching:  # triage never sends one: refused all the same
            return {"face": None, "face_frames": 0}
        import av

        try:
            vector, frames = embed(entry.path)
        except (InputError, av.FFmpegError):  # an unreadable picture shows no face
            return {"face": None, "face_frames": 0}
        return {"face": None if vector is None else pack(vector), "face_frames": frames}


STAGE = FacesStage()


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Euclidean distance between two embeddings."""
    return float(np.linalg.norm(a - b))


def same_person_groups(faces: Mapping[str, bytes],
                       threshold: float = SAME_PERSON) -> dict[str, str]:
    """Entries (public id -> packed embedding) that show the same person as another, each with
    its group: the id of the group's earliest entry. Entries alone are left out."""
    vectors = {i: v for i, data in faces.items() if (v := unpack(data)) is not None}
    ids = sorted(vectors)
    if len(ids) < 2:
        return {}
    matrix = np.stack([vectors[i] for i in ids])
    squares = (matrix * matrix).sum(axis=1)
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # distances a block of rows at a time: memory stays BLOCK x entries, not entries squared
    for start in range(0, len(ids), BLOCK):
        block = matrix[start:start + BLOCK]
        squared = squares[start:start + BLOCK, None] + squares[None, :] - 2 * block @ matrix.T
        rows, cols = np.nonzero(squared < threshold * threshold)
        for a, b in zip((rows + start).tolist(), cols.tolist(), strict=True):
            if a < b:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)  # the earliest stays the root
    members: dict[int, list[int]] = {}
    for i in range(len(ids)):
        members.setdefault(find(i), []).append(i)
    return {ids[i]: ids[root] for root, group in members.items() if len(group) > 1
            for i in group}
