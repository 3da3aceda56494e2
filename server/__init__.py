"""The Apparat web application: SPARQL 1.1 Protocol endpoint and health check.

``create_app`` is the only way to get an app; nothing is created at import time.
Under gunicorn each worker builds its app once, so the dataset is loaded once
per worker and then shared by that worker's threads (it is read-only).
"""

from __future__ import annotations

from flask import Flask

from apparat.executor import QueryExecutor
from apparat.queries import enumerate_parameters, load_saved_queries
from apparat.settings import load_settings
from apparat.store import load_dataset


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: resolve settings, load the built dataset, register views.

    Args:
        test_config: setting overrides (names as in ``apparat.settings.SETTINGS``).

    Raises:
        DatasetMissing: there is no build in the configured build folder.
    """
    app = Flask(__name__)
    settings = load_settings(test_config)
    app.config["APPARAT"] = settings
    app.extensions["apparat.dataset"] = load_dataset(settings["build_dir"])
    app.extensions["apparat.executor"] = QueryExecutor(
        settings["build_dir"], settings["query_executors"], settings["query_timeout"]
    )
    # Parsed once at start-up: every request reuses the parsed headers.
    app.extensions["apparat.queries"] = load_saved_queries(settings["queries_dir"])
    app.extensions["apparat.enumerations"] = enumerate_parameters(
        app.extensions["apparat.queries"].values(), app.extensions["apparat.dataset"])

    from . import dataset, errors, health, http, pages, queries, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(dataset.bp)
    app.register_blueprint(pages.bp)
    http.init_app(app)
    app.register_blueprint(health.bp)
    errors.init_app(app)
    return app
