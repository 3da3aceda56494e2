"""Tests for :mod:`apparat.extract.persons`: person records -> RDF.

The record below is invented (a made-up person and posts); the corpus tests read
the real monograph when it is present and assert only IRIs, classes and counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from apparat import ids
from apparat.extract import biographies, glossary
from apparat.extract.biographies import MembershipClaim, PersonRecord, parse_date
from apparat.extract.persons import (
    GLOSSARY_BODIES,
    ORGAN_CLASSES,
    OTHER_BODIES,
    ROLE_ALIASES,
    ROLES,
    persons_graph,
)
from apparat.extract.run import KEPT_ORGANS, MONOGRAPH, extract_monograph
from apparat.namespaces import AP, ORG

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "apparat.ttl"
CORPUS = ROOT.parent / "shared" / "corpus"
MONOGRAPH_FILE = CORPUS / "004_154d022a6a9a2c16.txt"

SOURCE = "test-source"
PERSON = ids.entity("person", "zaitsev")


def membership(key: str) -> URIRef:
    return ids.entity("membership", f"zaitsev/{key}")


def claim(organ, role, start, end, line, note=None) -> MembershipClaim:
    return MembershipClaim(organ, role, start and parse_date(start), end and parse_date(end),
                           line, line, note)


def record(*claims: MembershipClaim) -> PersonRecord:
    return PersonRecord("zaitsev", "Zaitsev", "Oleg", "Markovich", None, parse_date("1890"),
                        parse_date("1940"), 10, 14, tuple(sorted(claims)), ())


RECORD = record(
    claim("pravda", "editor", "1921", "1924", 11),
    claim("narkomfin", "peoples-commissar", "March 1925", None, 12),
    claim("narkomindel", "diplomat", "1927", "1929", 13, note="Chile"),
    claim("central-control-commission", "member", "1930", "1931", 14),
)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return persons_graph([RECORD], SOURCE)


def test_an_editorship_is_a_membership_of_the_periodical(graph):
    node = membership("pravda/editor/1921-00-00")
    assert set(graph.predicate_objects(node)) >= {
        (RDF.type, ORG.Membership),
        (ORG.member, PERSON),
        (ORG.organization, ids.entity("organ", "pravda")),
        (ORG.role, ids.entity("role", "editor")),
        (AP.startDate, Literal("1921", datatype=XSD.gYear)),
        (AP.endDate, Literal("1924", datatype=XSD.gYear)),
        (AP.earliestStart, Literal("1921-01-01", datatype=XSD.date)),
        (AP.latestEnd, Literal("1924-12-31", datatype=XSD.date)),
        (PROV.wasDerivedFrom, ids.source_location(SOURCE, 11, 11)),
    }


def test_a_commissar_post_is_a_membership_of_the_commissariat(graph):
    node = membership("narkomfin/peoples-commissar/1925-03-00")
    assert (node, ORG.organization, ids.entity("organ", "narkomfin")) in graph
    assert (node, ORG.role, ids.entity("role", "peoples-commissar")) in graph
    assert (node, AP.startDate, Literal("1925-03", datatype=XSD.gYearMonth)) in graph
    assert (node, AP.latestEnd, None) not in graph  # open: no end stated
    assert (node, RDFS.comment, None) not in graph


def test_an_envoy_post_keeps_its_place_as_a_comment(graph):
    node = membership("narkomindel/diplomat/1927-00-00/chile")
    assert (node, ORG.role, ids.entity("role", "diplomat")) in graph
    assert list(graph.objects(node, RDFS.comment)) == [Literal("Chile", lang="en")]


def test_party_deputy_chairman_stays_a_full_member(graph):
    node = membership("central-control-commission/full-member/1930-00-00")
    assert (node, ORG.role, ids.entity("role", "full-member")) in graph


def test_every_organ_referenced_is_typed_and_labelled_once(graph):
    organs = set(graph.objects(None, ORG.organization))
    assert organs == {ids.entity("organ", s) for s in
                      ("pravda", "narkomfin", "narkomindel", "central-control-commission")}
    expected = {"pravda": AP.Periodical, "narkomfin": AP.Commissariat,
                "narkomindel": AP.Commissariat}
    for slug, cls in expected.items():
        organ = ids.entity("organ", slug)
        assert list(graph.objects(organ, RDF.type)) == [cls]
        assert list(graph.objects(organ, RDFS.label)) == [Literal(OTHER_BODIES[slug][1], lang="en")]
    assert graph.value(ids.entity("organ", "narkomindel"), RDFS.label) == Literal(
        "People's Commissariat of Foreign Affairs", lang="en")
    # the ontology describes the CCC: nothing is said of it here
    assert (ids.entity("organ", "central-control-commission"), None, None) not in graph
    # bodies no record names are not described
    assert (ids.entity("organ", "izvestiia"), None, None) not in graph


def test_no_blank_nodes_and_deterministic(graph):
    assert not [t for t in graph for term in t if not isinstance(term, (URIRef, Literal))]
    again = persons_graph([RECORD], SOURCE)
    assert set(again) == set(graph)


def test_two_posts_with_one_start_get_two_nodes():
    rec = record(claim("trud", "editor", "1922", "1923", 11), claim("trud", "editor", "1922", "1925", 12))
    g = persons_graph([rec], SOURCE)
    nodes = set(g.subjects(RDF.type, ORG.Membership))
    assert nodes == {membership("trud/editor/1922-00-00"),
                     membership("trud/editor/1922-00-00/to-1925-00-00")}
    assert all(len(list(g.objects(n, AP.latestEnd))) == 1 for n in nodes)


def test_a_role_outside_the_ontology_is_refused():
    with pytest.raises(ValueError, match="no role of the ontology"):
        persons_graph([record(claim("pravda", "columnist", "1922", "1923", 11))], SOURCE)


def test_roles_are_the_ontologys():
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    defined = {str(r).rsplit("/", 1)[-1] for r in ontology.subjects(RDF.type, AP.Role)}
    assert defined == ROLES
    assert set(ROLE_ALIASES.values()) <= ROLES
    assert {ROLE_ALIASES.get(r, r) for r in biographies.ROLES} <= ROLES


def test_every_organ_the_parser_can_name_is_kept_and_defined_exactly_once():
    assert biographies.ORGAN_SLUGS <= KEPT_ORGANS
    for slug in biographies.ORGAN_SLUGS:
        homes = [slug in ORGAN_CLASSES, slug in GLOSSARY_BODIES, slug in OTHER_BODIES]
        assert homes.count(True) == 1, slug


def test_glossary_bodies_are_the_glossarys():
    defined = {spec.slug for spec in glossary.ENTITIES.values() if spec.kind == "organ"}
    # the NKVD is minted by the glossary as the OGPU's successor ("from 1934, the NKVD [...]")
    assert GLOSSARY_BODIES - defined == {"nkvd"}
    assert not set(OTHER_BODIES) & defined


# ---------------------------------------------------------------- the real monograph


@pytest.fixture(scope="module")
def monograph() -> Graph:
    if not MONOGRAPH_FILE.exists():
        pytest.skip(f"corpus file not found: {MONOGRAPH_FILE} (the shared corpus is absent)")
    lines = MONOGRAPH_FILE.read_text(encoding="utf-8").splitlines()
    graph, _ = extract_monograph(lines, MONOGRAPH)
    return graph


@pytest.mark.corpus
def test_every_membership_organ_of_the_monograph_is_typed_and_labelled_once(monograph):
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    for organ in set(monograph.objects(None, ORG.organization)):
        types = set(monograph.objects(organ, RDF.type)) | set(ontology.objects(organ, RDF.type))
        labels = [lbl for lbl in (*monograph.objects(organ, RDFS.label), *ontology.objects(organ, RDFS.label))
                  if lbl.language == "en"]
        assert types, organ
        assert len(labels) == 1, (organ, labels)


@pytest.mark.corpus
def test_the_monograph_states_the_new_posts(monograph):
    def posts(person: str) -> set[tuple[str, str]]:
        out = set()
        for node in monograph.subjects(ORG.member, ids.entity("person", person)):
            organ, role = monograph.value(node, ORG.organization), monograph.value(node, ORG.role)
            out.add((str(organ).rsplit("/", 1)[-1], str(role).rsplit("/", 1)[-1]))
        return out

    assert {("pravda", "editor"), ("bolshevik", "editor"), ("izvestiia", "editor")} <= posts("bukharin")
    assert {("narkomindel", "deputy-peoples-commissar"), ("narkomindel", "diplomat")} <= posts("krestinsky")
    assert ("vtssps", "head") in posts("tomsky")
    czech = ids.entity("membership", "antonov-ovseenko/narkomindel/diplomat/1924-00-00/czechoslovakia")
    assert monograph.value(czech, RDFS.comment) == Literal("Czechoslovakia", lang="en")


# ---------------------------------------------------------------- the repository still builds


def test_the_repository_builds_with_the_new_posts(tmp_path):
    from apparat.build import BuildInputs, build
    from apparat.query.local import load_dataset
    from apparat.settings import load_settings

    settings = load_settings({"build_dir": tmp_path / "b"})
    build(BuildInputs.from_settings(settings), tmp_path / "b")  # raises if SHACL fails
    store = load_dataset(tmp_path / "b").store
    ask = """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX ap: <https://w3id.org/apparat/ontology#>
        ASK {
          ?m org:member <https://w3id.org/apparat/id/person/bukharin> ;
             org:organization <https://w3id.org/apparat/id/organ/pravda> ;
             org:role <https://w3id.org/apparat/id/role/editor> .
          <https://w3id.org/apparat/id/organ/pravda> a ap:Periodical , org:Organization .
          <https://w3id.org/apparat/id/person/krestinsky>
             org:memberOf <https://w3id.org/apparat/id/organ/narkomindel> .
        }"""
    assert store.query(ask)
