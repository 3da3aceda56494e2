"""``/health``: is the server up, and what dataset does it serve."""

from flask import Blueprint, jsonify

from .state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    manifest = state().manifest
    return jsonify(
        {
            "status": "ok",
            "built_at": manifest["built_at"],
            "etag": manifest["etag"],
            "triples": {"asserted": manifest["asserted"], "inferred": manifest["inferred"]},
            "graphs": manifest["graphs"],
        }
    )
