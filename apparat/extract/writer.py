"""The one writer: claim records -> RDF, one graph per source.

Every claim becomes (1) the facts it states, on the node it is about (a membership,
an event, a document, a person), and (2) a claim node
``…/id/claim/<source>/<key>`` (an ``ap:Claim``) that says who states it, where,
how sure, and the value the build's conflict rules compare (``ap:property``,
``ap:value`` and, for dates, the ``ap:earliest``/``ap:latest`` window).

Time (see :mod:`apparat.extract.dates`) is written in three layers on a membership:

- as stated: ``ap:startDate``, ``ap:endDate`` or ``ap:date`` at their own precision,
  ``ap:dateAsStated`` when the statement is vague, and ``ap:timeStatement`` (the kind
  of statement: ``ap:Range``, ``ap:OpenEnded``, ``ap:StartOnly``, ``ap:EndOnly``,
  ``ap:AtTime``, ``ap:Window``, ``ap:Undated``);
- ``ap:heldFrom``/``ap:heldUntil``: the days the statement itself says it held
  (what "in year Y" answers by default; no ``ap:heldUntil`` on an open-ended one);
- ``ap:earliestStart``/``ap:latestEnd``: the widest bounds it allows ("possibly").

Events get ``ap:date`` (or ``ap:startDate``/``ap:endDate`` for meetings), and the
``ap:earliestStart``/``ap:latestEnd`` bounds of the day it may have happened on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from .. import ids
from ..namespaces import AP, ORG, SCHEMA
from .dates import EventRef, StatedDate, StatedTime
from .describe import chapter_node, write_chapter, write_citation, write_entity, write_extra
from .gazetteer import Gazetteer
from .gazetteer_rdf import gazetteer_graph
from .ledger import COUNTS, DOCUMENT_CLASSES, EXTRA_KEYS, KINDS, LedgerError
from .records import Claim, Span
from .vocabulary import curie
from .windows import EventDates, Window, date_literal, day_literal, point_window, tenure

__all__ = ["EventDates", "Writer", "date_literal", "gazetteer_graph"]

#: Classes of events that happen to one person (ap:person names them).
_PERSONAL_CLASSES = {"ap:PersonalEvent", "ap:Death", "ap:Execution", "ap:Suicide", "ap:Election", "ap:Reelection",
                     "ap:Cooptation", "ap:Appointment", "ap:Removal", "ap:Resignation", "ap:ResignationAttempt",
                     "ap:Arrest", "ap:Exile", "ap:Trial", "ap:Rehabilitation",
                     "ap:RehabilitationRefused", "ap:Reinstatement", "ap:Expulsion",
                     "ap:JoiningParty", "ap:Signing"}
_SLUG_RE = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")
_TIME_KINDS = {"range": AP.Range, "from": AP.OpenEnded, "until": AP.EndOnly, "at": AP.AtTime,
               "window": AP.Window, "undated": AP.Undated, "start": AP.StartOnly, "end": AP.EndOnly}
_CERTAINTY = {"probable": AP.Probable, "possible": AP.Possible, "uncertain": AP.Uncertain,
              "negated": AP.Negated}
_ATTRIBUTION = {"quoted": AP.QuotedStatement, "reported": AP.ReportedStatement}
#: Event kinds of the ledger and the IRI word their events get.
_EVENT_WORDS = {"elected": "election", "reelected": "reelection", "appointed": "appointment",
                "coopted": "cooption", "removed": "removal", "resigned": "resignation",
                "expelled": "expulsion", "reinstated": "reinstatement", "arrested": "arrest",
                "exiled": "exile", "sentenced": "trial", "shot": "execution", "died": "death",
                "suicide": "suicide", "rehabilitated": "rehabilitation", "signed": "signing",
                "rehabilitation-refused": "rehabilitation-refused",
                "resignation-attempt": "resignation-attempt", "decision": "decision",
                "renamed": "renaming", "joined-party": "joining-party"}


class Writer:
    """Turns claims into one ``Graph`` per source (see the module docstring).

    Args:
        gazetteer: the entities claims name.
        event_dates: the dates of meetings and events, for ``at`` and dates that name events.
    """

    def __init__(self, gazetteer: Gazetteer, event_dates: EventDates | None = None):
        self.gazetteer = gazetteer
        self.event_dates = event_dates or EventDates()
        self.graphs: dict[str, Graph] = {}
        self._memberships: dict[URIRef, tuple] = {}
        self._events: dict[tuple[str, URIRef], tuple] = {}
        self._claims: set[URIRef] = set()
        self._labelled: set[URIRef] = set()
        self._dated_by: list = []
        self.errors: list[str] = []

    # ---------------------------------------------------------------- helpers

    def iri(self, ref: str) -> URIRef:
        kind, _, slug = ref.partition("/")
        return ids.entity(kind, slug)

    def graph(self, source: str) -> Graph:
        return self.graphs.setdefault(source, Graph())

    def _cite(self, g: Graph, node: URIRef, claim: Claim, prop=PROV.wasDerivedFrom,
              source: str | None = None, spans: Iterable[Span] | None = None) -> None:
        source = source or claim.source
        for span in spans or claim.spans:
            loc = ids.source_location(source, span.first, span.last)
            g.add((loc, RDF.type, AP.SourceLocation))
            g.add((loc, AP.inSource, ids.source(source)))
            g.add((loc, AP.lineStart, Literal(span.first)))
            g.add((loc, AP.lineEnd, Literal(span.last)))
            g.add((node, prop, loc))

    def _resolve_time(self, claim: Claim) -> StatedTime:
        """The claim's time with meetings and events replaced by their dates."""
        time, used = claim.time, []
        if time.kind == "undated" and claim.at and KINDS[claim.kind].subject != ("event",):
            slug = claim.at[0].split("/", 1)[1]
            time = StatedTime("at", EventRef(slug), text=f"at {slug}")
            relative = self.event_dates.lookup_relative(slug, claim.source)
            if relative is not None:  # at a meeting dated only as "after X": the claim is "after X" too
                time, used = replace(relative[0], text=f"at {slug}"), [relative[1:]]
        if not time.refs:
            return time

        def lookup(slug: str):
            found = self.event_dates.lookup(slug, claim.source, bounded=time.offset is not None)
            if found is None:
                raise LookupError(slug)
            stated, source, spans = found
            used.append((source, spans))
            return stated  # its own time: a date, a range, or a window (an event dated "after X")

        try:
            resolved = time.resolved(lookup)
        except LookupError:
            # No source dates that event: the statement keeps its reference (ap:dateAsStated), undated.
            return StatedTime("undated", text=time.text)
        self._dated_by = list(used)
        return StatedTime(resolved.kind, resolved.start, resolved.end, resolved.strict, text=time.text)

    # ---------------------------------------------------------------- writing

    def write(self, claims: Iterable[Claim]) -> dict[str, Graph]:
        """Write every claim; return the graphs by source id.

        Raises:
            LedgerError: claims that cannot be written (e.g. a new event with no label),
                each message naming the claim's file and row.
        """
        for claim in claims:
            self._dated_by = []
            try:
                self._write(claim)
            except ValueError as err:
                self.errors.append(f"{claim.origin}: {err}")
        if self.errors:
            raise LedgerError(self.errors)
        return self.graphs

    def _write(self, claim: Claim) -> None:
        kind = KINDS[claim.kind]
        g = self.graph(claim.source)
        time = self._resolve_time(claim)
        subject = self.iri(claim.subject)
        main: URIRef | None = None
        compared: list[tuple[URIRef, URIRef, Literal | URIRef, Window | None, str]] = []
        negated = claim.certainty == "negated"
        if kind.membership:
            main, compared = self._membership(g, claim, kind, time, negated)
        event = None
        if kind.event or claim.kind in ("event",):
            event, event_compared = self._event(g, claim, kind, time, negated)
            compared += event_compared
            main = main or event
        if claim.kind in ("document", "wrote"):
            main, compared = self._document(g, claim, time, negated)
        if claim.kind == "meeting":
            main = subject
            compared = self._meeting(g, claim, time, negated)
        if claim.kind == "born":
            main = subject
            compared = self._life_date(g, claim, time, SCHEMA.birthDate, AP.birthDateOldStyle, negated)
        if claim.kind == "death-date":
            main = subject
            compared = self._life_date(g, claim, time, SCHEMA.deathDate, AP.deathDateOldStyle, negated)
        if claim.kind in ("died", "shot", "suicide"):  # the event dates the person's death too
            compared += self._life_date(g, claim, time, SCHEMA.deathDate, AP.deathDateOldStyle, negated,
                                        event_has_date=claim.kind != "died"
                                        or claim.source == self.event_dates.reference)
        if claim.kind in ("count", "attribute"):
            main = subject
            compared = self._attribute(g, claim, negated)
        if claim.kind in ("entity", "cited", "chapter"):  # what a reference section states
            write = {"entity": lambda: write_entity(self, g, claim, time),
                     "cited": lambda: write_citation(self, g, claim), "chapter": lambda: write_chapter(self, g, claim)}
            main = write[claim.kind]()
        if main is None:
            main = subject
        if not negated:
            for key, value in claim.extra:  # an election's citations and participants are the event's
                if not (claim.kind == "count" and key == "organ"):  # a count's body: on its claim
                    write_extra(self, g, event or main, key, value)
        # An event or document a statement names is attested by that statement's lines.
        refs = [claim.subject, *claim.at, *claim.objects,
                *(v for k, v in claim.extra if isinstance(EXTRA_KEYS[k][1], tuple))]
        for ref in refs:
            if ref.startswith(("event/", "document/")) and self.iri(ref) != main:
                self._cite(g, self.iri(ref), claim)
        self._claim_nodes(g, claim, main, compared)

    def _claim_nodes(self, g: Graph, claim: Claim, main: URIRef, compared: list) -> None:
        base = f"{claim.source}/{claim.kind}-{claim.subject.split('/', 1)[1]}-{claim.first_line}"
        key, n = base, 1
        while ids.entity("claim", key) in self._claims:
            n += 1
            key = f"{base}-{n}"
        primary = ids.entity("claim", key)
        nodes = [(primary, None)] + [(ids.entity("claim", f"{key}/{c[4]}"), c) for c in compared[1:]]
        if compared:
            nodes[0] = (primary, compared[0])
        for node, value in nodes:
            self._claims.add(node)
            g.add((node, RDF.type, AP.Claim))
            g.add((node, AP.statementKind, Literal(claim.kind)))
            g.add((node, AP.statedOf, chapter_node(claim) if claim.kind == "chapter" else self.iri(claim.subject)))
            self._cite(g, node, claim)
            for source, spans in self._dated_by:
                self._cite(g, node, claim, AP.datedBy, source, spans)
            if claim.who:
                who = self.iri(claim.who.ref)
                g.add((node, AP.attribution, _ATTRIBUTION[claim.who.mode]))
                g.add((node, AP.accordingTo, who))
                if claim.who.ref.startswith("person/"):
                    g.add((node, PROV.wasAttributedTo, who))
            else:
                g.add((node, AP.attribution, AP.AuthorStatement))
            if claim.certainty:
                g.add((node, AP.certainty, _CERTAINTY[claim.certainty]))
            for d in (claim.time.start, claim.time.end):  # "13 [25] 1881": kept as printed, said so
                if isinstance(d, StatedDate) and d.malformed:
                    g.add((node, AP.dateIrregularity, Literal(d.malformed, lang="en")))
            if claim.note:
                g.add((node, RDFS.comment, Literal(claim.note, lang="en")))
            if claim.kind == "count":  # "40 seats in the Constituent Assembly": where it was counted
                for organ in claim.extras("organ"):
                    g.add((node, AP.countedIn, self.iri(organ)))
            if value is None:
                g.add((node, AP.about, main))
                continue
            about, prop, val, window, _ = value
            g.add((node, AP.about, about))
            g.add((node, AP.property, prop))
            g.add((node, AP.value, val))
            twin = _old_style(claim.time)
            if twin is not None and prop in (AP.date, AP.startDate, SCHEMA.birthDate, SCHEMA.deathDate):
                g.add((node, AP.oldStyle, date_literal(twin)))
            if window is not None:
                if window.earliest:
                    g.add((node, AP.earliest, day_literal(window.earliest)))
                if window.latest:
                    g.add((node, AP.latest, day_literal(window.latest)))

    def _time_literal(self, time: StatedTime) -> Literal:
        if time.kind == "at" and isinstance(time.start, StatedDate) and not _vague(time.start):
            return date_literal(time.start)
        return Literal(time.text or "undated")

    def _date_notes(self, g: Graph, node: URIRef, *dates: StatedDate | None) -> None:
        for d in dates:
            if d is None:
                continue
            if d.old_style is not None:
                g.add((node, AP.oldStyle, date_literal(d.old_style)))
            if d.malformed:
                g.add((node, AP.dateIrregularity, Literal(d.malformed, lang="en")))
            if d.approximate:
                g.add((node, AP.approximateDate, Literal(True)))

    def _membership(self, g: Graph, claim: Claim, kind, time: StatedTime, negated: bool):
        organ_ref = claim.objects[0]
        person, organ = self.iri(claim.subject), self.iri(organ_ref)
        role = claim.role or "full-member"
        # at a meeting (its days, or "after X" for one placed only after X): an election, a
        # re-election and a member there are held then alike, not a tenure from X on
        meeting = bool(claim.at and claim.time.kind == "undated" or claim.time.kind == "at" and claim.time.refs)
        t = tenure(time, kind.membership, meeting=meeting)
        if negated:
            return None, [(person, ORG.memberOf, organ, None, "member-of")]
        key = f"{claim.subject.split('/', 1)[1]}/{organ_ref.split('/', 1)[1]}/{role}/"
        key += (t.start.key() if t.start else f"at-{t.at.key()}" if t.at
                else f"to-{t.end.key()}" if t.end
                else ids.slugify(claim.time.text or time.text) if t.kind != AP.Undated else "open")
        if claim.value:  # an envoy's place, or another word the post names besides its organ
            key += f"/{ids.slugify(claim.value)}"
        signature = (t, claim.value)
        # One node per statement of a tenure: the same tenure stated the same way (by two
        # sources, or twice by one) shares its node; a different statement gets its own.
        candidates = [key] + ([f"{key}/to-{t.end.key()}"] if t.end and t.start else []) + [f"{key}/{claim.source}"]
        candidates += [f"{key}/{claim.source}-{n}" for n in range(2, 100)]
        node = next(ids.entity("membership", k) for k in candidates
                    if self._memberships.get(ids.entity("membership", k), signature) == signature)
        self._memberships[node] = signature
        g.add((node, RDF.type, ORG.Membership))
        g.add((node, ORG.member, person))
        g.add((node, ORG.organization, organ))
        g.add((node, ORG.role, ids.entity("role", role)))
        g.add((node, AP.timeStatement, t.kind))
        if claim.value:
            g.add((node, RDFS.comment, Literal(claim.value, lang="en")))
        if t.start:
            g.add((node, AP.startDate, date_literal(t.start)))
        if t.end:
            g.add((node, AP.endDate, date_literal(t.end)))
        if t.at:
            g.add((node, AP.date, date_literal(t.at)))
        if (time.kind not in ("undated",) and (time.refs or time.kind == "window" or _vague(time.start)
                                               or _vague(time.end) or claim.time.refs or claim.at)
                or time.kind == "undated" and claim.time.kind != "undated"):
            g.add((node, AP.dateAsStated, Literal(self.readable(claim.time.text or time.text))))
        self._date_notes(g, node, t.start, t.end, t.at)
        if t.held.earliest:
            g.add((node, AP.heldFrom, day_literal(t.held.earliest)))
        if t.held.latest:
            g.add((node, AP.heldUntil, day_literal(t.held.latest)))
        if t.bounds.earliest:
            g.add((node, AP.earliestStart, day_literal(t.bounds.earliest)))
        if t.bounds.latest:
            g.add((node, AP.latestEnd, day_literal(t.bounds.latest)))
        self._cite(g, node, claim)
        for source, spans in self._dated_by:
            self._cite(g, node, claim, AP.datedBy, source, spans)
        compared = []
        if t.start:
            compared.append((node, AP.startDate, date_literal(t.start), Window(t.start.earliest(), t.start.latest()),
                             "start"))
        elif t.kind == AP.StartOnly:
            compared.append((node, AP.startDate, Literal(time.text), t.held, "start"))
        elif t.kind in (AP.OpenEnded, AP.Range) and isinstance(time.start, StatedDate):
            # a start given as a span of years ("since the early 1920s"): compared as its window
            compared.append((node, AP.startDate, Literal(time.text), Window(time.start.earliest(),
                                                                             time.start.latest()), "start"))
        if t.end:
            compared.append((node, AP.endDate, date_literal(t.end), Window(t.end.earliest(), t.end.latest()), "end"))
        if t.at:
            compared.append((node, AP.date, date_literal(t.at), t.held, "date"))
        return node, compared

    def _event_node(self, claim: Claim, kind, time: StatedTime) -> URIRef:
        if claim.id:
            return ids.entity("event", claim.id)
        word = _EVENT_WORDS.get(claim.kind, claim.kind)
        organ = next((o for o in claim.objects if o.startswith("organ/")), None)
        if organ and claim.kind not in ("resignation-attempt",) and organ != "organ/party":
            word += "-" + organ.split("/", 1)[1]
        if claim.kind == "signed":
            word += "-" + claim.objects[0].split("/", 1)[1]
        date = time.start if time.kind == "at" and isinstance(time.start, StatedDate) else None
        datekey = date.iso() if date else ids.slugify(claim.time.text or time.text)
        if claim.kind == "decision":  # one meeting decides many things: each is its own decision
            datekey = "/".join(p for p in (datekey, ids.slugify(claim.value)[:60].rstrip("-")) if p)
        elif not datekey:  # an undated event is told apart by its line (one event, two rows: an id)
            datekey = f"line-{claim.first_line}"
        return ids.entity("event", f"{claim.subject.split('/', 1)[1]}/{word}/{datekey}")

    def _event(self, g: Graph, claim: Claim, kind, time: StatedTime, negated: bool):
        node = self._event_node(claim, kind, time)
        subject = self.iri(claim.subject)
        if negated:
            return node, [(node, RDF.type, curie(kind.event) if kind.event else AP.Event, None, "happened")]
        entity = self.gazetteer.get("event", claim.id) if claim.id else None
        cls = (curie(kind.event) if kind.event else None)
        if claim.kind == "event":
            cls = None if entity and entity.cls else (AP.PersonalEvent if claim.subject.startswith("person/")
                                                     else AP.Event)
            if entity is None and not claim.extras("label") and node not in self._labelled:
                raise ValueError(f"event {claim.id!r} is not in the gazetteer: give it extra label=…")
            if claim.extras("label"):
                self._labelled.add(node)
        if cls is not None:
            g.add((node, RDF.type, cls))
        personal = not (claim.kind == "event" and entity is not None and entity.cls
                        and not set(entity.cls) & _PERSONAL_CLASSES)
        if claim.subject.startswith("person/") and claim.kind != "decision" and personal:
            g.add((node, AP.person, subject))
        elif claim.subject.startswith("person/") and claim.kind != "decision":
            g.add((node, AP.participant, subject))  # an event of many, not the person's own
        elif claim.kind == "decision" and claim.subject.startswith("organ/"):
            g.add((node, AP.organization, subject))
        elif claim.kind == "decision":
            g.add((node, AP.atEvent, subject))
        elif claim.kind == "renamed":
            g.add((node, AP.organization, subject))
            g.add((node, AP.newName, Literal(claim.value, lang="en")))
        else:
            g.add((node, AP.concerns, subject))
        for obj in claim.objects:
            target = self.iri(obj)
            if claim.kind == "signed":
                g.add((node, AP.signedDocument, target))
            elif claim.kind == "decision":
                g.add((node, AP.concerns, target))
            elif claim.kind == "event":
                g.add((node, AP.participant, target))
            elif obj.startswith("organ/"):
                g.add((node, AP.organization, target))
            elif obj.startswith("place/"):
                g.add((node, SCHEMA.location, target))
            elif claim.kind == "sentenced" and obj.startswith("event/"):
                g.add((node, AP.atEvent, target))
            else:
                g.add((node, AP.addressee, target))
        if kind.membership and claim.kind != "joined":
            g.add((node, AP.organization, self.iri(claim.objects[0])))
        if claim.kind in ("expelled", "reinstated", "joined-party") and not claim.objects:
            g.add((node, AP.organization, ids.entity("organ", "party")))
        if claim.kind == "joined-party" and claim.value:
            g.add((node, AP.partyName, Literal(claim.value)))
        if claim.role and kind.membership or claim.kind == "resignation-attempt" and claim.role:
            g.add((node, AP.post, ids.entity("role", claim.role)))
        for at in claim.at:
            g.add((node, AP.atEvent, self.iri(at)))
        if claim.value and claim.kind not in ("renamed", "joined-party") and not kind.membership:
            g.add((node, AP.outcome, Literal(claim.value, lang="en")))
        self._point_time(g, node, claim, time)
        self._cite(g, node, claim)
        self._events[(claim.source, node)] = ()
        w = point_window(time)
        compared = []
        if time.kind != "undated":
            compared.append((node, AP.date, self._time_literal(time), w, "date"))
        for at in claim.at:
            compared.append((node, AP.atEvent, self.iri(at), None, f"at-{at.split('/', 1)[1]}"))
        return node, compared

    def readable(self, text: str) -> str:
        """A date as stated, with every event slug in it replaced by the event's label."""
        def label(m):
            entity = self.gazetteer.get("event", m[0])
            return entity.label if entity else m[0]
        return _SLUG_RE.sub(label, text)

    def _point_time(self, g: Graph, node: URIRef, claim: Claim, time: StatedTime) -> None:
        if time.kind == "undated":
            if claim.time.kind != "undated" or claim.at:  # stated by an event no source dates
                g.add((node, AP.dateAsStated, Literal(self.readable(claim.time.text or time.text
                                                                    or f"at {claim.at[0].split('/', 1)[1]}"))))
            return
        w = point_window(time)
        if time.kind == "at" and isinstance(time.start, StatedDate):
            g.add((node, AP.date, date_literal(time.start)))
            self._date_notes(g, node, time.start)
            if _vague(time.start) or claim.time.refs or claim.at and claim.time.kind == "undated":
                g.add((node, AP.dateAsStated, Literal(self.readable(claim.time.text or time.text))))
        else:
            g.add((node, AP.dateAsStated, Literal(self.readable(claim.time.text or time.text))))
        if w.earliest:
            g.add((node, AP.earliestStart, day_literal(w.earliest)))
        if w.latest:
            g.add((node, AP.latestEnd, day_literal(w.latest)))
        for source, spans in self._dated_by:
            self._cite(g, node, claim, AP.datedBy, source, spans)

    def _document(self, g: Graph, claim: Claim, time: StatedTime, negated: bool):
        doc = self.iri(claim.subject if claim.kind == "document" else claim.objects[0])
        if negated:
            return doc, [(doc, DCTERMS.creator, self.iri(claim.subject), None, "creator")]
        if claim.kind == "wrote":
            for obj in claim.objects:
                g.add((self.iri(obj), DCTERMS.creator, self.iri(claim.subject)))
        else:
            if claim.role:
                g.add((doc, RDF.type, curie(DOCUMENT_CLASSES[claim.role])))
            for obj in claim.objects:
                g.add((doc, AP.addressee, self.iri(obj)))
            if claim.value:
                g.add((doc, DCTERMS.title, Literal(claim.value, lang="en")))
        for at in claim.at:
            g.add((doc, AP.atEvent, self.iri(at)))
        self._point_time(g, doc, claim, time)
        self._cite(g, doc, claim)
        compared = [] if time.kind == "undated" else [
            (doc, AP.date, self._time_literal(time), point_window(time), "date")]
        if claim.kind == "document":  # whom it is addressed to is compared too (rule meetings-disagree)
            compared += [(doc, AP.addressee, self.iri(o), None, f"to-{o.split('/', 1)[1]}") for o in claim.objects]
        return doc, compared

    def _meeting(self, g: Graph, claim: Claim, time: StatedTime, negated: bool):
        node = self.iri(claim.subject)
        if negated or time.kind == "undated" and not claim.objects:
            return []
        if time.kind == "range":
            g.add((node, AP.startDate, date_literal(time.start)))
            g.add((node, AP.endDate, date_literal(time.end)))
            self._date_notes(g, node, time.start, time.end)
            w = point_window(time)
            g.add((node, AP.earliestStart, day_literal(w.earliest)))
            g.add((node, AP.latestEnd, day_literal(w.latest)))
        else:
            self._point_time(g, node, claim, time)
        for obj in claim.objects:
            g.add((node, AP.participant, self.iri(obj)))
        for at in claim.at:
            g.add((node, AP.atEvent, self.iri(at)))
        if claim.value:
            g.add((node, AP.outcome, Literal(claim.value, lang="en")))
        self._cite(g, node, claim)
        if time.kind == "undated":
            return []
        if time.kind == "at":
            value = self._time_literal(time)
        elif time.kind == "range" and not time.text:
            value = Literal(f"{time.start.iso()}/{time.end.iso()}")  # an ISO 8601 interval
        else:
            value = Literal(time.text)
        return [(node, AP.date, value, point_window(time), "date")]

    def _life_date(self, g: Graph, claim: Claim, time: StatedTime, prop, old_prop, negated: bool,
                   event_has_date: bool = False):
        person = self.iri(claim.subject)
        if negated or time.kind == "undated":
            return []
        if time.kind == "at" and isinstance(time.start, StatedDate):
            value = date_literal(time.start)
            if not event_has_date:
                g.add((person, prop, value))
                if time.start.old_style is not None:
                    g.add((person, old_prop, date_literal(time.start.old_style)))
                self._cite(g, person, claim)
        else:
            value = Literal(time.text)
        for obj in claim.objects if claim.kind == "born" else ():
            g.add((person, SCHEMA.birthPlace, self.iri(obj)))
        return [(person, prop, value, point_window(time), prop.split("/")[-1])]

    def _attribute(self, g: Graph, claim: Claim, negated: bool):
        subject = self.iri(claim.subject)
        if claim.kind == "count":
            prop = curie(COUNTS[claim.role])
            value: Literal | URIRef = Literal(int(claim.value), datatype=XSD.integer)
        else:
            prop_name, expected = EXTRA_KEYS[claim.role]
            prop = curie(prop_name)
            if claim.objects:
                value = self.iri(claim.objects[0])
            elif expected == "iri":
                value = URIRef(claim.value)
            elif expected == "text":
                value = Literal(claim.value, lang="en")
            else:
                value = Literal(claim.value)
        if not negated and not (claim.kind == "count" and claim.extras("organ")):
            g.add((subject, prop, value))  # a count in one body (seats, votes there) is the claim's only
            self._cite(g, subject, claim)
        # A count holds at a time: its window keeps counts of different times apart.
        window = point_window(self._resolve_time(claim)) if claim.kind == "count" else None
        if window is not None and window.earliest is None and window.latest is None:
            window = None
        return [(subject, prop, value, window, prop.split("#")[-1].split("/")[-1])]


def _old_style(time: StatedTime) -> StatedDate | None:
    """The Old Style twin of a point's date, where the source gives one."""
    date = time.start if time.kind == "at" else None
    return date.old_style if isinstance(date, StatedDate) else None


def _vague(date) -> bool:
    return isinstance(date, StatedDate) and bool(date.approximate or date.qualifier or date.malformed
                                                 or date.precision == "years")


def compile_claims(claims: Iterable[Claim], gazetteer: Gazetteer,
                   event_dates: EventDates | None = None, reference: str | None = None) -> dict[str, Graph]:
    """Write ``claims`` (meetings first, so that ``at`` finds their dates); graphs by source.
    ``reference``: the reference source's id (:mod:`apparat.extract.profiles`), unless
    ``event_dates`` is given."""
    claims = list(claims)
    dates = event_dates or EventDates(reference=reference)
    for c in claims:
        if c.kind == "meeting":
            dates.add(c.subject.split("/", 1)[1], c.source, c.time, c.spans)
    named = [c for c in claims if c.id and c.kind not in ("meeting", "document", "wrote")]
    named += [replace(c, id=c.subject.split("/", 1)[1]) for c in claims if c.kind == "document"]
    for c in named:  # an event or document a row names and dates dates what refers to it, after meetings
        dates.add(c.id, c.source, c.time, c.spans)
    writer = Writer(gazetteer, dates)

    def resolved_here(slug: str, source: str, spans) -> bool:
        return any(src == source and sp == spans for src, _, sp in dates.stated.get(slug, []))

    def pending(slug: str, source: str) -> bool:
        # the dating a lookup takes (the source's own, else the reference's) is still only
        # relative: wait for it, so that no row takes another source's dating meanwhile
        for src in (source, dates.reference):
            if any(s == src for s, _, _ in dates.stated.get(slug, [])):
                return False
            if any(s == src for s, _, _ in dates.relative.get(slug, [])):
                return True
        return False

    wait = True
    for _ in range(20):  # "after X", where X is dated "after Y": resolve a few links deep
        added = False
        for c in named:
            if c.time.refs and not resolved_here(c.id, c.source, c.spans):
                if wait and any(pending(r.slug, c.source) for r in c.time.refs):
                    continue
                writer._dated_by = []
                resolved = writer._resolve_time(c)
                if resolved.kind != "undated" and not resolved.refs:
                    dates.add(c.id, c.source, resolved, c.spans)
                    added = True
        if not added and not wait:
            break
        wait = added  # nothing more resolves in order: what is left waits on an event none dates
    return writer.write(claims)

