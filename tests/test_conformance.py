"""The Python SHACL check (apparat.build.conformance) against pySHACL, one kind of constraint at a time.

For each case, both verdicts are computed on the same triples: where the check
says ``True`` pySHACL must find no violation; where pySHACL finds one, the check
must not say ``True`` (it says ``False``, and the build then runs pySHACL). The
shapes are small Turtle snippets in the style of ``ontology/shapes.ttl``; the
data are made up (example.org), not facts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from apparat.build.conformance import conforms
from apparat.build.parse import parse_shapes, union
from apparat.build.terms import from_ox
from apparat.build.validate import ValidationFailed, validate

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = """@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def triples(turtle: str) -> set:
    return {(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)}


def pyshacl_conforms(data: set, shapes: set) -> bool:
    try:
        validate(data, shapes)
    except ValidationFailed:
        return False
    return True


MEMBERSHIP = """ex:MShape a sh:NodeShape ; sh:targetClass ex:Membership ;
  sh:property [ sh:path ex:member ; sh:minCount 1 ; sh:maxCount 1 ; sh:class ex:Person ] ."""
#: In the data, as the ontology is in the build's: SHACL's class targets and sh:class follow it.
SCHEMA = "ex:Chair rdfs:subClassOf ex:Membership . ex:Secretary rdfs:subClassOf ex:Person ."
DATES = """ex:DShape a sh:NodeShape ; sh:targetClass ex:Event ;
  sh:property [ sh:path ex:start ; sh:maxCount 1 ; sh:datatype xsd:date ] ;
  sh:property [ sh:path ex:line ; sh:datatype xsd:integer ] ."""
CONFLICT = """ex:CShape a sh:NodeShape ; sh:targetClass ex:Conflict ;
  sh:property [ sh:path ex:claim ; sh:minCount 2 ] ."""
CLAIM = """ex:ClShape a sh:NodeShape ; sh:targetClass ex:Claim ;
  sh:or ( [ sh:path ex:property ; sh:maxCount 0 ] [ sh:path ex:value ; sh:minCount 1 ] ) ."""

CASES = {
    # sh:targetClass (with a subclass), sh:minCount, sh:maxCount, sh:class (with a subclass)
    "member present": (MEMBERSHIP, "ex:m a ex:Membership ; ex:member ex:p . ex:p a ex:Person .", True),
    "member of a subclass": (MEMBERSHIP, "ex:m a ex:Membership ; ex:member ex:p . ex:p a ex:Secretary .", True),
    "no member": (MEMBERSHIP, "ex:m a ex:Membership .", False),
    "no member, target by subclass": (MEMBERSHIP, "ex:m a ex:Chair .", False),
    "two members": (MEMBERSHIP, "ex:m a ex:Membership ; ex:member ex:p, ex:q . ex:p a ex:Person . ex:q a ex:Person .",
                    False),
    "member of another class": (MEMBERSHIP, "ex:m a ex:Membership ; ex:member ex:p . ex:p a ex:Organ .", False),
    "member untyped": (MEMBERSHIP, "ex:m a ex:Membership ; ex:member ex:p .", False),
    "member a literal": (MEMBERSHIP, 'ex:m a ex:Membership ; ex:member "Petrov" .', False),
    "not a target": (MEMBERSHIP, "ex:m a ex:Meeting .", True),
    # sh:datatype xsd:date and xsd:integer
    "valid date and line": (DATES, 'ex:e a ex:Event ; ex:start "1917-03-12"^^xsd:date ; ex:line 12 .', True),
    "no date": (DATES, "ex:e a ex:Event .", True),
    "date of another datatype": (DATES, 'ex:e a ex:Event ; ex:start "1917"^^xsd:gYear .', False),
    "date a plain string": (DATES, 'ex:e a ex:Event ; ex:start "1917-03-12" .', False),
    "date ill-formed": (DATES, 'ex:e a ex:Event ; ex:start "1917-02-30"^^xsd:date .', False),
    "date an IRI": (DATES, "ex:e a ex:Event ; ex:start ex:spring .", False),
    "two dates": (DATES, 'ex:e a ex:Event ; ex:start "1917-03-12"^^xsd:date, "1917-03-13"^^xsd:date .', False),
    "line ill-formed": (DATES, 'ex:e a ex:Event ; ex:line "12a"^^xsd:integer .', False),
    "line a decimal": (DATES, "ex:e a ex:Event ; ex:line 12.0 .", False),
    # sh:minCount above 1
    "two claims": (CONFLICT, "ex:c a ex:Conflict ; ex:claim ex:a, ex:b .", True),
    "one claim": (CONFLICT, "ex:c a ex:Conflict ; ex:claim ex:a .", False),
    # sh:or of property shapes
    "neither property nor value": (CLAIM, "ex:c a ex:Claim .", True),
    "property and value": (CLAIM, "ex:c a ex:Claim ; ex:property ex:date ; ex:value 1 .", True),
    "property without value": (CLAIM, "ex:c a ex:Claim ; ex:property ex:date .", False),
}


@pytest.mark.parametrize("name", CASES)
def test_the_python_check_agrees_with_pyshacl(name):
    shape_text, data_text, expected = CASES[name]
    shapes, data = triples(shape_text), triples(data_text + "\n" + SCHEMA)
    assert pyshacl_conforms(data, shapes) is expected
    assert conforms(data, shapes) is expected


def test_a_datatype_it_does_not_know_is_left_to_pyshacl():
    shapes = triples("ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:year ; sh:datatype xsd:gYear ] .")
    data = triples('ex:e a ex:Event ; ex:year "1917"^^xsd:gYear .')
    assert pyshacl_conforms(data, shapes) is True
    assert conforms(data, shapes) is False  # not sure: pySHACL runs and decides


@pytest.mark.parametrize("shape", [
    "ex:S sh:targetNode ex:e ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "ex:S sh:targetClass ex:Event ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .",
    "ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:p ; sh:pattern \"^a\" ] .",
    "ex:S sh:targetClass ex:Event ; sh:sparql [ sh:select \"SELECT $this WHERE { }\" ] .",
    "ex:S a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    "ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:p ; sh:minCount \"one\" ] .",
    "ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] .",
])
def test_shapes_beyond_the_check_are_left_to_pyshacl(shape):
    assert conforms(triples("ex:e a ex:Event ."), triples(shape)) is None


def test_the_repository_shapes_are_within_the_check():
    shapes = parse_shapes([ROOT / "ontology" / "shapes.ttl"])
    assert conforms(set(), shapes) is True
    bad = triples("<https://w3id.org/apparat/id/membership/x> a <http://www.w3.org/ns/org#Membership> .")
    assert conforms(union({"g": bad}), shapes) is False


def test_a_build_whose_shapes_hold_does_not_run_pyshacl_and_one_beyond_the_check_does(tmp_path):
    from apparat.build import BuildInputs, build

    data = [ROOT / "tests" / "data" / "mini" / "example-source.ttl", ROOT / "tests" / "data" / "mini" / "gazetteer.ttl"]
    ontology, shapes = [ROOT / "ontology" / "apparat.ttl"], ROOT / "ontology" / "shapes.ttl"
    quick = build(BuildInputs(ontology=ontology, shapes=[shapes], data=data), tmp_path / "quick")
    assert "validate" in quick.timings and "check" not in quick.timings  # no pySHACL process to wait for
    extra = tmp_path / "shapes-extra.ttl"
    extra.write_text(PREFIXES + 'ex:S sh:targetClass ex:Event ; sh:property [ sh:path ex:p ; sh:pattern "^a" ] .\n')
    slow = build(BuildInputs(ontology=ontology, shapes=[shapes, extra], data=data), tmp_path / "slow")
    assert "check" in slow.timings  # pySHACL ran, and found the data conform
    assert (tmp_path / "quick" / "dataset.nq").read_bytes() == (tmp_path / "slow" / "dataset.nq").read_bytes()
