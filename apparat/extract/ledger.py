"""The claims ledger: statements read by a person, one CSV row each, in
``triples/claims/<source-id>.csv`` (or several files in ``triples/claims/<source-id>/``).
``triples/claims/README.md`` is the guide for historians; this module reads and
checks the rows and turns each into a :class:`~apparat.extract.records.Claim`.

Every error names the file and row (``triples/claims/x.csv:12: …``); all errors of a
file are reported at once.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import KgError
from .dates import DateSyntaxError, EventRef, parse_time
from .gazetteer import Gazetteer
from .records import ATTRIBUTIONS, CERTAINTIES, Attribution, Claim, Span
from .text import SourceText, mentions_any

__all__ = ["COLUMNS", "ENTITY_CLASSES", "EXTRA_KEYS", "KINDS", "Kind", "LedgerError", "read_ledger", "ledger_files"]

COLUMNS = ("lines", "kind", "subject", "role", "object", "date", "at", "value", "who", "certainty",
           "id", "extra", "note")
MAX_NOTE = 120

_ANY = ("person", "organ", "event", "document", "place", "role")


@dataclass(frozen=True)
class Kind:
    """What a ledger row of this kind states, and which columns it uses.

    ``membership``: the membership node it makes: ``stated`` (as the date says),
    ``start`` (an election: the date is its start), ``end`` (a removal: its end),
    ``point`` (re-elected: it held then), or None. ``event``: the class of the
    event node it makes, if any.
    """

    subject: tuple[str, ...]
    objects: tuple[str, ...] = ()
    needs_object: bool = False
    one_object: bool = False
    role: str | None = None          # default role (membership kinds) or None
    membership: str | None = None
    event: str | None = None
    value: str | None = None         # "text" (own words), "integer", "required text"
    needs_id: bool = False
    help: str = ""


_MEMBER = dict(subject=("person",), objects=("organ",), needs_object=True, one_object=True,
               role="full-member", value="text")

#: The kinds of statement a row can make (see triples/claims/README.md).
KINDS: dict[str, Kind] = {
    "member": Kind(**_MEMBER, membership="stated", help="held a role in an organ, at the time stated"),
    "elected": Kind(**_MEMBER, membership="start", event="ap:Election", help="elected to an organ"),
    "reelected": Kind(**_MEMBER, membership="point", event="ap:Reelection", help="re-elected"),
    "appointed": Kind(**_MEMBER, membership="start", event="ap:Appointment", help="appointed to a post"),
    "coopted": Kind(**_MEMBER, membership="start", event="ap:Cooptation", help="co-opted to an organ"),
    "joined": Kind(**_MEMBER, membership="start", help="joined an organ, faction or bloc"),
    "removed": Kind(**_MEMBER, membership="end", event="ap:Removal", help="removed from an organ or post"),
    "resigned": Kind(**_MEMBER, membership="end", event="ap:Resignation", help="resigned (and left)"),
    "left": Kind(**_MEMBER, membership="end", help="left an organ or faction (broke with it)"),
    "joined-party": Kind(subject=("person",), objects=("organ",), one_object=True, event="ap:JoiningParty",
                         value="text", help="joined the party (value: its name as written, RSDRP, Bolsheviks …)"),
    "expelled": Kind(subject=("person",), objects=("organ",), one_object=True, event="ap:Expulsion",
                     help="expelled from the party (or the organ named)"),
    "reinstated": Kind(subject=("person",), objects=("organ",), one_object=True, event="ap:Reinstatement",
                       help="reinstated in the party (or the organ named)"),
    "resignation-attempt": Kind(subject=("person",), objects=("organ", "person", "event"),
                                event="ap:ResignationAttempt", value="text",
                                help="asked to be relieved of a post (role: the post); value: outcome"),
    "arrested": Kind(subject=("person",), event="ap:Arrest", value="text", help="arrested"),
    "exiled": Kind(subject=("person",), objects=("place",), event="ap:Exile", value="text",
                   help="exiled or deported"),
    "sentenced": Kind(subject=("person",), objects=("event",), event="ap:Trial", value="text",
                      help="tried or sentenced; value: the sentence"),
    "shot": Kind(subject=("person",), event="ap:Execution", help="shot, executed"),
    "died": Kind(subject=("person",), event="ap:Death", value="text", help="died; value: how"),
    "suicide": Kind(subject=("person",), event="ap:Suicide", help="took their own life"),
    "rehabilitated": Kind(subject=("person",), event="ap:Rehabilitation", value="text",
                          help="rehabilitated; value: legally, along party lines …"),
    "rehabilitation-refused": Kind(subject=("person",), event="ap:RehabilitationRefused", value="text",
                                   help="a rehabilitation was refused or rejected (value: by whom)"),
    "signed": Kind(subject=("person",), objects=("document",), needs_object=True, event="ap:Signing",
                   help="signed a document"),
    "wrote": Kind(subject=("person", "organ"), objects=("document",), needs_object=True,
                  help="wrote a document (object); the date is the document's"),
    "document": Kind(subject=("document",), objects=("person", "organ", "event"), value="text",
                     help="a document: role its class, object its addressees, value its title"),
    "meeting": Kind(subject=("event",), objects=("person", "organ"), value="text",
                    help="a congress, conference, plenum or session met (date), with participants"),
    "decision": Kind(subject=("organ", "event"), objects=_ANY, needs_object=True, event="ap:Decision",
                     value="required text", help="an organ or meeting decided about someone; value: what"),
    "event": Kind(subject=_ANY, objects=("person", "organ", "document", "event", "place"), value="text",
                  needs_id=True, help="any other event (id: its slug); value: outcome"),
    "born": Kind(subject=("person",), objects=("place",), help="was born"),
    "death-date": Kind(subject=("person",), help="died on the date (no event: the date of a note's header)"),
    "count": Kind(subject=_ANY, value="integer", help="how many (role: what is counted)"),
    "attribute": Kind(subject=_ANY, objects=_ANY, value="text",
                      help="any other statement: role a key of the extra vocabulary"),
    "renamed": Kind(subject=("organ",), value="required text", event="ap:Renaming",
                    help="an organ took a new name (value)"),
    # What a reference section (a glossary, the footnotes, the chapters) states about things.
    "entity": Kind(subject=(*_ANY, "concept", "scheme"), help="describes an entity: role its class "
                   "(ENTITY_CLASSES), extra its names, parent and successor, date its existence"),
    "cited": Kind(subject=("document",), help="the line (a footnote) cites the document"),
    "chapter": Kind(subject=("chapter",), objects=("person",), value="required text",
                    help="a chapter: its line span, number (role), title (value), the persons it names (object)"),
}

#: ``extra`` keys (and ``attribute`` roles): key -> (property, what the value is).
EXTRA_KEYS: dict[str, tuple[str, tuple[str, ...] | str]] = {
    "label": ("rdfs:label", "text"),
    "title": ("dct:title", "text"),
    "outcome": ("ap:outcome", "text"),
    "addressee": ("ap:addressee", ("person", "organ", "event")),
    "participant": ("ap:participant", ("person", "organ")),
    "by": ("dct:creator", ("person", "organ")),
    "signatory": ("ap:signatory", ("person",)),
    "primary-source": ("ap:primarySource", ("document",)),
    "cites": ("dct:source", ("document",)),
    "citation": ("dct:bibliographicCitation", "literal"),
    "url": ("schema:url", "iri"),
    "mentions": ("schema:mentions", _ANY),
    "place": ("schema:location", ("place",)),
    "postscript-to": ("ap:postscriptTo", ("document",)),
    "part-of": ("dct:isPartOf", ("document", "event")),
    "concerns": ("ap:concerns", _ANY),
    "replaced-by": ("dct:isReplacedBy", ("organ", "person")),
    "post": ("ap:post", ("role",)),
    "organ": ("ap:organization", ("organ",)),
    "person": ("ap:person", ("person",)),
    "successor": ("ap:successor", ("person",)),
    "comment": ("rdfs:comment", "text"),
    "publisher": ("dct:publisher", "literal"),
    "pages": ("ap:pages", "literal"),
    "old-name": ("ap:oldName", "literal"),
    "topic": ("schema:about", _ANY),
    "spouse": ("schema:spouse", ("person",)),
    "parent": ("schema:parent", ("person",)),       # a relative: the subject's father or mother
    "sibling": ("schema:sibling", ("person",)),     # a relative: the subject's brother or sister
    "pref-label": ("skos:prefLabel", "text"),
    "given-name": ("foaf:givenName", "literal"),
    "family-name": ("foaf:familyName", "literal"),
    "patronymic": ("ap:patronymic", "literal"),
    "other-name": ("ap:otherName", "literal"),
    "predecessor": ("ap:predecessor", ("person",)),
    "alt-label": ("skos:altLabel", "text"),
    "russian-name": ("skos:altLabel", "lang:ru"),
    "romanized-name": ("skos:altLabel", "lang:ru-Latn"),
    "abbreviation": ("ap:abbreviation", "literal"),
    "sub-organ-of": ("org:subOrganizationOf", ("organ",)),
    "in-scheme": ("skos:inScheme", ("scheme",)),
    "printed-title": ("dct:title", "literal"),      # a title as printed (no language tag)
    "rdfs-label": ("rdfs:label", "text"),           # a label that is no skos:prefLabel
    "alternative": ("dct:alternative", "literal"),
    "volume": ("ap:volume", "literal"),
    "ordinal": ("ap:ordinal", "integer"),           # a congress's number
    "party-name": ("ap:partyName", "literal"),       # the party's name at the time (RKP(b), VKP(b) …)
}

#: ``entity`` roles: the class a section says an entity is.
ENTITY_CLASSES = {"state-body": "ap:StateBody", "party-organ": "ap:PartyOrgan", "faction": "ap:Faction",
                  "party": "ap:Party", "organization": "org:Organization", "place": "schema:Place",
                  "administrative-area": "schema:AdministrativeArea", "concept": "skos:Concept",
                  "concept-scheme": "skos:ConceptScheme", "party-congress": "ap:PartyCongress",
                  "party-conference": "ap:PartyConference", "comintern-congress": "ap:CominternCongress"}

#: ``count`` roles: what is counted -> the property of the count.
COUNTS = {"resignation-attempts": "ap:numberOfResignationAttempts", "members": "ap:numberOfMembers",
          "candidates": "ap:numberOfCandidateMembers", "members-and-candidates": "ap:numberOfMembersAndCandidates",
          "votes-for": "ap:votesFor", "votes-against": "ap:votesAgainst", "abstentions": "ap:abstentions",
          "signatories": "ap:numberOfSignatories", "delegates": "ap:numberOfDelegates"}

#: ``document`` roles: document classes.
DOCUMENT_CLASSES = {"letter": "ap:Letter", "declaration": "ap:Declaration", "platform": "ap:Platform",
                    "speech": "ap:Speech", "article": "ap:Article", "book": "ap:Book",
                    "resolution": "ap:Resolution", "telegram": "ap:Telegram", "note": "ap:Note",
                    "report": "ap:Report", "theses": "ap:Theses", "transcript": "ap:Transcript",
                    "diary": "ap:Diary", "memoir": "ap:Memoir", "document": "ap:Document"}

_LINES = re.compile(r"\d+(?:-\d+)?")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class LedgerError(KgError):
    """Ledger rows that cannot be compiled; ``messages`` holds one ``file:row: …`` each."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def ledger_files(claims_dir: Path) -> dict[str, list[Path]]:
    """Source id -> its ledger files: ``<id>.csv`` and ``<id>/*.csv``, sorted."""
    out: dict[str, list[Path]] = {}
    for path in sorted(Path(claims_dir).glob("*.csv")):
        out.setdefault(path.stem, []).append(path)
    for folder in sorted(p for p in Path(claims_dir).iterdir() if p.is_dir()) if Path(claims_dir).exists() else []:
        out.setdefault(folder.name, []).extend(sorted(folder.glob("*.csv")))
    return out


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _spans(cell: str) -> list[Span]:
    spans = []
    for part in _split(cell):
        if not _LINES.fullmatch(part):
            raise ValueError(f"lines {part!r}: write a line (573) or a span (573-575), several separated by ';'")
        a, _, b = part.partition("-")
        first, last = int(a), int(b or a)
        if last < first:
            raise ValueError(f"lines {part!r} end before they start")
        spans.append(Span(first, last))
    if not spans:
        raise ValueError("no lines: every claim cites the line span that states it")
    return spans


def read_ledger(path: Path, source_id: str, gazetteer: Gazetteer,
                sources: Mapping[str, SourceText] | None = None,
                label: str | None = None) -> list[Claim]:
    """The claims of one ledger file, checked row by row.

    Args:
        path: the CSV file.
        source_id: the source its rows read (``rogovin-1992``).
        gazetteer: to resolve every entity a row names.
        sources: the corpus texts by id; with them, every span is checked to lie in
            the source and to name the row's subject (or a spelling of it).
        label: how to name the file in messages (default: ``path``).

    Raises:
        LedgerError: with one ``file:row: message`` per problem found.
    """
    name = label or str(path)
    errors: list[str] = []
    claims: list[Claim] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in COLUMNS]
        missing = [c for c in ("lines", "kind", "subject") if c not in header]
        if unknown or missing:
            raise LedgerError([f"{name}:1: columns must be among {', '.join(COLUMNS)}"
                               + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                               + (f"; missing: {', '.join(missing)}" if missing else "")])
        previous = 0
        for row in reader:
            where = f"{name}:{reader.line_num}"
            cells = {c: (row.get(c) or "").strip() for c in COLUMNS}
            if None in row:
                errors.append(f"{where}: more cells than columns (quote a cell that holds a comma)")
                continue
            if not any(cells.values()):
                continue
            try:
                claim = _claim(cells, source_id, gazetteer, sources, where)
            except ValueError as err:
                errors.append(f"{where}: {err}")
                continue
            if claim.first_line < previous:
                errors.append(f"{where}: rows must be in line order (line {claim.first_line} after {previous})")
            previous = max(previous, claim.first_line)
            claims.append(claim)
    if errors:
        raise LedgerError(errors)
    return claims


def _resolve(gazetteer: Gazetteer, ref: str, kinds, what: str, local_ids=()) -> str:
    if ref in local_ids:
        return ref
    try:
        return gazetteer.resolve(ref, kinds).key
    except KeyError as err:
        raise ValueError(f"{what}: {err.args[0]}") from None


def _claim(cells: dict[str, str], source_id: str, gazetteer: Gazetteer,
           sources: Mapping[str, SourceText] | None, where: str) -> Claim:
    kind_name = cells["kind"]
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ValueError(f"kind {kind_name!r} is none of {', '.join(KINDS)}")
    spans = _spans(cells["lines"])
    ident = cells["id"] or None
    if ident is not None and not _SLUG.fullmatch(ident):
        raise ValueError(f"id {ident!r} must be lowercase ASCII words joined by hyphens")
    if kind.needs_id and ident is None:
        raise ValueError(f"a {kind_name} row needs an id (the slug of what it describes)")
    if not cells["subject"]:
        raise ValueError("no subject")
    own = (ident,) if ident and kind_name == "event" else ()
    subject = _resolve(gazetteer, cells["subject"], kind.subject, "subject")
    objects = tuple(_resolve(gazetteer, ref, kind.objects or _ANY, "object") for ref in _split(cells["object"]))
    if kind.objects == () and objects:
        raise ValueError(f"a {kind_name} row takes no object")
    if kind.needs_object and not objects:
        raise ValueError(f"a {kind_name} row needs an object ({' or '.join(kind.objects)})")
    if kind.one_object and len(objects) > 1:
        raise ValueError(f"a {kind_name} row takes one object; write one row each")
    role = cells["role"] or kind.role
    if cells["role"]:
        if kind_name == "count":
            if role not in COUNTS:
                raise ValueError(f"count role {role!r} is none of {', '.join(COUNTS)}")
        elif kind_name == "attribute":
            if role not in EXTRA_KEYS:
                raise ValueError(f"attribute role {role!r} is none of {', '.join(EXTRA_KEYS)}")
        elif kind_name == "entity":
            if role not in ENTITY_CLASSES:
                raise ValueError(f"entity role {role!r} is none of {', '.join(ENTITY_CLASSES)}")
        elif kind_name == "document":
            if role not in DOCUMENT_CLASSES:
                raise ValueError(f"document role {role!r} is none of {', '.join(DOCUMENT_CLASSES)}")
        else:
            role = _resolve(gazetteer, role, ("role",), "role").split("/", 1)[1]
    elif kind_name in ("count", "attribute"):
        raise ValueError(f"a {kind_name} row needs a role (what it states)")
    try:
        time = parse_time(cells["date"])
    except DateSyntaxError as err:
        raise ValueError(f"date: {err}") from None
    for ref in time.refs:
        _resolve(gazetteer, ref.slug, ("event", "document"), "date names an event or document that")
    at = tuple(_resolve(gazetteer, ref, ("event",), "at", own) for ref in _split(cells["at"]))
    value = cells["value"] or None
    if kind.value is None and value:
        raise ValueError(f"a {kind_name} row takes no value")
    if kind.value == "required text" and not value:
        raise ValueError(f"a {kind_name} row needs a value")
    if kind.value == "integer" and not (value or "").isdigit():
        raise ValueError(f"a count's value must be a whole number, not {value!r}")
    who = None
    if cells["who"]:
        mode, sep, ref = cells["who"].partition(":")
        if not sep or mode not in ATTRIBUTIONS:
            raise ValueError(f"who {cells['who']!r}: write quoted:<entity> or reported:<entity> (empty: the author)")
        who = Attribution(mode, _resolve(gazetteer, ref.strip(), ("person", "document", "organ"), "who"))
    certainty = cells["certainty"] or None
    if certainty and certainty not in CERTAINTIES:
        raise ValueError(f"certainty {certainty!r} is none of {', '.join(CERTAINTIES)} (empty: stated)")
    extra = []
    for pair in _split(cells["extra"]):
        key, sep, val = pair.partition("=")
        key, val = key.strip(), val.strip()
        if not sep or key not in EXTRA_KEYS or not val:
            raise ValueError(f"extra {pair!r}: write key=value with a key among {', '.join(EXTRA_KEYS)}")
        expected = EXTRA_KEYS[key][1]
        if isinstance(expected, tuple):
            val = _resolve(gazetteer, val, expected, f"extra {key}")
        elif expected == "integer" and not val.isdigit():
            raise ValueError(f"extra {key}={val!r}: write a whole number")
        extra.append((key, val))
    if kind_name == "attribute" and not (value or objects):
        raise ValueError("an attribute row needs a value or an object")
    note = cells["note"] or None
    if note and len(note) > MAX_NOTE:
        raise ValueError(f"note is {len(note)} characters; keep it under {MAX_NOTE}, in your own words")
    if sources is not None:
        _check_spans(spans, source_id, subject, gazetteer, sources)
    return Claim(source_id, tuple(spans), kind_name, subject, role, objects, time, at, value, who,
                 certainty, ident, tuple(extra), note, origin=where)


def _check_spans(spans: list[Span], source_id: str, subject: str, gazetteer: Gazetteer,
                 sources: Mapping[str, SourceText]) -> None:
    source = sources.get(source_id)
    if source is None:
        raise ValueError(f"no source {source_id!r} in the corpus's sources.tsv")
    for span in spans:
        if span.last > len(source):
            raise ValueError(f"lines {span} lie outside {source_id}, which has {len(source)} lines")
    kind, _, slug = subject.partition("/")
    entity = gazetteer.get(kind, slug)
    forms = entity.naming_forms()
    patterns = [entity.pattern] if entity.pattern else []
    if not any(mentions_any(source.text(s), forms, patterns) for s in spans):
        raise ValueError(f"lines {'; '.join(map(str, spans))} of {source_id} do not name {subject} "
                         f"({' / '.join(forms[:4])}): cite the line that names it, or add the spelling "
                         f"used there to the gazetteer's variants")


def event_refs(claim: Claim) -> list[EventRef]:
    """The events a claim's date names."""
    return claim.time.refs
