"""``timeline compile STORE --out DIR``: a store's log compiled partition by partition answers
every question as the store does (its recorded times included)."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from timeline_engine.cli.app import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    log, store = folder / "catalog.jsonl", folder / "catalog.duckdb"
    assert run("export", "--to", "jsonl", "--out", log).exit_code == 0
    assert run("init", "--store", store).exit_code == 0
    assert run("import", log, "--store", store).exit_code == 0
    return store


@pytest.fixture(scope="module")
def compiled(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("compiled") / "c"
    done = run("compile", store, "--out", out, "--partitions", 2)
    assert done.exit_code == 0, done.output
    return out


@pytest.mark.parametrize(
    "question",
    [
        ("members", "CSTO", "--on", "2005"),
        ("diff", "SCO", "2015", "2018"),
        ("state", "OSCE", "--on", "2000"),
        ("explain", "CSTO", "UZB", "--on", "2008"),
        ("history", "UZB", "--subject", "CSTO"),
    ],
)
def test_a_compiled_store_answers_as_the_store(store, compiled, question):
    there = run(*question, "--store", compiled, "--format", "json")
    here = run(*question, "--store", store, "--format", "json")
    assert there.exit_code == here.exit_code == 0
    assert there.stdout == here.stdout


def test_a_duckdb_file_without_a_log_is_one_line(tmp_path):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    result = run("compile", other, "--out", tmp_path / "c")
    assert result.exit_code != 0
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {other}: not a readable store (")
    assert not (tmp_path / "c").exists()
