"""Imports that stream: a file imported as columns by DuckDB (``Store.import_file``) writes exactly
what the event objects of the same file write (``Store.append``), row for row and byte for byte,
and it never takes what they refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import any_event_records, event_records, mangled_records, to_events
from timeline_engine.engine.exports import export_events, read_parquet
from timeline_engine.engine.store import NotColumnar, Store
from timeline_engine.engine.store_import import drop_staging, plan_import, record_sql
from timeline_engine.events.codec import event_from_record, event_to_record, json_line
from timeline_engine.events.csvio import write_csv
from timeline_engine.events.errors import TimelineError, ValidationFailed
from timeline_engine.events.io import read_paths

NOW = datetime(2024, 1, 2, tzinfo=UTC)
STAMP = "2024-01-02T00:00:00.000000Z"
# each example writes one or two DuckDB stores (about half a second): a third of the profile's
# examples (20 on ci, 333 with HYPOTHESIS_PROFILE=thorough) keeps the module fast
FEWER = settings(max_examples=max(15, settings().max_examples // 3), suppress_health_check=[HealthCheck.too_slow])
SRC = [{"title": "Charter", "ref": "public-record:charter"}]


def _contents(store: Store):
    rows = store.con.execute("SELECT * EXCLUDE (recorded) FROM event_log ORDER BY seq").fetchall()
    spells = store.con.execute("SELECT * EXCLUDE (pos) FROM spells ORDER BY ALL").fetchall()
    in_force = store.con.execute("SELECT seq FROM spells_in_force ORDER BY seq").fetchall()
    return rows, spells, in_force


def _write(path, records) -> None:
    path.write_text("".join(json_line(r) + "\n" for r in records), encoding="utf-8")


def _imported(path) -> Store:
    store = Store.memory()
    store.import_file(path, now=NOW)
    return store


@FEWER
@given(event_records())
def test_a_file_imported_as_columns_writes_what_its_events_write(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("columns") / "log.jsonl"
    _write(path, records)
    by_objects = Store.memory()
    by_objects.append(to_events(records), now=NOW)
    assert _contents(_imported(path)) == _contents(by_objects)


@FEWER
@given(event_records(), st.integers(2, 5))
def test_a_log_imported_in_parts_gives_the_store_one_import_gives(tmp_path_factory, records, parts):
    tmp = tmp_path_factory.mktemp("parts")
    whole = tmp / "whole.jsonl"
    _write(whole, records)
    store = Store.memory()
    size = max(1, -(-len(records) // parts))
    for i in range(0, len(records), size):
        part = tmp / f"part{i}.jsonl"
        _write(part, records[i : i + size])
        try:
            store.import_file(part, now=NOW)
        except NotColumnar:  # a prefix the fold refuses (a correction before what it corrects)
            store.append(to_events(records[i : i + size]), now=NOW)
    assert _contents(store) == _contents(_imported(whole))


@FEWER
@given(any_event_records())
def test_the_record_text_written_in_sql_is_the_one_python_writes(tmp_path_factory, rec):
    path = tmp_path_factory.mktemp("text") / "one.jsonl"
    _write(path, [rec])
    store = Store.memory()
    try:
        plan_import(store.con, path, STAMP)
    except NotColumnar:
        return  # read through event objects
    try:
        (text,) = store.con.execute(f"SELECT {record_sql('recorded_text')} FROM import_rows").fetchone()
    finally:
        drop_staging(store.con)
    event = event_from_record(rec)
    expected = event_to_record(event if event.recorded else attrs.evolve(event, recorded=STAMP))
    assert json.loads(text) == expected
    # byte for byte, but for the case of hex digits in a control character's escape (\u001B)
    assert text.lower() == json.dumps(expected, ensure_ascii=False).lower()
    if "\\u00" not in text:
        assert text == json.dumps(expected, ensure_ascii=False)


@FEWER
@given(st.lists(mangled_records(), min_size=1, max_size=4))
def test_the_columnar_path_takes_nothing_the_event_objects_refuse(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("mangled") / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    store = Store.memory()
    try:
        store.import_file(path, now=NOW)
    except NotColumnar:
        assert _contents(store) == _contents(Store.memory())  # nothing written
        return
    problems: list = []
    events = read_paths([path], problems)
    assert problems == []
    by_objects = Store.memory()
    by_objects.append(events, now=NOW)
    assert _contents(store) == _contents(by_objects)


FOUNDED = {"id": "xorg-founded", "kind": "founded", "subject": "XORG", "date": "1990", "name": "X",
           "subject_kind": "organization", "sources": SRC}  # fmt: skip
JOINED = {"id": "xorg-kaz", "kind": "joined", "subject": "XORG", "party": "KAZ", "date": "1991-05", "sources": SRC}


def test_importing_the_same_file_again_adds_nothing(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [FOUNDED, JOINED])
    store = Store.memory()
    assert store.import_file(path, now=NOW) == (2, 0)
    before = _contents(store)
    assert store.import_file(path) == (0, 2)
    assert _contents(store) == before


def test_a_repeated_record_in_one_file_is_stored_once(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [FOUNDED, JOINED, JOINED])
    store = Store.memory()
    assert store.import_file(path, now=NOW) == (2, 0)
    assert store.count() == 2


def test_an_id_stored_with_other_content_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [FOUNDED])
    store = Store.memory()
    store.import_file(path, now=NOW)
    before = _contents(store)
    _write(path, [{**FOUNDED, "name": "Another name"}, JOINED])
    with pytest.raises(NotColumnar):
        store.import_file(path, now=NOW)
    assert _contents(store) == before
    with pytest.raises(ValidationFailed) as refused:
        store.append(read_paths([path], []), now=NOW)
    assert [(p.file, p.line, p.event_id) for p in refused.value.problems] == [(str(path), 1, "xorg-founded")]


def test_a_transition_the_fold_refuses_writes_nothing_and_names_its_line(tmp_path):
    path = tmp_path / "log.jsonl"
    left = {"id": "xorg-kaz-left", "kind": "withdrew", "subject": "XORG", "party": "KAZ", "date": "1989",
            "sources": SRC}  # fmt: skip
    _write(path, [FOUNDED, JOINED, left])
    store = Store.memory()
    with pytest.raises(NotColumnar):
        store.import_file(path, now=NOW)
    assert store.count() == 0
    with pytest.raises(ValidationFailed) as refused:
        store.append(read_paths([path], []), now=NOW)
    assert [(p.line, p.event_id) for p in refused.value.problems] == [(3, "xorg-kaz-left")]


def test_a_bad_line_is_left_to_the_event_objects_which_name_it(tmp_path):
    path = tmp_path / "log.jsonl"
    path.write_text(json_line(FOUNDED) + "\n" + json_line({**JOINED, "party": "Kazakhstan"}) + "\n")
    store = Store.memory()
    with pytest.raises(NotColumnar):
        store.import_file(path, now=NOW)
    problems: list = []
    read_paths([path], problems)
    assert [(p.line, p.event_id) for p in problems] == [(2, "xorg-kaz")]


def test_recorded_is_stamped_when_a_record_states_none_and_kept_when_it_does(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [FOUNDED, {**JOINED, "recorded": "2020-01-01T12:00:00+02:00"}])
    store = _imported(path)
    rows = store.con.execute("SELECT recorded_text, recorded AT TIME ZONE 'UTC' FROM event_log ORDER BY seq").fetchall()
    assert rows == [
        (STAMP, datetime(2024, 1, 2)),
        ("2020-01-01T12:00:00+02:00", datetime(2020, 1, 1, 10)),
    ]


def test_a_read_only_store_refuses_an_import(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [FOUNDED])
    Store.init(tmp_path / "s.duckdb")[0].close()
    with Store.open(tmp_path / "s.duckdb", read_only=True) as store, pytest.raises(TimelineError, match="read-only"):
        store.import_file(path)


@FEWER
@given(event_records())
def test_a_csv_file_imported_as_columns_writes_what_its_events_write(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("csv") / "log.csv"
    events = to_events(records)
    with path.open("w", encoding="utf-8", newline="") as f:
        write_csv(events, f)
    by_objects = Store.memory()
    by_objects.append(read_paths([path], []), now=NOW)
    assert _contents(_imported(path)) == _contents(by_objects)


def test_a_csv_file_with_a_semicolon_and_a_quoted_line_break_is_read_as_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "id;date;subject;kind;name;subject_kind;note;sources\n"
        'xorg-founded;1990;XORG;founded;X;organization;"two\nlines";"[{""title"": ""C"", ""ref"": ""r""}]"\n',
        encoding="utf-8",
    )
    store = _imported(path)
    assert json.loads(store.con.execute("SELECT record FROM event_log").fetchone()[0])["note"] == "two\nlines"


def test_a_csv_cell_written_as_a_json_string_is_left_to_the_python_reader(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "id,date,subject,kind,name,subject_kind,sources\n"
        'xorg-founded,1990,XORG,founded,"""X""",organization,"[{""title"": ""C"", ""ref"": ""r""}]"\n',
        encoding="utf-8",
    )
    with pytest.raises(NotColumnar):
        Store.memory().import_file(path, now=NOW)


@FEWER
@given(event_records())
def test_a_parquet_export_imported_as_columns_writes_what_its_events_write(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("parquet") / "log.parquet"
    by_objects = Store.memory()
    by_objects.append(to_events(records), now=NOW)
    export_events(by_objects.events(), "parquet", path)
    again = Store.memory()
    again.append(read_parquet(path, []), now=NOW)
    assert _contents(_imported(path)) == _contents(again) == _contents(by_objects)


def test_a_recorded_time_equal_to_the_import_stamp_is_stored_once(tmp_path):
    path = tmp_path / "log.jsonl"
    _write(path, [{**FOUNDED, "recorded": STAMP}, JOINED])
    store = _imported(path)
    assert store.con.execute("SELECT id, recorded_text FROM event_log ORDER BY seq").fetchall() == [
        ("xorg-founded", STAMP),
        ("xorg-kaz", STAMP),
    ]
