"""The dataset as a whole: VoID at ``/.well-known/void`` and the dump at ``/dataset.nq``."""

from __future__ import annotations

from flask import Blueprint, request, send_file

from .description import DESCRIPTION_PREFIXES, void_description
from .results import graph_response
from .state import state

bp = Blueprint("dataset", __name__)


@bp.get("/.well-known/void")
def void():
    from .graph_store import union_size

    graph = void_description(request.host_url.rstrip("/"), state().manifest, union_size())
    return graph_response(graph, request.args.get("format"), DESCRIPTION_PREFIXES)


@bp.get("/dataset.nq")
def dump():
    """Every graph, asserted and inferred, as the build wrote it (sorted N-Quads); gzipped if accepted."""
    from .downloads import gzipped_dump, wants_gzip

    if wants_gzip():
        return gzipped_dump()
    return send_file(state().build.dump_file(), mimetype="application/n-quads", conditional=True,
                     download_name="apparat.nq")
