"""`apparat export quickstatements`: the export parses as QuickStatements v1 (a validator
written here, after the syntax of its commands), and every statement in it is one of our
sourced claims (a round trip through the built graph)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from apparat.query.local import run_query
from apparat.query.quickstatements import known_qids, positions

KNOWN_IDS = SHARED / "wikidata" / "known-ids.tsv"
ITEM = re.compile(r"Q[1-9]\d*")
PROPERTY = re.compile(r"[PS][1-9]\d*")
TIME = re.compile(r"\+(\d{4})-(\d{2})-(\d{2})T00:00:00Z/(9|10|11)")
STRING = re.compile(r'"[^"\t\n]*"')


def parse_quickstatements(text: str) -> list[dict]:
    """Each line of a QuickStatements v1 batch: item, property, value, then (property, value)
    pairs, qualifiers (P) before sources (S). Raises ValueError naming the line."""
    statements = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("\t")
        if len(fields) < 3 or len(fields) % 2 == 0:
            raise ValueError(f"line {number}: item, property, value and pairs expected: {line!r}")
        item, prop, value, *pairs = fields
        if not ITEM.fullmatch(item) or not re.fullmatch(r"P[1-9]\d*", prop) or not ITEM.fullmatch(value):
            raise ValueError(f"line {number}: bad statement {item!r} {prop!r} {value!r}")
        qualifiers, sources, seen_source = {}, {}, False
        for key, val in zip(pairs[::2], pairs[1::2], strict=True):
            if not PROPERTY.fullmatch(key):
                raise ValueError(f"line {number}: {key!r} is no property")
            if not (ITEM.fullmatch(val) or TIME.fullmatch(val) or STRING.fullmatch(val)):
                raise ValueError(f"line {number}: {val!r} is no item, time or string")
            if key.startswith("S"):
                seen_source = True
                sources[key] = val
            elif seen_source:
                raise ValueError(f"line {number}: qualifier {key} after a source")
            else:
                qualifiers[key] = val
        if not sources:
            raise ValueError(f"line {number}: no source")
        statements.append({"item": item, "property": prop, "value": value, "qualifiers": qualifiers,
                           "sources": sources})
    return statements


def test_the_validator_refuses_what_is_not_quickstatements():
    assert parse_quickstatements('Q1\tP39\tQ2\tP580\t+1922-04-03T00:00:00Z/11\tS854\t"http://x"')
    for bad in ('Q1\tP39\tQ2', 'Q1\tP39\tQ2\tS854', 'Q1\tP39\tQ2\tP580\t1922\tS854\t"x"',
                'Q1\tP39\tQ2\tS854\t"x"\tP580\t+1922-04-03T00:00:00Z/11', 'X1\tP39\tQ2\tS854\t"x"'):
        with pytest.raises(ValueError):
            parse_quickstatements(bad)


@pytest.fixture(scope="module")
def exported(build_dir) -> str:
    if not KNOWN_IDS.exists():
        pytest.skip(f"needs {KNOWN_IDS}")
    done = subprocess.run([sys.executable, "-m", "apparat", "export", "quickstatements", "--build-dir",
                           str(build_dir), "--known-ids", str(KNOWN_IDS)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\d+ statements; \d+ memberships of linked persons left out", done.stderr, re.M)
    return done.stdout


def test_the_posts_of_the_gazetteer_are_the_positions(dataset):
    # triples/gazetteer/posts.csv: a role in one organ that a Wikidata position item stands for
    assert positions(dataset) == {("full-member", "politburo"): "Q108495011",
                                  ("general-secretary", "secretariat"): "Q1048744",
                                  ("secretary", "secretariat"): "Q115147301"}


def test_the_export_parses_as_quickstatements(exported, dataset):
    statements = parse_quickstatements(exported)
    assert len(statements) >= 40
    assert {s["property"] for s in statements} == {"P39"}
    assert {s["value"] for s in statements} <= set(positions(dataset).values()) <= known_qids(KNOWN_IDS)
    assert all(set(s["sources"]) == {"S854"} for s in statements)
    # Stalin, General Secretary from 3 April 1922 (four-attempts-blog 7-9), to the day
    assert {"item": "Q855", "property": "P39", "value": "Q1048744",
            "qualifiers": {"P580": "+1922-04-03T00:00:00Z/11"},
            "sources": {"S854": '"https://w3id.org/apparat/source/four-attempts-blog/lines/7-9"'}} in statements
    # Bukharin, full member of the Politburo 2 June 1924 - 17 November 1929 (rogovin 6867)
    assert {"item": "Q186709", "property": "P39", "value": "Q108495011",
            "qualifiers": {"P580": "+1924-06-02T00:00:00Z/11", "P582": "+1929-11-17T00:00:00Z/11"},
            "sources": {"S854": '"https://w3id.org/apparat/source/rogovin-1992/lines/6867-6867"'}} in statements


_SEATS = """SELECT ?m ?person ?organ ?role ?named ?kind ?from ?end ?at ?word WHERE {
    ?m a org:Membership ; org:member ?person ; org:organization ?organ ; org:role ?role ; ap:timeStatement ?kind .
    BIND(NOT EXISTS { ?m org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) } AS ?named)
    OPTIONAL { ?m ap:heldFrom ?from } OPTIONAL { ?m ap:endDate ?end } OPTIONAL { ?m ap:date ?at }
    OPTIONAL { ?m rdfs:comment ?word } }"""


def _first_day(literal) -> dt.date:
    return dt.date.fromisoformat((literal.value + "-01-01")[:10])


def _last_day(literal) -> dt.date:
    first = _first_day(literal)
    kind = literal.datatype.value.rsplit("#", 1)[1]
    if kind == "gYear":
        return first.replace(month=12, day=31)
    if kind == "gYearMonth":
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first


def contradicted_ends(dataset) -> set[str]:
    """The memberships whose end another of our claims contradicts, computed here from the held
    spans (not with the exports' SPARQL): the same person, organ, role (a role the other holds,
    implied ones too) and post word, held from no later than the day after the end's last day
    and surely to a day after it (an open-ended claim for good; one with an end or a date to its
    first day; else to its first held day)."""
    seats: dict[str, dict] = {}
    for row in run_query(dataset, _SEATS, max_rows=1_000_000).rows:
        seat = seats.setdefault(row["m"].value, {"roles": set(), "named": set(), "words": set()})
        seat["roles"].add(row["role"].value)
        if row["named"].value == "true":
            seat["named"].add(row["role"].value)
        seat["words"] |= {row["word"].value} if "word" in row else set()
        seat.update(person=row["person"].value, organ=row["organ"].value, kind=row["kind"].value.rsplit("#", 1)[1],
                    held_from=dt.date.fromisoformat(row["from"].value) if "from" in row else None,
                    end=row.get("end"), at=row.get("at"))
    for seat in seats.values():
        last = seat["end"] or seat["at"]
        seat["holds"] = (dt.date.max if seat["kind"] == "OpenEnded" else _first_day(last) if last is not None
                         else seat["held_from"])
    by_person: dict[str, list[tuple[str, dict]]] = {}
    for m, seat in seats.items():
        by_person.setdefault(seat["person"], []).append((m, seat))
    found = set()
    for m, seat in seats.items():
        if seat["end"] is None:
            continue
        last = _last_day(seat["end"])
        for other_m, other in by_person[seat["person"]]:
            if (other_m != m and other["organ"] == seat["organ"] and seat["named"] <= other["roles"]
                    and other["words"] == seat["words"] and other["held_from"] is not None
                    and other["held_from"] <= last + dt.timedelta(days=1) and other["holds"] > last):
                found.add(m)
    return found


def test_contradicted_ends_are_found(dataset):
    ends = contradicted_ends(dataset)
    m = "https://w3id.org/apparat/id/membership/"
    # at the January 1924 conference (rogovin 3017-3019) Stalin was General Secretary, as he was from
    # 3 April 1922 on (four-attempts-blog 7-9): the meeting's last day ends nothing
    assert m + "stalin/secretariat/general-secretary/1924-01-16" in ends
    # Krestinsky, replaced by Zinoviev after the Tenth Congress (573), keeps his end; so does
    # Bukharin's 17 November 1929 (6867)
    assert m + "krestinsky/politburo/full-member/1919-00-00/to-1921-03-16" not in ends
    assert m + "bukharin/politburo/full-member/1924-06-02" not in ends
    # 569, 573, 910: Lenin, Kamenev, Stalin, Trotsky members in 1919 with no end stated (they stayed, 573)
    found = run_query(dataset, """SELECT ?who ?end WHERE {
        ?m org:member ?who ; org:organization <https://w3id.org/apparat/id/organ/politburo> ;
           prov:wasDerivedFrom <https://w3id.org/apparat/source/rogovin-1992/lines/569-569> .
        OPTIONAL { ?m ap:endDate ?end } }""", max_rows=100).rows
    ended = {row["who"].value.rsplit("/", 1)[1]: "end" in row for row in found}
    assert ended == {"lenin": False, "kamenev": False, "stalin": False, "trotsky": False, "krestinsky": True}


def test_no_exported_end_is_followed_by_a_held_span_of_the_same_seat(exported, dataset):
    # the whole build: an end another claim of the same person, post and organ contradicts is not a P582
    ends = contradicted_ends(dataset)
    spans = run_query(dataset, """SELECT ?m ?item ?role ?organ ?span WHERE {
        ?m a org:Membership ; org:member ?p ; org:organization ?organ ; org:role ?role ; prov:wasDerivedFrom ?span .
        GRAPH <https://w3id.org/apparat/graph/links> { ?p skos:exactMatch ?item } }""", max_rows=1_000_000).rows
    by_post = positions(dataset)
    contradicted = {(row["item"].value.rsplit("/", 1)[1], by_post[key], f'"{row["span"].value}"')
                    for row in spans if row["m"].value in ends
                    and (key := tuple(row[k].value.rsplit("/", 1)[1] for k in ("role", "organ"))) in by_post}
    assert contradicted  # the meetings' last days of Stalin's posts (3017-3019, 3977, 4582-4584, 4590)
    statements = parse_quickstatements(exported)
    assert not [s for s in statements if "P582" in s["qualifiers"]
                and (s["item"], s["value"], s["sources"]["S854"]) in contradicted]
    assert not [s for s in statements if s["qualifiers"].get("P582", "").startswith("+1921-03-16")]


def _as_stated(literal) -> str:
    precision = {"gYear": "9", "gYearMonth": "10", "date": "11"}[literal.datatype.value.rsplit("#", 1)[1]]
    return f"+{(literal.value + '-01-01')[:10]}T00:00:00Z/{precision}"


def test_every_exported_statement_is_one_of_our_sourced_claims(exported, dataset):
    ends = contradicted_ends(dataset)  # an end the person stays past is not written
    claims = run_query(dataset, """SELECT ?m ?item ?role ?organ ?span ?start ?end WHERE {
        ?m a org:Membership ; org:member ?p ; org:organization ?organ ; org:role ?role ; prov:wasDerivedFrom ?span .
        GRAPH <https://w3id.org/apparat/graph/links> { ?p skos:exactMatch ?item }
        FILTER NOT EXISTS { ?m org:role ?narrower . ?narrower ap:impliesRole ?role FILTER(?narrower != ?role) }
        OPTIONAL { ?m ap:startDate ?start } OPTIONAL { ?m ap:endDate ?end } }""", max_rows=1_000_000).rows
    ours, by_post = set(), positions(dataset)
    for row in claims:
        role, organ = (row[k].value.rsplit("/", 1)[1] for k in ("role", "organ"))
        for position in {by_post.get((role, organ))} - {None}:
            qualifiers = tuple((p, _as_stated(row[k])) for p, k in (("P580", "start"), ("P582", "end"))
                               if k in row and not (k == "end" and row["m"].value in ends))
            ours.add((row["item"].value.rsplit("/", 1)[1], position, qualifiers, f'"{row["span"].value}"'))
    statements = parse_quickstatements(exported)
    for s in statements:
        key = (s["item"], s["value"], tuple(s["qualifiers"].items()), s["sources"]["S854"])
        assert key in ours, f"not one of our sourced claims: {s}"
    assert len({(s["item"], s["value"], s["sources"]["S854"]) for s in statements}) >= 40
    # and back: each such claim (in the role it names, not the roles that role implies) is exported, once
    exported_keys = [(s["item"], s["value"], tuple(s["qualifiers"].items()), s["sources"]["S854"])
                     for s in statements]
    assert len(exported_keys) == len(set(exported_keys))
    assert set(exported_keys) == ours


def test_an_id_known_ids_does_not_list_is_refused(build_dir, tmp_path):
    short = tmp_path / "known-ids.tsv"
    short.write_text("label\ttype\twikidata\tevidence\nJoseph Stalin\tperson\tQ855\tx\n")
    done = subprocess.run([sys.executable, "-m", "apparat", "export", "quickstatements", "--build-dir",
                           str(build_dir), "--known-ids", str(short)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "does not list Q1048744, Q108495011, Q115147301: no Wikidata id is guessed" in done.stderr


def test_the_comparison_query_maps_the_same_posts(dataset):
    # wikidata-positions-compared.rq names its position items as constants (Wikidata's service is
    # sent the SERVICE block alone, without our bindings): they must be the gazetteer's posts.
    text = (Path(__file__).parents[1] / "queries" / "wikidata-positions-compared.rq").read_text(encoding="utf-8")
    mapped = set(re.findall(r"\(organ:([a-z-]+) role:([a-z-]+) wd:(Q\d+)\)", text))
    posts = {(organ, role, qid) for (role, organ), qid in positions(dataset).items()}
    organs_by_item = mapped - posts  # the rest: organs with no position item, by pq:P642
    assert posts <= mapped
    assert {(organ, role) for organ, role, _ in organs_by_item} == {("orgburo", "full-member"),
                                                                    ("central-committee", "full-member")}
