"""Extraction: corpus text -> RDF graphs. Every module here is a pure function
from text to data or to an rdflib ``Graph``; reading the corpus and writing
``triples/`` happen only in :mod:`apparat.extract.run`."""
