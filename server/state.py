"""Everything a request may need, in one typed object: ``state()`` inside a request."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from apparat.query.cache import ResponseCache
from apparat.query.executor import ExecutorPool, QueryRequest
from apparat.query.remote import BuildWatch
from apparat.query.saved import SavedQuery, enumerate_parameters
from apparat.query.sparql import Engine
from apparat.query.store import BuildInfo

if TYPE_CHECKING:
    from .http import FrontCache
    from .observe import Observer

EXTENSION = "apparat"


@dataclass
class AppState:
    """The app's shared, read-only state (the pool and cache are thread-safe).

    The web process holds no data: queries, entity lookups and the values of
    ``#+ enumerate:`` parameters all go through the executor pool.
    """

    settings: dict
    build: BuildInfo
    engine: Engine
    pool: ExecutorPool
    cache: ResponseCache
    saved: dict[str, SavedQuery]
    #: The WSGI middlewares the ASGI front calls on its event loop for cache hits
    #: (``server.front``); set by ``server.http`` and ``server.observe``.
    front_cache: FrontCache | None = None
    observer: Observer | None = None
    #: The ``trusted_proxies`` setting, parsed (``server.clients``).
    trusted_proxies: tuple = ()
    #: On a remote store: which build the store holds now (``server.store_build``); None if embedded.
    store_watch: BuildWatch | None = None
    _enumerations: dict | None = field(default=None, repr=False)
    _enumerations_of: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def manifest(self) -> dict:
        return self.build.manifest

    def drop_answers(self) -> None:
        """Forget every answer kept: a new, empty response cache of the same size (on a remote
        store whose build changed, answers cached in the second before it was seen may mix)."""
        self.cache = ResponseCache(self.cache.max_bytes)
        if self.front_cache is not None:
            self.front_cache.cache = self.cache

    def enumerations(self) -> dict[str, dict[str, list[str]]]:
        """Values of the saved queries' ``#+ enumerate:`` parameters, read from the data once."""
        with self._lock:
            if self._enumerations is None:
                self._enumerations = enumerate_parameters(self.saved.values(), self._select)
            return self._enumerations

    def enumerations_of(self, name: str) -> dict[str, list[str]]:
        """One saved query's ``#+ enumerate:`` values: its page reads only its own (the first
        saved-query page of a process took 1.8 s reading every query's)."""
        with self._lock:
            if self._enumerations is not None:
                return self._enumerations.get(name, {})
            if name not in self._enumerations_of:
                found = enumerate_parameters([self.saved[name]], self._select)
                self._enumerations_of[name] = found.get(name, {})
            return self._enumerations_of[name]

    def _select(self, text: str) -> list[dict]:
        answer = self.pool.run(QueryRequest(text, result_format="json"), client="enumerate")
        return json.loads(answer.body)["results"]["bindings"]


def state() -> AppState:
    """The current app's :class:`AppState`."""
    return current_app.extensions[EXTENSION]
