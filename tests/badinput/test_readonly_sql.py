"""`timeline sql` reads the views and nothing else: a statement that writes, attaches, copies,
installs or loads an extension, or reads a file is refused in one line, and the store and the
file system are left as they were."""

from __future__ import annotations

import json

import pytest

from tests.badinput.helpers import assert_clear_error, assert_shape, invoke, tables

REFUSED_STATEMENT = "error: refused: timeline sql runs read-only SELECT queries; <a kind of> statement is not allowed"
REFUSED_ACCESS = "error: refused: timeline sql cannot read or write files, attach databases or load extensions"

STATEMENTS = [
    ("DELETE FROM event_log", REFUSED_STATEMENT),
    ("INSERT INTO event_log SELECT * FROM event_log", REFUSED_STATEMENT),
    ("UPDATE meta SET value = '2' WHERE key = 'schema_version'", REFUSED_STATEMENT),
    ("CREATE TABLE copied AS SELECT * FROM events", REFUSED_STATEMENT),
    ("CREATE MACRO twice(x) AS x * 2", REFUSED_STATEMENT),
    ("DROP VIEW events", REFUSED_STATEMENT),
    ("ALTER TABLE event_log ADD COLUMN extra INTEGER", REFUSED_STATEMENT),
    ("ATTACH '{tmp}/other.duckdb' AS other", REFUSED_STATEMENT),
    ("DETACH main", REFUSED_STATEMENT),
    ("USE memory", REFUSED_STATEMENT),
    ("COPY event_log TO '{tmp}/out.csv'", REFUSED_STATEMENT),
    ("COPY (SELECT * FROM events) TO '{tmp}/out.parquet' (FORMAT parquet)", REFUSED_STATEMENT),
    ("COPY event_log FROM '{tmp}/in.csv'", REFUSED_STATEMENT),
    ("EXPORT DATABASE '{tmp}/exported'", REFUSED_STATEMENT),
    ("IMPORT DATABASE '{tmp}/exported'", REFUSED_STATEMENT),
    ("INSTALL httpfs", REFUSED_STATEMENT),
    ("FORCE INSTALL httpfs", REFUSED_STATEMENT),
    ("LOAD httpfs", REFUSED_STATEMENT),
    ("SET enable_external_access = true", REFUSED_STATEMENT),
    ("RESET lock_configuration", REFUSED_STATEMENT),
    ("PRAGMA enable_profiling", REFUSED_STATEMENT),
    ("CHECKPOINT", REFUSED_STATEMENT),
    ("VACUUM", REFUSED_STATEMENT),
    ("CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", REFUSED_STATEMENT),
    ("SELECT 1; DELETE FROM event_log", REFUSED_STATEMENT),
    ("SELECT * FROM read_csv('/etc/passwd')", REFUSED_ACCESS),
    ("SELECT * FROM read_text('/etc/hostname')", REFUSED_ACCESS),
    ("SELECT * FROM read_blob('/etc/hostname')", REFUSED_ACCESS),
    ("SELECT * FROM glob('/etc/*')", REFUSED_ACCESS),
    ("SELECT * FROM read_json('{tmp}/in.csv')", REFUSED_ACCESS),
    ("SELECT * FROM read_parquet('{tmp}/in.parquet')", REFUSED_ACCESS),
    ("SELECT * FROM 'https://example.com/events.parquet'", REFUSED_ACCESS),
    ("SELECT * FROM duckdb_secrets()", REFUSED_ACCESS),
    ("SELECT 1; SELECT * FROM read_text('/etc/hostname')", REFUSED_ACCESS),
    pytest.param("SELECT * FROM sqlite_scan('{tmp}/in.sqlite', 't')", REFUSED_ACCESS),
    pytest.param("SELECT * FROM read_xlsx('{tmp}/in.xlsx')", REFUSED_ACCESS),
]


@pytest.mark.parametrize(
    "statement, shape", STATEMENTS, ids=lambda v: v if v not in (REFUSED_STATEMENT, REFUSED_ACCESS) else ""
)
def test_sql_that_would_write_attach_copy_install_or_read_files_is_refused(store, tmp_path, statement, shape):
    (tmp_path / "in.csv").write_text("id\nx\n")
    files = sorted(p.name for p in tmp_path.iterdir())
    before = tables(store)
    line = assert_clear_error(invoke("sql", statement.format(tmp=tmp_path), "--store", store))
    assert_shape(line, shape)
    assert tables(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM events", "ATTACH ':memory:' AS other", "INSTALL httpfs", "SELECT * FROM read_text('/etc/hostname')"],
)
def test_sql_over_the_bundled_catalog_is_refused_the_same_way(statement):
    line = assert_clear_error(invoke("sql", statement))
    assert line.startswith("error: refused: timeline sql ")


@pytest.mark.parametrize(
    "statement, shape",
    [
        ("SELEC 1", 'error: SQL error: Parser Error: syntax error at or near "SELEC"'),
        ("SELECT * FROM no_such_view", "error: SQL error: Catalog Error: Table with name no_such_view does not exist!"),
        ("", "error: no SQL statement given"),
        ("   ;  ", "error: no SQL statement given"),
    ],
)
def test_sql_that_does_not_parse_or_names_nothing_says_so(store, statement, shape):
    assert_shape(assert_clear_error(invoke("sql", statement, "--store", store)), shape)


def test_sql_selecting_every_column_of_the_events_view_answers(store):
    result = invoke("sql", "SELECT * FROM events ORDER BY seq LIMIT 1", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    assert row["recorded"] and row["seq"] == 1
