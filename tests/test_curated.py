"""The hand-curated Turtle of ``triples/curated/``: it parses, builds with the
extracted triples of the monograph (SHACL passes), states exactly the
resignation attempts and conflicts below, and cites every node by a line span
that exists in its source. No literal is long enough to be a copied sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from apparat import ids
from apparat.build import BuildInputs, build
from apparat.extract.sources import parse_sources
from apparat.layout import DATASET_FILE
from apparat.namespaces import AP, CONFLICTS_GRAPH, ORG, source_graph

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "triples" / "curated"
CORPUS = ROOT.parent / "shared" / "corpus"
ONTOLOGY = ROOT / "ontology" / "apparat.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

#: The curated file of each source (stem = source id) and the conflicts file.
SOURCE_FILES = [
    "resignations-forum-2023",
    "four-attempts-blog",
    "stalin-gensec-spartacus",
    "stalin-vs-lenin-globalsecurity",
    "rogovin-1992",
]
FILES = [CURATED / f"{stem}.ttl" for stem in SOURCE_FILES] + [CURATED / "conflicts.ttl"]

MAX_LITERAL = 120
EVENT = "https://w3id.org/apparat/id/event/"
CLAIM = "https://w3id.org/apparat/id/claim/"
PREFIXES = """
PREFIX ap: <https://w3id.org/apparat/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX person: <https://w3id.org/apparat/id/person/>
"""


def parse(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> ox.Store:
    """The curated files built with the extracted triples of 004, in a pyoxigraph store."""
    data = [*FILES, ROOT / "triples" / "rogovin-1992.nt"]
    if (ROOT / "triples" / "sources.nt").exists():
        data.append(ROOT / "triples" / "sources.nt")
    target = tmp_path_factory.mktemp("curated") / "build"
    build(BuildInputs(ontology=[ONTOLOGY], shapes=[SHAPES], data=data), target)  # raises if SHACL fails
    st = ox.Store()
    st.bulk_load(path=str(target / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
    return st


def select(store: ox.Store, query: str) -> list[tuple]:
    """Rows of a SELECT over the union of all graphs, each term as a plain string (None if unbound)."""
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [tuple(None if row[n] is None else row[n].value for n in names) for row in result]


# ------------------------------------------------------------------------------ the files


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_parses_without_blank_nodes(path):
    g = parse(path)
    assert len(g) > 0
    assert not [t for t in g if any(isinstance(term, BNode) for term in t)]


@pytest.mark.parametrize("stem", SOURCE_FILES)
def test_file_opens_with_a_comment_naming_its_source(stem):
    head = (CURATED / f"{stem}.ttl").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert head.startswith(f"# Source {stem} ")
    assert "Hand-curated" in head


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_literal_is_long_enough_to_be_a_copied_sentence(path):
    long = [str(o) for o in parse(path).objects() if isinstance(o, Literal) and len(str(o)) > MAX_LITERAL]
    assert long == []


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower().replace("’", "'"))


@pytest.mark.corpus
@pytest.mark.parametrize("stem", SOURCE_FILES)
def test_no_literal_repeats_seven_words_of_its_source(stem):
    """Our notes, labels and outcomes are our own words (titles and citations aside)."""
    text = _source_text(stem)
    corpus = " " + " ".join(_words(text)) + " "
    copied = []
    graph = parse(CURATED / f"{stem}.ttl")
    for s, p, o in graph:
        if not isinstance(o, Literal) or p in (DCTERMS.title, DCTERMS.bibliographicCitation):
            continue
        if p == RDFS.label and (s, DCTERMS.title, None) in graph:
            continue  # a document's label carries its title
        words = _words(str(o))
        for i in range(len(words) - 6):
            if " " + " ".join(words[i:i + 7]) + " " in corpus:
                copied.append((s, p, str(o)))
                break
    assert copied == []


# ------------------------------------------------------------------------------ locations


def _catalogue() -> dict[str, Path]:
    catalogue = CORPUS / "sources.tsv"
    if not catalogue.exists():
        pytest.skip(f"no corpus at {CORPUS}: cannot check line spans against the texts")
    rows = parse_sources(catalogue.read_text(encoding="utf-8"))
    return {row["id"]: CORPUS / row["file"] for row in rows}


def _source_text(source_id: str) -> str:
    return _catalogue()[source_id].read_text(encoding="utf-8")


def _subclasses(ontology: Graph, *roots: URIRef) -> set[URIRef]:
    """The roots and every class the ontology declares below them."""
    found, todo = set(roots), list(roots)
    while todo:
        for sub in ontology.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


CITED_CLASSES = _subclasses(parse(ONTOLOGY), AP.Event, AP.Claim, AP.Document, ORG.Membership)


@pytest.mark.parametrize("stem", SOURCE_FILES)
def test_every_event_claim_membership_and_document_cites_its_source(stem):
    """Each such node has a location in this file's source, built as add_location builds it."""
    g = parse(CURATED / f"{stem}.ttl")
    nodes = {s for s, cls in g.subject_objects(RDF.type) if cls in CITED_CLASSES}
    assert nodes
    for node in nodes:
        locations = list(g.objects(node, PROV.wasDerivedFrom))
        assert locations, f"{node} cites no location"
        for loc in locations:
            start, end = g.value(loc, AP.lineStart), g.value(loc, AP.lineEnd)
            assert (loc, RDF.type, AP.SourceLocation) in g, loc
            assert g.value(loc, AP.inSource) == ids.source(stem), loc
            assert start.datatype == XSD.integer and end.datatype == XSD.integer, loc
            assert loc == ids.source_location(stem, start.toPython(), end.toPython())
            assert 1 <= start.toPython() <= end.toPython(), loc


@pytest.mark.corpus
@pytest.mark.parametrize("stem", SOURCE_FILES)
def test_every_cited_line_span_lies_inside_its_source_file(stem):
    n_lines = len(_source_text(stem).splitlines())
    g = parse(CURATED / f"{stem}.ttl")
    spans = [(g.value(loc, AP.lineStart).toPython(), g.value(loc, AP.lineEnd).toPython())
             for loc in g.subjects(RDF.type, AP.SourceLocation)]
    assert spans
    assert [s for s in spans if not 1 <= s[0] <= s[1] <= n_lines] == []


@pytest.mark.corpus
def test_the_congress_table_lines_of_004_state_the_dates_claimed():
    lines = _source_text("rogovin-1992").splitlines()
    assert lines[6789 - 1].startswith("Tenth Congress") and "8–16 March 1921" in lines[6790 - 1]
    assert lines[6794 - 1].startswith("Twelfth Congress") and "17–25 April 1923" in lines[6794 - 1]


# ------------------------------------------------------------------------------ the build


def test_build_passes_shacl_and_puts_each_file_in_its_graph(store):
    graphs = {g.value for g in store.named_graphs()}
    for stem in SOURCE_FILES:
        assert str(source_graph(stem)) in graphs
    assert str(CONFLICTS_GRAPH) in graphs


#: (source id, attempt slug) -> (ap:date, ap:dateAsStated, earliest, latest)
ATTEMPTS = {
    ("resignations-forum-2023", "stalin-resignation-congress-13"):
        ("1924-05", "May 1924, 23-31 (the poster's label)", "1924-05-23", "1924-05-31"),
    ("resignations-forum-2023", "stalin-resignation-politburo-1924-08-19"):
        ("1924-08-19", None, "1924-08-19", "1924-08-19"),
    ("resignations-forum-2023", "stalin-resignation-1925-repeat"):
        (None, "a year after the first request", "1925-01-01", "1925-12-31"),
    ("resignations-forum-2023", "stalin-resignation-1926-12-27"):
        ("1926-12-27", None, "1926-12-27", "1926-12-27"),
    ("resignations-forum-2023", "stalin-resignation-1927-12-19"):
        ("1927-12-19", None, "1927-12-19", "1927-12-19"),
    ("resignations-forum-2023", "stalin-resignation-1952-10-16"):
        ("1952-10-16", None, "1952-10-16", "1952-10-16"),
    ("four-attempts-blog", "stalin-resignation-congress-13"):
        (None, "likely 1925", "1924-05-01", "1925-12-31"),
    ("four-attempts-blog", "stalin-resignation-1926-12-27"):
        ("1926-12-27", None, "1926-12-27", "1926-12-27"),
    ("four-attempts-blog", "stalin-resignation-1927-12-19"):
        ("1927-12-19", None, "1927-12-19", "1927-12-19"),
    ("four-attempts-blog", "stalin-resignation-1952-10-16"):
        ("1952", "1952, about five months before his death", "1952-01-01", "1952-12-31"),
}


def test_resignation_attempts_and_their_dates_per_source(store):
    rows = select(store, """
        SELECT ?g ?attempt ?date ?stated ?earliest ?latest WHERE {
          GRAPH ?g { ?attempt a ap:ResignationAttempt ; ap:person person:stalin .
            OPTIONAL { ?attempt ap:date ?date }
            OPTIONAL { ?attempt ap:dateAsStated ?stated }
            OPTIONAL { ?attempt ap:earliestStart ?earliest }
            OPTIONAL { ?attempt ap:latestEnd ?latest } }
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/apparat/graph/source/"))
        }""")
    found = {(g.rsplit("/", 1)[1], a.removeprefix(EVENT)): tuple(rest) for g, a, *rest in rows}
    assert len(rows) == len(found)  # one value of each per attempt and source
    assert found == {key: tuple(value) for key, value in ATTEMPTS.items()}


def test_each_attempt_names_the_post_and_cites_the_source_of_its_graph(store):
    rows = select(store, """
        SELECT ?g ?attempt ?post ?in WHERE {
          GRAPH ?g { ?attempt a ap:ResignationAttempt ; ap:post ?post ; prov:wasDerivedFrom ?loc .
                     ?loc ap:inSource ?in }
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/apparat/graph/source/"))
        }""")
    assert {(g, a) for g, a, _, _ in rows} == {
        (str(source_graph(src)), EVENT + slug) for src, slug in ATTEMPTS}
    assert {g.rsplit("/", 1)[1] for g, _, _, src in rows} == {"resignations-forum-2023", "four-attempts-blog"}
    assert all(g.rsplit("/", 1)[1] == src.rsplit("/", 1)[1] for g, _, _, src in rows)
    politburo = {p for g, a, p, _ in rows if a.endswith("politburo-1924-08-19")}
    assert politburo == {"https://w3id.org/apparat/id/role/full-member"}


#: conflict slug -> {(source id, claim slug, property, value)}
CONFLICTS = {
    "stalin-first-resignation-date": {
        ("resignations-forum-2023", "resignations-forum-2023-first-resignation-date", "date", "1924-05"),
        ("four-attempts-blog", "four-attempts-blog-first-resignation-date", "date", "1925"),
        ("rogovin-1992", "rogovin-1992-first-resignation-date", "date", "1924-05-21"),
    },
    "tenth-congress-date": {
        ("stalin-gensec-spartacus", "stalin-gensec-spartacus-tenth-congress-start", "startDate", "1922-04"),
        ("rogovin-1992", "rogovin-1992-tenth-congress-start", "startDate", "1921-03-08"),
    },
    "general-secretary-election-congress": {
        ("four-attempts-blog", "four-attempts-blog-general-secretary-election-congress", "atEvent",
         EVENT + "party-congress-11"),
        ("stalin-gensec-spartacus", "stalin-gensec-spartacus-general-secretary-election-congress", "atEvent",
         EVENT + "party-congress-10"),
    },
    "stalin-resignation-attempt-count": {
        ("resignations-forum-2023", "resignations-forum-2023-resignation-attempt-count",
         "numberOfResignationAttempts", "5"),
        ("four-attempts-blog", "four-attempts-blog-resignation-attempt-count", "numberOfResignationAttempts", "4"),
    },
    "twelfth-congress-date": {
        ("stalin-gensec-spartacus", "stalin-gensec-spartacus-twelfth-congress-start", "startDate", "1923-05"),
        ("rogovin-1992", "rogovin-1992-twelfth-congress-start", "startDate", "1923-04-17"),
    },
    # 004 against itself: the header of Zinoviev's note (7049) and its text (7051)
    "zinoviev-death-date": {
        ("rogovin-1992", "rogovin-1992-zinoviev-death-header", "deathDate", "1936-08-25"),
        ("rogovin-1992", "rogovin-1992-zinoviev-death-text", "deathDate", "1936-08-26"),
    },
}


def test_conflicts_link_claims_each_in_its_sources_graph(store):
    rows = select(store, f"""
        SELECT ?conflict ?g ?claim ?property ?value ?in WHERE {{
          GRAPH <{CONFLICTS_GRAPH}> {{ ?conflict a ap:Conflict ; ap:claim ?claim }}
          GRAPH ?g {{ ?claim a ap:Claim ; ap:property ?property ; ap:value ?value ;
                      prov:wasDerivedFrom ?loc . ?loc ap:inSource ?in }}
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/apparat/graph/source/"))
        }}""")
    found: dict[str, set] = {}
    for conflict, g, claim, prop, value, src in rows:
        source_id = g.rsplit("/", 1)[1]
        assert src == str(ids.source(source_id))
        found.setdefault(conflict.rsplit("/", 1)[1], set()).add(
            (source_id, claim.removeprefix(CLAIM), prop.rsplit("#", 1)[-1].rsplit("/", 1)[-1], value))
    assert found == CONFLICTS


def test_the_two_conflicts_the_design_names(store):
    """000 vs 001 on the first resignation; 002 vs 004 on the Tenth Congress."""
    rows = select(store, """
        SELECT ?about ?g ?value WHERE {
          ?conflict a ap:Conflict ; ap:claim ?claim .
          GRAPH ?g { ?claim ap:about ?about ; ap:value ?value }
        }""")
    first = {(g.rsplit("/", 1)[1], v) for a, g, v in rows if a == EVENT + "stalin-resignation-congress-13"}
    assert {("resignations-forum-2023", "1924-05"), ("four-attempts-blog", "1925")} <= first
    tenth = {(g.rsplit("/", 1)[1], v) for a, g, v in rows if a == EVENT + "party-congress-10"}
    assert tenth == {("stalin-gensec-spartacus", "1922-04"), ("rogovin-1992", "1921-03-08")}


def test_conflicts_have_a_label_and_a_comment():
    g = parse(CURATED / "conflicts.ttl")
    conflicts = set(g.subjects(RDF.type, AP.Conflict))
    assert {c.rsplit("/", 1)[1] for c in conflicts} == set(CONFLICTS)
    for c in conflicts:
        assert g.value(c, RDFS.label) is not None and g.value(c, RDFS.comment) is not None


def test_election_as_general_secretary_as_each_source_states_it(store):
    rows = select(store, """
        SELECT ?g ?start ?earliest WHERE {
          GRAPH ?g { ?m org:member person:stalin ; org:role ?role ; ap:startDate ?start ; ap:earliestStart ?earliest }
          FILTER(?role = <https://w3id.org/apparat/id/role/general-secretary>)
        }""".replace("SELECT", "PREFIX org: <http://www.w3.org/ns/org#>\nSELECT", 1))
    assert {(g.rsplit("/", 1)[1], s, e) for g, s, e in rows} == {
        ("four-attempts-blog", "1922-04-03", "1922-04-03"),
        ("stalin-gensec-spartacus", "1922-04", "1922-04-01"),
    }


def test_lenin_death_funeral_and_testament(store):
    rows = select(store, """
        SELECT ?g ?date WHERE { GRAPH ?g { ?d a ap:Death ; ap:person person:lenin ; ap:date ?date } }""")
    assert {(g.rsplit("/", 1)[1], d) for g, d in rows} == {
        ("stalin-gensec-spartacus", "1924-01-21"), ("stalin-vs-lenin-globalsecurity", "1924")}
    bearers = select(store, """
        SELECT DISTINCT ?p WHERE { GRAPH ?g { <https://w3id.org/apparat/id/event/lenin-funeral> ap:date ?d ;
                                      ap:participant ?p } }""")
    assert {p.rsplit("/", 1)[1] for (p,) in bearers} == {
        "stalin", "kamenev", "zinoviev", "bukharin", "molotov", "dzerzhinsky", "shotman", "tomsky"}
    letters = select(store, """
        SELECT DISTINCT ?date WHERE { <https://w3id.org/apparat/id/document/lenin-testament-postscript>
                               ap:postscriptTo <https://w3id.org/apparat/id/document/lenin-testament> ;
                               ap:date ?date }""")
    assert letters == [("1923-01-04",)]


def test_persons_named_are_typed_with_an_english_label(store):
    rows = select(store, """
        SELECT DISTINCT ?p WHERE {
          GRAPH ?g { ?s ?prop ?p }
          FILTER(STRSTARTS(STR(?p), "https://w3id.org/apparat/id/person/"))
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/apparat/graph/source/"))
          FILTER NOT EXISTS { ?p a ap:Person ; <http://www.w3.org/2000/01/rdf-schema#label> ?label
                              FILTER(LANG(?label) = "en") }
        }""")
    assert rows == []
