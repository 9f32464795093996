"""The two paths have one meaning: spells compiled by SQL in DuckDB equal the Python replay's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import SOURCE, days, event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.store import Store

# each example writes a DuckDB store and folds the log twice: half the profile's examples (30 on
# ci, 500 with HYPOTHESIS_PROFILE=thorough); tests/engine/test_conformance.py compares stores
# with the oracle as well
HALF = settings(max_examples=max(20, settings().max_examples // 2))


def _spells(tracks):
    return {
        thing: [
            (
                s.value,
                s.since,
                s.until,
                s.event_id,
                s.next_event_id,
                s.possible_from,
                s.certain_from,
                s.certain_to,
                s.possible_to,
            )
            for s in track.spells
        ]
        for thing, track in tracks.items()
    }


def _assert_same_index(mem: Timeline, sql: Timeline):
    assert set(mem.subjects_by_id) == set(sql.subjects_by_id)
    for sid in mem.subjects_by_id:
        assert _spells(mem.party_tracks(sid)) == _spells(sql.party_tracks(sid))
        assert _spells(mem.office_tracks(sid)) == _spells(sql.office_tracks(sid))
        assert _spells(mem.body_tracks(sid)) == _spells(sql.body_tracks(sid))


@HALF
@given(event_records())
def test_sql_spells_equal_python_spells_on_random_logs(records):
    events = to_events(records)
    with Store.memory(events) as store:
        _assert_same_index(Timeline(events), Timeline.from_store(store))


@HALF
@given(event_records(), days, st.sampled_from(["day", "month", "year"]))
def test_store_answers_equal_replay_answers(records, day, precision):
    events = to_events(records)
    on = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[precision]
    with Store.memory(events) as store:
        mem, sql = Timeline(events), Timeline.from_store(store)
        for sid in ("ORGA", "TREA"):
            assert mem.members(sid, on, standing="all").to_json() == sql.members(sid, on, standing="all").to_json()
            assert mem.state(sid, on).to_json() == sql.state(sid, on).to_json()


@st.composite
def edited_logs(draw):
    """A valid log recorded over time, with later retractions and corrections."""
    records = draw(event_records(offices=False))
    base = datetime(2020, 1, 1, tzinfo=UTC)
    for i, r in enumerate(records):
        r["recorded"] = (base + timedelta(days=i)).isoformat().replace("+00:00", "Z")
    t = len(records)
    participation = [r for r in records if "party" in r]
    n = draw(st.integers(0, min(3, len(participation))))
    # Retract the latest events of some parties (the log stays valid), in layers.
    by_party = {}
    for r in participation:
        by_party.setdefault((r["subject"], r["party"]), []).append(r)
    targets = [v[-1] for v in by_party.values()][:n]
    for j, target in enumerate(targets):
        t += 1
        rid = f"r{j}"
        records.append(
            {
                "id": rid,
                "kind": "retracted",
                "subject": target["subject"],
                "retracts": target["id"],
                "sources": SOURCE,
                "recorded": (base + timedelta(days=t)).isoformat().replace("+00:00", "Z"),
            }
        )
        if draw(st.booleans()):
            t += 1
            records.append(
                {
                    "id": f"rr{j}",
                    "kind": "retracted",
                    "subject": target["subject"],
                    "retracts": rid,
                    "sources": SOURCE,
                    "recorded": (base + timedelta(days=t)).isoformat().replace("+00:00", "Z"),
                }
            )
    # Correct a founding's name: a correction replaces the whole event.
    if draw(st.booleans()):
        t += 1
        f = dict(records[0])
        f.update(
            id="orga-founded-fix",
            name="Subject ORGA (corrected)",
            corrects=records[0]["id"],
            recorded=(base + timedelta(days=t)).isoformat().replace("+00:00", "Z"),
        )
        records.append(f)
    as_known = base + timedelta(days=draw(st.integers(0, t + 1)), hours=12)
    return records, as_known


@settings(max_examples=40)
@given(edited_logs())
def test_sql_spells_equal_python_spells_as_known(case):
    records, as_known = case
    events = to_events(records)
    with Store.memory(events) as store:
        _assert_same_index(Timeline(events, as_known=as_known), Timeline.from_store(store, as_known=as_known))
        _assert_same_index(Timeline(events), Timeline.from_store(store))


@st.composite
def dissolved_logs(draw):
    """A valid log whose organization is dissolved on a day or in a year, possibly amid its last events."""
    records = draw(event_records())
    last = max(
        date.fromisoformat(r["date"][:4] + "-01-01")
        if len(r["date"]) == 4
        else date.fromisoformat(r["date"] + "-01" if len(r["date"]) == 7 else r["date"])
        for r in records
        if r["subject"] == "ORGA"
    )
    day = last + timedelta(days=draw(st.integers(0, 3000)))
    text = draw(st.sampled_from([day.isoformat(), day.isoformat()[:4]]))
    records.append({"id": "orga-dissolved", "date": text, "subject": "ORGA", "kind": "dissolved", "sources": SOURCE})
    return records


@HALF
@given(dissolved_logs(), days)
def test_a_dissolution_ends_the_same_spells_in_sql_and_in_python(records, day):
    events = to_events(records)
    with Store.memory(events) as store:
        mem, sql = Timeline(events), Timeline.from_store(store)
        _assert_same_index(mem, sql)
        assert mem.state("ORGA", day.isoformat()).to_json() == sql.state("ORGA", day.isoformat()).to_json()
        gone = mem.subject("ORGA").dissolved.when.hi
        assert mem.members("ORGA", (gone + timedelta(days=1)).isoformat(), standing="all").rows == ()
