"""Every interchange form round-trips: record, JSON lines, the catalog format and CSV."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import any_event_records, event_logs, event_records
from timeline_engine.events.catalog_format import read_catalog, write_catalog
from timeline_engine.events.codec import event_from_record, event_to_record, read_jsonl, write_jsonl
from timeline_engine.events.csvio import read_csv, write_csv
from timeline_engine.events.errors import Problem

WRITERS = {"jsonl": (write_jsonl, read_jsonl), "tl": (write_catalog, read_catalog), "csv": (write_csv, read_csv)}


def through(fmt: str, events):
    """Write events in a format, then read them back the way a file is read (line by line)."""
    write, read = WRITERS[fmt]
    out = io.StringIO()
    assert write(events, out) == len(events)
    problems: list[Problem] = []
    back = list(read(out.getvalue().splitlines(), f"roundtrip.{fmt}", problems))
    assert problems == []
    return back


@given(event_records())
def test_a_generated_record_becomes_an_event_and_the_same_record_again(records):
    assert [event_to_record(event_from_record(r)) for r in records] == records


@given(any_event_records())
def test_any_valid_record_becomes_an_event_and_the_same_record_again(rec):
    event = event_from_record(rec)
    assert event_to_record(event) == rec
    assert event_from_record(event_to_record(event)) == event


@given(st.lists(any_event_records(), min_size=1, max_size=4), st.sampled_from(sorted(WRITERS)))
def test_any_events_read_back_equal_from_every_file_format(records, fmt):
    events = [event_from_record(r) for r in records]
    back = through(fmt, events)
    assert back == events
    assert [event_to_record(e) for e in back] == records


@given(event_logs(), st.sampled_from(sorted(WRITERS)))
def test_a_generated_log_reads_back_equal_from_every_file_format(events, fmt):
    back = through(fmt, events)
    assert back == events


@given(st.lists(any_event_records(), min_size=1, max_size=4), st.sampled_from(sorted(WRITERS)))
def test_each_event_read_back_knows_the_line_it_was_read_from(records, fmt):
    events = [event_from_record(r) for r in records]
    write, _ = WRITERS[fmt]
    out = io.StringIO()
    write(events, out)
    lines = out.getvalue().splitlines()
    for event in through(fmt, events):
        first = lines[event.origin.line - 1]
        assert event.id in first if fmt != "tl" else first == f"event {event.id}"
