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
    assert kinds == {"person", "organ", "role", "event", "document", "place", "post"}
    post = g.resolve("post/politburo-member")
    assert (post.role, post.organ, post.wikidata) == ("full-member", "politburo", "Q108495011")
    assert g.resolve("stalin").label == "Joseph Stalin"
    assert g.resolve("politburo").parents == ("central-committee",)
    assert g.implied_roles("general-secretary") == ["secretary", "full-member", "member"]  # member: rank not stated


def test_a_post_names_a_role_and_an_organ_of_the_gazetteer(tmp_path):
    folder = tmp_path / "gazetteer"
    _write(folder, "roles.csv", "slug,label", "secretary,secretary")
    _write(folder, "organs.csv", "slug,label", "orgburo,Orgburo")
    _write(folder, "posts.csv", "slug,label,role,organ", "orgburo-secretary,Secretary of the Orgburo,secretary,orgburo")
    assert load_gazetteer(folder).resolve("post/orgburo-secretary").organ == "orgburo"
    _write(folder, "posts.csv", "slug,label,role,organ", "x,X,secretary,politburo")
    with pytest.raises(GazetteerError, match=r"posts\.csv:2: organ 'politburo' is not in the gazetteer"):
        load_gazetteer(folder)
    _write(folder, "posts.csv", "slug,label,role,organ", "x,X,secretary,")
    with pytest.raises(GazetteerError, match=r"posts\.csv:2: post 'x' needs a role and an organ"):
        load_gazetteer(folder)


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


# An invented note (made-up person and bodies): how the post grammar reads "Glavsol" is
# set by the traits cell of its row alone. "Glavsol Bureau" sorts after "Glavsol" by slug,
# yet is tried first once both are by-name, since "Glavsol" matches the start of its label.
_TRAITS_NOTE = ["ZAITSEV, Ivan Petrovich (3 March 1890–1 May 1937). Born in Tula. In Glavsol, 1921–1922. "
                "Member of Glavsol of the Ukrainian party, 1923–1924. Chairman of Glavsol Bureau, 1925–1926. "
                "Glavsol, 1929–1930. General secretary of Glavsol, 1931–1932."]
_BUREAU_AS_GLAVSOL = ("glavsol", "chairman", 1925)  # a state body "Glavsol" takes "Glavsol Bureau"
_BUREAU = ("glavsol-bureau", "chairman", 1925)
_BARE = {("glavsol", "full-member", 1921), ("glavsol", "full-member", 1929)}  # "In Glavsol", "Glavsol"


@pytest.mark.parametrize(("glavsol", "bureau", "expected"), [
    ("", "", {_BUREAU_AS_GLAVSOL}),
    ("collegial", "", {_BUREAU_AS_GLAVSOL, *_BARE}),
    ("by-name; collegial", "by-name", {_BUREAU, *_BARE}),
    ("by-name; collegial; cpbu-twin", "by-name", {_BUREAU, *_BARE, ("glavsol-cpbu", "full-member", 1923)}),
    ("by-name; party-roles; cpbu-twin", "by-name",
     {_BUREAU, *_BARE, ("glavsol-cpbu", "full-member", 1923), ("glavsol", "general-secretary", 1931)}),
])
def test_an_organs_traits_say_how_the_post_grammar_reads_it_no_python(tmp_path, glavsol, bureau, expected):
    import shutil

    from apparat.extract.biographies import parse_biographies
    from apparat.extract.lexicon import Lexicon

    copy = tmp_path / "gazetteer"
    shutil.copytree(GAZETTEER, copy)
    with (copy / "organs.csv").open("a", encoding="utf-8") as f:
        f.write(f"glavsol,ap:StateBody,Main Salt Administration,Glavsol,,,,,national,,\\bGlavsol\\b,,,,{glavsol}\n")
        f.write("glavsol-cpbu,ap:StateBody,Main Salt Administration of the CP(b)U,,,,,glavsol,republic\n")
        f.write(f"glavsol-bureau,ap:StateBody,Glavsol Bureau,,,,,,national,,\\bGlavsol\\s+Bureau\\b,,,,{bureau}\n")
    [record] = parse_biographies(_TRAITS_NOTE, 1, Lexicon.from_gazetteer(load_gazetteer(copy)))
    assert {(m.organ, m.role, m.start.year) for m in record.memberships} == expected


def test_the_by_name_kinds_come_from_the_traits_and_each_reads_its_own_names():
    from apparat.extract.lexicon import default_gazetteer, default_lexicon
    from apparat.extract.post_organs import Grammar

    lexicon, gazetteer = default_lexicon(), default_gazetteer()
    order = [slug for slug, _ in lexicon.kinds]
    assert set(order) == {"secretariat-ecci", "ecci", "secretariat", "general-secretary", "politburo", "orgburo",
                          "central-control-commission", "party-control-commission", "central-committee",
                          "sovnarkom", "revvoensovet"}
    assert order.index("secretariat-ecci") < order.index("secretariat")
    assert lexicon.cpbu_twins == {"politburo", "orgburo", "secretariat", "central-committee",
                                  "central-control-commission"}
    assert lexicon.party_roles == lexicon.cpbu_twins | {"general-secretary", "party-control-commission"}
    assert lexicon.collegial == {"sovnarkom", "revvoensovet", "ecci", "secretariat-ecci", "vtsik", "tsik", "sto"}
    # Each by-name kind's names that its own pattern matches whole are read as that kind, by the
    # grammar's one alternation (where the first kind matching at a place wins).
    grammar, read = Grammar(lexicon), []
    for slug in order:
        entity = gazetteer.get("organ", slug) or gazetteer.get("role", slug)
        for form in entity.forms():
            if re.fullmatch(entity.pattern, form):
                m = grammar.organ_re.match(form)
                read.append((form, grammar.organs[int(m.lastgroup[1:])][0], m.group(0)))
                assert read[-1] == (form, slug, form)
    assert ("Secretariat of the ECCI", "secretariat-ecci", "Secretariat of the ECCI") in read


def test_by_name_order_puts_a_kind_before_one_that_takes_a_piece_of_its_name_and_refuses_a_cycle():
    from apparat.extract.gazetteer import Entity
    from apparat.extract.lexicon import by_name_order

    def organ(slug, label, pattern):
        return Entity("organ", slug, label, pattern=pattern, origin=f"organs.csv:{slug}")

    kinds = [organ("a-bureau", "Bureau", r"\bBureau\b"), organ("b-bureau", "Bureau of Salt", r"\bBureau\s+of\s+Salt\b"),
             organ("c", "Council", r"\bCouncil\b")]
    assert [e.slug for e in by_name_order(kinds)] == ["b-bureau", "a-bureau", "c"]
    assert [e.slug for e in by_name_order(reversed(kinds))] == ["b-bureau", "a-bureau", "c"]
    # each pattern takes "Salt" from the other's name: no order reads both names
    both = [organ("x", "Salt Bureau", r"\bSalt(?:\s+Bureau)?"), organ("y", "Salt Office", r"\bSalt(?:\s+Office)?")]
    with pytest.raises(GazetteerError, match=r"organs\.csv:x: 'x' and 'y' \(organs\.csv:y\) each match the start"):
        by_name_order(both)


@pytest.mark.parametrize(("row", "message"), [
    ("politburo,Politburo,\\bPolitburo\\b,by-name; party-organ",
     r"organs\.csv:2: traits: no trait 'party-organ' \(traits: by-name, party-roles, cpbu-twin, collegial\)"),
    ("politburo,Politburo,\\bPolitburo\\b,cpbu-twin",
     r"organs\.csv:2: trait cpbu-twin, but no organ 'politburo-cpbu' is in the gazetteer"),
    ("politburo,Politburo,,by-name", r"organs\.csv:2: trait by-name needs a pattern"),
])
def test_a_bad_traits_cell_names_file_and_row(tmp_path, row, message):
    folder = tmp_path / "g"
    _write(folder, "organs.csv", "slug,label,pattern,traits", row)
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer(folder)


def test_an_additions_row_adds_traits(tmp_path):
    folder = tmp_path / "g"
    _write(folder, "organs.csv", "slug,label,pattern,traits", "sto,Council of Labour and Defence,\\bSTO\\b,")
    _write(folder, "organs-b.csv", "slug,label,traits", "sto,,collegial")
    assert load_gazetteer(folder).resolve("sto").traits == ("collegial",)
