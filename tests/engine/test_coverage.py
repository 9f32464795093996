"""Coverage: how far the record speaks for a subject (``attested``), and what answers say beyond it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import covered_records, event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.aggregates import members_per_period
from timeline_engine.engine.store import Store
from timeline_engine.events.errors import ValidationFailed


@pytest.fixture
def org(log):
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2001-05-01")
    log.party("joined", "ORG", "UZB", "2003-05-01")
    log.party("withdrew", "ORG", "UZB", "2005-05-01")
    log.add("appointed", "ORG", "2002-01-01", office="secretary-general", holder="Ann")
    return log


def row(answer, party):
    return next(r for r in answer.rows if r.party == party)


def test_a_standing_in_force_after_the_coverage_is_unattested_with_the_last_day_covered(org):
    org.add("attested", "ORG", "2014")
    tl = org.timeline()
    later = row(tl.members("ORG", on="2020-06-01"), "KAZ")
    assert (later.certainty, later.attested_until) == ("unattested", "2014-12-31")
    assert later.to_json()["attested_until"] == "2014-12-31"
    assert row(tl.members("ORG", on="2014-12-31"), "KAZ").certainty == "certain"
    assert row(tl.members("ORG", on="2014-12-31"), "KAZ").attested_until is None


def test_a_date_after_every_record_gets_a_note(org):
    attested = org.add("attested", "ORG", "2014")
    notes = org.timeline().members("ORG", on="2020").notes
    assert notes == (
        f"2020 is after the last day the record covers for ORG (2014-12-31, attested by {attested['id']}): "
        "standings in force then are shown as unattested",
    )


def test_a_period_running_past_the_coverage_marks_only_what_was_still_held(org):
    org.add("attested", "ORG", "2005-06-30")
    answer = org.timeline().members("ORG", on="2005")
    assert row(answer, "KAZ").certainty == "unattested"
    assert row(answer, "UZB").certainty == "certain"  # it left within what the record covers
    assert answer.notes[-1] == (
        "2005 runs past the last day the record covers for ORG (2005-06-30): "
        "standings held after it are shown as unattested"
    )


def test_a_subject_without_an_attestation_is_not_bounded(org):
    assert row(org.timeline().members("ORG", on="2100-01-01"), "KAZ").certainty == "certain"


def test_an_event_after_the_coverage_is_refused_naming_the_attestation(org):
    attested = org.add("attested", "ORG", "2014")
    late = org.party("withdrew", "ORG", "KAZ", "2016-01-01")
    with pytest.raises(ValidationFailed) as refused:
        org.timeline()
    (problem,) = refused.value.problems
    assert problem.event_id == late["id"]
    assert problem.message == (
        f"dated 2016-01-01, after the last day the record covers for ORG (2014, attested by {attested['id']}); "
        "a later 'attested' event extends it"
    )


def test_a_later_attestation_extends_the_coverage_and_an_earlier_edition_keeps_its_own(org):
    org.add("attested", "ORG", "2014", recorded="2015-01-01T00:00:00Z")
    org.add("attested", "ORG", "2017", recorded="2018-01-01T00:00:00Z")
    org.party("withdrew", "ORG", "KAZ", "2016-01-01", recorded="2018-01-01T00:00:00Z")
    now = org.timeline()
    assert now.members("ORG", on="2016-06-01").rows == ()
    then = org.timeline(as_known="2016-01-01T00:00:00Z")
    assert row(then.members("ORG", on="2016-06-01"), "KAZ").attested_until == "2014-12-31"


def test_a_retracted_attestation_bounds_nothing(org):
    attested = org.add("attested", "ORG", "2014")
    org.add("retracted", "ORG", retracts=attested["id"])
    assert row(org.timeline().members("ORG", on="2020"), "KAZ").certainty == "certain"


def test_an_attestation_before_the_founding_is_refused(log):
    log.organization("ORG", "2000-01-01")
    early = log.add("attested", "ORG", "1999")
    with pytest.raises(ValidationFailed) as refused:
        log.timeline()
    assert [p.event_id for p in refused.value.problems] == [early["id"]]


def test_a_partial_roster_says_which_parties_it_covers(org):
    attested = org.add("attested", "ORG", "2014", parties="KAZ UZB")
    answer = org.timeline().members("ORG", on="2010")
    assert row(answer, "KAZ").to_json()["coverage"] == {
        "attested_until": "2014-12-31",
        "event_id": attested["id"],
        "parties": ["KAZ", "UZB"],
    }
    assert answer.notes == (
        "the record covers ORG until 2014-12-31 only for KAZ, UZB (2 parties): others are not recorded",
    )


def test_state_carries_the_coverage_and_office_holders_beyond_it_are_unattested(org):
    attested = org.add("attested", "ORG", "2014")
    state = org.timeline().state("ORG", on="2020-01-01")
    out = state.to_json()
    assert out["coverage"] == {"attested_until": "2014-12-31", "event_id": attested["id"]}
    assert [(o["holder"], o["certainty"], o["attested_until"]) for o in out["offices"]] == [
        ("Ann", "unattested", "2014-12-31")
    ]


def test_memberships_beyond_the_coverage_are_unattested(org):
    org.add("attested", "ORG", "2014")
    (found,) = org.timeline().memberships("KAZ", on="2020-01-01").rows
    assert (found.subject, found.certainty, found.attested_until) == ("ORG", "unattested", "2014-12-31")


def test_a_diff_to_a_date_after_the_coverage_says_so(org):
    org.add("attested", "ORG", "2014")
    diff = org.timeline().diff("ORG", "2010", "2020")
    assert (
        diff.notes[-1]
        == "2020-12-31 is after the last day the record covers for ORG (2014-12-31): changes after it are not recorded"
    )


def test_members_per_year_stop_at_the_coverage(org):
    org.add("attested", "ORG", "2014-06-30")
    rows = members_per_period(org.timeline(), "ORG", by="year")
    assert max(r["period"] for r in rows) == 2014
    last = [r for r in rows if r["period"] == 2014]
    assert last == [{"period": 2014, "standing": "member", "any_time": 1, "whole_period": 1}]


def test_a_store_keeps_the_coverage_and_answers_as_the_events_do(org, tmp_path):
    org.add("attested", "ORG", "2014", parties="KAZ UZB")
    store, _ = Store.init(tmp_path / "s.duckdb")
    store.append(org.events())
    row_ = store.con.execute("SELECT subject, attested_until, parties FROM spells_coverage").fetchall()
    assert row_ == [("ORG", date(2014, 12, 31), "KAZ UZB")]
    from_store = Timeline.from_store(store)
    for on in ("2010", "2014-12-31", "2015-01-01", "2020"):
        assert from_store.members("ORG", on=on).to_json() == org.timeline().members("ORG", on=on).to_json()
    store.close()


def test_a_store_of_schema_version_2_gains_the_parties_column_and_takes_attestations(org, tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    store, _ = Store.init(path)
    store.append(org.events())
    store.close()
    con = duckdb.connect(str(path))  # as version 2 wrote it: no parties column
    con.execute("DROP VIEW events")
    con.execute("CREATE TABLE old_log AS SELECT * EXCLUDE (parties) FROM event_log")
    con.execute("DROP INDEX event_log_id")
    con.execute("DROP TABLE event_log")
    con.execute("ALTER TABLE old_log RENAME TO event_log")
    con.execute("CREATE UNIQUE INDEX event_log_id ON event_log (id)")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    store = Store.open(path)
    store.append(
        to_events(
            [
                {"id": "att", "date": "2014", "subject": "ORG", "kind": "attested", "parties": "KAZ"}
                | {"sources": [{"title": "t", "ref": "r"}]}
            ]
        )
    )
    answer = Timeline.from_store(store).members("ORG", on="2020")
    assert [(r.party, r.certainty, r.coverage["parties"]) for r in answer.rows] == [("KAZ", "unattested", ["KAZ"])]
    store.close()


def _answers(tl: Timeline, days) -> list:
    return [
        (sid, d, tl.members(sid, on=d.isoformat(), standing="all").to_json()) for sid in ("ORGA", "TREA") for d in days
    ]


@settings(max_examples=30, deadline=None)
@given(records=event_records(), gap=st.integers(0, 3000), parties=st.booleans(), data=st.data())
def test_an_attestation_after_every_event_changes_no_answer_up_to_its_date(records, gap, parties, data):
    last = max(to_events(records), key=lambda e: e.when.hi).when.hi
    attested = last + timedelta(days=gap)
    days = data.draw(st.lists(st.dates(min_value=date(1990, 1, 1), max_value=attested), min_size=1, max_size=5))
    extra = []
    for sid in ("ORGA", "TREA"):
        rec = {"id": f"{sid}-att", "date": attested.isoformat(), "subject": sid, "kind": "attested"}
        if parties:
            rec["parties"] = "KAZ UZB"
        rec["sources"] = [{"title": "t", "ref": "r"}]
        extra.append(rec)
    before, after = Timeline(to_events(records)), Timeline(to_events(records + extra))

    def strip(answers):
        return [(s, d, [{k: v for k, v in r.items() if k != "coverage"} for r in rows]) for s, d, rows in answers]

    assert strip(_answers(after, days)) == strip(_answers(before, days))


@settings(max_examples=30, deadline=None)
@given(records=covered_records(), data=st.data())
def test_no_answer_after_the_coverage_is_certain(records, data):
    tl = Timeline(to_events(records))
    for sid in ("ORGA", "TREA"):
        covered = tl.record.coverage(sid)
        if covered is None:
            continue
        day = data.draw(st.dates(min_value=covered.until + timedelta(days=1), max_value=date(2200, 1, 1)))
        for r in tl.members(sid, on=day.isoformat(), standing="all").rows:
            assert r.certainty == "unattested"
            assert r.attested_until == covered.until.isoformat()
        year = tl.members(sid, on=str(day.year), standing="all")
        assert all(r.certainty != "certain" for r in year.rows if day.year > covered.until.year)
