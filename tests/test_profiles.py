"""Source profiles (triples/profiles.toml): which sections of which source the parsers read."""

from __future__ import annotations

from pathlib import Path

import pytest

from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.profiles import SECTIONS, Profile, ProfileError, load_profiles, read_sections, reference_source

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_profiles_the_monograph_only():
    # the four short texts have no parsed section: their ledgers are all they give
    profiles = load_profiles(ROOT / "triples" / "profiles.toml")
    assert profiles == {"rogovin-1992": Profile(tuple(SECTIONS), reference=True)}
    assert reference_source(profiles) == "rogovin-1992"


def test_reference_is_a_boolean_of_one_source_at_most(tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text('[book-a]\nreference = true\n[book-b]\nreference = true\n')
    with pytest.raises(ProfileError, match=r"\[book-b\]: reference = true, but \[book-a\] is the reference"):
        load_profiles(path)
    path.write_text('[book-a]\nreference = "yes"\n')
    with pytest.raises(ProfileError, match=r"\[book-a\]: reference must be true or false"):
        load_profiles(path)
    path.write_text('[book-a]\nsections = ["glossary"]\n')
    assert reference_source(load_profiles(path)) is None


def test_an_unknown_section_names_the_file_the_source_and_the_known_ones(tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text('[new-book]\nsections = ["biographical-notes", "index"]\n')
    with pytest.raises(ProfileError, match=r"profiles.toml: \[new-book\]: no parser reads section 'index' "
                                           r"\(known: biographical-notes, "):
        load_profiles(path)


def test_a_file_that_is_not_toml_says_where(tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text("[new-book\n")
    with pytest.raises(ProfileError, match=r"profiles.toml: .*line 1"):
        load_profiles(path)


def test_no_profile_file_means_no_parsed_section(tmp_path):
    assert load_profiles(tmp_path / "absent.toml") == {}


def test_a_profile_runs_only_the_sections_it_names(monograph_lines):
    gazetteer = load_gazetteer(ROOT / "triples" / "gazetteer")
    found = read_sections(monograph_lines, "rogovin-1992", gazetteer, ["glossary", "congress-dates"])
    assert set(found.counts) == {"glossary", "congress dates"}
    assert found.records == [] and found.chapters == []
    # the congress table's dates and the glossary's entries, heads and members; nothing of the notes
    assert {c.kind for c in found.claims} == {"meeting", "entity", "document", "member"}
    assert {c.origin.split(":")[0] for c in found.claims if c.kind == "member"} == {"rogovin-1992 glossary"}


def test_a_died_statement_of_the_reference_source_dates_only_the_event():
    from rdflib import Literal
    from rdflib.namespace import XSD

    from apparat.extract.dates import StatedDate, StatedTime
    from apparat.extract.gazetteer import Gazetteer
    from apparat.extract.records import Claim, Span
    from apparat.extract.writer import compile_claims
    from apparat.namespaces import AP, SCHEMA

    def ap_date(g) -> set[str]:  # the death event's date
        return {str(o) for o in g.objects(None, AP.date)}

    gazetteer = Gazetteer({e.key: e for e in load_gazetteer(ROOT / "triples" / "gazetteer").of_kind("person")})
    died = Claim("book-a", (Span(3, 3),), "died", "person/lenin", time=StatedTime("at", StatedDate(1924, 1, 21)))
    for reference, dated in (("book-a", False), ("book-b", True), (None, True)):
        g = compile_claims([died], gazetteer, reference=reference)["book-a"]
        dates = set(g.objects(None, SCHEMA.deathDate))
        expected = {Literal("1924-01-21", datatype=XSD.date)} if dated else set()
        assert ap_date(g) == {"1924-01-21"} and dates == expected, reference
