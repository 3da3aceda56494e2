"""What the endpoint says about itself: a SPARQL 1.1 Service Description at
``/sparql`` (no query) and a VoID description at ``/.well-known/void``.

Both are built once per app from the build manifest and the settings."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from apparat.namespaces import AP, BASE, INFERRED_GRAPH, PREFIXES, SH
from apparat.query.formats import GRAPH_FORMATS, RESULT_FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# W3C "Unique URIs for file formats" for each of our formats.
_FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON, "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV, "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle, "ntriples": FORMATS["N-Triples"], "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS["RDF_XML"], "nquads": FORMATS["N-Quads"], "trig": FORMATS.TriG,
}


#: Prefixes for writing these descriptions.
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": str(SD), "void": str(VOID), "ent": str(ENT), "formats": str(FORMATS)}


def _bind(g: Graph) -> Graph:
    for prefix, ns in DESCRIPTION_PREFIXES.items():
        g.bind(prefix, ns)
    return g


def service_description(endpoint: str, manifest: dict, settings: dict) -> Graph:
    """The Service Description of ``endpoint`` (an absolute URL)."""
    g = _bind(Graph())
    service, dataset = URIRef(endpoint + "#service"), URIRef(endpoint + "#dataset")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        g.add((service, SD.resultFormat, _FORMAT_IRIS[fmt.name]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings["service_allowlist"].split():
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    g.add((service, SD.defaultEntailmentRegime, ENT["OWL-RL"]))
    g.add((service, RDFS.comment, Literal(
        "Read-only. The default graph is the union of every graph, with the OWL 2 RL closure materialised "
        "in the graph " + str(INFERRED_GRAPH) + "; add infer=false for asserted triples only. "
        f"Queries stop after {settings['query_timeout']:g} s; results are cut at {settings['max_rows']} rows, "
        "and a cut result carries the response header X-Apparat-Truncated. SERVICE may call only: "
        + (", ".join(settings["service_allowlist"].split()) or "nothing")
        + f"; a query may have at most {settings['max_service_calls']} SERVICE clauses.", lang="en")))
    g.add((service, AP.queryTimeoutSeconds, Literal(settings["query_timeout"], datatype=XSD.decimal)))
    g.add((service, AP.maxResultRows, Literal(settings["max_rows"])))
    g.add((service, AP.maxServiceCalls, Literal(settings["max_service_calls"])))
    _federation(g, service, settings)
    _limits(g, service, settings)
    for allowed in settings["service_allowlist"].split():
        g.add((service, AP.federatesWith, URIRef(allowed)))
    for prefix, namespace in PREFIXES.items():  # the predeclared prefixes, as SHACL prefix declarations
        declaration = BNode()
        g.add((service, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = URIRef(endpoint + "#default-graph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(sum(manifest["graphs"].values()))))
    named_graphs = [(name, count) for name, count in manifest["graphs"].items() if name != "default"]
    for number, (name, count) in enumerate(named_graphs, start=1):
        named, graph = URIRef(f"{endpoint}#named-graph-{number}"), URIRef(f"{endpoint}#graph-{number}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count)))
    return g


def _federation(g: Graph, service: URIRef, settings: dict) -> None:
    """How SERVICE calls are made (the federation gateway, ``apparat/query/gateway.py``)."""
    if not settings["service_allowlist"].split():
        return
    from apparat import __version__
    from apparat.query.gateway import user_agent

    agent = user_agent(__version__, settings["service_contact"] or BASE)
    g.add((service, AP.serviceUserAgent, Literal(agent)))
    g.add((service, AP.serviceTimeoutSeconds, Literal(settings["service_timeout"], datatype=XSD.decimal)))
    g.add((service, AP.serviceCacheSeconds, Literal(settings["service_cache_seconds"], datatype=XSD.decimal)))
    g.add((service, AP.serviceCacheBytes, Literal(settings["service_cache_bytes"])))
    g.add((service, AP.maxServiceAnswerBytes, Literal(settings["service_max_bytes"])))
    g.add((service, RDFS.comment, Literal(
        f"SERVICE calls send the User-Agent {agent!r}; each may take {settings['service_timeout']:g} s "
        f"(then the query fails with 504, unless SERVICE SILENT); answers up to "
        f"{settings['service_max_bytes']} bytes are accepted and kept for "
        f"{settings['service_cache_seconds']:g} s (up to {settings['service_cache_bytes']} bytes in all), "
        "so a repeated call is answered without a connection.", lang="en")))


def _limits(g: Graph, service: URIRef, settings: dict) -> None:
    """The request limits (README "Operating it"), each refused before any work is done."""
    in_flight = max(4 * settings["client_queries"], settings["threads"] // 2)
    for term, value in ((AP.maxRequestBytes, settings["max_request_bytes"]),
                        (AP.maxQueryLength, settings["max_query_length"]),
                        (AP.maxFormFields, settings["max_form_fields"]),
                        (AP.maxRequestHeaderBytes, settings["max_header_bytes"]),
                        (AP.maxRequestHeaderFields, 100),
                        (AP.maxConcurrentQueriesPerClient, settings["client_queries"]),
                        (AP.maxQueriesInFlightPerClient, in_flight)):
        g.add((service, term, Literal(value)))
    body_time = (f"; a request body must arrive whole within {settings['body_timeout']:g} s (else 408)"
                 if settings["http_server"] == "granian" and settings["http_interface"] == "asgi" else "")
    g.add((service, RDFS.comment, Literal(
        f"Limits: request bodies up to {settings['max_request_bytes']} bytes (else 413){body_time}; query text up to "
        f"{settings['max_query_length']} characters (else 414 for GET, 413 for POST); at most "
        f"{settings['max_form_fields']} form fields or URL parameters (else 413 for a form POST, 400 for GET); "
        f"request line and headers up to {settings['max_header_bytes']} bytes and 100 header fields (else 431); "
        f"{settings['client_queries']} queries at once per client address, and past {in_flight} in flight 429 "
        "with Retry-After. A query, parameter or form value that is not UTF-8 is 400, naming the byte.",
        lang="en")))


def void_description(root: str, manifest: dict, union_triples: int | None = None) -> Graph:
    """VoID for the whole dataset: one subset per named graph, with triple counts.

    The dataset's ``void:triples`` is the number of distinct triples its default graph (the
    union, as ``/sparql`` sees it) holds, ``union_triples``; a triple stated in two graphs
    counts once there and once in each subset. Without it, the sum over the graphs.
    """
    g = _bind(Graph())
    ds = URIRef(BASE + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Apparat: a knowledge graph of the Soviet party apparatus", lang="en")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(root + "/sparql")))
    g.add((ds, VOID.dataDump, URIRef(root + "/dataset.nq")))
    g.add((ds, VOID.uriSpace, Literal(BASE + "id/")))
    g.add((ds, VOID.triples, Literal(sum(manifest["graphs"].values()) if union_triples is None else union_triples)))
    g.add((ds, DCTERMS.modified, Literal(manifest["built_at"], datatype=XSD.dateTime)))
    for name, count in manifest["graphs"].items():
        if name == "default":
            continue
        subset = URIRef(name)
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(count)))
    return g
