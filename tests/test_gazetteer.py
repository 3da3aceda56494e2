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


def test_matched_as_names_its_parser_and_a_wrong_parser_fails(tmp_path):
    folder = tmp_path / "g"
    header = "slug,label,names,variants,wikidata,note,matched_as"
    _write(folder, "persons.csv", header, "lenin,Lenin,,,,,footnotes: Lenin; Ленин")
    g = load_gazetteer(folder)
    assert g.resolve("lenin").matched_by("footnotes") == ("Lenin", "Ленин")
    assert g.matched_names("person", "footnotes") == {"Lenin": "lenin", "Ленин": "lenin"}
    path = _write(folder, "persons.csv", header, "lenin,Lenin,,,,,", "zetkin,Zetkin,,,,,letters: Zetkin")
    with pytest.raises(GazetteerError, match=rf"{re.escape(str(path))}:3: matched_as: no parser 'letters'"):
        load_gazetteer(folder)
    _write(folder, "persons.csv", header, "zetkin,Zetkin,,,,,Zetkin")
    with pytest.raises(GazetteerError, match="must start with the parser's name"):
        load_gazetteer(folder)


def test_a_new_footnote_author_and_a_new_expulsion_organ_are_one_line_each_no_python(tmp_path):
    # An invented footnote and note (made-up person, body and letter): before the lines are
    # added to a copy of the gazetteer, the footnote parser resolves no writer and the life-event
    # parser no expulsion from the body; after, both.
    import shutil

    from apparat.extract.biographies import parse_biographies
    from apparat.extract.footnotes import footnote_claims
    from apparat.extract.lexicon import Lexicon
    from apparat.extract.life_events import parse_entries

    footnote = ["1. Архив, Ф. 1 [“Zaitsev to Lenin,” 3 May 1921, p. 4]."]
    note = ["ZAITSEV, Ivan Petrovich (3 March 1890–1 May 1937). Born in Tula. Expelled from Glavsol in 1927."]

    def found(folder: Path):
        gazetteer = load_gazetteer(folder)
        letters = {(c.extra, c.objects) for c in footnote_claims(footnote, 1, "test", gazetteer)
                   if c.kind == "document"}
        lexicon = Lexicon.from_gazetteer(gazetteer)
        entries = parse_entries(parse_biographies(note, 1, lexicon), note, 1, lexicon)
        return letters, {(e.cls, e.organ) for _slug, entry in entries for e in entry.events}

    copy = tmp_path / "gazetteer"
    shutil.copytree(GAZETTEER, copy)
    letters, events = found(copy)
    assert letters == set() and ("Expulsion", "glavsol") not in events
    with (copy / "persons.csv").open("a", encoding="utf-8") as f:
        f.write("zaitsev,Ivan Petrovich Zaitsev,,,,,footnotes: Zaitsev\n")
    with (copy / "organs.csv").open("a", encoding="utf-8") as f:
        f.write("glavsol,ap:StateBody,Main Salt Administration,Glavsol,,,,,national,,,,,expulsions: Glavsol\n")
    letters, events = found(copy)
    [(extra, objects)] = letters
    assert ("by", "person/zaitsev") in extra and objects == ("person/lenin",)
    assert ("Expulsion", "glavsol") in events


def test_an_additions_row_with_no_label_extends_an_entity_defined_elsewhere(tmp_path):
    folder = tmp_path / "g"
    _write(folder, "persons-b.csv", "slug,label,names,variants", "tomsky,,,Tomsy")
    _write(folder, "persons.csv", "slug,label,names,variants", "tomsky,Mikhail Tomsky,,")
    assert load_gazetteer(folder).resolve("tomsky").variants == ("Tomsy",)


_RELATIVE = re.compile(r"(?:(?P<name>[A-Z][a-z]+), (?:son|daughter|wife|husband|father|mother|brother|sister)"
                       r"|(?:Son|Daughter|Wife|Husband|Father|Mother|Brother|Sister)(?: [1-9])?) of (?P<of>.+)")


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
    labels = {row["label"] for row in rows}
    unprinted = []
    for row in rows:
        # A relative a note names by a given name only, or not at all, is labelled by the name
        # as printed and the person's label: "Vadim, son of N. Osinsky", "Son 1 of Polikarp Mdivani".
        relative = _RELATIVE.fullmatch(row["label"])
        if relative and relative["of"] in labels and relative["of"] != row["label"]:
            if relative["name"] is None:
                continue
            row = {**row, "label": relative["name"]}
        words = row["label"].split()
        as_printed = r"\s*".join(re.escape(w) for w in words).replace(r"\.\s*", r"\.\s*")
        inverted = re.escape(words[-1]) + r",\s*" + r"\s*".join(map(re.escape, words[:-1]))  # "Alexandrov, G. F."
        if re.search(rf"\b{as_printed}\b", text, re.I) or len(words) > 1 and re.search(inverted, text):
            continue
        if (words[-1], words[0]) in headers:  # "Given Surname" from a note's header
            continue
        unprinted.append(row["label"])
    assert unprinted == []


def test_a_new_organ_and_a_new_spelling_are_one_line_each_no_python(tmp_path):
    # An invented note and chapter (made-up body, person and spelling): before the two lines
    # are added to a copy of the gazetteer, the extractor finds neither; after, both.
    import shutil

    from apparat.extract.biographies import parse_biographies
    from apparat.extract.lexicon import Lexicon
    from apparat.extract.mentions import Chapter, mentions_graph
    from apparat.extract.persons import persons_claims
    from apparat.extract.run import person_names

    note = ["ZAITSEV, Ivan Petrovich (3 March 1890–1 May 1937). Born in Tula. Chairman of Glavsol, 1925–1927.",
            "", "The delegate Zaitsof spoke against the motion."]

    def found(folder: Path):
        gazetteer = load_gazetteer(folder)
        records = parse_biographies(note[:1], 1, Lexicon.from_gazetteer(gazetteer))
        posts = {(c.objects, c.role) for c in persons_claims(records, "test", gazetteer) if c.kind == "member"}
        chapter = mentions_graph(note, "test", [Chapter(1, "Test", 3, 3)], person_names(records, gazetteer))
        return posts, {str(o).rsplit("/", 1)[-1] for o in chapter.objects()}

    copy = tmp_path / "gazetteer"
    shutil.copytree(GAZETTEER, copy)
    before_posts, before_mentions = found(copy)
    assert before_posts == set() and "zaitsev" not in before_mentions
    with (copy / "organs.csv").open("a", encoding="utf-8") as f:
        f.write("glavsol,ap:StateBody,Main Salt Administration,Glavsol,,,,,national,,\\bGlavsol\\b,,\n")
    with (copy / "persons.csv").open("a", encoding="utf-8") as f:
        f.write("zaitsev,Ivan Petrovich Zaitsev,,Zaitsof,,\n")
    after_posts, after_mentions = found(copy)
    assert after_posts == {(("organ/glavsol",), "chairman")}
    assert "zaitsev" in after_mentions
