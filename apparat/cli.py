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
    "--build-dir", type=click.Path(file_okay=False, path_type=Path, resolve_path=True), help="Build folder (default: build/)."
)


@main.command()
@build_dir_option
@click.option("--no-reasoning", is_flag=True, help="Skip the OWL 2 RL closure.")
def build(build_dir, no_reasoning):
    """Load ontology + triples, validate (SHACL), reason (OWL 2 RL), write the build folder."""
    from .build import BuildInputs, build as run_build

    settings = load_settings({"build_dir": build_dir})
    report = run_build(
        BuildInputs.from_settings(settings),
        settings["build_dir"],
        reasoning=not no_reasoning,
        log=lambda line: click.echo(line, err=True),
    )
    for graph, count in report.graphs.items():
        click.echo(f"{count:>8}  {graph}")
    click.echo(f"{report.asserted:>8}  asserted\n{report.inferred:>8}  inferred")
    click.echo(f"built {settings['build_dir']} in {sum(report.timings.values()):.2f} s")


@main.command()
@click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    help="Folder of the source texts and sources.tsv (default: ../shared/corpus).",
)
def extract(corpus):
    """Extract triples from the corpus into triples/ and report what was found."""
    from .extract.run import extract as run_extract

    settings = load_settings({"corpus_dir": corpus})
    report = run_extract(settings["corpus_dir"], settings["triples_dir"])
    click.echo("\n".join(report.lines()))


@main.command()
@click.option("--host", help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to bind (default 8000; 0 picks a free one).")
@build_dir_option
@click.option("--workers", type=int, help="gunicorn worker processes.")
def serve(host, port, build_dir, workers):
    """Serve the built dataset over HTTP (SPARQL 1.1 Protocol) under gunicorn."""
    from .serve import serve as run_server
    from .store import load_dataset

    settings = load_settings({"host": host, "port": port, "build_dir": build_dir, "workers": workers})
    load_dataset(settings["build_dir"])  # fail here, clearly, rather than in every worker
    run_server(settings)


@main.command()
@click.argument("file", required=False, type=click.File("r"))
@click.option("-e", "--expression", help="The query text (instead of FILE).")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_NAMES), default="table", show_default=True,
    help="Output format: a table, or any SPARQL result / RDF format.",
)
@click.option("--no-infer", is_flag=True, help="Query the asserted triples only.")
@build_dir_option
def query(file, expression, fmt, no_infer, build_dir):
    """Run a SPARQL query (FILE.rq, or -e TEXT) against the built dataset, no server needed."""
    from .sparql import check_query_text, check_service_calls, run_query
    from .store import load_dataset
    from .table import render_table

    if (file is None) == (expression is None):
        raise click.UsageError("give a query FILE or -e TEXT (one of them)")
    text = expression if file is None else file.read()
    settings = load_settings({"build_dir": build_dir})
    check_query_text(text, max_length=settings["max_query_length"], max_depth=settings["max_query_depth"])
    check_service_calls(text, tuple(settings["service_allowlist"].split()))
    result = run_query(load_dataset(settings["build_dir"]), text, max_rows=settings["max_rows"], infer=not no_infer)
    if fmt == "table":
        click.echo(render_table(result), nl=False)
    else:
        if fmt not in {f.name for f in result.formats}:
            raise click.UsageError(f"a {result.kind} result cannot be written as {fmt}")
        sys.stdout.buffer.write(result.serialize(fmt))
    if result.truncated:
        click.echo(f"warning: result truncated at {settings['max_rows']} rows", err=True)
