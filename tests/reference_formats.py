"""The serializers Apparat used before its answers were written by pyoxigraph (kept
verbatim from apparat/formats.py as it was): the reference the native output is
compared with in test_native_formats.py."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def serialize_bindings(variables: list[str], rows: list[dict], fmt: str) -> bytes:
    """Serialize SELECT rows (dicts of variable -> pyoxigraph term) as ``fmt``."""
    return _BINDINGS[fmt](variables, rows)


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """Serialize an ASK answer as ``fmt``."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    # CSV/TSV define no boolean form; answer as Jena Fuseki does.
    return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()



def _json(variables, rows) -> bytes:
    bindings = [{v: _json_term(t) for v, t in row.items()} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    raise TypeError(f"cannot serialize {term!r}")


def _xml(variables, rows) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for var, term in row.items():
            out.append(f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    raise TypeError(f"cannot serialize {term!r} in XML results")


def _csv(variables, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_plain(row.get(v)) for v in variables])
    return buffer.getvalue().encode()


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if hasattr(term, "value") else str(term)


def _tsv(variables, rows) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if row.get(v) is None else str(row[v]) for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_BINDINGS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
