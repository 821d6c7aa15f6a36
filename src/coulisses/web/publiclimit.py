"""A request budget per client address for the public (no account) pages: client review links.

In memory, per server process: each address may make ``limit`` requests per ``window``
seconds; past that it is refused with 429 until the oldest request leaves the window. The
password of a link is throttled in the database instead (``ratelimit``), like sign-in.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from coulisses.errors import RateLimitError

MAX_ADDRESSES = 10_000  # beyond this the oldest addresses are forgotten: memory stays bounded


class Budget:
    """``limit`` requests per ``window`` seconds for each address."""

    def __init__(self, limit: int = 300, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, address: str) -> None:
        """Count one request from ``address``.

        Raises:
            RateLimitError: the address is over its budget.
        """
        now = time.monotonic()
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) >= self.limit:
                self._seen[address] = times
                raise RateLimitError("Too many requests from here: wait a minute, then "
                                     "reload the page.")
            times.append(now)
            self._seen[address] = times  # the most recent addresses sit at the end
            while len(self._seen) > MAX_ADDRESSES:
                self._seen.pop(next(iter(self._seen)))
