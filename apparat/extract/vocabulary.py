"""Compact names of the vocabularies the ledger and the gazetteer use (``ap:Politburo``)."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDFS, SKOS

from ..namespaces import AP, ORG, SCHEMA

__all__ = ["curie"]

_PREFIXES = {"ap": AP, "org": ORG, "schema": SCHEMA, "skos": SKOS, "foaf": FOAF, "prov": PROV,
             "rdfs": RDFS, "dct": DCTERMS, "owl": OWL}


def curie(name: str) -> URIRef:
    """``ap:Politburo`` -> the IRI.

    >>> str(curie("org:Membership"))
    'http://www.w3.org/ns/org#Membership'
    """
    prefix, _, local = name.partition(":")
    return URIRef(str(_PREFIXES[prefix]) + local)
