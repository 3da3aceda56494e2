"""Plain-text tables of query results, for the terminal."""

from __future__ import annotations

from ..namespaces import shorten
from .formats import plain_value


def _short(term) -> str:
    text = plain_value(term)
    return shorten(text) if term is not None and term.__class__.__name__ == "NamedNode" else text


def render_table(result) -> str:
    """Render a query result as an aligned text table (IRIs shortened by our prefixes).

    >>> from apparat.query.local import QueryResult
    >>> print(render_table(QueryResult("boolean", boolean=True)), end="")
    true
    """
    if result.kind == "boolean":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        header = ["subject", "predicate", "object"]
        rows = [[_short(t.subject), _short(t.predicate), _short(t.object)] for t in result.triples]
    else:
        header = result.variables
        rows = [[_short(row.get(v)) for v in header] for row in result.rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
