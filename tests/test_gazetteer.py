"""The gazetteer (triples/gazetteer/*.csv): it loads, every error names file and
row, and every person's label is printed by some source (nothing from memory)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from apparat.extract.gazetteer import GazetteerError, load_gazetteer

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "triples" / "gazetteer"
CORPUS = ROOT.parent / "shared" / "corpus"


def test_the_repository_gazetteer_loads_with_every_kind():
    g = load_gazetteer(GAZETTEER)
    kinds = {e.kind for e in g}
    assert kinds == {"person", "organ", "role", "event", "document", "place"}
    assert g.resolve("stalin").label == "Joseph Stalin"
    assert g.resolve("politburo").parents == ("central-committee",)
    assert g.implied_roles("general-secretary") == ["secretary", "full-member"]


def _write(folder: Path, name: str, header: str, *rows: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "message"), [
    ("Bad Slug,Politburo,,,,", "slug 'Bad Slug' must be lowercase"),
    ("politburo,,,,,", "has no label"),
    ("politburo,Politburo,,,Q12x,", "is not a Q-id"),
])
def test_a_bad_person_row_names_file_and_row(tmp_path, row, message):
    path = _write(tmp_path / "g", "persons.csv", "slug,label,names,variants,wikidata,note", "lenin,Lenin,,,,", row)
    with pytest.raises(GazetteerError, match=rf"{re.escape(str(path))}:3: .*{re.escape(message)}"):
        load_gazetteer(path.parent)


def test_a_duplicate_slug_names_both_rows(tmp_path):
    folder = tmp_path / "g"
    _write(folder, "persons.csv", "slug,label", "lenin,Lenin")
    extra = _write(folder, "persons-more.csv", "slug,label", "lenin,V. I. Lenin")
    where = re.escape(str(extra))
    with pytest.raises(GazetteerError, match=rf"{where}:2: person/lenin is already defined at .*persons.csv:2"):
        load_gazetteer(folder)


def test_an_unknown_parent_or_level_fails(tmp_path):
    folder = tmp_path / "g"
    header = "slug,class,label,names,variants,abbreviation,russian,parent,level,field,pattern,wikidata,note"
    path = _write(folder, "organs.csv", header, "orgburo,ap:Orgburo,Orgburo,,,,,nowhere,national,,,,")
    with pytest.raises(GazetteerError, match=rf"{re.escape(str(path))}:2: parent organ 'nowhere'"):
        load_gazetteer(folder)
    _write(folder, "organs.csv", header, "orgburo,ap:Orgburo,Orgburo,,,,,,galactic,,,,")
    with pytest.raises(GazetteerError, match="level 'galactic' is none of national"):
        load_gazetteer(folder)


def test_an_additions_row_with_no_label_extends_an_entity_defined_elsewhere(tmp_path):
    folder = tmp_path / "g"
    _write(folder, "persons-b.csv", "slug,label,names,variants", "tomsky,,,Tomsy")
    _write(folder, "persons.csv", "slug,label,names,variants", "tomsky,Mikhail Tomsky,,")
    assert load_gazetteer(folder).resolve("tomsky").variants == ("Tomsy",)


@pytest.mark.corpus
def test_every_person_label_is_printed_by_a_source():
    """No given name or form from memory: each label is in some text, or is a note's header names."""
    if not (CORPUS / "sources.tsv").exists():
        pytest.skip("needs ../shared/corpus (the source texts), absent here")
    lookalikes = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")  # Cyrillic capitals typed for Latin ones
    text = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(CORPUS.glob("*.txt")))
    text = text.translate(lookalikes)
    monograph = (CORPUS / "004_154d022a6a9a2c16.txt").read_text(encoding="utf-8")
    headers = {(m[1].title(), m[2]) for m in re.finditer(
        r"^([A-Z][A-Z'’-]+(?:\s[A-Z][A-Z'’-]+)*)(?:\s*\[[^\]]+\])?,\s*([A-Z][a-z]+)", monograph, re.M)}
    with open(GAZETTEER / "persons.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unprinted = []
    for row in rows:
        words = row["label"].split()
        as_printed = r"\s*".join(re.escape(w) for w in words).replace(r"\.\s*", r"\.\s*")
        inverted = re.escape(words[-1]) + r",\s*" + r"\s*".join(map(re.escape, words[:-1]))  # "Alexandrov, G. F."
        if re.search(rf"\b{as_printed}\b", text, re.I) or len(words) > 1 and re.search(inverted, text):
            continue
        if (words[-1], words[0]) in headers:  # "Given Surname" from a note's header
            continue
        unprinted.append(row["label"])
    assert unprinted == []
