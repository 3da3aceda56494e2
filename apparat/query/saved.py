"""Saved queries: ``queries/*.rq`` as a typed, documented API.

Each file is one SPARQL query with a grlc-style decorator header (``#+ key:``
lines holding YAML: ``summary``, ``description``, ``tags``, ``defaults``,
``method``…) and an optional WDQS-style ``#defaultView:`` hint. Inputs are the
query's ``?_name`` (required) and ``?__name`` (optional) variables, typed by
grlc's/BASIL's suffix convention:

=====================  ==========================================
``?_name``             plain string literal
``?_name_en``          string with a language tag (any tag)
``?_name_integer``     ``xsd:integer``
``?_name_iri``         IRI
``?_name_xsd_date``    literal of datatype ``xsd:date`` (any ``prefix_type``)
=====================  ==========================================

grlc's ``#+ enumerate:`` lists parameters whose possible values come from the
data: :func:`enumeration_query` derives, from the query's own triple patterns
around the parameter, a query for those values; the server offers them in the
web form and the OpenAPI document (as examples: other values stay valid).

Our own ``#+ params:`` decorator adds, per parameter, a ``description``, an
``example``, an ``enum`` of allowed values, ``minimum``/``maximum`` for
numbers, ``enumerate: true`` (grlc's ``#+ enumerate:`` list form breaks grlc
1.3, so ours lives here; the list form is still read) and, for IRIs, a ``base``
that turns a slug (``bukharin``) into an IRI. Without ``base``, an IRI
parameter takes the query's ``BASE``: grlc writes a value as ``<value>``, which
that same ``BASE`` resolves, so a slug means the same IRI in both.

A default (``#+ defaults:``) is written into the query too, as
``COALESCE(?__name, "default")`` on an optional ``?__name``: grlc does not apply
defaults, and an unbound variable then falls back to the same value.

Values are checked against their type first (a bad value is a
:class:`ParameterError` naming the parameter and the type expected) and
become RDF terms, which are bound through a ``VALUES`` block placed at the
start of the query's WHERE group: the value is never pasted into the text as
SPARQL, so it cannot change the query.

Rule for query authors (as with rdflib's ``initBindings``): use a parameter in
the top-level WHERE group — in triple patterns, ``FILTER`` and ``BIND`` there.
Inside ``OPTIONAL``, ``UNION``, ``MINUS`` or a subquery a parameter is only
joined afterwards, so a ``FILTER`` or ``BIND`` in there does not see it. The
tests run every saved query with its example values and require an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..errors import ParameterError, QueryRefused, UnknownQuery
from ..namespaces import PREFIXES, shorten

_XSD = "http://www.w3.org/2001/XMLSchema#"
# Strings, IRIs and comments: skipped when looking for parameters and the WHERE brace.
_SKIP = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_PARAM_VAR = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*)((?:_[A-Za-z0-9]+)*)\b")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_BASE = re.compile(r"^\s*BASE\s*<([^<>\s]+)>", re.I | re.M)


@dataclass(frozen=True)
class Parameter:
    """One input of a saved query."""

    name: str                 # as the user passes it: ``year``
    variable: str             # as the query names it: ``_year_integer``
    kind: str                 # "string", "lang", "integer", "iri" or "datatype"
    required: bool
    datatype: str | None = None   # full datatype IRI for "integer"/"datatype"
    lang: str | None = None
    default: str | None = None
    description: str = ""
    example: str | None = None
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    base: str | None = None

    @property
    def type_name(self) -> str:
        """The expected type, in words, for error messages and documentation."""
        if self.kind == "iri":
            return f"an IRI or a slug under {self.base}" if self.base else "an absolute IRI"
        if self.kind == "lang":
            return f"a string (tagged @{self.lang})"
        if self.kind in ("integer", "datatype"):
            return shorten(self.datatype or "")
        return "one of " + ", ".join(self.enum) if self.enum else "a string"

    def to_term(self, value: str):
        """Check ``value`` and return it as a pyoxigraph term.

        Raises:
            ParameterError: the value does not fit the type.
        """
        if self.enum and value not in self.enum:
            raise ParameterError(self.name, f"{value!r} is not one of {', '.join(self.enum)}")
        if self.kind == "string":
            return ox.Literal(value)
        if self.kind == "lang":
            return ox.Literal(value, language=self.lang)
        if self.kind == "iri":
            return ox.NamedNode(self._iri(value))
        self._check_lexical(value)
        return ox.Literal(value, datatype=ox.NamedNode(self.datatype))

    def _iri(self, value: str) -> str:
        if self.base and _SLUG.match(value):
            return self.base + value
        if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
            return value
        raise ParameterError(self.name, f"{value!r} is not {self.type_name}")

    def _check_lexical(self, value: str) -> None:
        local = self.datatype.removeprefix(_XSD)
        try:
            if local in ("integer", "int", "long", "gYear"):
                if not re.fullmatch(r"-?\d{1,9}", value):
                    raise ValueError
                number = int(value)
                if (self.minimum is not None and number < self.minimum) or (
                    self.maximum is not None and number > self.maximum
                ):
                    raise ParameterError(self.name, f"{value} is outside {self.minimum}..{self.maximum}")
            elif local == "date":
                dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _raise()
            elif local in ("decimal", "double", "float"):
                float(value) if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value) else _raise()
            elif local == "boolean" and value not in ("true", "false", "1", "0"):
                raise ValueError
        except ValueError:
            raise ParameterError(self.name, f"{value!r} is not {self.type_name}") from None


def _raise():
    raise ValueError


@dataclass(frozen=True)
class SavedQuery:
    """One ``queries/<name>.rq`` file, parsed."""

    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    default_view: str | None = None
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    enumerate: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        raise ParameterError(name, f"{self.name} has no such parameter; it takes: "
                             + (", ".join(p.name for p in self.parameters) or "none"))

    def bind(self, values: dict[str, str]) -> str:
        """Return the query text with ``values`` bound as RDF terms (see module doc).

        Raises:
            ParameterError: an unknown parameter, a missing required one, or a bad value.
        """
        for name in values:
            self.parameter(name)
        bound = {}
        for param in self.parameters:
            value = values.get(param.name, param.default)
            if value is None or value == "":
                if param.required:
                    raise ParameterError(param.name, f"is required ({param.type_name})")
                continue
            bound[param.variable] = param.to_term(str(value))
        return inject_values(self.text, bound)


def inject_values(text: str, bindings: dict[str, object]) -> str:
    """Bind variables by a one-row ``VALUES`` block opening the WHERE group.

    Terms are written by pyoxigraph in N-Triples syntax, which SPARQL reads as
    the same term: no value can end the block or add to the query.

    >>> inject_values("SELECT ?x WHERE { BIND(?_n AS ?x) }", {"_n": ox.Literal("1")})
    'SELECT ?x WHERE { VALUES (?_n) { ("1") } BIND(?_n AS ?x) }'
    """
    if not bindings:
        return text
    brace = _where_brace(text)
    names = " ".join(f"?{v}" for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"{text[:brace + 1]} VALUES ({names}) {{ ({terms}) }}{text[brace + 1:]}"


def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the WHERE group (skipping a CONSTRUCT template)."""
    masked = _SKIP.sub(lambda m: " " * len(m.group()), text)
    depth, first, previous_word = 0, None, ""
    for match in re.finditer(r"[{}]|[A-Za-z]+", masked):
        token = match.group()
        if token == "{":
            if depth == 0:
                if previous_word.upper() == "WHERE":
                    return match.start()
                first = match.start() if first is None else first
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            previous_word = token
    if first is None:
        raise QueryRefused("the saved query has no WHERE group to bind parameters in")
    return first


def parse_saved_query(path: Path) -> SavedQuery:
    """Read one ``.rq`` file: its decorators and its typed parameters.

    Raises:
        QueryRefused: the header is not valid YAML, or declares what the query does not use.
    """
    text = path.read_text(encoding="utf-8")
    header_lines, view = [], None
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
        elif line.lower().startswith("#defaultview:"):
            view = line.split(":", 1)[1].strip()
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as err:
        raise QueryRefused(f"{path}: bad #+ header: {err}") from None
    defaults = _merge_list_of_maps(header.get("defaults"))
    declared = header.get("params") or {}
    base = _BASE.search(_SKIP.sub(lambda m: m.group() if m.group().startswith("<") else " ", text))
    params = {}
    for match in _PARAM_VAR.finditer(_SKIP.sub(" ", text)):
        underscores, name, suffix = match.groups()
        variable = f"{underscores}{name}{suffix}"
        if name in params:
            continue
        info = declared.get(name) or {}
        if base and "base" not in info:
            info = {**info, "base": base[1]}
        params[name] = _parameter(name, variable, suffix, underscores == "_", defaults.get(name), info)
    unused = set(declared) - set(params)
    if unused:
        raise QueryRefused(f"{path}: #+ params declares {', '.join(sorted(unused))}, which the query never uses")
    return SavedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary", "")).strip(),
        description=str(header.get("description", "")).strip(),
        tags=tuple(header.get("tags") or ()),
        default_view=view,
        enumerate=tuple(dict.fromkeys([*_names(header.get("enumerate")),
                                       *(n for n, info in declared.items() if (info or {}).get("enumerate"))])),
        # Declared parameters first, in the header's order; then the rest as they appear.
        parameters=tuple(sorted(params.values(), key=lambda p: _index(list(declared), p.name))),
    )


def _parameter(name, variable, suffix, required, default, info) -> Parameter:
    parts = [p for p in suffix.split("_") if p]
    kind, datatype, lang = "string", None, None
    if parts == ["iri"]:
        kind = "iri"
    elif parts == ["integer"]:
        kind, datatype = "integer", _XSD + "integer"
    elif len(parts) == 1 and _LANG.match(parts[0]):
        kind, lang = "lang", parts[0]
    elif len(parts) == 2 and parts[0] in PREFIXES:
        kind, datatype = "datatype", PREFIXES[parts[0]] + parts[1]
    elif parts:
        raise QueryRefused(f"?{variable}: unknown type suffix {suffix!r}")
    return Parameter(
        name=name, variable=variable, kind=kind, required=required and default is None,
        datatype=datatype, lang=lang, default=None if default is None else str(default),
        description=str(info.get("description", "")), example=_opt_str(info.get("example")),
        enum=tuple(str(v) for v in info.get("enum", ())), minimum=info.get("minimum"),
        maximum=info.get("maximum"), base=info.get("base"),
    )


def _names(value) -> list[str]:
    """grlc writes ``enumerate`` as a list of names (or of one-key maps)."""
    names = []
    for item in value or ():
        names += list(item) if isinstance(item, dict) else [str(item)]
    return names


def enumeration_query(saved: SavedQuery, name: str) -> str | None:
    """A query for the values parameter ``name`` can take in the data (grlc's ``enumerate``).

    Built from the query's first basic graph pattern that uses the parameter,
    so the values are those the query can match. Returns ``None`` when no
    triple pattern uses it.

    rdflib's parser builds it (0.1–0.35 s a query, and 0.9 s to import it), so
    the answer is kept on disk by the query's text (:func:`enumeration_cache`):
    a server's later starts, reloads and other workers read it in microseconds.
    """
    entry = _enumeration_entry(saved, name)
    if entry is not None:
        try:
            return json.loads(entry.read_text(encoding="utf-8"))["query"]
        except (OSError, ValueError, KeyError):
            pass
    text = _derive_enumeration(saved.text, saved.parameter(name).variable)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = entry.with_name(f".{entry.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_text(json.dumps({"query": text, "saved": saved.name}), encoding="utf-8")
            os.replace(partial, entry)
        except OSError:  # a read-only home: the next start derives it again
            pass
    return text


def enumeration_cached(saved: SavedQuery, name: str) -> bool:
    """Whether :func:`enumeration_query` would answer from its disk cache (no parsing)."""
    entry = _enumeration_entry(saved, name)
    return entry is not None and entry.is_file()


def _enumeration_entry(saved: SavedQuery, name: str) -> Path | None:
    cache = enumeration_cache()
    if cache is None:
        return None
    key = f"{_ENUMERATION_FORMAT}\0{saved.parameter(name).variable}\0{saved.text}"
    return cache / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def enumeration_cache() -> Path | None:
    """Where derived enumeration queries are kept: ``$APPARAT_CACHE`` (empty: nowhere), else
    ``$XDG_CACHE_HOME/apparat/enumerations`` or ``~/.cache/apparat/enumerations``. An entry
    is named by a hash of the saved query's text and the parameter, so an edited query is
    derived anew and an old entry is never read for it."""
    if "APPARAT_CACHE" in os.environ:
        root = os.environ["APPARAT_CACHE"]
        return Path(root) / "enumerations" if root else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apparat" / "enumerations"


#: Bumped when :func:`_derive_enumeration` changes what it writes (old entries are then not read).
_ENUMERATION_FORMAT = 1


def _derive_enumeration(text: str, name: str) -> str | None:
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    variable = Variable(name)
    for bgp in algebra_nodes(prepareQuery(text).algebra, "BGP"):
        triples = bgp["triples"]
        if any(variable in triple for triple in triples):
            body = " . ".join(" ".join(term.n3() for term in triple) for triple in triples)
            return f"SELECT DISTINCT {variable.n3()} WHERE {{ {body} }} ORDER BY {variable.n3()} LIMIT 1000"
    return None


def algebra_nodes(node, name: str):
    """Every node called ``name`` (``BGP`` …) in rdflib's query algebra (of our own saved queries)."""
    if getattr(node, "name", None) == name:
        yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        if isinstance(child, dict | list):
            yield from algebra_nodes(child, name)


def enumerate_parameters(saved_queries, select) -> dict[str, dict[str, list[str]]]:
    """Values of every ``#+ enumerate:`` parameter, as users type them (slugs where a
    ``base`` allows), by query name and parameter name.

    Args:
        saved_queries: the parsed queries.
        select: runs a SELECT text and returns its rows as SPARQL JSON bindings
            (an executor pool over HTTP, or a local store in the CLI and tests).
    """
    values: dict[str, dict[str, list[str]]] = {}
    for saved in saved_queries:
        for name in saved.enumerate:
            text = enumeration_query(saved, name)
            if text is None:
                continue
            param = saved.parameter(name)
            found = [row[param.variable]["value"] for row in select(text) if param.variable in row]
            if param.base:
                found = [v.removeprefix(param.base) if v.startswith(param.base) else v for v in found]
            values.setdefault(saved.name, {})[name] = found
    return values


def _index(items: list, item) -> int:
    return items.index(item) if item in items else len(items)


def _opt_str(value) -> str | None:
    return None if value is None else str(value)


def _merge_list_of_maps(value) -> dict:
    if isinstance(value, dict):
        return value
    merged = {}
    for item in value or ():
        if isinstance(item, dict):
            merged.update(item)
    return merged


def load_saved_queries(folder: Path) -> dict[str, SavedQuery]:
    """Parse every ``*.rq`` directly in ``folder`` (not ``checks/``), by name."""
    return {p.stem: parse_saved_query(p) for p in sorted(folder.glob("*.rq"))}


def find_saved_query(folder: Path, name: str) -> SavedQuery:
    """Return the saved query called ``name``.

    Raises:
        UnknownQuery: listing the names that do exist.
    """
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.exists():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.rq")))
        raise UnknownQuery(f"no saved query {name!r}; known: {known}")
    return parse_saved_query(path)
