"""build/ -> answers: the query side of Apparat.

- ``store``     the build's read-only on-disk store, pinned by checksum
- ``sparql``    one query: token checks (nesting, update, SERVICE allowlist), evaluation, errors
- ``formats``   media types; answers written by pyoxigraph's serializers, the row cap exact
- ``executor``  executor processes: one deadline, fairness, no orphans
- ``cache``     answers kept by (build, query, dataset, format), bounded in bytes
- ``saved``     the saved queries (``queries/*.rq``): headers, typed parameters, binding
- ``local``     the same engine in-process, for the CLI, tests and benchmarks
- ``table``     plain-text tables for the terminal

Serving code imports from here and never from the build.
"""
