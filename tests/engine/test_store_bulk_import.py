"""Large imports into a store are checked by the bulk path: same store, same refusals."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import SOURCE, event_records, to_events
from timeline_engine.engine.store import Store
from timeline_engine.events.errors import ValidationFailed

NOW = datetime(2024, 1, 2, tzinfo=UTC)
# each example writes two stores: half the profile's examples keeps the module fast
HALF = settings(max_examples=max(20, settings().max_examples // 2))


def _contents(store: Store):
    records = list(store.records())
    spells = store.con.execute("SELECT * EXCLUDE (pos) FROM spells ORDER BY ALL").fetchall()
    return records, spells


def _append(tmp_path, name, events, threshold):
    store, _ = Store.init(tmp_path / name)
    before = Store.BULK_THRESHOLD
    Store.BULK_THRESHOLD = threshold
    try:
        result = store.append(events, now=NOW)
        return result, _contents(store)
    finally:
        Store.BULK_THRESHOLD = before
        store.close()


@HALF
@given(event_records())
def test_a_bulk_checked_import_writes_what_the_python_checked_one_writes(tmp_path_factory, records):
    tmp = tmp_path_factory.mktemp("bulk")
    events = to_events(records)
    assert _append(tmp, "bulk.duckdb", events, 0) == _append(tmp, "py.duckdb", events, 10**9)


@HALF
@given(event_records(), st.data())
def test_a_bulk_checked_import_refuses_what_the_python_checked_one_refuses(tmp_path_factory, records, data):
    drop = data.draw(st.sets(st.integers(0, len(records) - 1), min_size=1, max_size=3))
    events = to_events([r for i, r in enumerate(records) if i not in drop])
    tmp = tmp_path_factory.mktemp("bulk")
    outcomes = []
    for name, threshold in (("bulk.duckdb", 0), ("py.duckdb", 10**9)):
        try:
            outcomes.append(("added", _append(tmp, name, events, threshold)))
        except ValidationFailed as e:
            outcomes.append(("refused", [str(p) for p in e.problems]))
            with Store.open(tmp / name) as store:
                assert store.count() == 0
    assert outcomes[0] == outcomes[1]


def test_retractions_of_retractions_are_checked_in_python(tmp_path):
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
    result, (_stored, spells) = _append(tmp_path, "s.duckdb", to_events(records), 0)
    assert result.added == 4 and len(spells) == 1
