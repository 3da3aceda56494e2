"""Source profiles (triples/profiles.toml): which sections of which source the parsers read."""

from __future__ import annotations

from pathlib import Path

import pytest

from apparat.extract.gazetteer import load_gazetteer
from apparat.extract.profiles import SECTIONS, ProfileError, load_profiles, read_sections

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_profiles_the_monograph_only():
    # the four short texts have no parsed section: their ledgers are all they give
    assert load_profiles(ROOT / "triples" / "profiles.toml") == {"rogovin-1992": list(SECTIONS)}


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
    # (a head who "became chairman on D" is a start: a joined claim)
    assert {c.kind for c in found.claims} == {"meeting", "entity", "document", "member", "joined"}
    assert {c.origin.split(":")[0] for c in found.claims if c.kind in ("member", "joined")} == {
        "rogovin-1992 glossary"}
