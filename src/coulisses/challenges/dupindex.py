"""The candidate index of ``duplicates``, out of core: whatever the number of entries, the
grouping holds a few numbers per entry in memory and leaves the rest on disk.

Each print's hash chunks (``keys``) go to DuckDB as (key, entry) rows, and its bytes to a
scratch file read back one print at a time (``load``). DuckDB pairs the entries that share keys
(each bucket's entries linked to its ``BUCKET_LINKS`` earliest, each entry's ``PARTNERS``
best-sharing partners kept, as the in-memory index did) with its ``memory_limit`` set, so its
joins, groupings and sorts spill to the scratch folder instead of growing.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.challenges.crops import CROP_BYTES
from coulisses.challenges.prints import HASH_BYTES, MIN_QUALITY, Print, unpack
from coulisses.errors import OutputError

#: earliest owners of an index bucket each entry is paired with (a bucket of 500 copies makes
#: 500 candidate pairs, not 125,000)
BUCKET_LINKS = 8
#: best-sharing partners kept per entry and index (copies of one video link through each other)
PARTNERS = 8
#: DuckDB's memory for the index; past it, DuckDB spills to the scratch folder
MEMORY_MB = 256
_CHUNKS = HASH_BYTES // 4  # 32-bit chunks per PDQ hash
_CROP_CHUNK_BITS = 21  # three chunks of a 64-bit crop hash (its last bit is always 0)
_FLUSH_ROWS = 1 << 19  # key rows buffered before they go to DuckDB
_CACHED = 64  # prints kept unpacked (candidate pairs come by entry, most shared first)
_INDEXES = ("pdq", "crop")


def keys(found: Print) -> tuple[np.ndarray, np.ndarray]:
    """The print's distinct index keys: 32-bit chunks of its usable frames' PDQ hashes (any
    view) and 21-bit chunks of their crop window hashes, each with its position in the hash
    (a chunk matches at its own position only). Empty without usable frames."""
    usable = found.quality >= MIN_QUALITY
    none = np.zeros(0, np.int64)
    if not usable.any():
        return none, none
    hashes = found.hashes[usable]
    chunks = hashes.reshape(-1, _CHUNKS, 4).copy().view("<u4")[..., 0].astype(np.int64)
    chunks |= np.arange(_CHUNKS, dtype=np.int64) << 32
    pdq = np.unique(chunks.ravel())
    crop = none
    if found.crops.shape[0] == found.frames and found.crops.size:
        words = found.crops[usable].reshape(-1, CROP_BYTES).copy().view(">u8")[:, 0]
        mask = np.uint64((1 << _CROP_CHUNK_BITS) - 1)
        parts = [((words >> np.uint64(k * _CROP_CHUNK_BITS)) & mask).astype(np.int64)
                 | (k << 32) for k in range(3)]
        crop = np.unique(np.concatenate(parts))
    return pdq, crop


class Index:
    """The prints of one grouping, in ``folder`` (a scratch folder the caller removes): ``add``
    each print under its entry's number (numbers in arrival order: 0 is the earliest), then
    ``pairs`` to check and ``load`` to read two prints back."""

    def __init__(self, folder: Path, *, memory_mb: int = MEMORY_MB) -> None:
        import duckdb  # heavy: imported where used

        self._folder = folder
        self._failed: type[Exception] = duckdb.Error
        self._con: Any = duckdb.connect(":memory:")
        self._con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
        self._con.execute(f"SET temp_directory = '{_sql_text(str(folder / 'spill'))}'")
        self._con.execute("SET preserve_insertion_order = false")
        for name in _INDEXES:
            self._con.execute(f"CREATE TABLE {name} (key BIGINT, owner INTEGER)")
        self._buffer: dict[str, list[np.ndarray]] = {name: [] for name in _INDEXES}
        self._owners: dict[str, list[np.ndarray]] = {name: [] for name in _INDEXES}
        self._buffered = 0
        self._file = open(folder / "prints.bin", "w+b")  # noqa: SIM115 (closed by close)
        self._at: dict[int, tuple[int, int]] = {}  # entry -> (offset, length) in the file
        self._end = 0
        self._cache: OrderedDict[int, Print] = OrderedDict()

    def add(self, owner: int, data: bytes, found: Print) -> None:
        """Index one entry's print (``found``, unpacked from ``data``)."""
        self._file.write(data)
        self._at[owner] = (self._end, len(data))
        self._end += len(data)
        for name, values in zip(_INDEXES, keys(found), strict=True):
            if values.size:
                self._buffer[name].append(values)
                self._owners[name].append(np.full(values.size, owner, np.int32))
                self._buffered += values.size
        if self._buffered >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        try:
            for name in _INDEXES:
                if self._buffer[name]:
                    batch = {"key": np.concatenate(self._buffer[name]),
                             "owner": np.concatenate(self._owners[name])}
                    self._con.register("batch", batch)
                    self._con.execute(f"INSERT INTO {name} SELECT key, owner FROM batch")
                    self._con.unregister("batch")
                    self._buffer[name].clear()
                    self._owners[name].clear()
        except self._failed as exc:
            raise self._error(exc) from None
        self._buffered = 0

    def _error(self, exc: Exception) -> OutputError:
        """DuckDB out of memory or disk while spilling: one line naming the scratch folder."""
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return OutputError(f"{self._folder}: cannot write the duplicate index ({reason})",
                           path=self._folder)

    def pairs(self, *, batch: int = 4096) -> Iterator[tuple[int, int]]:
        """Candidate pairs (earlier, later): entries sharing keys in either index, those of the
        PDQ index first, each index's most shared first.

        Raises:
            OutputError: DuckDB ran out of memory or of disk to spill to.
        """
        self._flush()
        self._file.flush()
        try:
            for name in _INDEXES:
                for step in _LINKED:
                    self._con.execute(step.format(index=name, links=BUCKET_LINKS,
                                                  partners=PARTNERS))
            cursor = self._con.execute(
                "SELECT a, b FROM (SELECT a, b, n, kind FROM linked_pdq UNION ALL "
                "SELECT a, b, n, kind FROM linked_crop) "
                "QUALIFY row_number() OVER (PARTITION BY a, b ORDER BY kind) = 1 "
                "ORDER BY kind, n DESC, a, b")
            while rows := cursor.fetchmany(batch):
                yield from rows
        except self._failed as exc:
            raise self._error(exc) from None

    def load(self, owner: int) -> Print:
        """The print of an added entry, read back from the scratch file."""
        found = self._cache.get(owner)
        if found is not None:
            self._cache.move_to_end(owner)
            return found
        offset, length = self._at[owner]
        found = unpack(os.pread(self._file.fileno(), length, offset))
        self._cache[owner] = found
        if len(self._cache) > _CACHED:
            self._cache.popitem(last=False)
        return found

    def close(self) -> None:
        self._con.close()
        self._file.close()


#: one index's candidate pairs, a table at a time (a step's table spills; one query of all
#: steps would hold every pipeline's state at once): every owner of a key (bucket) linked to
#: the bucket's ``links`` earliest owners, each pair counted over the keys it shares, each
#: entry keeping its ``partners`` best (most shared, then earliest partner) on either side
_LINKED = (
    """CREATE OR REPLACE TEMP TABLE heads AS
       SELECT key, owner AS head FROM (
           SELECT key, owner, row_number() OVER (PARTITION BY key ORDER BY owner) AS rank,
                  count(*) OVER (PARTITION BY key) AS size FROM {index})
       WHERE rank <= {links} AND size > 1""",
    """CREATE OR REPLACE TEMP TABLE counted AS
       SELECT h.head AS a, k.owner AS b, count(*) AS n
       FROM {index} k JOIN heads h ON k.key = h.key AND h.head < k.owner
       GROUP BY h.head, k.owner""",
    """CREATE OR REPLACE TEMP TABLE linked_{index} AS
       SELECT a, b, n, '{index}' = 'crop' AS kind FROM counted
       QUALIFY row_number() OVER (PARTITION BY a ORDER BY n DESC, b) <= {partners}
            OR row_number() OVER (PARTITION BY b ORDER BY n DESC, a) <= {partners}""",
    "DROP TABLE heads",
    "DROP TABLE counted",
    "DROP TABLE {index}",
)


def _sql_text(text: str) -> str:
    return text.replace("'", "''")
