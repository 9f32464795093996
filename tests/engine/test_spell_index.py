"""The spell index that every query reads: a day's rows are the oracle's spells possibly in force
that day, a store's index saved beside it stays in step with every write, and an index that is
missing, stale or unreadable is folded again (never read wrong)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle import oracle
from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.store import Store
from timeline_engine.engine.store_index import generation, index_folder
from timeline_engine.events.io import catalog_paths, read_paths


def _expected_day_rows(spells: dict, family: str, sid: str, day: int) -> list[tuple]:
    """(thing, value, certainty) of the oracle's spells possibly in force on ``day``: per thing (by
    name), the latest spell of each value first."""
    out = []
    for (fam, subject, thing), track in sorted(spells.items()):
        if fam != family or subject != sid:
            continue
        seen = set()
        for value, *_, pf, cf, ct, pt in reversed(track):
            if pf <= day < pt and value not in seen:
                seen.add(value)
                out.append((thing, value, "certain" if cf <= day < ct else "uncertain"))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    event_records(max_parties=5, max_steps=7),
    st.lists(st.dates(min_value=date(1989, 1, 1), max_value=date(2035, 12, 31)), min_size=1, max_size=4),
)
def test_a_days_rows_are_the_oracles_spells_in_force_that_day(records, days):
    events = to_events(records)
    expected = oracle(events)
    if expected.problems:
        return
    tl = Timeline(events)
    for sid in tl.subjects_by_id:
        for day in days:
            members = tl.members(sid, on=day.isoformat(), standing="all")
            target = members.answered_for
            rows = [(r.party, r.standing, r.certainty) for r in members]
            assert rows == _expected_day_rows(expected.spells, "party", target, day.toordinal())
            assert members.parties == [r.party for r in members]
            state = tl.state(sid, on=day.isoformat())
            offices = [(r.office, (r.holder, r.nationality), r.certainty) for r in state.offices]
            assert offices == _expected_day_rows(expected.spells, "office", state.answered_for, day.toordinal())


def _catalog_store(tmp_path: Path) -> Path:
    path = tmp_path / "cat.duckdb"
    store, _ = Store.init(path)
    with store:
        store.append(read_paths(list(catalog_paths()), []))
    return path


def _questions(tl: Timeline) -> list:
    diff = tl.diff("SCO", "2017", "2017").to_json()
    diff["steps"] = [{k: v for k, v in step.items() if k != "recorded"} for step in diff["steps"]]  # a store stamps it
    return [
        tl.members("CSTO", on="2005").to_json(),
        tl.members("CSTO", on="1995-06-01").to_json(),
        tl.members("SCO", on="2017-06-09").to_json(),
        diff,
        tl.state("SCO", on="2020-01-01").to_json(),
        tl.memberships("KAZ", on="2010").to_json(),
    ]


def _answers(path: Path) -> list:
    tl = Timeline.load(store=path)
    try:
        return _questions(tl)
    finally:
        assert tl.store is not None
        assert tl.store is not None
    tl.store.close()


def test_a_store_keeps_its_index_beside_it_stamped_with_the_log_it_was_folded_from(tmp_path):
    path = _catalog_store(tmp_path)
    with Store.open(path, read_only=True) as store:
        folder, stamp = index_folder(store), generation(store)
    assert folder == Path(str(path) + ".index")
    assert json.loads((folder / "index.json").read_text())["generation"] == stamp
    assert _answers(path) == _questions(Timeline.load())  # the same index code as the catalog in memory


def test_a_missing_or_stale_index_is_folded_again_and_answers_the_same(tmp_path):
    path = _catalog_store(tmp_path)
    before = _answers(path)
    folder = Path(str(path) + ".index")
    shutil.rmtree(folder)
    assert _answers(path) == before
    assert folder.exists()  # saved again by the reader
    meta = json.loads((folder / "index.json").read_text())
    meta["generation"] = "another log"
    (folder / "index.json").write_text(json.dumps(meta))
    (folder / "pt.npy").write_bytes(b"not an array")
    assert _answers(path) == before


def test_an_index_that_cannot_be_read_is_not_trusted(tmp_path):
    path = _catalog_store(tmp_path)
    before = _answers(path)
    folder = Path(str(path) + ".index")
    (folder / "key.npy").write_bytes(b"\x93NUMPY garbage")
    assert _answers(path) == before


def test_every_write_splices_the_subjects_it_touched_into_the_saved_index(tmp_path):
    path = _catalog_store(tmp_path)
    added = tmp_path / "added.jsonl"
    record = {
        "id": "sco-2024-06-01-mng-acceded",
        "date": "2024-06-01",
        "subject": "SCO",
        "kind": "acceded",
        "party": "MNG",
        "sources": [{"title": "a test of the index", "ref": "tests/engine/test_spell_index.py"}],
    }
    added.write_text(json.dumps(record) + "\n")
    with Store.open(path) as store:
        store.append(read_paths([str(added)], []))
        stamp = generation(store)
    assert json.loads((Path(str(path) + ".index") / "index.json").read_text())["generation"] == stamp
    tl = Timeline.load(store=path)
    assert "MNG" in tl.members("SCO", on="2024-07-01").parties
    assert "MNG" not in tl.members("SCO", on="2024-05-01").parties
    assert tl.members("CSTO", on="2005").parties == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert tl.store is not None
    tl.store.close()
