"""``/wikidata/statements``: our memberships and posts in the shape of Wikidata's
statements (``p:P39`` statement nodes with qualifiers and references), the answer of
the saved CONSTRUCT query ``wikidata-statements`` (see its header), negotiated as any
graph answer (Turtle, N-Triples, JSON-LD …); ``?person=`` (slug or IRI) for one person."""

from __future__ import annotations

from flask import Blueprint, request

from .queries import RESERVED, with_sources
from .results import answer_query, wants_inference
from .state import state

bp = Blueprint("wikidata", __name__)
STATEMENTS_QUERY = "wikidata-statements"


@bp.get("/wikidata/statements")
def statements():
    saved = state().saved[STATEMENTS_QUERY]
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    return with_sources(answer_query(saved.bind(values), format_name=request.args.get("format"),
                                     infer=wants_inference(request.args)))
