"""The ``apparat`` command line, through click's CliRunner (same process, real code)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from apparat.cli import main

# The CC's bureaus: a stable answer whatever else the glossary places under the CC.
ORGANS = ("SELECT ?organ WHERE { ?organ a ?bureau ; org:subOrganizationOf apid:organ\\/central-committee . "
          "VALUES ?bureau { ap:Politburo ap:Orgburo ap:Secretariat } } ORDER BY ?organ")


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["build"], ["serve"], ["query"], ["queries"], ["extract"]])
def test_every_command_has_help(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_query_expression_prints_a_table(runner, build_dir):
    result = runner.invoke(main, ["query", "--build-dir", str(build_dir), "-e", ORGANS])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "organ",
        "----------------------",
        "apid:organ/orgburo",
        "apid:organ/politburo",
        "apid:organ/secretariat",
        "(3 rows)",
    ]


def test_query_file_as_json(runner, build_dir, tmp_path):
    path = tmp_path / "organs.rq"
    path.write_text(ORGANS)
    result = runner.invoke(main, ["query", str(path), "--build-dir", str(build_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    organs = [b["organ"]["value"] for b in json.loads(result.output)["results"]["bindings"]]
    assert organs == [f"https://w3id.org/apparat/id/organ/{o}" for o in ("orgburo", "politburo", "secretariat")]


def test_query_malformed_exits_1_with_position(runner, build_dir):
    result = runner.invoke(main, ["query", "--build-dir", str(build_dir), "-e", "SELECT * WHERE { ?s }"])
    assert result.exit_code == 1
    assert "line 1, column" in result.output


def test_query_without_build_says_what_to_run(runner, tmp_path):
    result = runner.invoke(main, ["query", "--build-dir", str(tmp_path / "none"), "-e", "ASK {}"])
    assert result.exit_code == 1
    assert "run `apparat build`" in result.output


def test_build_command_prints_counts(runner, tmp_path, monkeypatch):
    triples = tmp_path / "triples"  # the test data: the repository's own build is the session's
    shutil.copytree(Path(__file__).parent / "data" / "mini", triples)
    monkeypatch.setenv("APPARAT_TRIPLES_DIR", str(triples))
    result = runner.invoke(main, ["build", "--build-dir", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/apparat/graph/inferred" in result.output
    assert "https://w3id.org/apparat/graph/source/example-source" in result.output
    assert "asserted" in result.output and "inferred" in result.output


def test_build_command_fails_on_broken_file_naming_it(runner, tmp_path, monkeypatch):
    triples = tmp_path / "triples"
    triples.mkdir()
    (triples / "bad.ttl").write_text("<http://e/a> <http://e/b> .\n")
    monkeypatch.setenv("APPARAT_TRIPLES_DIR", str(triples))
    result = runner.invoke(main, ["build", "--build-dir", str(tmp_path / "b")])
    assert result.exit_code == 1
    assert f"{triples / 'bad.ttl'}:1:" in result.output


def test_saved_query_with_dynamic_option(runner, build_dir):
    result = runner.invoke(main, ["query", "politburo-in-year", "--year", "1926", "--role", "candidate",
                                  "--build-dir", str(build_dir), "-f", "csv"])
    assert result.exit_code == 0, result.output
    people = sorted(line.split(",")[0].rsplit("/", 1)[1] for line in result.output.splitlines()[1:] if line)
    # rogovin-1992 4864 (five candidates from July 1926), 4712 and 5669 (Kamenev), 6957, 7005
    assert sorted(set(people)) == ["andreev", "kaganovich", "kamenev", "kirov", "mikoyan", "ordzhonikidze",
                                   "rudzutak", "syrtsov"]


def test_saved_query_with_param_pairs_matches_dynamic_option(runner, build_dir):
    a = runner.invoke(main, ["query", "politburo-in-year", "-p", "year=1930", "--build-dir", str(build_dir)])
    b = runner.invoke(main, ["query", "politburo-in-year", "--year=1930", "--build-dir", str(build_dir)])
    assert a.exit_code == b.exit_code == 0
    assert a.output == b.output and "(0 rows)" not in a.output


def test_saved_query_bad_value_names_parameter(runner, build_dir):
    result = runner.invoke(main, ["query", "politburo-in-year", "--year", "soon", "--build-dir", str(build_dir)])
    assert result.exit_code == 1
    assert "parameter 'year'" in result.output


def test_queries_lists_saved_queries_with_parameters(runner):
    result = runner.invoke(main, ["queries"])
    assert result.exit_code == 0, result.output
    assert "politburo-in-year" in result.output
    assert "--year: xsd:integer (required)" in result.output
