"""``timeline compile LOG --out DIR``: a log folded partition by partition into a folder that
``--store DIR`` and ``Timeline.load(DIR)`` read like a store; problems as ``timeline validate``
lists them, and nothing written."""

from __future__ import annotations

import json
import re
import sys

import pytest
from typer.testing import CliRunner

from timeline_engine.cli.app import app
from timeline_engine.engine import Timeline
from timeline_engine.engine.compiled import read_manifest

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def catalog_log(tmp_path_factory):
    """The bundled catalog as one JSON-lines log (lineage, offices, bodies, every date form)."""
    out = tmp_path_factory.mktemp("catalog") / "catalog.jsonl"
    assert run("export", "--to", "jsonl", "--out", out).exit_code == 0
    return out


@pytest.fixture(scope="module")
def compiled(catalog_log, tmp_path_factory):
    out = tmp_path_factory.mktemp("compiled") / "catalog"
    result = run("compile", catalog_log, "--out", out, "--partitions", 3)
    assert result.exit_code == 0, result.output
    return out


QUESTIONS = [
    ("members", "CSTO", "--on", "2005"),
    ("members", "SCO", "--on", "2017-06"),
    ("state", "CSTO", "--on", "2012"),
    ("memberships", "UZB", "--on", "2008"),
    ("diff", "CSTO", "2000", "2010"),
    ("explain", "CSTO", "UZB", "--on", "2008"),
    ("history", "UZB", "--subject", "CSTO"),
    ("subjects",),
]


def test_compile_says_what_it_wrote_in_one_line(catalog_log, tmp_path):
    out = tmp_path / "c"
    result = run("compile", catalog_log, "--out", out, "--partitions", 2)
    assert result.exit_code == 0
    events = len(catalog_log.read_text(encoding="utf-8").splitlines())
    assert re.fullmatch(
        rf"compiled {events} events into {re.escape(str(out))}: 2 partitions, \d+ spells \(in process, \d+\.\d s\)\n",
        result.stdout,
    )


@pytest.mark.parametrize("question", QUESTIONS, ids=" ".join)
def test_a_compiled_folder_answers_every_question_as_the_catalog_does(compiled, question):
    expected = run(*question, "--format", "json")
    answered = run(*question, "--format", "json", "--store", compiled)
    as_events = run(*question, "--format", "json", "--events", compiled)
    assert answered.exit_code == as_events.exit_code == expected.exit_code == 0
    assert json.loads(answered.stdout) == json.loads(as_events.stdout) == json.loads(expected.stdout)


def test_sql_reads_the_views_of_a_compiled_folder_and_no_other_file(compiled, catalog_log):
    by_sql = run("sql", "SELECT count(*) AS n FROM events", "--store", compiled, "--format", "json")
    assert by_sql.exit_code == 0
    assert json.loads(by_sql.stdout)[0]["n"] == len(catalog_log.read_text(encoding="utf-8").splitlines())
    spans = run("sql", "SELECT count(*) AS n FROM spans WHERE subject = 'CSTO'", "--store", compiled, "-f", "json")
    catalog_spans = run("sql", "SELECT count(*) AS n FROM spans WHERE subject = 'CSTO'", "-f", "json")
    assert json.loads(spans.stdout) == json.loads(catalog_spans.stdout)
    other = run("sql", f"SELECT * FROM read_json('{catalog_log}')", "--store", compiled)
    assert other.exit_code == 1
    assert (
        other.stderr == "error: refused: timeline sql cannot read or write files, attach databases or load extensions\n"
    )


def test_timeline_load_reads_a_compiled_folder_as_a_store(compiled):
    catalog = Timeline.load()
    for tl in (Timeline.load(compiled), Timeline.load([compiled]), Timeline.load(store=compiled)):
        assert tl.members("CSTO", "2005") == catalog.members("CSTO", "2005")
        assert tl.store is not None and tl.store.read_only
        tl.store.close()


def test_the_manifest_counts_the_events_and_spells_of_every_partition(compiled, catalog_log):
    manifest = read_manifest(compiled)
    assert manifest["version"] == 1
    assert len(manifest["partitions"]) == 3
    assert manifest["counts"]["events"] == sum(p["events"] for p in manifest["partitions"])
    assert manifest["counts"]["events"] == len(catalog_log.read_text(encoding="utf-8").splitlines())
    tl = Timeline.load(store=compiled)
    assert tl.sql("SELECT count(*) FROM events").fetchall() == [(manifest["counts"]["events"],)]
    tl.store.close()


def test_a_parquet_export_compiles_to_the_same_answers(compiled, tmp_path):
    parquet = tmp_path / "log.parquet"
    assert run("export", "--to", "parquet", "--out", parquet).exit_code == 0
    out = tmp_path / "from-parquet"
    assert run("compile", parquet, "--out", out).exit_code == 0
    for question in QUESTIONS[:5]:
        a = run(*question, "-f", "json", "--store", out)
        b = run(*question, "-f", "json", "--store", compiled)
        assert json.loads(a.stdout) == json.loads(b.stdout)


def test_problems_are_listed_as_validate_lists_them_and_nothing_is_written(log, write_events, tmp_path):
    log.organization("AAA")
    log.organization("BBB", predecessor="CCC")
    log.party("withdrew", "AAA", "KAZ", "1991-01-01")
    log.party("joined", "AAA", "KAZ", "1992-01-01")
    log.party("joined", "AAA", "KAZ", "1993-01-01")
    log.party("joined", "BBB", "KAZ", "1993-01-01", note=" ")  # a record rule: said as validate says it
    path = write_events(log.records, "bad.jsonl")
    validated = run("validate", path)
    out = tmp_path / "out"
    result = run("compile", path, "--out", out, "--partitions", 2)
    assert result.exit_code == validated.exit_code == 1
    assert result.stderr == validated.stderr.replace("4 problems found", "4 problems found; nothing written")
    assert result.stderr.splitlines()[0] == f"{path}:2: event bbb-founded-2: predecessor CCC is not a declared subject"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]  # no folder, no partial one


def test_a_predecessor_cycle_is_a_problem_whatever_the_partitions(write_events, log, tmp_path):
    log.organization("AAA", predecessor="BBB")
    log.organization("BBB", predecessor="AAA")
    path = write_events(log.records)
    result = run("compile", path, "--out", tmp_path / "out", "--partitions", 2)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:1: event aaa-founded-1: predecessors form a cycle: AAA → BBB → AAA",
        f"{path}:2: event bbb-founded-2: predecessors form a cycle: AAA → BBB → AAA",
        "2 problems found; nothing written",
    ]


def test_a_new_compile_replaces_an_earlier_one_and_nothing_else(catalog_log, tmp_path, log, write_events):
    out = tmp_path / "out"
    assert run("compile", catalog_log, "--out", out).exit_code == 0
    log.organization("ONE")
    small = write_events(log.records, "small.jsonl")
    assert run("compile", small, "--out", out).exit_code == 0
    assert read_manifest(out)["counts"]["events"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.jsonl"]
    a_file = tmp_path / "small.jsonl"
    refused = run("compile", small, "--out", a_file)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: {a_file}: is a file; give a new folder (or an earlier output of timeline compile)\n"
    )


def test_a_compiled_folder_cannot_be_written(compiled, catalog_log):
    result = run("import", catalog_log, "--store", compiled)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {compiled}: a compiled log is read-only; import the events into a store file instead\n"
    )


def test_a_field_that_is_not_an_event_field_is_one_line(write_events, log, tmp_path):
    log.organization("AAA", colour="blue")
    path = write_events(log.records)
    result = run("compile", path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: field 'colour' is not an event field; `timeline validate` says where\n"


def test_a_missing_or_empty_log_is_one_line(tmp_path):
    result = run("compile", tmp_path / "nope.jsonl", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'nope.jsonl'}: no such file\n"
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    result = run("compile", tmp_path / "empty.jsonl", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'empty.jsonl'}: is empty (no events to compile)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl"]


def test_without_dask_the_dask_option_names_the_extra(catalog_log, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if Dask were not installed
    result = run("compile", catalog_log, "--out", tmp_path / "out", "--dask", "local[2]")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --dask needs Dask, the optional extra 'dask': pip install 'timeline-engine[dask]' "
        "(or pip install 'dask[distributed]')\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_as_known_reads_a_compiled_folder_as_of_a_recording_time(log, write_events, tmp_path):
    log.organization("AAA", recorded="2020-01-01T00:00:00Z")
    log.party("joined", "AAA", "KAZ", "1995-01-01", recorded="2020-01-01T00:00:00Z")
    log.party("joined", "AAA", "UZB", "1996-01-01", recorded="2022-01-01T00:00:00Z")
    path = write_events(log.records)
    out = tmp_path / "out"
    assert run("compile", path, "--out", out).exit_code == 0
    for when in ("2021-01-01", "2023-01-01"):
        a = run("members", "AAA", "--on", "2000", "-f", "json", "--store", out, "--as-known", when)
        b = run("members", "AAA", "--on", "2000", "-f", "json", "--events", path, "--as-known", when)
        assert a.exit_code == b.exit_code == 0
        assert json.loads(a.stdout) == json.loads(b.stdout)


def test_a_local_dask_cluster_needs_a_worker(catalog_log, tmp_path):
    pytest.importorskip("dask.distributed")
    result = run("compile", catalog_log, "--out", tmp_path / "out", "--dask", "local[0]")
    assert result.exit_code == 1
    assert result.stderr == "error: --dask local[N] needs at least one worker, not 0\n"
    assert list(tmp_path.iterdir()) == []
