"""Writes fold only the subjects they touch: a store fed in several imports holds exactly what one
import of the same events gives, and folding its whole log again changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import SOURCE, event_records, to_events
from timeline_engine.engine.store import Store
from timeline_engine.events.errors import ValidationFailed

NOW = datetime(2024, 1, 2, tzinfo=UTC)
# each example writes two stores: a third of the profile's examples (20 on ci, 333 with
# HYPOTHESIS_PROFILE=thorough) keeps the module fast
FEWER = settings(max_examples=max(15, settings().max_examples // 3))


def _contents(store: Store):
    records = list(store.records())
    spells = store.con.execute("SELECT * EXCLUDE (pos) FROM spells ORDER BY ALL").fetchall()
    in_force = store.con.execute("SELECT seq FROM spells_in_force ORDER BY seq").fetchall()
    return records, spells, in_force


def _append(tmp_path, name, events, batches: int = 1):
    store, _ = Store.init(tmp_path / name)
    try:
        size = max(1, -(-len(events) // batches))
        for i in range(0, len(events), size):
            store.append(events[i : i + size], now=NOW)
        return _contents(store)
    finally:
        store.close()


@FEWER
@given(event_records(), st.integers(2, 6))
def test_imports_in_parts_write_what_one_import_writes(tmp_path_factory, records, batches):
    tmp = tmp_path_factory.mktemp("parts")
    events = to_events(records)
    assert _append(tmp, "parts.duckdb", events, batches) == _append(tmp, "whole.duckdb", events)


@FEWER
@given(event_records(), st.integers(2, 6))
def test_folding_the_whole_log_again_changes_nothing(tmp_path_factory, records, batches):
    tmp = tmp_path_factory.mktemp("again")
    events = to_events(records)
    before = _append(tmp, "s.duckdb", events, batches)
    with Store.open(tmp / "s.duckdb") as store:
        store.compile()
        assert _contents(store) == before


@FEWER
@given(event_records(), st.data())
def test_a_refused_import_names_its_problems_and_writes_nothing(tmp_path_factory, records, data):
    drop = data.draw(st.sets(st.integers(0, len(records) - 1), min_size=1, max_size=3))
    events = to_events([r for i, r in enumerate(records) if i not in drop])
    tmp = tmp_path_factory.mktemp("refused")
    store, _ = Store.init(tmp / "s.duckdb")
    with store:
        half = len(events) // 2
        try:
            store.append(events[:half], now=NOW)
        except ValidationFailed:
            return
        before = _contents(store)
        try:
            store.append(events[half:], now=NOW)
            problems = None
        except ValidationFailed as e:
            problems = e.problems
        if problems is not None:
            assert problems and all(p.event_id for p in problems)
            assert _contents(store) == before


def test_retractions_of_retractions_are_resolved_in_a_store(tmp_path):
    records = [
        {
            "id": "f",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Org",
            "subject_kind": "organization",
            "sources": SOURCE,
        },
        {"id": "j", "date": "1991-01-01", "subject": "ORG", "kind": "joined", "party": "UZB", "sources": SOURCE},
        {"id": "r1", "subject": "ORG", "kind": "retracted", "retracts": "j", "sources": SOURCE},
        {"id": "r2", "subject": "ORG", "kind": "retracted", "retracts": "r1", "sources": SOURCE},
    ]
    _stored, spells, _ = _append(tmp_path, "s.duckdb", to_events(records), 2)
    assert len(spells) == 1
