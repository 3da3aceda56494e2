"""Warm-up: the work a process's first pages would pay, done once as the worker starts.

A fresh web process answered its first pages in 0.3–0.9 s where warm ones take
tens of milliseconds. The first request paid for what every later one reuses:
compiling the Jinja templates (0.03–0.13 s a page), reading the search index
(one SELECT of every name, ~0.12 s, and folding them, ~0.15 s: the home page
and every search), the conflicts (three SELECTs, ~0.1 s: every entity page, and one
more for the memberships in a conflict: every person and organ page),
the ontology's predicate labels and the home page's counts. :func:`warm_up`
does all of that in :func:`server.create_app`, after the executors start and
before the worker says it is ready (``announce_ready``), so a reload still waits
for a worker that answers at full speed.

None of it is a request: no WSGI call is made, so nothing shows in the access
log or in ``/metrics``; the SELECTs go through the executor pool like a page's
and land in the same caches (the response cache, the app's extensions).

The values of the saved queries' ``#+ enumerate:`` parameters (each saved
query's form offers them) are read here too when every enumeration query is in
its disk cache (``saved.enumeration_query``: one small SELECT each). On the
first start with a new or edited saved query, rdflib's parser must derive them
(about a second for all seven, with its import): that runs in a thread of its
own that the worker does not wait for, and fills the cache for every later
start, reload and worker.

What is left to a first request is its own: its page's SELECTs (an entity's
memberships, a source's spans, a saved query's answer). For the few pages where
those are heaviest — the person and the organ with the most memberships (Stalin,
the Politburo: 0.1–0.25 s cold at light load, 0.5–0.9 s at load 5–8), the source
with the most line spans (``rogovin-1992``) and ``/ontology`` — :func:`heavy_pages`
renders them once here (``app.full_dispatch_request`` in a request context of
its own, not through WSGI: still nothing in the log or ``/metrics``), so their
SELECTs are in the response cache when the first reader asks. The page itself is
rendered again for that reader (tens of milliseconds), as for every reader.
"""

from __future__ import annotations

import math
import threading
import time

from flask import Flask


def warm_up(app: Flask, seconds: float | None = None, on_late=None) -> dict[str, float | None]:
    """Fill the caches every page shares; return the seconds each step took (for the log).

    The steps that wait for executors run in threads beside the template
    compilation (the executors are other processes), so the warm-up takes about
    as long as its longest step. A step that fails (a remote store that is
    down …) is left to the first request that needs it, which reports the
    error as it always did.

    ``seconds`` (setting ``warm_up_seconds``) bounds the wait: at ×100 the warm-up (py-spy:
    the search index and the enumerations) took minutes, past ``reload_grace``, so a reload stopped the old
    worker long before the new one answered. Past the bound the worker goes on (it is
    ready); the steps not done run on in their daemon threads, each as a first request
    would, and are returned as ``None``; ``on_late(seconds)`` is called, from a thread,
    once they are all done (the log's ``worker_warm_late``). The heavy pages are left out
    once late (:data:`SKIPPED_WHEN_LATE`). ``seconds`` of None, 0, less or infinite: no bound.
    """
    from . import entity_view, search

    queries = {
        "search index": search.index,
        "home counts": search.way_in,  # after the index, which it uses
        "conflicts": entity_view.all_conflicts,
        "membership conflicts": entity_view.membership_conflicts,  # after the conflicts, whose labels it uses
        "predicate labels": entity_view.predicate_labels,
    }
    took: dict[str, float | str] = {}
    enumerations = _enumerations(app)
    if enumerations is not None:
        queries["enumerations"] = enumerations
    queries["heavy pages"] = lambda: heavy_pages(app)
    # the heavy pages after the shared caches they use (conflicts, predicate labels)
    chains = [("search index", "home counts"), ("conflicts", "membership conflicts", "heavy pages"),
              ("predicate labels",) + (("enumerations",) if enumerations else ())]
    ends = time.monotonic() + seconds if seconds is not None and 0 < seconds < math.inf else None
    running = []  # daemon threads (not a pool's, which the interpreter joins at exit): past the bound
    for number, chain in enumerate(chains):  # they must not hold up a worker that stops
        thread = threading.Thread(target=_run, args=(app, [(name, queries[name]) for name in chain], took, ends),
                                  name=f"apparat-warm-up-{number}", daemon=True)
        thread.start()
        running.append(thread)
    _run(app, [("templates", lambda: _compile_templates(app)), ("routes", app.url_map.update)], took)
    for thread in running:
        thread.join(None if ends is None else max(0.0, ends - time.monotonic()))
    done = dict(took)  # a snapshot: the threads past the bound go on writing theirs
    late = [name for chain in chains for name in chain if name not in done]
    if late and on_late is not None:
        def report() -> None:
            for thread in running:
                thread.join()
            on_late(dict(took))

        threading.Thread(target=report, name="apparat-warm-up-late", daemon=True).start()
    return {**done, **dict.fromkeys(late)}


def _enumerations(app: Flask):
    """The step that reads the ``#+ enumerate:`` values, when their queries are all cached on
    disk; otherwise None, after starting a thread that derives and reads them (not waited for)."""
    from apparat.query.saved import enumeration_cached

    from .state import state

    with app.app_context():
        current = state()
    if all(enumeration_cached(saved, name) for saved in current.saved.values() for name in saved.enumerate):
        return current.enumerations
    threading.Thread(target=_run, args=(app, [("enumerations", current.enumerations)], {}),
                     name="apparat-enumerations", daemon=True).start()
    return None


#: Steps not begun once the warm-up is past its bound: a first reader's speed on four pages is
#: not worth their ranking SELECTs on a large build, nor their requests' share of the loopback
#: client's ``client_queries`` (their request context's address) while the worker serves.
SKIPPED_WHEN_LATE = frozenset({"heavy pages"})


def _run(app: Flask, steps, took: dict[str, float | str], ends: float | None = None) -> None:
    with app.app_context():
        for name, step in steps:
            started = time.monotonic()
            if ends is not None and started > ends and name in SKIPPED_WHEN_LATE:
                took[name] = "skipped"
                continue
            try:
                step()
            except Exception as err:  # noqa: BLE001 — the first request meets it again and reports it
                app.logger.warning("warm-up step %s failed: %s", name, err)
            took[name] = round(time.monotonic() - started, 3)


def _compile_templates(app: Flask) -> None:
    env = app.jinja_env
    for name in env.list_templates(extensions=("html",)):
        env.get_template(name)


#: The pages :func:`heavy_pages` renders: the person and the organ with the most memberships, the source
#: with the most cited line spans (one SELECT each, ranked), and the ontology.
_HEAVIEST = (
    "SELECT ?x WHERE { ?m a org:Membership ; org:member ?x } GROUP BY ?x ORDER BY DESC(COUNT(DISTINCT ?m)) ?x LIMIT 1",
    "SELECT ?x WHERE { ?m a org:Membership ; org:organization ?x } GROUP BY ?x "
    "ORDER BY DESC(COUNT(DISTINCT ?m)) ?x LIMIT 1",
    "SELECT ?x WHERE { ?span ap:inSource ?x } GROUP BY ?x ORDER BY DESC(COUNT(DISTINCT ?span)) ?x LIMIT 1",
)


def heavy_pages(app: Flask) -> list[str]:
    """Render once the pages whose own SELECTs are the heaviest (:data:`_HEAVIEST`), so that their
    answers are in the response cache for the first reader; return their paths."""
    from apparat.namespaces import BASE

    from .lookup import select

    iris = [row["x"] for query in _HEAVIEST for row in select(query)]
    paths = ["/" + i.removeprefix(BASE) for i in iris if i.startswith(BASE)] + ["/ontology"]
    for path in paths:
        with app.test_request_context(path, headers={"Accept": "text/html"}):
            response = app.full_dispatch_request()
            response.close()
            if response.status_code != 200:
                app.logger.warning("warm-up page %s answered %s", path, response.status_code)
    return paths
