"""Apparat: a knowledge graph of the Soviet party apparatus with a SPARQL endpoint.

The public API is small: build a dataset from the ontology and triples, load a
built dataset, and run queries against it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
