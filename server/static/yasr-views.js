/* Two result views of our own for the query editor's YASR (the bundle has a
   table, the raw response, a boolean and an error view):
   - "Timeline": rows with a date (xsd:date, dateTime, gYear, gYearMonth) as bars
     on a year axis, from the row's first date to its second (a point when it has
     one), labelled by the row's other values;
   - "Chart": rows with a number as horizontal bars, labelled likewise.
   Drawn as SVG from the result the editor already holds; nothing is fetched.
   And the bundle's table gets labels: each IRI cell shows the IRI's rdfs:label
   beside it (one query to our own endpoint per result, see labelTable below).
   Loaded after yasgui.min.js, before the editor is made (Yasr.registerPlugin). */
(function () {
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const DATES = ["date", "dateTime", "gYear", "gYearMonth"].map(t => XSD + t);
  const NUMBERS = ["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
                   "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                   "unsignedShort", "unsignedByte"].map(t => XSD + t);
  const SVG = "http://www.w3.org/2000/svg";
  const MAX_ROWS = 500;

  function typed(yasr, types) {
    const rows = (yasr.results && yasr.results.getBindings && yasr.results.getBindings()) || [];
    const vars = (yasr.results && yasr.results.getVariables && yasr.results.getVariables()) || [];
    return vars.filter(v => rows.some(r => r[v] && r[v].type !== "uri" && types.includes(r[v].datatype)));
  }

  function shorten(yasr, term) {
    if (!term) return "";
    if (term.type !== "uri") return term.value;
    const prefixes = yasr.getPrefixes();
    for (const [p, ns] of Object.entries(prefixes)) {
      if (ns && term.value.startsWith(ns)) return p + ":" + term.value.slice(ns.length);
    }
    return term.value;
  }

  function year(value) {  // 1924-03-05 -> 1924.17; 1924 -> 1924
    const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
    if (!m) return null;
    return Number(m[1]) + ((Number(m[2] || 1) - 1) + (Number(m[3] || 1) - 1) / 31) / 12;
  }

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(cls, title, width, height) {
    const root = el("svg", {class: cls, width: width, height: height, viewBox: `0 0 ${width} ${height}`,
                            "aria-labelledby": cls + "-title"});
    root.appendChild(el("title", {id: cls + "-title"}, title));
    return root;
  }

  function icon(path) {
    const root = el("svg", {viewBox: "0 0 16 16", width: 15, height: 15, "aria-hidden": "true"});
    root.appendChild(el("path", {d: path, fill: "currentColor"}));
    return root;
  }

  function note(yasr, text) {
    const p = document.createElement("p");
    p.className = "view-note";
    p.textContent = text;
    yasr.resultsEl.appendChild(p);
  }

  /** The drawn SVG in its box under the results, and a note when only the first rows are drawn. */
  function place(yasr, root, shown, total) {
    const box = document.createElement("div");
    box.className = "yasr-view";
    box.appendChild(root);
    yasr.resultsEl.appendChild(box);
    if (total > shown) note(yasr, `The first ${shown} of ${total} rows.`);
  }

  class Timeline {
    constructor(yasr) { this.yasr = yasr; this.label = "Timeline"; this.priority = 3; }
    canHandleResults() { return typed(this.yasr, DATES).length > 0; }
    getIcon() { return icon("M1 3h9v3H1zM4 8h11v3H4zM2 13h6v2H2z"); }
    draw() {
      const yasr = this.yasr, dates = typed(yasr, DATES);
      const others = yasr.results.getVariables().filter(v => !dates.includes(v));
      const bars = [];
      for (const row of yasr.results.getBindings()) {
        const from = row[dates[0]] ? year(row[dates[0]].value) : null;
        const to = dates[1] && row[dates[1]] ? year(row[dates[1]].value) : null;
        if (from === null && to === null) continue;
        const label = others.map(v => shorten(yasr, row[v])).filter(Boolean).join(" · ");
        const when = [row[dates[0]], dates[1] && row[dates[1]]].filter(Boolean).map(t => t.value).join(" – ");
        bars.push({from: from !== null ? from : to, to: to !== null ? to : from, label: label, when: when});
      }
      bars.sort((a, b) => a.from - b.from || a.to - b.to);
      const shown = bars.slice(0, MAX_ROWS);
      const lo = Math.floor(Math.min(...shown.map(b => b.from)) / 5) * 5;
      const hi = Math.max(Math.ceil((Math.max(...shown.map(b => b.to)) + 1) / 5) * 5, lo + 5);
      const width = 760, left = 16, rowH = 26, top = 22;
      const x = y => left + (y - lo) * (width - 2 * left) / (hi - lo);
      const root = svg("yasr-timeline", `Timeline: ${dates.slice(0, 2).join(" to ")}, one bar per row`,
                       width, top + rowH * shown.length + 10);
      for (let y = lo; y <= hi; y += 5) {
        root.appendChild(el("line", {x1: x(y), x2: x(y), y1: 14, y2: top + rowH * shown.length, stroke: "#ddd"}));
        root.appendChild(el("text", {x: x(y), y: 11, "text-anchor": "middle", "font-size": 11, fill: "#444"}, y));
      }
      shown.forEach((b, i) => {
        const g = el("g", {class: "bar"});
        g.appendChild(el("title", {}, `${b.label}: ${b.when}`));
        g.appendChild(el("text", {x: left, y: top + i * rowH + 9, "font-size": 11, fill: "#222"}, b.label.slice(0, 110)));
        g.appendChild(el("rect", {x: x(b.from), y: top + i * rowH + 12, height: 9, fill: "#8b1a1a",
                                  width: Math.max(x(b.to + (b.to === b.from ? 0.25 : 0)) - x(b.from), 3)}));
        root.appendChild(g);
      });
      place(yasr, root, shown.length, bars.length);
    }
  }

  class Chart {
    constructor(yasr) { this.yasr = yasr; this.label = "Chart"; this.priority = 2; }
    canHandleResults() { return typed(this.yasr, NUMBERS).length > 0; }
    getIcon() { return icon("M1 14h14v1H1zM2 8h3v5H2zM6.5 4h3v9h-3zM11 10h3v3h-3z"); }
    draw() {
      const yasr = this.yasr, numbers = typed(yasr, NUMBERS), value = numbers[0];
      const others = yasr.results.getVariables().filter(v => !numbers.includes(v));
      const rows = yasr.results.getBindings().filter(r => r[value] && !isNaN(Number(r[value].value)));
      const shown = rows.slice(0, MAX_ROWS);
      const max = Math.max(...shown.map(r => Number(r[value].value)), 0) || 1;
      const width = 760, labelW = 260, rowH = 20;
      const root = svg("yasr-chart", `Chart of ${value}, one bar per row`, width, rowH * shown.length + 10);
      shown.forEach((r, i) => {
        const n = Number(r[value].value);
        const label = others.map(v => shorten(yasr, r[v])).filter(Boolean).join(" · ") || String(i + 1);
        const g = el("g", {class: "bar"});
        g.appendChild(el("title", {}, `${label}: ${r[value].value}`));
        g.appendChild(el("text", {x: labelW - 6, y: i * rowH + 14, "text-anchor": "end", "font-size": 11, fill: "#222"},
                         label.slice(0, 42)));
        const w = Math.max(Math.abs(n) / max * (width - labelW - 60), 1);
        g.appendChild(el("rect", {x: labelW, y: i * rowH + 4, width: w, height: rowH - 7, fill: "#8b1a1a"}));
        g.appendChild(el("text", {x: labelW + w + 4, y: i * rowH + 14, "font-size": 11, fill: "#222"}, r[value].value));
        root.appendChild(g);
      });
      place(yasr, root, shown.length, rows.length);
    }
  }

  Yasr.registerPlugin("timeline", Timeline);
  Yasr.registerPlugin("chart", Chart);

  /* Labels in the table. After the table is drawn, the IRIs of the result that
     have no label known yet (at most MAX_LABELLED, in the order they come) are
     sent in one SELECT to this server's /sparql (VALUES, rdfs:label, English or
     untagged), and the table is redrawn on the same page with each label in a
     span.iri-label after its IRI; the row filter matches labels too, sorting
     stays by IRI (and by value for numbers, below). Labels are kept for the page's life (one build). An IRI the
     data does not label, and any failure, leaves the cell as the bundle draws it. */
  const MAX_LABELLED = 1000;
  const RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label";
  const ENDPOINT = new URL("/sparql", window.location.href).href;
  const labels = new Map();  // IRI -> label, or null: asked, none
  const escapeHtml = text => text.replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                           '"': "&quot;", "'": "&#39;"}[c]));
  const sendable = iri => !/[\s<>"{}|^`\\]/.test(iri);

  function fetchLabels(iris) {
    const query = `SELECT ?s (SAMPLE(?l) AS ?label) WHERE { VALUES ?s { ${iris.map(i => `<${i}>`).join(" ")} } ` +
                  `?s <${RDFS_LABEL}> ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) } GROUP BY ?s`;
    return fetch(ENDPOINT, {method: "POST", body: new URLSearchParams({query: query}),
                            headers: {Accept: "application/sparql-results+json"}})
      .then(r => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
      .then(data => {
        for (const iri of iris) labels.has(iri) || labels.set(iri, null);
        for (const row of data.results.bindings) labels.set(row.s.value, row.label.value);
      });
  }

  const Table = Yasr.plugins.table;
  const cellContent = Table.prototype.getCellContent;
  Table.prototype.getCellContent = function (binding, prefixes) {
    const html = cellContent.call(this, binding, prefixes);
    const label = binding.type === "uri" ? labels.get(binding.value) : null;
    return label ? html.replace(/<\/div>$/, ` <span class="iri-label">${escapeHtml(label)}</span></div>`) : html;
  };
  /* Numbers sort as numbers: the bundle sorts every column by its values' text
     ("75" between "8" and "7"); a column whose every bound value is a literal of
     a numeric XSD datatype is given DataTables' "num" type, sorted by value. */
  const isNumber = term => term.type !== "uri" && NUMBERS.includes(term.datatype) && !isNaN(Number(term.value));
  const columns = Table.prototype.getColumns;
  Table.prototype.getColumns = function () {
    const bindings = (this.yasr.results && this.yasr.results.getBindings()) || [];
    return columns.call(this).map((column, i) => {
      if (!i || !column.render) return column;
      const render = column.render;
      const values = bindings.map(b => b[column.name]).filter(Boolean);
      const numeric = values.length > 0 && values.every(isNumber);
      return {...column, ...(numeric ? {type: "num"} : {}), render: (value, type, row, meta) => {
        if (numeric && (type === "sort" || type === "type")) return value ? Number(value.value) : null;
        const label = type === "filter" && value && value.type === "uri" ? labels.get(value.value) : null;
        return label ? value.value + " " + label : render(value, type, row, meta);
      }};
    });
  };
  const draw = Table.prototype.draw;
  Table.prototype.draw = function (config) {
    draw.call(this, config);
    const table = this.dataTable, rows = (this.yasr.results && this.yasr.results.getBindings()) || [];
    const wanted = new Set();
    for (const row of rows) {
      for (const term of Object.values(row)) {
        if (wanted.size >= MAX_LABELLED) break;
        if (term.type === "uri" && !labels.has(term.value) && sendable(term.value)) wanted.add(term.value);
      }
    }
    if (!wanted.size) return;
    fetchLabels([...wanted]).then(() => {
      if (this.dataTable === table) table.rows().invalidate("data").draw(false);
    }, () => {});
  };
})();
