"""The store from the command line: init, import (atomic, idempotent), add, export, sql, stats, busy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import duckdb
import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from timeline_engine.cli.app import app
from timeline_engine.engine.store import SCHEMA_VERSION

runner = CliRunner()

SRC = [{"title": "Test source", "ref": "test:store"}]
FOUNDED = {
    "id": "x-founded",
    "date": "2001-06-15",
    "subject": "XORG",
    "kind": "founded",
    "name": "Example Organization",
    "subject_kind": "organization",
    "sources": SRC,
}


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "s.duckdb"
    assert run("init", "--store", path).exit_code == 0
    return path


@pytest.fixture
def catalog_jsonl(tmp_path):
    out = tmp_path / "catalog.jsonl"
    assert run("export", "--to", "jsonl", "--out", out).exit_code == 0
    return out


def count(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM event_log").fetchone()[0]
    finally:
        con.close()


def dump(path):
    return run("export", "--to", "jsonl", "--store", path).stdout


def test_importing_the_same_file_twice_adds_nothing(store, catalog_jsonl):
    first = run("import", catalog_jsonl, "--store", store)
    assert first.exit_code == 0, first.output
    n = count(store)
    assert n > 100
    again = run("import", catalog_jsonl, "--store", store)
    assert again.exit_code == 0
    assert "imported 0 new event(s)" in again.stdout
    assert count(store) == n


def test_store_answers_like_the_catalog(store, catalog_jsonl):
    run("import", catalog_jsonl, "--store", store)
    on_store = run("members", "CSTO", "--on", "2005", "--store", store, "--format", "json")
    on_catalog = run("members", "CSTO", "--on", "2005", "--format", "json")
    assert on_store.exit_code == 0
    assert json.loads(on_store.stdout) == json.loads(on_catalog.stdout)
    assert [r["party"] for r in json.loads(on_store.stdout)] == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_an_import_whose_last_line_has_an_invalid_date_leaves_the_store_as_it_was(store, catalog_jsonl, tmp_path):
    run("import", catalog_jsonl, "--store", store)
    before = dump(store)
    bad = tmp_path / "bad.jsonl"
    lines = [
        FOUNDED,
        {"id": "x-kaz", "date": "2001-06-15", "subject": "XORG", "kind": "joined", "party": "KAZ", "sources": SRC},
        {"id": "x-uzb", "date": "2001-13-40", "subject": "XORG", "kind": "joined", "party": "UZB", "sources": SRC},
    ]
    bad.write_text("".join(json.dumps(r) + "\n" for r in lines))
    result = run("import", bad, "--store", store)
    assert result.exit_code == 1
    assert f"{bad}:3: event x-uzb: bad date '2001-13-40': month 13" in result.stderr
    assert "Traceback" not in result.output
    assert dump(store) == before


def test_reusing_an_id_with_different_content_names_both(store, tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps(FOUNDED) + "\n")
    assert run("import", a, "--store", store).exit_code == 0
    b = tmp_path / "b.jsonl"
    b.write_text(json.dumps({**FOUNDED, "name": "Another name"}) + "\n")
    result = run("import", b, "--store", store)
    assert result.exit_code == 1
    assert (
        f"{b}:1: event x-founded: id 'x-founded' is already in the store (event #1) with different content"
        in result.stderr
    )


def test_recorded_is_set_at_import_and_as_known_sees_editions(store, tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(
        json.dumps({**FOUNDED, "recorded": "2019-01-01T00:00:00Z"})
        + "\n"
        + json.dumps(
            {
                "id": "x-kaz",
                "date": "2001-06-15",
                "subject": "XORG",
                "kind": "joined",
                "party": "KAZ",
                "sources": SRC,
                "recorded": "2020-01-01T00:00:00Z",
            }
        )
        + "\n"
    )
    run("import", a, "--store", store)
    fix = tmp_path / "fix.jsonl"
    fix.write_text(
        json.dumps(
            {
                "id": "x-kaz-retract",
                "kind": "retracted",
                "subject": "XORG",
                "retracts": "x-kaz",
                "sources": SRC,
                "recorded": "2021-01-01T00:00:00Z",
            }
        )
        + "\n"
    )
    assert run("import", fix, "--store", store).exit_code == 0
    log = [json.loads(line) for line in dump(store).splitlines()]
    assert all("recorded" in r for r in log)
    now = run("members", "XORG", "--on", "2010", "--store", store, "--format", "json")
    then = run("members", "XORG", "--on", "2010", "--store", store, "--format", "json", "--as-known", "2020-06-01")
    assert json.loads(now.stdout) == []
    assert [r["party"] for r in json.loads(then.stdout)] == ["KAZ"]


def test_export_to_parquet_reads_back_to_the_same_store(store, catalog_jsonl, tmp_path):
    run("import", catalog_jsonl, "--store", store)
    pq = tmp_path / "log.parquet"
    assert run("export", "--to", "parquet", "--out", pq, "--store", store).exit_code == 0
    con = duckdb.connect()
    assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(pq)]).fetchone()[0] == count(store)
    other = tmp_path / "other.duckdb"
    run("init", "--store", other)
    assert run("import", pq, "--store", other).exit_code == 0
    assert dump(other) == dump(store)


def test_a_delete_through_sql_is_refused_and_changes_nothing(store, catalog_jsonl):
    run("import", catalog_jsonl, "--store", store)
    n = count(store)
    for statement in (
        "DELETE FROM events",
        "DROP TABLE event_log",
        "ATTACH '/tmp/x.duckdb'",
        "COPY event_log TO '/tmp/x.csv'",
        "INSTALL httpfs",
        "SELECT * FROM read_csv('/etc/passwd')",
    ):
        result = run("sql", statement, "--store", store)
        assert result.exit_code == 1, statement
        assert result.stderr.startswith("error: refused:"), result.stderr
    assert count(store) == n


def test_sql_reads_the_views(store, catalog_jsonl):
    run("import", catalog_jsonl, "--store", store)
    result = run(
        "sql",
        "SELECT count(DISTINCT party) AS n FROM spans WHERE subject = 'CSTO'",
        "--store",
        store,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 7}]


def test_stats_counts_members_per_year(store, catalog_jsonl):
    run("import", catalog_jsonl, "--store", store)
    result = run(
        "stats", "CSTO", "--by", "year", "--from", "2005", "--to", "2013", "--store", store, "--format", "json"
    )
    rows = {(r["period"], r["standing"]): r for r in json.loads(result.stdout)}
    assert rows[(2005, "member")]["whole_period"] == 6
    assert rows[(2007, "member")]["whole_period"] == 7  # Uzbekistan back since summer 2006
    assert rows[(2013, "suspended")]["whole_period"] == 1


def test_add_records_one_event_from_flags(store, tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps(FOUNDED) + "\n")
    run("import", a, "--store", store)
    result = run(
        "add",
        "--store",
        store,
        "--id",
        "x-kgz",
        "--kind",
        "joined",
        "--subject",
        "XORG",
        "--party",
        "Kyrgyz Republic",
        "--date",
        "2003",
        "--source-ref",
        "test:add",
        "--source-title",
        "T",
    )
    assert result.exit_code == 0, result.output
    members = json.loads(run("members", "XORG", "--on", "2003-06-01", "--store", store, "--format", "json").stdout)
    assert members[0]["party"] == "KGZ" and members[0]["certainty"] == "uncertain"
    bad = run(
        "add",
        "--store",
        store,
        "--id",
        "x-kgz2",
        "--kind",
        "resumed",
        "--subject",
        "XORG",
        "--party",
        "KGZ",
        "--date",
        "2004",
        "--source-ref",
        "test:add",
        "--source-title",
        "T",
    )
    assert bad.exit_code == 1
    assert "cannot resume KGZ" in bad.stderr


def test_a_second_process_writing_to_a_busy_store_is_told_so(store, catalog_jsonl):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(store)!r})
            print("holding", flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "timeline_engine",
                "import",
                str(catalog_jsonl),
                "--store",
                str(store),
                "--wait",
                "0",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode == 1
        assert result.stderr.strip().startswith("error: store is busy")
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    assert count(store) == 0


def test_a_newer_schema_is_refused_and_an_unknown_file_is_not_a_store(store, tmp_path):
    con = duckdb.connect(str(store))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    result = run("members", "CSTO", "--on", "2005", "--store", store)
    assert result.exit_code == 1
    assert f"schema version 99, newer than this program's {SCHEMA_VERSION}" in result.stderr
    junk = tmp_path / "junk.duckdb"
    junk.write_text("this is not a database\n")
    result = run("members", "CSTO", "--on", "2005", "--store", junk)
    assert result.exit_code == 1
    assert "not a timeline store" in result.stderr


def test_a_store_of_schema_version_1_is_upgraded_on_open_and_keeps_its_events(store, catalog_jsonl):
    run("import", catalog_jsonl, "--store", store)
    before = dump(store)
    con = duckdb.connect(str(store))  # make it as version 1 wrote it: no side records
    con.execute("DROP TABLE side_records")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    result = run("members", "CSTO", "--on", "2005", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    assert con.execute("SELECT count(*) FROM side_records").fetchone() == (0,)
    con.close()
    assert dump(store) == before
