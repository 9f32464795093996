"""Issue 15 item 6: the conventions of a command line analysts already use.

JSON lines and TSV on every query command; plain aligned tables when piped; lists in CSV cells
joined with ``;``; CSV cells a spreadsheet would run as formulas defused; CSV input delimited by
``,``, ``;`` or tab; ``.gz`` and unknown file types pointing to ``--from``; a reversed ``diff``
refused; shell completion; one exit code for each kind of failure.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.cli.helpers import SOURCE, assert_one_error_line, founded, participation

QUERIES = [
    ["subjects"],
    ["members", "CSTO", "--on", "2005"],
    ["state", "SCO", "--on", "2015-06-01"],
    ["diff", "SCO", "2016", "2024"],
    ["history", "Uzbekistan", "--subject", "CSTO"],
    ["explain", "CSTO", "Uzbekistan", "--on", "2013"],
    ["log", "--subject", "SCO"],
    ["stats", "CSTO", "--by", "decade"],
    ["overlap", "CSTO", "SCO", "--by", "decade"],
    ["tenures", "SCO"],
    ["sql", "SELECT subject, count(*) AS n FROM spans GROUP BY subject ORDER BY subject"],
]


@pytest.mark.parametrize("args", QUERIES, ids=[a[0] for a in QUERIES])
def test_every_query_command_writes_json_lines_one_object_a_line(ok, args):
    out = ok(*args, "--format", "jsonl")
    lines = out.splitlines()
    assert lines, out
    assert all(isinstance(json.loads(line), dict) for line in lines)


@pytest.mark.parametrize("args", QUERIES, ids=[a[0] for a in QUERIES])
def test_every_query_command_writes_tsv_with_one_line_a_row(ok, args):
    out = ok(*args, "--format", "tsv")
    header, *rows = out.splitlines()
    width = len(header.split("\t"))
    assert all(len(r.split("\t")) == width for r in rows), out[:500]


def test_a_piped_table_is_plain_aligned_rows_at_full_width(ok):
    out = ok("log", "--subject", "SCO")
    assert not any(c in out for c in "┃│━─┏┡└"), out[:300]
    assert "…" not in out
    lines = out.splitlines()
    header, rule = lines[0], lines[1]
    assert header.split()[:3] == ["id", "date", "subject"]
    assert set(rule) <= {"-", " "}
    # every row's second column starts where the header's does: aligned, nothing folded
    start = header.index("date")
    ids = json.loads(ok("log", "--subject", "SCO", "--format", "json"))
    assert len(lines) == 2 + len(ids)
    for row, rec in zip(lines[2:], ids):
        assert row.startswith(rec["id"])
        assert row[start - 2 : start] == "  "


def test_overlap_lists_its_parties_in_a_csv_cell_joined_with_semicolons(ok, ok_json):
    rows = list(
        csv.DictReader(io.StringIO(ok("overlap", "CSTO", "SCO", "--from", "2010", "--to", "2010", "--format", "csv")))
    )
    as_json = ok_json("overlap", "CSTO", "SCO", "--from", "2010", "--to", "2010")
    assert rows[0]["parties"] == ";".join(as_json[0]["parties"])
    assert "[" not in rows[0]["parties"]


def test_csv_and_tsv_cells_that_a_spreadsheet_would_run_are_defused_and_numbers_are_not(ok):
    query = "SELECT '=HYPERLINK(\"x\")' AS a, '+1+cmd' AS b, '-2+3' AS c, '@SUM(A1)' AS d, -3 AS e, '-1.5e3' AS f, 'plain' AS g"
    rows = list(csv.reader(io.StringIO(ok("sql", query, "--format", "csv"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "'+1+cmd", "'-2+3", "'@SUM(A1)", "-3", "-1.5e3", "plain"]
    tsv = ok("sql", query, "--format", "tsv").splitlines()[1].split("\t")
    assert tsv == rows[1]
    # JSON is data, not a spreadsheet: as it is
    assert json.loads(ok("sql", query, "--format", "json"))[0]["a"] == '=HYPERLINK("x")'


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_input_is_read_with_a_comma_a_semicolon_or_a_tab(ok, tmp_path, delimiter):
    records = [founded("ORG"), participation("org-kaz", "joined", "KAZ", "1995-05-01")]
    cols = ["id", "date", "subject", "kind", "party", "name", "subject_kind", "sources"]
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(cols)
        for r in records:
            w.writerow([json.dumps(r[c]) if c == "sources" else r.get(c, "") for c in cols])
    assert json.loads(ok("members", "ORG", "--on", "2000", "--events", path, "--format", "json"))[0]["party"] == "KAZ"


@pytest.mark.parametrize("name", ["igo_year_format3.csv.gz", "events.txt", "events"])
def test_import_of_an_unknown_file_type_points_to_from(invoke, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x1f\x8b" if name.endswith(".gz") else b"x\n")
    store = tmp_path / "s.duckdb"
    assert invoke("init", "--store", store).exit_code == 0
    line = assert_one_error_line(invoke("import", path, "--store", store), "unknown file type")
    assert "--from cow-igo" in line and "--from un-treaty-status" in line


def test_a_reversed_diff_is_an_error(invoke):
    assert_one_error_line(
        invoke("diff", "SCO", "2024", "2016"), "error: diff: FROM 2024 is after TO 2016; give the earlier date first"
    )


def test_a_diff_within_one_year_is_not_reversed(ok):
    ok("diff", "SCO", "2007", "2007")
    ok("diff", "SCO", "2007-06-15", "2007")


def test_shell_completion_can_be_installed(ok):
    out = ok("--help")
    assert "--install-completion" in out and "--show-completion" in out


def test_a_usage_error_is_one_line_and_exit_2_not_a_usage_box(invoke):
    result = invoke("members", "CSTO", "--on", "2005", "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'jsonl', 'csv', 'tsv'. "
        "(see 'timeline members --help')\n"
    )


def test_notes_and_tables_show_control_characters_escaped(invoke, tmp_path):
    path = tmp_path / "e.jsonl"
    rec = founded("ESC", name="A\x1b]0;title\x07B", sources=SOURCE)
    path.write_text(json.dumps(rec) + "\n")
    result = invoke("subjects", "--events", path)
    assert result.exit_code == 0
    assert "A\\x1b]0;title\\x07B" in result.stdout
    assert "\x1b" not in result.stdout
