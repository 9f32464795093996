"""Events as CSV: one row per event; problems name their line."""

from __future__ import annotations

import io
import json

import pytest

from timeline_engine.events.codec import event_from_record, event_to_record
from timeline_engine.events.csvio import CSV_COLUMNS, read_csv, write_csv
from timeline_engine.events.errors import Problem

SOURCES = json.dumps([{"title": "t", "ref": "r"}]).replace('"', '""')


def read(text: str):
    problems: list[Problem] = []
    return list(read_csv(text.splitlines(), "e.csv", problems)), problems


def row(eid: str, party: str = "KAZ", extra: str = "") -> str:
    return f'{eid},2001,ORG,joined,{party},"{SOURCES}"{extra}\n'


HEADER = "id,date,subject,kind,party,sources\n"


def test_a_csv_with_a_subset_of_columns_reads_each_row_as_an_event_with_its_line():
    events, problems = read(HEADER + row("e1") + "\n" + row("e2", "UZB"))
    assert problems == []
    assert [(e.id, e.party, e.origin.line) for e in events] == [("e1", "KAZ", 2), ("e2", "UZB", 4)]


def test_an_unknown_column_is_named_on_line_1():
    _, problems = read("id,date,subject,kind,party,sources,colour\n")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(1, "unknown column 'colour'")]


def test_a_missing_required_column_is_named_on_line_1():
    _, problems = read("id,date,subject,kind,party\n")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(1, "missing column 'sources'")]


def test_a_row_with_the_wrong_number_of_cells_is_a_problem_on_its_line():
    events, problems = read(HEADER + row("e1", extra=",extra") + row("e2"))
    assert [e.id for e in events] == ["e2"]
    assert [(p.line, p.message) for p in problems] == [(2, "expected 6 columns, found 7")]


def test_a_sources_cell_that_is_not_json_names_the_event():
    events, problems = read(HEADER + "e1,2001,ORG,joined,KAZ,[oops\n")
    assert events == []
    assert [(p.line, p.event_id) for p in problems] == [(2, "e1")]
    assert "column 'sources' is not a JSON list" in problems[0].message


def test_a_bad_record_names_its_line_and_event():
    _, problems = read(HEADER + row("e1", party="Kazakhstan"))
    assert [str(p).split(" is not")[0] for p in problems] == ["e.csv:2: event e1: party 'Kazakhstan'"]


def test_a_cell_that_spans_lines_the_spreadsheet_way_is_read_with_its_line_break():
    text = (
        "id,date,subject,kind,party,sources,note\n"
        + f'e1,2001,ORG,joined,KAZ,"{SOURCES}","two\nlines"\n'
        + row("e2").rstrip("\n")
        + ",\n"
    )
    events, problems = read(text)
    assert problems == []
    assert [(e.id, e.note, e.origin.line) for e in events] == [("e1", "two\nlines", 2), ("e2", None, 4)]


@pytest.mark.parametrize(
    "note", ["two\nlines", "cr\rlf\r\n", "sep\u2028arator", '"starts with a quote', "plain, with a comma"]
)
def test_every_note_reads_back_exactly_and_each_event_stays_on_one_line(note):
    rec = {
        "id": "e1",
        "date": "2001",
        "subject": "ORG",
        "kind": "joined",
        "party": "KAZ",
        "sources": [{"title": "t", "ref": "r", "page": 3}],
        "note": note,
    }
    out = io.StringIO()
    assert write_csv([event_from_record(rec)], out) == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0] == ",".join(CSV_COLUMNS)
    events, problems = read(out.getvalue())
    assert problems == []
    assert [event_to_record(e) for e in events] == [rec]
