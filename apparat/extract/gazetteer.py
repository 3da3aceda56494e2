"""The gazetteer: every entity the sources name, kept as data in
``triples/gazetteer/*.csv`` (one file per kind), and the one place the extractor
learns names from. Pure functions apart from :func:`load_gazetteer`.

Files and columns (UTF-8 CSV with a header row; several values in one cell are
separated by ``;``; empty cells are allowed everywhere but ``slug`` and ``label``):

============== =================================================================================
file           columns
============== =================================================================================
persons.csv    slug, label, names, variants, wikidata, note, matched_as
organs.csv     slug, class, label, names, variants, abbreviation, russian, parent, level, field,
               pattern, wikidata, note, matched_as, traits
roles.csv      slug, label, pref_label, implies, pattern, wikidata, note, traits
events.csv     slug, class, label, names, ordinal, variants, pattern, note
documents.csv  slug, class, label, names, variants, wikidata, note, pattern, matched_as
places.csv     slug, class, label, names, note, matched_as
posts.csv      slug, label, role, organ, wikidata, note
============== =================================================================================

- ``slug`` makes the IRI ``…/id/<kind>/<slug>`` (kind: person, organ, role, event,
  document, place, post); ``label`` is the English name as the sources print it (a
  person's given name only if a source prints it: an initial stays an initial). A
  relative a note names only by a given name, or not at all, is labelled by that name and
  the person's label (``Vadim, son of N. Osinsky``, ``Son 1 of Polikarp Mdivani``).
- ``names``: other and historical names (``skos:altLabel``); ``variants``: spellings
  the sources use besides the label (``Kamanev``, ``Pyatakov``: ``skos:hiddenLabel``,
  matched but never shown); ``abbreviation``: ``ap:abbreviation``; ``russian``: names in
  Russian (``skos:altLabel`` ``@ru``).
- ``class``: the class as a prefixed name (``ap:Politburo``, ``ap:StateBody`` …).
- ``parent``: the organ slug it is part of (``org:subOrganizationOf``); ``level``:
  national, republic, army, front, city, province, foreign-party, trade-union or
  comintern (``ap:level``).
- ``pattern``: a Python regular expression for the parsers (their own names of the
  entity, beyond label, names, variants and abbreviation; for a document, the footnote
  titles it claims: matched against the whole title, or against ``title@date`` such as
  ``To L\\. D\\. Trotsky@1922-12-13`` where one title names several documents, see
  :mod:`apparat.extract.footnotes`); ``field``: for a
  People's Commissariat, what it is "of" (``Foreign Affairs``), as a regex.
- ``implies`` (roles): the roles a holder of this role also holds on the same organ
  (a General Secretary is a secretary, a secretary a full member of the Secretariat).
- ``matched_as``: the names one section parser (of :data:`PARSERS`) resolves to this
  entity, written ``parser: name; name`` (a later ``parser:`` starts another parser's
  names). ``footnotes``: a surname by which the footnotes name a writer or an addressee
  of a cited document (Latin: ``Zetkin``; Cyrillic, for the author of a Russian
  reference: ``Ленин``); only persons with one are resolved from footnote names. For an
  organ: the words of a cited title for the body it is addressed to (``Politburo of the CC``;
  matched longest first, so the qualified form keeps ``CC`` from also matching).
  ``expulsions``: a word of the biographical notes for the organ one is expelled or
  removed from (``expelled from CC``). ``glossary`` (organs, places, documents): a
  headword of the monograph's glossary, as printed (``Rabkrin, RKI``, ``RKP(b)``), that
  names this entity: the glossary's entry for it becomes this entity's claims (every
  other headword is a concept); what the glossary itself states of the headword (its
  English gloss, other English names, a parent, an addressee, whether the headword is
  an abbreviation) is a row of ``triples/glossary/<source>.csv``, not of the gazetteer
  (see :mod:`apparat.extract.glossary`). Parser names, not facts: nothing of this
  column goes into the graph. Trailing empty cells of a row may be left out.
- ``traits`` (organs and roles): how the post grammar of the biographical notes
  (:mod:`apparat.extract.posts`) reads a role in it, as words of :data:`TRAITS`
  (``by-name; party-roles``). Parser data, not facts: nothing of it goes into the graph.

  ``by-name``
      the grammar matches it before every other organ and has rules of its own
      for it, written by slug in :mod:`~.posts` (the CC's secretaries sit on its
      Secretariat; an undated Revvoensovet is a front's). A ``by-name`` row needs a
      ``pattern``. Their order is derived (:func:`~.lexicon.by_name_order`): a kind
      is tried before any whose pattern takes a shorter piece of one of its names
      (``Secretariat`` begins ``Secretariat of the ECCI``, so secretariat-ecci goes
      first), otherwise by slug; so its names must include what the notes print.
  ``party-roles``
      its role words read as a party organ's: a bare mention or ``member`` is
      full membership, ``deputy`` and ``editor`` are no post of it.
  ``cpbu-twin``
      ``of the CP(b)U``, ``in Ukraine`` or ``Ukrainian`` before it name its
      Ukrainian twin, the organ ``<slug>-cpbu`` (which must be in the gazetteer).
  ``collegial``
      a bare ``In X`` names a member of it (of any other body, where one worked).
- ``wikidata``: a Q-id, only where ``../shared/wikidata/known-ids.tsv`` lists it.
- ``posts.csv``: a post is a role in one organ (``org:Post``: ``org:role``, ``org:postIn``),
  kept where an item of Wikidata stands for that pair rather than for the organ or the
  role alone (Wikidata's "member of the Politburo" is a position of its own): its Q-id is
  the post's ``skos:exactMatch``, which the Wikidata exports and comparisons read.
  ``role`` and ``organ`` are slugs of ``roles.csv`` and ``organs.csv``.

Besides ``<kind>s.csv``, a folder may hold additions files ``<kind>s-<name>.csv`` (one
reader's new entities). A row there with an empty ``label`` and the slug of an
entity defined elsewhere only adds its ``names``, ``variants``, ``abbreviation``,
``russian``, ``matched_as`` and ``traits`` to that entity.

A ledger row or a parser names an entity by its slug (``stalin``), or by
``kind/slug`` where a slug is used by two kinds.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import KgError

__all__ = ["Entity", "Gazetteer", "GazetteerError", "KINDS", "LEVELS", "PARSERS", "TRAITS", "load_gazetteer"]

#: File stem -> entity kind, and the columns each file has.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "persons": ("person", ("slug", "label", "names", "variants", "wikidata", "note", "matched_as")),
    "organs": ("organ", ("slug", "class", "label", "names", "variants", "abbreviation", "russian",
                         "parent", "level", "field", "pattern", "wikidata", "note", "matched_as", "traits")),
    "roles": ("role", ("slug", "label", "pref_label", "implies", "pattern", "wikidata", "note", "traits")),
    "events": ("event", ("slug", "class", "label", "names", "ordinal", "variants", "pattern", "note")),
    "documents": ("document", ("slug", "class", "label", "names", "variants", "wikidata", "note", "pattern",
                               "matched_as")),
    "places": ("place", ("slug", "class", "label", "names", "note", "matched_as")),
    "posts": ("post", ("slug", "label", "role", "organ", "wikidata", "note")),
}
LEVELS = ("national", "republic", "army", "front", "city", "province", "foreign-party",
          "trade-union", "comintern")
#: The section parsers that read names from a ``matched_as`` cell (see the module docstring).
PARSERS = ("footnotes", "expulsions", "glossary")
#: The words of a ``traits`` cell: how the post grammar reads an organ or role (see the module docstring).
TRAITS = ("by-name", "party-roles", "cpbu-twin", "collegial")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CLASS = re.compile(r"(?:ap|org|schema|skos|foaf|prov):[A-Za-z]+")
_QID = re.compile(r"Q[1-9][0-9]*")


class GazetteerError(KgError):
    """A gazetteer file that does not hold what it must; the message names file and row."""


@dataclass(frozen=True)
class Entity:
    """One gazetteer row."""

    kind: str
    slug: str
    label: str
    cls: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    russian: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    level: str | None = None
    field_: str | None = None
    pattern: str | None = None
    implies: tuple[str, ...] = ()
    pref_label: str | None = None
    ordinal: int | None = None
    wikidata: str | None = None
    note: str | None = None
    matched_as: tuple[tuple[str, str], ...] = ()  # (parser, name)
    role: str | None = None  # a post's role
    organ: str | None = None  # the organ a post is in
    traits: tuple[str, ...] = ()  # words of TRAITS
    origin: str = field(default="", compare=False)  # "file:row"

    @property
    def key(self) -> str:
        """``kind/slug``, the part of the IRI after ``…/id/``."""
        return f"{self.kind}/{self.slug}"

    def forms(self) -> tuple[str, ...]:
        """Every name the sources may use for it: label, names, variants, abbreviations."""
        return tuple(dict.fromkeys((self.label, *self.names, *self.variants, *self.abbreviations)))

    def naming_forms(self) -> list[str]:
        """What a line naming it may print: its forms, its Russian names and a person's surname
        (the ledger's span check, and the extract report's test of what a row reads)."""
        return [*self.forms(), *self.russian, *([self.label.split()[-1]] if self.kind == "person" else [])]

    def matched_by(self, parser: str) -> tuple[str, ...]:
        """The names of its ``matched_as`` cell that ``parser`` resolves to it."""
        return tuple(name for p, name in self.matched_as if p == parser)

    def has(self, trait: str) -> bool:
        """Whether its ``traits`` cell names ``trait`` (a word of :data:`TRAITS`)."""
        return trait in self.traits


@dataclass
class Gazetteer:
    """Entities by kind and slug, with lookups by reference and by name."""

    entities: dict[str, Entity] = field(default_factory=dict)  # key "kind/slug" -> entity

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    def __len__(self) -> int:
        return len(self.entities)

    def of_kind(self, kind: str) -> list[Entity]:
        """Every entity of ``kind``, sorted by slug."""
        return sorted((e for e in self if e.kind == kind), key=lambda e: e.slug)

    def get(self, kind: str, slug: str) -> Entity | None:
        return self.entities.get(f"{kind}/{slug}")

    def resolve(self, ref: str, kinds: Iterable[str] | None = None) -> Entity:
        """The entity ``ref`` names: ``slug`` or ``kind/slug``, optionally only of ``kinds``.

        Raises:
            KeyError: no such entity, or a bare slug that several kinds use (the
                message says which).

        >>> g = Gazetteer({"person/stalin": Entity("person", "stalin", "Joseph Stalin")})
        >>> g.resolve("stalin").label
        'Joseph Stalin'
        """
        allowed = tuple(kinds) if kinds else tuple(k for k, _ in KINDS.values())
        if "/" in ref:
            kind, _, slug = ref.partition("/")
            entity = self.entities.get(ref) if kind in allowed else None
            if entity is None:
                raise KeyError(f"no {kind} {slug!r} in the gazetteer")
            return entity
        found = [self.entities[f"{k}/{ref}"] for k in allowed if f"{k}/{ref}" in self.entities]
        if not found:
            wanted = " or ".join(allowed)
            raise KeyError(f"no {wanted} {ref!r} in the gazetteer (triples/gazetteer/*.csv)")
        if len(found) > 1:
            raise KeyError(f"{ref!r} is a slug of several kinds ({', '.join(e.kind for e in found)}): "
                           f"write kind/{ref}")
        return found[0]

    def matched_names(self, kind: str, parser: str) -> dict[str, str]:
        """Name -> slug of every ``kind`` entity whose ``matched_as`` names it for ``parser``.

        >>> lenin = Entity("person", "lenin", "Vladimir Lenin", matched_as=(("footnotes", "Lenin"),))
        >>> Gazetteer({"person/lenin": lenin}).matched_names("person", "footnotes")
        {'Lenin': 'lenin'}
        """
        return {name: e.slug for e in self.of_kind(kind) for name in e.matched_by(parser)}

    def with_trait(self, trait: str) -> list[Entity]:
        """Every organ and role whose ``traits`` name ``trait``, sorted by key.

        >>> ecci = Entity("organ", "ecci", "ECCI", traits=("collegial",))
        >>> [e.slug for e in Gazetteer({"organ/ecci": ecci}).with_trait("collegial")]
        ['ecci']
        """
        return sorted((e for e in self if trait in e.traits), key=lambda e: e.key)

    def implied_roles(self, role: str) -> list[str]:
        """Every role a holder of ``role`` also holds (transitively), nearest first."""
        out: list[str] = []
        todo = list(self.entities[f"role/{role}"].implies) if f"role/{role}" in self.entities else []
        while todo:
            slug = todo.pop(0)
            if slug not in out:
                out.append(slug)
                todo += list(self.entities[f"role/{slug}"].implies)
        return out


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


def _matched_as(cell: str | None, fail) -> tuple[tuple[str, str], ...]:
    """``parser: name; name; parser: name`` as ``(parser, name)`` pairs."""
    out, parser = [], None
    for item in _split(cell):
        head, colon, rest = item.partition(":")
        if colon and head.strip() in PARSERS:
            parser, item = head.strip(), rest.strip()
        elif colon and re.fullmatch(r"[a-z]+", head.strip()):
            raise fail(f"matched_as: no parser {head.strip()!r} (parsers: {', '.join(PARSERS)})")
        if parser is None:
            raise fail(f"matched_as {cell!r} must start with the parser's name, such as 'footnotes: Lenin'")
        if item:
            out.append((parser, item))
    return tuple(out)


def _traits(cell: str | None, fail) -> tuple[str, ...]:
    """The words of a ``traits`` cell, each one of :data:`TRAITS`."""
    words = _split(cell)
    for word in words:
        if word not in TRAITS:
            raise fail(f"traits: no trait {word!r} (traits: {', '.join(TRAITS)})")
    return words


def _entity(kind: str, row: dict[str, str], origin: str) -> Entity:
    def fail(message: str) -> GazetteerError:
        return GazetteerError(f"{origin}: {message}")

    slug, label = (row.get("slug") or "").strip(), (row.get("label") or "").strip()
    if not _SLUG.fullmatch(slug):
        raise fail(f"slug {slug!r} must be lowercase ASCII words joined by hyphens")
    if not label:
        raise fail(f"{kind} {slug!r} has no label")
    classes = _split(row.get("class"))
    for cls in classes:
        if not _CLASS.fullmatch(cls):
            raise fail(f"class {cls!r} is not a prefixed name such as ap:StateBody")
    level = (row.get("level") or "").strip() or None
    if level and level not in LEVELS:
        raise fail(f"level {level!r} is none of {', '.join(LEVELS)}")
    wikidata = (row.get("wikidata") or "").strip() or None
    if wikidata and not _QID.fullmatch(wikidata):
        raise fail(f"wikidata {wikidata!r} is not a Q-id")
    pattern = (row.get("pattern") or "").strip() or None
    field_ = (row.get("field") or "").strip() or None
    for regex in (pattern, field_):
        if regex:
            try:
                re.compile(regex)
            except re.error as err:
                raise fail(f"pattern {regex!r} is no regular expression: {err}") from None
    ordinal = (row.get("ordinal") or "").strip()
    if ordinal and not ordinal.isdigit():
        raise fail(f"ordinal {ordinal!r} is not a number")
    role, organ = (row.get("role") or "").strip() or None, (row.get("organ") or "").strip() or None
    if kind == "post" and not (role and organ):
        raise fail(f"post {slug!r} needs a role and an organ")
    return Entity(
        kind, slug, label, cls=classes, names=_split(row.get("names")), variants=_split(row.get("variants")),
        abbreviations=_split(row.get("abbreviation")), russian=_split(row.get("russian")),
        parents=_split(row.get("parent")), level=level, field_=field_, pattern=pattern,
        implies=_split(row.get("implies")), pref_label=(row.get("pref_label") or "").strip() or None,
        ordinal=int(ordinal) if ordinal else None, wikidata=wikidata,
        note=(row.get("note") or "").strip() or None, matched_as=_matched_as(row.get("matched_as"), fail),
        role=role, organ=organ, traits=_traits(row.get("traits"), fail), origin=origin)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, row)`` of a CSV file with a header; rows are numbered by their line."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, row


def load_gazetteer(folder: Path) -> Gazetteer:
    """Read every ``<kind>s.csv`` (and ``<kind>s-*.csv``) file of ``folder``.

    Raises:
        GazetteerError: an unknown file or column, a malformed cell, a duplicate
            slug, a parent or implied role that is not in the gazetteer, or a
            trait its row does not support (a ``cpbu-twin`` with no twin, a
            ``by-name`` with no pattern); the message names file and row.
    """
    gazetteer = Gazetteer()
    additions: list[tuple[str, str, dict, str]] = []
    # Main files first, so that additions files (<kind>s-<name>.csv) can extend their rows.
    files = sorted(Path(folder).glob("*.csv"), key=lambda p: ("-" in p.stem, p.name))
    for path in files:
        stem = path.stem.split("-", 1)[0]
        if stem not in KINDS:
            raise GazetteerError(f"{path}: not a gazetteer file (name it {', '.join(k + '.csv' for k in KINDS)})")
        kind, columns = KINDS[stem]
        with open(path, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        unknown = [c for c in header if c not in columns]
        if unknown or "slug" not in header or "label" not in header:
            raise GazetteerError(f"{path}:1: columns must be among {', '.join(columns)} (got {', '.join(header)})")
        for line, row in read_rows(path):
            origin = f"{path}:{line}"
            slug = (row.get("slug") or "").strip()
            if not (row.get("label") or "").strip() and "-" in path.stem:
                additions.append((kind, slug, row, origin))  # more names for an entity defined elsewhere
                continue
            entity = _entity(kind, row, origin)
            if entity.key in gazetteer.entities:
                first = gazetteer.entities[entity.key].origin
                raise GazetteerError(f"{entity.origin}: {entity.key} is already defined at {first}")
            gazetteer.entities[entity.key] = entity
    for kind, slug, row, origin in additions:
        def fail(message: str, origin: str = origin) -> GazetteerError:
            return GazetteerError(f"{origin}: {message}")
        old = gazetteer.entities.get(f"{kind}/{slug}")
        if old is None:
            raise GazetteerError(f"{origin}: {kind} {slug!r} has no label, and no other file defines it")
        gazetteer.entities[old.key] = replace(
            old, names=old.names + _split(row.get("names")), variants=old.variants + _split(row.get("variants")),
            abbreviations=old.abbreviations + _split(row.get("abbreviation")),
            russian=old.russian + _split(row.get("russian")),
            matched_as=old.matched_as + _matched_as(row.get("matched_as"), fail),
            traits=old.traits + tuple(t for t in _traits(row.get("traits"), fail) if t not in old.traits))
    for entity in gazetteer:
        for parent in entity.parents:
            if f"organ/{parent}" not in gazetteer.entities:
                raise GazetteerError(f"{entity.origin}: parent organ {parent!r} is not in the gazetteer")
        for role in entity.implies:
            if f"role/{role}" not in gazetteer.entities:
                raise GazetteerError(f"{entity.origin}: implied role {role!r} is not in the gazetteer")
        if entity.kind == "post" and f"role/{entity.role}" not in gazetteer.entities:
            raise GazetteerError(f"{entity.origin}: role {entity.role!r} is not in the gazetteer")
        if entity.kind == "post" and f"organ/{entity.organ}" not in gazetteer.entities:
            raise GazetteerError(f"{entity.origin}: organ {entity.organ!r} is not in the gazetteer")
        if entity.has("cpbu-twin") and f"organ/{entity.slug}-cpbu" not in gazetteer.entities:
            raise GazetteerError(f"{entity.origin}: trait cpbu-twin, but no organ {entity.slug + '-cpbu'!r} "
                                 "is in the gazetteer")
        if entity.has("by-name") and not entity.pattern:
            raise GazetteerError(f"{entity.origin}: trait by-name needs a pattern (the grammar matches it)")
    return gazetteer
