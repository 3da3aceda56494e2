"""The RDF, RDFS and OWL terms the reasoning code names, as plain strings
(our IRIs are ``str``; see :mod:`apparat.build.terms`)."""

from __future__ import annotations


class _Namespace:
    def __init__(self, base: str, names: str):
        self.base = base
        for name in names.split():
            setattr(self, name, base + name)


RDF = _Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type first rest nil Property")
RDFS = _Namespace("http://www.w3.org/2000/01/rdf-schema#",
                  "subClassOf subPropertyOf domain range Datatype label comment")
OWL = _Namespace(
    "http://www.w3.org/2002/07/owl#",
    "Class Thing Nothing sameAs propertyChainAxiom equivalentClass equivalentProperty inverseOf "
    "ObjectProperty DatatypeProperty AnnotationProperty SymmetricProperty TransitiveProperty "
    "FunctionalProperty InverseFunctionalProperty onProperty hasValue someValuesFrom allValuesFrom "
    "intersectionOf unionOf hasKey maxCardinality maxQualifiedCardinality oneOf",
)
XSD = _Namespace("http://www.w3.org/2001/XMLSchema#", "string")
