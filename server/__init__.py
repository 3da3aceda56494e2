"""The Apparat web application (installed as ``apparat.web``): the SPARQL 1.1
Protocol endpoint, saved queries, entity pages, health.

``create_app`` is the only way to get an app; nothing is created at import
time. The web process holds no data: it reads the build's manifest and hands
every query to its executor pool (``apparat.query.executor``), whose
processes open the build's read-only store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: resolve settings, read the build, start the executors, register views.

    Args:
        test_config: setting overrides (names as in ``apparat.settings.SETTINGS``).

    Raises:
        DatasetMissing: there is no build in the configured build folder.
    """
    # Imported here, not at the top: ``apparat serve``'s own process imports this package for
    # ``clients.trusted_networks`` only, and granian's server process needs neither Flask nor
    # rdflib (~20 MB RSS it would hold for nothing; README "Goals of issue 11").
    from flask import Flask

    from apparat.query.cache import ResponseCache
    from apparat.query.executor import ExecutorPool
    from apparat.query.gateway import start_gateway
    from apparat.query.local import engine_for
    from apparat.query.remote import BuildWatch, store_endpoints
    from apparat.query.saved import load_saved_queries
    from apparat.query.store import read_build
    from apparat.serve import announce_ready
    from apparat.settings import load_settings

    from .clients import trusted_networks
    from .state import EXTENSION, AppState
    from .store_build import read_served_build
    from .warmup import warm_up

    app = Flask(__name__)
    settings = load_settings(test_config)
    trusted_proxies = trusted_networks(settings["trusted_proxies"])  # a typo fails here, before any executor
    # A remote store (setting ``store``) says itself which build it holds; executors query it.
    build = read_build(settings["build_dir"]) if settings["store"] == "embedded" else read_served_build(settings)
    # SERVICE calls go through this process's gateway (one cache for all its executors);
    # it listens before the executors start, since they get its URL in the engine.
    gateway = start_gateway(tuple(settings["service_allowlist"].split()), settings)
    engine = engine_for(build, settings, gateway)
    pool = ExecutorPool(build.build_dir, build.etag, engine, size=settings["query_executors"],
                        timeout=settings["query_timeout"], client_limit=settings["client_queries"],
                        client_in_flight=max(4 * settings["client_queries"], settings["threads"] // 2),
                        queue_limit=settings["query_queue"], in_memory=settings["executor_store"] == "memory",
                        gateway=gateway)
    # The build is pinned in store mode too: a watch says when the store holds another (server/store_build.py).
    watch = None if settings["store"] == "embedded" else BuildWatch(
        store_endpoints(settings["store"], settings["store_query_url"], settings["store_graph_url"]).query,
        build.etag)
    app.config["APPARAT"] = settings
    # Bodies over the cap are refused before they are read (413), also when chunked.
    app.config["MAX_CONTENT_LENGTH"] = settings["max_request_bytes"]
    app.extensions[EXTENSION] = AppState(
        settings=settings, build=build, engine=engine, pool=pool,
        cache=ResponseCache(settings["cache_bytes"]),
        saved=load_saved_queries(settings["queries_dir"]),  # parsed once; requests reuse them
        trusted_proxies=trusted_proxies, store_watch=watch,
    )

    from . import (
        admin,
        dataset,
        downloads,
        editor,
        errors,
        graph_store,
        health,
        http,
        limits,
        logs,
        metrics,
        observe,
        pages,
        queries,
        search,
        sources_view,
        sparql,
        store_build,
        wikidata,
    )

    app.register_blueprint(sparql.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(wikidata.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(sources_view.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(graph_store.bp)
    http.init_app(app)
    limits.init_app(app)
    store_build.init_app(app)  # after http: a preflight is answered, and the front cache asks the watch
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(admin.bp)
    errors.init_app(app)
    observe.init_app(app)  # outermost: sees every request (README "Operating it")
    pool.start()  # in the process that serves: executors belong to the process that uses them
    if watch is not None:
        watch.start()  # in the process that serves, like the pool
    # The caches every page shares, filled before the worker says it is ready (server/warmup.py).
    # At most warm_up_seconds: past them the rest goes on behind the ready worker (``worker_warm_late``).
    logs.worker_event("worker_warm", seconds=warm_up(
        app, settings["warm_up_seconds"],
        on_late=lambda took: logs.worker_event("worker_warm_late", seconds=took)))
    announce_ready(build.manifest)  # a reload may now stop the worker this one replaces
    return app
