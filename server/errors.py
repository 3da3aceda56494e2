"""One place that turns errors into HTTP responses: Apparat's own errors keep
their status and message; anything else is our bug, a 500 that says so."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from apparat.errors import KgError

from .observe import note_error


def error_response(status: int, title: str, message: str, **extra):
    """Render an error as JSON for machines, as plain text for everyone else.

    SPARQL clients (SPARQLWrapper, Jena, curl) show a text body as it is, so
    the parser's message reaches the user unchanged.
    """
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        response = jsonify({"ok": False, "status": status, "error": title, "message": message, **extra})
    else:
        response = Flask.response_class(f"{title}: {message}\n", mimetype="text/plain")
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(KgError)
    def _kg_error(err: KgError):
        extra = {k: v for k in ("line", "column", "reason") if (v := getattr(err, k, None)) is not None}
        response = error_response(err.status, err.title, str(err), **extra)
        if getattr(err, "retry_after", None):
            response.headers["Retry-After"] = str(err.retry_after)
        if getattr(err, "reason", None):  # timeout and refusal reasons (README "Operating it")
            response.headers["X-Apparat-Reason"] = err.reason
        note_error(err)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        note_error(err)
        return error_response(err.code or 500, err.name, err.description or err.name)

    @app.errorhandler(Exception)
    def _bug(err: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "Internal error", "this is a bug in Apparat, not in your request")
