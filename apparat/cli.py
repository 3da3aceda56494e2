"""The ``apparat`` command line: each command parses its options and makes one core call.

Domain errors become a message on stderr and exit code 1 (2 for usage errors,
which click handles).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import KgError
from .settings import load_settings

FORMAT_NAMES = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="apparat")
def main():
    """Apparat: a knowledge graph of the Soviet party apparatus."""


build_dir_option = click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    help="Build folder (default: build/).",
)


store_options = [
    click.option("--store", help="embedded (default), or the URL of a SPARQL 1.1 store; an Oxigraph server's "
                                 "base URL alone will do (its /query and /store are known)."),
    click.option("--store-query-url", help="The store's query endpoint, where --store does not give it."),
    click.option("--store-graph-url", help="The store's Graph Store endpoint, where --store does not give it."),
]


data_options = [
    click.option("--data", "data", multiple=True, type=click.Path(exists=True, path_type=Path, resolve_path=True),
                 help="Publish this dataset instead of ours: an RDF file or folder (Turtle, N-Triples, N-Quads, "
                      "TriG, RDF/XML, JSON-LD, optionally .gz). Repeatable."),
    click.option("--ontology", "ontology", multiple=True,
                 type=click.Path(exists=True, path_type=Path, resolve_path=True),
                 help="With --data: ontology files to reason with (default: none). Repeatable."),
    click.option("--no-reasoning", is_flag=True, help="Skip the OWL 2 RL closure."),
]


def _with(options):
    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


def _run_build(settings: dict, data, ontology, no_reasoning: bool, **options):
    from .build import BuildInputs
    from .build import build as run_build

    if ontology and not data:
        raise click.UsageError("--ontology goes with --data (our own ontology is in ontology/)")
    inputs = BuildInputs.from_paths(data, ontology) if data else BuildInputs.from_settings(settings)
    return run_build(inputs, settings["build_dir"], reasoning=not no_reasoning,
                     log=lambda line: click.echo(line, err=True), **options)


@main.command()
@build_dir_option
@_with(data_options)
@click.option("--reasoner", type=click.Choice(["fast", "owlrl"]), default="fast", show_default=True,
              help="fast: reasonable + our rules for what it lacks (shown equal to owlrl by the tests); "
                   "owlrl: the reference reasoner, ~20x slower.")
@click.option("--force", is_flag=True, help="Build even if the inputs are unchanged since the last build.")
@_with(store_options)
def build(build_dir, data, ontology, no_reasoning, reasoner, force, store, store_query_url, store_graph_url):
    """Load ontology + triples, validate (SHACL), reason (OWL 2 RL), write the build folder.

    With --data, publish any dataset instead: its named graphs are kept, and
    plain triples go to the default graph. A build whose inputs (content),
    options and code are unchanged does nothing; on a terminal, long steps
    show their progress.

    With --store URL, the build is then uploaded into that SPARQL store's
    named graphs (Graph Store protocol: idempotent, in batches, resumable).
    """
    settings = load_settings({"build_dir": build_dir, "store": store, "store_query_url": store_query_url,
                              "store_graph_url": store_graph_url})
    report = _run_build(settings, data, ontology, no_reasoning, reasoner=reasoner, reuse=not force)
    for graph, count in report.graphs.items():
        click.echo(f"{count:>8}  {graph}")
    click.echo(f"{report.asserted:>8}  asserted\n{report.inferred:>8}  inferred")
    how = f", reasoner {report.reasoner}" if report.reasoner else ""
    state = "unchanged" if report.reused else "built"
    click.echo(f"{state} {settings['build_dir']} in {report.seconds:.2f} s{how}")
    if settings["store"] != "embedded":
        from .build.progress import for_stream
        from .build.upload import upload

        progress = for_stream(sys.stderr)
        try:
            sent = upload(settings["build_dir"], settings, log=lambda line: click.echo(line, err=True),
                          progress=progress, force=force)
        finally:
            progress.close()
        what = "unchanged" if sent.unchanged else f"{sum(sent.sent.values())} triples sent"
        click.echo(f"store {settings['store']}: build {sent.etag}, {what} in {sent.seconds:.2f} s")


@main.command()
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    help="Folder of the source texts and sources.tsv (default: ../shared/corpus).",
)
@click.option("--coverage", is_flag=True,
              help="Print only the coverage table (claims per source, section and kind; Markdown, as in the README).")
def extract(corpus, coverage):
    """Extract triples from the corpus into triples/ and report what was found."""
    from .extract.run import extract as run_extract

    settings = load_settings({"corpus_dir": corpus})
    wikidata = settings["corpus_dir"].parent / "wikidata" / "known-ids.tsv"
    report = run_extract(settings["corpus_dir"], settings["triples_dir"], wikidata)
    if coverage:
        click.echo("\n".join(report.coverage_table()))
        return
    click.echo("\n".join(report.lines() + ["", "coverage (claims read):", *report.coverage_table()]))


@main.command("check-ledger")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path, resolve_path=True))
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    help="Folder of the source texts and sources.tsv (default: ../shared/corpus); spans are checked against it.",
)
@click.option("--source", help="The source id of FILES outside triples/claims/ (default: from their place there).")
def check_ledger(files, corpus, source):
    """Check claims-ledger files (default: all of triples/claims/): every row, with file:row errors."""
    from .extract.run import LedgerPathError, check_ledgers

    settings = load_settings({"corpus_dir": corpus})
    try:
        counts = check_ledgers(settings["triples_dir"], settings["corpus_dir"], list(files) or None, source)
    except LedgerPathError as err:  # a usage error: one line, exit code 2
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    for path, n in counts.items():
        click.echo(f"{n:>5} claims  {path}")


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to bind (default 8000; 0 picks a free one).")
@build_dir_option
@click.option("--workers", type=int, help="Web server processes.")
@_with(data_options)
@_with(store_options)
def serve(host, port, build_dir, workers, data, ontology, no_reasoning, store, store_query_url, store_graph_url):
    """Serve the built dataset over HTTP (SPARQL 1.1 Protocol) under granian (or gunicorn).

    With --data, build that dataset first (into --build-dir, or a temporary
    folder removed on exit) and serve it. With --store URL, every query goes
    to that SPARQL store (filled by `apparat build --store URL`), after our checks.
    """
    import tempfile

    from .query.store import read_build
    from .serve import serve as run_server

    with tempfile.TemporaryDirectory(prefix="apparat-") as scratch:
        if data and build_dir is None:
            build_dir = Path(scratch) / "build"
        settings = load_settings({"host": host, "port": port, "build_dir": build_dir, "workers": workers,
                                  "store": store, "store_query_url": store_query_url,
                                  "store_graph_url": store_graph_url})
        from .web.clients import trusted_networks

        try:
            trusted_networks(settings["trusted_proxies"])  # a typo fails here, not in every worker
        except ValueError as err:
            raise click.UsageError(str(err)) from None
        if data:
            _run_build(settings, data, ontology, no_reasoning)
        if settings["store"] == "embedded":
            read_build(settings["build_dir"])  # fail here, clearly, rather than in every worker
        else:
            from .query.remote import read_store_build

            read_store_build(settings)
        run_server(settings)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("target", required=False)
@click.option("-e", "--expression", help="The query text (instead of a saved query or file).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A saved query's parameter (also: --NAME VALUE).")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_NAMES), default="table", show_default=True,
    help="Output format: a table, or any SPARQL result / RDF format.",
)
@click.option("--no-infer", is_flag=True, help="Query the asserted triples only.")
@build_dir_option
@click.pass_context
def query(ctx, target, expression, params, fmt, no_infer, build_dir):
    """Run a query against the built dataset, no server needed.

    TARGET is a saved query's name (see `apparat queries`) or a .rq file;
    or give the text with -e. Parameters: --year 1926 or -p year=1926.
    """
    from .query.local import load_dataset, run_query, write_query
    from .query.table import render_table

    if (target is None) == (expression is None):
        raise click.UsageError("give a saved query NAME, a FILE.rq or -e TEXT (one of them)")
    settings = load_settings({"build_dir": build_dir})
    values = _parse_params(params, ctx.args)
    text = expression if target is None else _saved_or_file(target, settings, values)
    dataset = load_dataset(settings["build_dir"])
    if fmt == "table":
        result = run_query(dataset, text, max_rows=settings["max_rows"], infer=not no_infer, settings=settings)
        click.echo(render_table(result), nl=False)
        truncated = result.truncated
    else:
        from .errors import QueryRefused

        try:
            _kind, truncated = write_query(dataset, text, fmt, sys.stdout.buffer, settings=settings, infer=not no_infer)
        except QueryRefused as err:
            if "cannot be written as" in str(err):
                raise click.UsageError(str(err)) from None
            raise
        sys.stdout.buffer.flush()
    if truncated:
        click.echo(f"warning: result truncated at {settings['max_rows']} rows", err=True)


def _parse_params(pairs, extra) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.UsageError(f"--param needs NAME=VALUE, got {pair!r}")
        values[name] = value
    args = list(extra)
    while args:
        arg = args.pop(0)
        if not arg.startswith("--") or len(arg) < 3:
            raise click.UsageError(f"unexpected argument {arg!r}")
        name, sep, value = arg[2:].partition("=")
        if not sep:
            if not args:
                raise click.UsageError(f"{arg} needs a value")
            value = args.pop(0)
        values[name] = value
    return values


def _saved_or_file(target: str, settings: dict, values: dict[str, str]) -> str:
    from .query.saved import find_saved_query, parse_saved_query

    path = Path(target)
    if path.suffix == ".rq" and path.exists():
        return parse_saved_query(path).bind(values)
    return find_saved_query(settings["queries_dir"], target).bind(values)


@main.command("queries")
def list_queries():
    """List the saved queries with their summaries and parameters."""
    from .query.saved import load_saved_queries

    settings = load_settings()
    for saved in load_saved_queries(settings["queries_dir"]).values():
        click.echo(f"{saved.name}\n    {saved.summary}")
        for p in saved.parameters:
            default = f", default {p.default}" if p.default is not None else ""
            need = "required" if p.required else "optional"
            click.echo(f"    --{p.name}: {p.type_name} ({need}{default}) {p.description}".rstrip())


@main.group()
def export():
    """Write the data in a form another system takes."""


@export.command("quickstatements")
@build_dir_option
@click.option("--known-ids", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="known-ids.tsv (default: ../shared/wikidata/known-ids.tsv, beside the corpus).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: stdout).")
def export_quickstatements_command(build_dir, known_ids, output):
    """Memberships and posts of persons with a Wikidata item, as QuickStatements v1, for review.

    Each line: the person, P39, the position item, P580/P582 at the stated precision, and
    the line span as the source (S854). Never uploaded: a person reviews and loads it.
    """
    from .query.local import load_dataset
    from .query.quickstatements import export_quickstatements

    settings = load_settings({"build_dir": build_dir})
    known_ids = known_ids or settings["corpus_dir"].parent / "wikidata" / "known-ids.tsv"
    result = export_quickstatements(load_dataset(settings["build_dir"]), known_ids)
    output.write(result.text)
    click.echo(f"{len(result.lines)} statements; {result.skipped} memberships of linked persons "
               "left out (no Wikidata position item)", err=True)


@main.group()
def wikidata():
    """Maintain the links to Wikidata."""


@wikidata.command("candidates")
@build_dir_option
@click.option("--endpoint", required=True, help="A Wikidata SPARQL endpoint, e.g. https://query.wikidata.org/sparql.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: stdout).")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds per request to the endpoint.")
def wikidata_candidates_command(build_dir, endpoint, output, timeout):
    """Propose Wikidata items for our persons, organs and posts without a link, as TSV for review.

    Exact label or alias matches of the right type only (a person: human, P31 Q5; a post: held
    via P39; an organ: not a human). Nothing is written into the graph.
    """
    from . import __version__
    from .namespaces import BASE
    from .query.candidates import find_candidates, write_tsv
    from .query.gateway import user_agent
    from .query.local import load_dataset, run_query

    settings = load_settings({"build_dir": build_dir})
    dataset = load_dataset(settings["build_dir"])
    agent = user_agent(__version__, settings["service_contact"] or BASE)
    candidates = find_candidates(lambda text: run_query(dataset, text, max_rows=1_000_000).rows, endpoint,
                                 agent=agent, timeout=timeout)
    output.write(write_tsv(candidates))
    click.echo(f"{len(candidates)} candidates for {len({c.entity for c in candidates})} entities", err=True)
