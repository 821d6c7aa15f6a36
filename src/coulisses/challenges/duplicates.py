"""Copies among a challenge's entries and of a blocklist, found from the ``prints`` stage's rows.

Candidates come from an index of hash chunks (entries that share an exact 32-bit chunk of a
frame hash in some view, or a 21-bit chunk of a crop window hash), never from all pairs; the
index lives out of core (``dupindex``), so grouping 45,000 entries holds a few numbers per entry
in memory, not their prints. Each candidate pair is then checked frame by frame (PDQ distance)
and as a video: the longest run of matched frames in time order, as a share of the shorter
entry, so trims and speed changes still match while one shared shot does not. Crops taken
anywhere are found from the ``crops`` window hashes, where one entry's whole pictures must
match one and the same window of the other's all along the chain, and over a higher share
(``CROP_SHARE``). Speed changes of fast footage, whose 2-a-second frames fall between the
original's, are found in the dense sequences (every frame's whole-picture hash): one entry's
frames, found in order among the other's (``compare_dense``). Copies are joined transitively;
the earliest entry (ids sort by arrival) or a blocklist item is the original.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coulisses.challenges import dupindex
from coulisses.challenges.entry import Duplicate
from coulisses.challenges.prints import MIN_QUALITY, Print, fingerprint, unpack
from coulisses.errors import OutputError
from coulisses.output import make_work_dir, remove_work_dir

#: PDQ distance (of 256 bits) under which two frames show the same picture
FRAME_DISTANCE = 40
#: share of the shorter entry's usable frames that must match in time order
MIN_SHARE = 0.5
#: and never fewer matched frames than this
MIN_FRAMES = 3
#: bits (of 64) under which a whole picture's crop hash and a window's show the same picture
CROP_DISTANCE = 14
#: share a chain through one window must cover (crops: fewer bits, so a higher bar)
CROP_SHARE = 0.7
#: the whole pictures matched to windows must change at least this often (by more than
#: ``CROP_DISTANCE``): a still scene of one set (a speaker against a wall) matches every
#: recording of that set in the low frequencies, where PDQ still tells them apart
CROP_CHANGES = 2
#: bits (of 64) under which two frames' whole-picture hashes of the dense sequences match
DENSE_DISTANCE = 6
#: share of one entry's frames (``DENSE_SAMPLES`` of its dense sequence, spread over it) that
#: must be found in time order among the other's dense frames (a copy sped up or slowed down)
DENSE_SHARE = 0.5
DENSE_SAMPLES = 40


@dataclass(frozen=True)
class Match:
    """A checked pair: the share of frames matched in order and the median PDQ distance."""

    share: float
    frames: int
    distance: float


def group_duplicates(prints: Mapping[str, bytes],
                     blocklist: Mapping[str, bytes] | None = None, *,
                     scratch: Path | None = None) -> dict[str, Duplicate]:
    """Every entry of ``prints`` (public id -> packed print) with its place among copies:
    copies share a ``group`` (the original's id), ``original`` is the earliest entry of the
    group (or the blocklist item it copies), ``blocked`` when the group holds a blocklist item.
    An empty or unreadable print leaves its entry unique. ``group_prints`` does the work (its
    scratch folder made in ``scratch``, else in the system's temporary folder).
    """
    blocklist = blocklist or {}
    ids = sorted(blocklist) + sorted(prints)
    rows = [(i, blocklist[k] if i < len(blocklist) else prints[k]) for i, k in enumerate(ids)]
    return group_prints(ids, len(blocklist), rows, scratch=scratch)


def group_prints(ids: Sequence[str], n_blocked: int, rows: Iterable[tuple[int, bytes]], *,
                 scratch: Path | None = None,
                 memory_mb: int = dupindex.MEMORY_MB) -> dict[str, Duplicate]:
    """``group_duplicates`` in memory that grows by a few numbers per entry, no more: ``ids``
    are the blocklist items (the first ``n_blocked``) then the entries, each part in arrival
    order; ``rows`` gives each one's packed print once, by its place in ``ids``, in any order
    (in that order, the earliest of identical prints is the one indexed). The prints are
    indexed out of core (``dupindex``) in a scratch folder made in ``scratch`` (the system's
    temporary folder when None) and removed afterwards; each candidate pair is checked with
    only its two prints loaded, and copies are joined by union-find.

    Raises:
        OutputError: the scratch folder cannot be written.
    """
    parent = np.arange(len(ids), dtype=np.int64)
    joined_at: dict[int, float] = {}

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = int(parent[root])
        while parent[i] != root:  # path compression
            parent[i], i = root, int(parent[i])
        return root

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the earliest stays the root

    work = _scratch(scratch)
    index = dupindex.Index(work, memory_mb=memory_mb)
    try:
        # the same bytes are the same print: joined without looking (500 uploads of one file)
        first_of: dict[bytes, int] = {}
        for i, data in rows:
            if not data:
                continue
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest in first_of:
                j = first_of[digest]
                union(i, j)
                joined_at[max(i, j)] = 0.0  # the later one is the copy
                first_of[digest] = min(i, j)
                continue
            first_of[digest] = i
            try:
                index.add(i, data, unpack(data))
            except ValueError:
                continue
        del first_of
        for a, b in index.pairs():
            if find(a) == find(b):
                continue
            found = match(index.load(a), index.load(b))
            if found is not None:
                union(a, b)
                joined_at[b] = min(joined_at.get(b, found.distance), found.distance)
                joined_at.setdefault(a, found.distance)
    except OSError as exc:
        raise OutputError(f"{work}: cannot write the duplicate index ({exc.strerror})",
                          path=work) from None
    finally:
        index.close()
        remove_work_dir(work)

    roots = np.array([find(i) for i in range(len(ids))], dtype=np.int64)
    sizes = np.bincount(roots, minlength=len(ids))
    has_entry = np.zeros(len(ids), bool)
    has_entry[roots[n_blocked:]] = True
    result: dict[str, Duplicate] = {}
    for i in range(n_blocked, len(ids)):
        root = int(roots[i])
        if sizes[root] < 2:
            result[ids[i]] = Duplicate()
            continue
        is_root = i == root
        result[ids[i]] = Duplicate(group=ids[root], original=None if is_root else ids[root],
                                   blocked=root < n_blocked,
                                   distance=None if is_root else joined_at.get(i))
    return result


def blocklist_prints(paths: Iterable[Path]) -> dict[str, bytes]:
    """Prints of the campaign's own videos (and other known clips), keyed by the file's name,
    for ``group_duplicates``'s blocklist. Files that cannot be decoded are left out.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    import av

    found: dict[str, bytes] = {}
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(path)
        try:
            made = fingerprint(path)
        except av.FFmpegError:
            continue
        if made.frames:
            key, n = path.name, 2
            while key in found:
                key, n = f"{path.name} ({n})", n + 1
            found[key] = made.pack()
    return found


def candidate_pairs(loaded: Mapping[int, Print], *,
                    scratch: Path | None = None) -> list[tuple[int, int]]:
    """The pairs (earlier, later) ``group_prints`` checks among ``loaded`` (entry number ->
    print), from ``dupindex``: entries sharing an exact 32-bit chunk (same position) of a PDQ
    hash in any views, or an exact 21-bit chunk of a crop hash in any window, most shared
    first, each bucket's owners linked to its earliest, each entry's best partners kept, so
    the work grows with the entries, not with their pairs.
    """
    work = _scratch(scratch)
    index = dupindex.Index(work)
    try:
        for i in sorted(loaded):
            index.add(i, b"", loaded[i])
        return list(index.pairs())
    finally:
        index.close()
        remove_work_dir(work)


def _scratch(folder: Path | None) -> Path:
    """A fresh scratch folder in ``folder`` (the system's temporary folder when None).

    Raises:
        OutputError: it cannot be made there.
    """
    where = folder if folder is not None else Path(tempfile.gettempdir())
    try:
        return make_work_dir(where)
    except OSError as exc:
        raise OutputError(f"{where}: cannot write the duplicate index ({exc.strerror})",
                          path=where) from None


def distances(a: Print, b: Print) -> np.ndarray:
    """Frame-to-frame PDQ distance (frames of ``a`` x frames of ``b``): the least over view
    pairs that hold the full picture on at least one side (a crop of one is then close to a
    crop view of the other). Unusable frames are at distance 256."""
    full_a, full_b = a.hashes[:, 0], b.hashes[:, 0]
    ab = _hamming(full_a[:, None, None], b.hashes[None]).min(axis=2)
    ba = _hamming(full_b[:, None, None], a.hashes[None]).min(axis=2).T
    d: np.ndarray = np.minimum(ab, ba)
    d[a.quality < MIN_QUALITY] = 256
    d[:, b.quality < MIN_QUALITY] = 256
    return d


def compare(a: Print, b: Print, frame_distance: int = FRAME_DISTANCE) -> Match:
    """How much of the shorter of ``a`` and ``b`` the other holds: the longest chain of frames
    within ``frame_distance`` of each other in time order, as a share of the shorter entry's
    usable frames (0 when either has none)."""
    usable = min(int((a.quality >= MIN_QUALITY).sum()), int((b.quality >= MIN_QUALITY).sum()))
    if usable == 0:
        return Match(share=0.0, frames=0, distance=256.0)
    d = distances(a, b)
    hit = d <= frame_distance
    chain = longest_chain(hit)
    return Match(share=chain / usable, frames=chain,
                 distance=float(np.median(d[hit])) if chain else float(d.min()))


def compare_crops(a: Print, b: Print, crop_distance: int = CROP_DISTANCE) -> Match:
    """How much of the shorter entry is a crop of the other: the longest chain, in time order,
    of one entry's whole pictures within ``crop_distance`` bits of one and the same window (or
    the whole picture: the low frequencies also outlast watermarks) of the other's frames,
    either way round, as a share of the shorter entry's usable frames. A side whose whole
    pictures never change (``CROP_CHANGES``) is not matched this way.
    The distance is the chain's median, scaled to PDQ's 256 bits (0 share without windows)."""
    usable = min(int((a.quality >= MIN_QUALITY).sum()), int((b.quality >= MIN_QUALITY).sum()))
    best = Match(share=0.0, frames=0, distance=256.0)
    if usable == 0:
        return best
    for x, y in ((a, b), (b, a)):
        if x.crops.shape[0] != x.frames or y.crops.shape[0] != y.frames or y.crops.shape[1] < 2:
            continue
        whole = x.crops[:, 0].copy().view(np.uint64)[:, 0]  # frames of x
        if _changes(whole[x.quality >= MIN_QUALITY], crop_distance) < CROP_CHANGES:
            continue
        windows = y.crops.copy().view(np.uint64)[..., 0]  # frames of y x (whole, windows)
        d = np.bitwise_count(whole[:, None, None] ^ windows[None]).astype(np.int32)
        d[x.quality < MIN_QUALITY] = 64
        d[:, y.quality < MIN_QUALITY] = 64
        hit = np.moveaxis(d <= crop_distance, 2, 0)  # windows x frames x frames
        # a window's chain is at most the frames of either side it matches at all
        bound = np.minimum(hit.any(axis=2).sum(axis=1), hit.any(axis=1).sum(axis=1))
        tried = np.flatnonzero(bound > best.frames)
        if not tried.size:
            continue
        chains = longest_chains(hit[tried])
        k = int(np.argmax(chains))
        if chains[k] > best.frames:
            cells = np.moveaxis(d, 2, 0)[tried[k]][hit[tried[k]]]
            best = Match(share=int(chains[k]) / usable, frames=int(chains[k]),
                         distance=float(np.median(cells)) * 4)
    return best


def compare_dense(a: Print, b: Print, dense_distance: int = DENSE_DISTANCE) -> Match:
    """How much of one entry is found, frame for frame and in time order, in the other's dense
    sequence, whatever their speeds: ``DENSE_SAMPLES`` frames of one side's dense sequence
    (spread over it; flat ones left out) within ``dense_distance`` bits of the other's frames,
    the longest chain as a share of the samples, the better way round. A side whose samples
    never change (``CROP_CHANGES``) is not matched this way. The distance is the chain's
    median, scaled to PDQ's 256 bits (0 share without dense sequences)."""
    best = Match(share=0.0, frames=0, distance=256.0)
    for x, y in ((a, b), (b, a)):
        if not x.dense.shape[0] or not y.dense.shape[0]:
            continue
        mine = x.dense.copy().view(np.uint64)[:, 0]
        spread = np.unique(np.linspace(0, mine.size - 1, DENSE_SAMPLES).round().astype(int))
        samples = mine[spread][mine[spread] != 0]
        if not samples.size or _changes(samples, dense_distance) < CROP_CHANGES:
            continue
        theirs = y.dense.copy().view(np.uint64)[:, 0]
        d = np.bitwise_count(samples[:, None] ^ theirs[None]).astype(np.int32)
        hit = (d <= dense_distance) & (theirs != 0)[None]
        chain = longest_chain(hit)
        share = chain / samples.size
        if chain and share > best.share:
            best = Match(share=share, frames=chain, distance=float(np.median(d[hit])) * 4)
    return best


def _changes(words: np.ndarray, limit: int) -> int:
    """How many of the pictures (64-bit hashes) differ by more than ``limit`` bits from every
    one kept before them: 1 for a still scene."""
    kept: list[np.uint64] = []
    for word in words:
        if all(int(np.bitwise_count(word ^ k)) > limit for k in kept):
            kept.append(word)
            if len(kept) >= CROP_CHANGES:
                break
    return len(kept)


def match(a: Print, b: Print) -> Match | None:
    """``compare``'s verdict, or ``compare_crops``'s, or ``compare_dense``'s: a copy when the
    chain covers ``MIN_SHARE`` (``CROP_SHARE`` for crops, ``DENSE_SHARE`` for the dense
    sequences) of the shorter entry and holds at least ``MIN_FRAMES`` frames (fewer only if
    the entry has fewer). The rules run cheapest first, only as far as needed."""
    usable = min(int((a.quality >= MIN_QUALITY).sum()), int((b.quality >= MIN_QUALITY).sum()))
    rules = ((compare, MIN_SHARE), (compare_crops, CROP_SHARE), (compare_dense, DENSE_SHARE))
    for rule, share in rules:
        found = rule(a, b)
        least = MIN_FRAMES if rule is compare_dense else min(MIN_FRAMES, usable)
        if found.frames and found.frames >= least and found.share >= share:
            return found
    return None


def longest_chain(hit: np.ndarray) -> int:
    """The most matched cells on a path increasing in both frames (a longest common
    subsequence over the match matrix), row by row."""
    return int(longest_chains(hit[None])[0])


def longest_chains(hits: np.ndarray) -> np.ndarray:
    """``longest_chain`` of each of a stack of match matrices (stack x rows x columns)."""
    prev = np.zeros((hits.shape[0], hits.shape[2]), np.int32)
    if not hits.shape[2]:
        empty: np.ndarray = prev.sum(axis=1)
        return empty
    for row in np.moveaxis(hits.astype(np.int32), 1, 0):
        diag = np.concatenate([row[:, :1], prev[:, :-1] + row[:, 1:]], axis=1)
        prev = np.maximum.accumulate(np.maximum(prev, diag), axis=1)
    out: np.ndarray = prev[:, -1]
    return out


def _hamming(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bits that differ between byte strings (last axis, a multiple of 8 bytes), broadcast."""
    xw = np.ascontiguousarray(x).view(np.uint64)
    yw = np.ascontiguousarray(y).view(np.uint64)
    d: np.ndarray = np.bitwise_count(xw ^ yw).sum(axis=-1, dtype=np.int32)
    return d
