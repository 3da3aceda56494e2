"""The fast path is owlrl, measured: identical inferred triples (after the one
noise filter both go through) on an eighth of the repository's own data (every
graph, a sample of the sources' subjects) and on a LUBM sample.

Bigger inputs (all of LUBM University0, our graph ×10) are compared by
``make bench`` (apparat/bench_build.py), where owlrl's minutes belong.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from apparat.build import BuildInputs
from apparat.build.parse import parse_files, union
from apparat.build.reason import infer
from apparat.build.terms import ntriples
from apparat.settings import load_settings

LUBM = Path(__file__).parent / "data" / "lubm"


def assert_same_inference(asserted):
    fast, reference = infer(asserted, "fast"), infer(asserted, "owlrl")
    assert fast.reasoner == "fast", fast.notes
    assert reference.notes == []  # owlrl found no inconsistency to report
    missing = sorted(" ".join(map(ntriples, t)) for t in reference.triples - fast.triples)
    extra = sorted(" ".join(map(ntriples, t)) for t in fast.triples - reference.triples)
    assert (missing[:5], extra[:5]) == ([], [])
    assert fast.triples == reference.triples
    return fast.triples


#: One subject in SAMPLE of the source graphs' subjects (by a hash of its IRI), with
#: the ontology, the gazetteer and every other graph whole: owlrl takes minutes on all
#: of it (the whole repository is compared by ``make bench``).
SAMPLE = 8


@pytest.fixture(scope="module")
def repository_triples():
    inputs = BuildInputs.from_settings(load_settings())
    graphs = parse_files(inputs.ontology, inputs.data, graph_per_file=True)
    sampled = set()
    for name, triples in graphs.items():
        if name is not None and "/graph/source/" in name:
            triples = {t for t in triples if zlib.crc32(t[0].encode()) % SAMPLE == 0}
        sampled |= triples
    return sampled


def test_fast_path_equals_owlrl_on_the_repository(repository_triples):
    inferred = assert_same_inference(repository_triples)
    assert len(inferred) > 5000


def test_fast_path_equals_owlrl_on_a_lubm_department():
    asserted = union(parse_files([LUBM / "univ-bench.owl"], [LUBM / "University0_14.owl.gz"], graph_per_file=True))
    assert len(asserted) > 5000
    inferred = assert_same_inference(asserted)
    ub = "http://swat.cse.lehigh.edu/onto/univ-bench.owl#"
    # cls-int1 + cls-svf1 (Student ≡ Person ⊓ ∃takesCourse.Course) and prp-spo1 + prp-inv (headOf ⊑ worksFor ⊑ memberOf)
    students = {s for s, p, o in inferred if p.endswith("#type") and o == ub + "Student"}
    assert len(students) > 100
    assert any(p == ub + "member" for _s, p, _o in inferred)
