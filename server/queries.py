"""Saved queries over HTTP: ``/queries`` (list), ``/queries/<name>`` (run),
``/queries/openapi.json`` (an OpenAPI 3.1 description of them all).

A saved query runs through the same ``run_query`` as ``/sparql`` and the CLI.
Reserved request parameters (``format``, ``infer``) steer the response; every
other parameter must be one the query declares.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from apparat import __version__
from apparat.formats import RESULT_FORMATS
from apparat.queries import UnknownQuery

from .results import answer_query, wants_inference

bp = Blueprint("queries", __name__)
RESERVED = ("format", "infer")


def _saved():
    return current_app.extensions["apparat.queries"]


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.args.get("format") != "json"


@bp.get("/queries")
@bp.get("/queries/")
def index():
    listing = [_describe(q) for q in _saved().values()]
    if _wants_html():
        return render_template("queries.html", queries=_saved().values())
    return jsonify({"queries": listing})


@bp.get("/queries/openapi.json")
def openapi():
    return jsonify(openapi_document(_saved().values()))


@bp.get("/queries/<name>")
def run(name: str):
    saved = _saved().get(name)
    if saved is None:
        raise UnknownQuery(f"no saved query {name!r}; known: {', '.join(_saved())}")
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    return answer_query(saved.bind(values), format_name=request.args.get("format"),
                        infer=wants_inference(request.args))


def _describe(saved) -> dict:
    return {
        "name": saved.name,
        "summary": saved.summary,
        "description": saved.description,
        "tags": list(saved.tags),
        "defaultView": saved.default_view,
        "url": url_for("queries.run", name=saved.name, _external=False),
        "parameters": [
            {"name": p.name, "type": p.type_name, "required": p.required, "default": p.default,
             "description": p.description, **({"enum": list(p.enum)} if p.enum else {})}
            for p in saved.parameters
        ],
    }


def _schema(param) -> dict:
    if param.enum:
        return {"type": "string", "enum": list(param.enum)}
    if param.kind == "integer" or (param.datatype or "").endswith(("#integer", "#gYear")):
        schema = {"type": "integer"}
        if param.minimum is not None:
            schema["minimum"] = param.minimum
        if param.maximum is not None:
            schema["maximum"] = param.maximum
        return schema
    if (param.datatype or "").endswith("#date"):
        return {"type": "string", "format": "date"}
    if param.kind == "iri" and not param.base:
        return {"type": "string", "format": "uri"}
    return {"type": "string", "minLength": 1}


def openapi_document(saved_queries) -> dict:
    """Describe every saved query as a GET operation (OpenAPI 3.1)."""
    media = {f.media_type: {"schema": {"type": "string"}} for f in RESULT_FORMATS}
    media["application/sparql-results+json"] = {"schema": {"type": "object"}}
    errors = {"description": "Error", "content": {"text/plain": {"schema": {"type": "string"}},
                                                   "application/json": {"schema": {"type": "object"}}}}
    paths = {}
    for saved in saved_queries:
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": f"{p.description} ({p.type_name})".strip(),
                "schema": {**_schema(p), **({"default": p.default} if p.default is not None else {})},
                **({"example": p.example} if p.example is not None else {}),
            }
            for p in saved.parameters
        ]
        parameters.append({"name": "format", "in": "query", "required": False,
                           "description": "Result format (overrides Accept)",
                           "schema": {"type": "string", "enum": [f.name for f in RESULT_FORMATS]}})
        paths[f"/queries/{saved.name}"] = {
            "get": {
                "operationId": saved.name.replace("-", "_"),
                "summary": saved.summary or saved.name,
                "description": saved.description or saved.summary or saved.name,
                "tags": list(saved.tags),
                "parameters": parameters,
                "responses": {
                    "200": {"description": "SPARQL results", "content": media},
                    "400": errors, "406": errors, "503": errors,
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Apparat saved queries", "version": __version__,
                 "description": "Saved SPARQL queries over the Apparat knowledge graph."},
        "paths": paths,
    }
