"""Pictures drawn on the server as SVG (readable without JavaScript), built as
markup-safe strings with every text escaped.

- :func:`career_timeline`: one bar per membership of a person on a year axis.
  Solid where the statement says the seat was held (``ap:heldFrom`` …
  ``ap:heldUntil``), a dashed outline where its bounds only allow it
  (``ap:earliestStart`` … ``ap:latestEnd``), an arrow where no end is stated;
  full membership filled, candidate membership hatched, other posts grey.
  Each bar links to the line span that states it. A membership in a conflict
  (``entity_view.membership_conflicts``) gets the class ``conflicted``, a "!"
  in a circle at the end of its row linking to the conflict, and says so in
  the bar's and the link's titles (what screen readers read). The saved
  queries drawn as a timeline (``#defaultView:Timeline``: ``person-career`` …)
  get the same picture from their answer's rows (``queries._timeline``).
- :func:`composition`: an organ year by year, 1917–1953: one row per person, one
  cell per year in which a statement puts that person on the organ — the same
  rule as the saved query ``organ-members-in-year`` in its default ``stated``
  mode (a range or an open start covering the year, a point in it; never after
  a death) —, each cell linking to its line span and each year's column head to
  that saved query's answer for the year. A cell resting on a membership in a
  conflict has a white dot and the class ``conflicted``; its person's row ends
  in a "!" link to each such conflict.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from apparat.namespaces import BASE

from .lookup import iri as sparql_iri
from .lookup import select

FIRST, LAST = 1917, 1953
FULL = BASE + "id/role/full-member"
CANDIDATE = BASE + "id/role/candidate-member"
_STYLE = """<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="5" height="5" fill="#f3dede"/><line x1="0" y1="0" x2="0" y2="5" stroke="#8b1a1a" stroke-width="2"/>
</pattern><marker id="open" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto">
<path d="M0,0 L10,5 L0,10 z" fill="#8b1a1a"/></marker></defs>
<style>text{font-size:11px;fill:#222} .tick{stroke:#ddd} .axis text{fill:#555}
.full{fill:#8b1a1a} .candidate{fill:url(#hatch);stroke:#8b1a1a} .other{fill:#777}
.possible{fill:none;stroke:#8b1a1a;stroke-dasharray:3 2} .cell:hover,.solid:hover{opacity:.7}
.conflict-mark{fill:#fff;stroke:#8b1a1a;stroke-width:1.5} .conflict-link text{fill:#8b1a1a;font-weight:bold}
.conflict-dot{fill:#fff;stroke:#8b1a1a;stroke-width:1}</style>"""


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def _kind(roles) -> str:
    return "full" if FULL in roles else "candidate" if CANDIDATE in roles else "other"


def career_timeline(rows: list[dict], title: str = "Career timeline: one bar per membership or post") -> Markup:
    """The SVG timeline of a person's memberships (rows as :func:`entity_view.memberships` gives them).

    A row may instead give its bar's ``label``, its ``kind`` (full, candidate, other) and, for a row with
    no bound, the ``unbounded`` text to write in place of "undated" (a saved query's answer has no
    membership node and no role IRIs).
    """
    years = [y for r in rows for y in (_year(r.get("heldFrom")), _year(r.get("earliest")), _year(r.get("heldUntil")),
                                       _year(r.get("latest"))) if y]
    lo = (min(years, default=FIRST) // 5) * 5
    hi = -(-max(years + [lo + 10], default=LAST) // 5) * 5
    left, width, row_h = 10, 600, 34
    scale = (width - 2 * left) / (hi - lo + 1)

    def x(year: float) -> float:
        return left + (year - lo) * scale

    height = 30 + row_h * len(rows) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-labelledby="timeline-title">',
           f'<title id="timeline-title">{escape(title)}</title>', _STYLE,
           '<g class="axis">']
    for year in range(lo, hi + 1, 5):
        out.append(f'<line class="tick" x1="{x(year):.1f}" y1="18" x2="{x(year):.1f}" y2="{height - 10}"/>'
                   f'<text x="{x(year):.1f}" y="12" text-anchor="middle">{year}</text>')
    out.append("</g>")
    for i, row in enumerate(rows):
        y = 30 + i * row_h
        kind = row.get("kind") or _kind(row["roles"])
        start, end = _year(row.get("heldFrom")), _year(row.get("heldUntil"))
        early, late = _year(row.get("earliest")), _year(row.get("latest"))
        stated = row.get("asStated") or _span_text(row)
        label = row.get("label") or f'{row["organ_label"]} — {row["role_label"]}'
        tip = f'{label}: {stated}' + (f' ({row["statement"]})' if row.get("statement") else "")
        disputes = row.get("conflicts") or []
        tip += "".join(f' — {c["note"]}' for c in disputes)
        link = row["refs"][0][1] if row["refs"] else ""
        node = f' data-membership="{escape(row["m"])}"' if row.get("m") else ""
        out.append(f'<g class="bar{" conflicted" if disputes else ""}" data-kind="{kind}"{node}>'
                   + (f'<a href="{escape(link)}">' if link else "<a>") + f'<title>{escape(tip)}</title>'
                   f'<text x="{left}" y="{y + 10}">{escape(_clip(label, 80))}</text>')
        p0, p1 = early if early is not None else start, late if late is not None else end
        right = x(lo) + 45  # where the bar's drawing ends ("undated" is about 45 px wide)
        if p0 is not None or p1 is not None:
            a, b = (p0 if p0 is not None else lo), (p1 if p1 is not None else hi)
            right = max(x(a) + 3, x(b + 1))
            out.append(f'<rect class="possible" x="{x(a):.1f}" y="{y + 14}" width="{max(x(b + 1) - x(a), 3):.1f}" '
                       f'height="12"/>')
        if start is not None:
            b = end if end is not None else (late if late is not None else hi)
            marker = ' marker-end="url(#open)"' if end is None and late is None else ""
            out.append(f'<rect class="solid {kind}" x="{x(start):.1f}" y="{y + 14}" '
                       f'width="{max(x(b + 1) - x(start), 3):.1f}" height="12"/>')
            right = max(right, x(start) + 3, x(b + 1))
            if marker:
                out.append(f'<line x1="{x(hi) - 8:.1f}" y1="{y + 20}" x2="{x(hi + 1):.1f}" y2="{y + 20}" '
                           f'stroke="#8b1a1a" stroke-width="2"{marker}/>')
        elif p0 is None and p1 is None:
            out.append(f'<text x="{x(lo):.1f}" y="{y + 25}" class="undated">'
                       f'{escape(_clip(row.get("unbounded") or "undated", 60))}</text>')
        out.append("</a>")
        for n, conflict in enumerate(disputes):  # beside the bar's end, or above it at the right edge
            cx = right + 9 + 16 * n
            out.append(_conflict_link(conflict, cx, y + 20) if cx <= width - 7 else
                       _conflict_link(conflict, width - 7 - 16 * n, y + 6))
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def _span_text(row: dict) -> str:
    start, end = row.get("start") or row.get("date") or "", row.get("end") or ""
    return f"{start}–{end}" if end else (f"from {start}" if start else "undated")


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def composition(organ: str, rows: list[dict]) -> Markup | None:
    """The SVG of an organ's composition year by year (rows: its memberships, as the entity page has them)."""
    roles: dict[str, set[str]] = {}
    for found in select(f"SELECT ?m ?role WHERE {{ ?m a org:Membership ; org:organization {sparql_iri(organ)} ; "
                        "org:role ?role }"):
        roles.setdefault(found["m"], set()).add(found["role"])
    persons = sorted({r["person"] for r in rows})
    died: dict[str, int] = {}
    if persons:
        values = " ".join(sparql_iri(p) for p in persons)
        for found in select(f"SELECT ?p (MIN(?d) AS ?died) WHERE {{ VALUES ?p {{ {values} }} "
                            "?death a ap:Death ; ap:person ?p ; ap:latestEnd ?d } GROUP BY ?p"):
            died[found["p"]] = found["died"]
    cells: dict[tuple[str, int], dict] = {}
    for row in rows:
        start, until = row.get("heldFrom"), row.get("heldUntil")
        if not start:
            continue
        kind = _kind(roles.get(row["m"], row["roles"]))
        for year in range(FIRST, LAST + 1):
            y0, y1 = f"{year:04d}-01-01", f"{year:04d}-12-31"
            if start > y1 or (until and until < y0) or (row["person"] in died and died[row["person"]] < y0):
                continue
            cell = cells.setdefault((row["person"], year), {"kinds": set(), "refs": [], "conflicts": []})
            cell["kinds"].add(kind)
            cell["refs"].extend(row["refs"])
            cell["conflicts"].extend(c for c in row.get("conflicts") or () if c not in cell["conflicts"])
    if not cells:
        return None
    labels = {r["person"]: r["person_label"] for r in rows}
    first = {}
    for (person, year) in cells:
        first[person] = min(first.get(person, year), year)
    people = sorted(first, key=lambda p: (first[p], labels[p].split()[-1].casefold()))
    slug = organ.rsplit("/", 1)[-1]
    disputes: dict[str, list[dict]] = {}
    for (person, _year), cell in sorted(cells.items()):
        mine = disputes.setdefault(person, [])
        mine.extend(c for c in cell["conflicts"] if c not in mine)
    left, cw, rh, top = 170, 13, 15, 34
    marks = max(map(len, disputes.values()), default=0)
    width, height = left + cw * (LAST - FIRST + 1) + 10 + 16 * marks, top + rh * len(people) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="composition" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-labelledby="composition-title">',
           '<title id="composition-title">Composition year by year, 1917–1953, as the statements give it</title>',
           _STYLE, '<g class="axis">']
    for year in range(FIRST, LAST + 1):
        cx = left + (year - FIRST) * cw
        count = sum(1 for (p, y), c in cells.items() if y == year and "full" in c["kinds"])
        href = escape(f"/queries/organ-members-in-year?organ={slug}&year={year}")
        out.append(f'<a href="{href}" class="year" data-year="{year}"><title>{year}: {count} full members '
                   f'(the saved query’s answer, with every line)</title>'
                   f'<rect x="{cx}" y="{top - 14}" width="{cw - 1}" height="{rh * len(people) + 14}" fill="#fff" '
                   f'fill-opacity="0" class="column"/>'
                   + (f'<text x="{cx + cw / 2}" y="{top - 20}" text-anchor="middle">{year}</text>'
                      if year % 5 == 0 or year == FIRST else "")
                   + f'<text x="{cx + cw / 2}" y="{top - 3}" text-anchor="middle" style="font-size:8px">'
                   f'{count or ""}</text></a>')
    out.append("</g>")
    for i, person in enumerate(people):
        y = top + i * rh
        out.append(f'<g class="person" data-person="{escape(person)}"><a href="{escape(_page(person))}">'
                   f'<text x="{left - 4}" y="{y + 11}" text-anchor="end">{escape(_clip(labels[person], 26))}'
                   f'</text></a>')
        for year in range(FIRST, LAST + 1):
            cell = cells.get((person, year))
            if not cell:
                continue
            kind = next(k for k in ("full", "candidate", "other") if k in cell["kinds"])
            refs = sorted(set(cell["refs"]))
            tip = f'{labels[person]}, {year}: {kind} — ' + "; ".join(label for label, _ in refs)
            tip += "".join(f' — {c["note"]}' for c in cell["conflicts"])
            cx = left + (year - FIRST) * cw
            out.append(f'<a href="{escape(refs[0][1] if refs else _page(person))}"><title>{escape(tip)}</title>'
                       f'<rect class="cell {kind}{" conflicted" if cell["conflicts"] else ""}" data-year="{year}" '
                       f'data-role="{kind}" x="{cx}" y="{y}" width="{cw - 1}" height="{rh - 2}"/>'
                       + (f'<circle class="conflict-dot" cx="{cx + (cw - 1) / 2}" cy="{y + (rh - 2) / 2}" r="2.5"/>'
                          if cell["conflicts"] else "") + '</a>')
        for n, conflict in enumerate(disputes.get(person, [])):
            out.append(_conflict_link(conflict, left + cw * (LAST - FIRST + 1) + 10 + 16 * n, y + (rh - 2) / 2))
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def _conflict_link(conflict: dict, cx: float, cy: float) -> str:
    """A "!" in a circle at (cx, cy), linking to the conflict's page, named by what it says."""
    return (f'<a class="conflict-link" href="{escape(conflict["link"] or conflict["iri"])}" '
            f'data-conflict="{escape(conflict["iri"])}"><title>{escape(conflict["note"])}</title>'
            f'<circle class="conflict-mark" cx="{cx}" cy="{cy}" r="6"/>'
            f'<text x="{cx}" y="{cy + 4}" text-anchor="middle">!</text></a>')


def _page(iri: str) -> str:
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else iri
