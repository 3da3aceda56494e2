"""The dump compressed: ``/dataset.nq`` answers gzip-encoded when the client
accepts gzip, and ``/dataset.nq.gz`` is the same bytes as a file.

The build's N-Quads are compressed once per web process, at first request
(a few hundred milliseconds, about a tenth of the size), and kept in memory;
the build folder is never written to.
"""

from __future__ import annotations

import gzip
import threading
from datetime import datetime

from flask import Blueprint, Response, current_app, request

from .state import state

bp = Blueprint("downloads", __name__)
_lock = threading.Lock()


def compressed_dump() -> bytes:
    """The build's ``dataset.nq``, gzipped (kept per process and build)."""
    with _lock:
        found = current_app.extensions.get("apparat-dump-gz")
        if found is None or found[0] != state().build.etag:
            data = (state().build.dump_file()).read_bytes()
            found = (state().build.etag, gzip.compress(data, compresslevel=6, mtime=0))
            current_app.extensions["apparat-dump-gz"] = found
        return found[1]


def wants_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def gzipped_dump(*, as_file: bool = False) -> Response:
    """The dump, gzip-encoded N-Quads (or, ``as_file``, a ``.nq.gz`` file)."""
    body = compressed_dump()
    if as_file:
        response = Response([body], mimetype="application/gzip")
        response.headers["Content-Disposition"] = "attachment; filename=apparat.nq.gz"
    else:
        response = Response([body], mimetype="application/n-quads")
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Disposition"] = "inline; filename=apparat.nq"
        response.vary.add("Accept-Encoding")
    response.set_etag(f'{state().build.etag}-{"gzfile" if as_file else "gzip"}', weak=True)
    response.last_modified = datetime.fromisoformat(state().manifest["built_at"])
    response = response.make_conditional(request)
    # Already compressed: the shared after-request step must not gzip it again.
    response.direct_passthrough = True
    return response


@bp.get("/dataset.nq.gz")
def dump_gz():
    return gzipped_dump(as_file=True)
