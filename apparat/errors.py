"""Domain errors. Each carries the HTTP status it maps to; the edges
(``server/errors.py`` for HTTP, ``apparat/cli.py`` for exit codes) translate them."""

from __future__ import annotations


class KgError(Exception):
    """Base class of Apparat's own errors."""

    status = 500
    title = "Internal error"


class BuildError(KgError):
    """The build cannot go on: bad input data, a failed check, or a failed validation."""

    title = "Build failed"


class DataSyntaxError(BuildError):
    """A triples or ontology file does not parse; names the file and line."""

    def __init__(self, path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class DatasetMissing(KgError):
    """No built dataset where one is expected."""

    status = 503
    title = "No dataset"


class QuerySyntaxError(KgError):
    """The query does not parse. ``line``/``column`` are 1-based where known."""

    status = 400
    title = "Malformed query"

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.line, self.column = line, column
        super().__init__(message)


class QueryRefused(KgError):
    """A well-formed request asks for something this endpoint does not do."""

    status = 400
    title = "Query refused"


class UpdateForbidden(QueryRefused):
    """SPARQL Update (and LOAD, CLEAR …) on a read-only endpoint."""

    status = 403
    title = "Update forbidden"


class UnknownQuery(KgError):
    """No saved query of that name."""

    status = 404
    title = "Unknown saved query"


class ParameterError(KgError):
    """A parameter value is missing or is not of the declared type."""

    status = 400
    title = "Bad parameter"

    def __init__(self, name: str, message: str):
        self.parameter = name
        super().__init__(f"parameter {name!r}: {message}")


class QueryTimeout(KgError):
    """The query ran past the time limit and was stopped (or never got an executor in time)."""

    status = 503
    title = "Query timeout"
    #: Seconds a client should wait before trying again (the Retry-After header).
    retry_after = 5
    #: Why, for the response body, the log and the metrics: ``deadline`` (the query ran
    #: past the limit), ``pool_busy`` (no executor came free in time), ``client_slots``
    #: (this client's own queries held its slots), ``queue_full`` (ServerBusy).
    reason = "deadline"

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        if reason:
            self.reason = reason


class ServerBusy(QueryTimeout):
    """Too many queries are already waiting for an executor: try again shortly."""

    title = "Server busy"
    retry_after = 2
    reason = "queue_full"


class TooManyQueries(KgError):
    """One client address already has as many queries in flight as it may."""

    status = 429
    title = "Too many queries"
    retry_after = 2
    reason = "client_in_flight"


class ServiceFailed(KgError):
    """A federated SERVICE call failed (the remote endpoint, not the query)."""

    status = 502
    title = "Federated query failed"


class ServiceTimeout(ServiceFailed):
    """A federated SERVICE call took longer than its own limit (setting ``service_timeout``)."""

    status = 504
    title = "Federated query timed out"


class NotAcceptable(KgError):
    """No offered media type satisfies the request's Accept header."""

    status = 406
    title = "Not acceptable"


class StoreFailed(KgError):
    """The remote SPARQL store (setting ``store``) failed or could not be reached."""

    status = 502
    title = "SPARQL store failed"
    retry_after = 5


class StoreTimeout(KgError):
    """The remote SPARQL store did not answer within the time left under the query's deadline."""

    status = 504
    title = "SPARQL store timed out"
    retry_after = 5


class StoreBuildChanged(KgError):
    """The remote store does not hold the build this server serves now: an upload of a new build
    has begun (``reason`` ``uploading``) or it holds another one (``build_changed``)."""

    status = 503
    title = "Store holds another build"
    retry_after = 5

    def __init__(self, message: str, reason: str = "build_changed"):
        super().__init__(message)
        self.reason = reason
