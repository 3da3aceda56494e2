"""Answers kept in memory: a built dataset never changes, so the same request gets the same bytes.

Keyed by the build's checksum, the query text, the dataset parameters and the
format request (the ``format`` parameter and ``Accept``); bounded in bytes,
least recently used first out. One per web process; thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    """An LRU map from request keys to answers, holding at most ``max_bytes`` of answers.

    >>> cache = ResponseCache(10)
    >>> cache.put(("a",), "x", 6); cache.put(("b",), "y", 6)
    >>> cache.get(("a",)), cache.get(("b",))
    (None, 'y')
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple, *, wait: bool = True):
        """The answer kept under ``key``, or None; with ``wait=False`` also None, at once, while
        another thread holds the lock (an event loop must not wait for a thread)."""
        if not self._lock.acquire(blocking=wait):
            return None
        try:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]
        finally:
            self._lock.release()

    def put(self, key: tuple, value, size: int) -> None:
        """Keep ``value`` (``size`` bytes), dropping the least recently used; never one larger than the cache."""
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    @property
    def size(self) -> int:
        """Bytes held now."""
        return self._size
