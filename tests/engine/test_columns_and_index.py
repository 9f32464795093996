"""The columnar reader (DuckDB) and the questions about every subject at once: problems with
their positions, record rules as columns, rosters and yearly counts answering as ``members`` does. (The fold's meaning on every entry path is
held to the oracle by test_conformance.py.)"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.fold import fold
from timeline_engine.engine.fold.duck import NotBulkReadable, load_records


def test_a_refused_resumption_is_named_with_its_line():
    records = [
        {
            "id": "f",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Org",
            "subject_kind": "organization",
            "sources": [{"title": "t", "ref": "r"}],
        },
        {
            "id": "r1",
            "date": "1991-01-01",
            "subject": "ORG",
            "kind": "resumed",
            "party": "UZB",
            "sources": [{"title": "t", "ref": "r"}],
        },
    ]
    [problem] = fold(load_records(records)).problems
    assert (problem.line, problem.event_id) == (2, "r1")
    assert problem.message == "cannot resume UZB: its standing is none (expected suspended) in ORG on 1991-01-01"


@settings(max_examples=30, deadline=None)
@given(
    event_records(max_parties=6, max_steps=8),
    st.lists(st.dates(min_value=date(1989, 1, 1), max_value=date(2035, 12, 31)), min_size=1, max_size=4),
)
def test_every_subjects_roster_on_a_day_is_what_members_says_of_each(records, days):
    tl = Timeline(to_events(records))
    for day in days:
        rosters = tl.rosters(day.isoformat())
        for sid in ("ORGA", "TREA"):
            answer = tl.members(sid, on=day.isoformat())
            if answer.answered_for == sid:  # a roster is of the subject itself, never its predecessor
                assert rosters.get(sid, []) == sorted(answer.parties)


@settings(max_examples=30, deadline=None)
@given(event_records(max_parties=6, max_steps=8), st.integers(min_value=1989, max_value=2030))
def test_members_per_year_counts_what_members_says_of_the_year(records, year):
    tl = Timeline(to_events(records))
    counts = {
        (r["subject"], r["year"]): (r["any_time"], r["whole_year"]) for r in tl.members_per_year(1985, 2035).rows()
    }
    for sid in ("ORGA", "TREA"):
        answer = tl.members(sid, on=str(year))
        if answer.answered_for != sid:
            continue
        held = {r.party for r in answer.rows}
        whole = {r.party for r in answer.rows if r.held_certainly == "all"}
        assert counts.get((sid, year), (0, 0)) == (len(held), len(whole))


def _founded(**more):
    return {
        "id": "f",
        "date": "1990-01-01",
        "subject": "ORG",
        "kind": "founded",
        "name": "Org",
        "subject_kind": "organization",
        "sources": [{"title": "t", "ref": "r"}],
        **more,
    }


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"kind": "joined", "party": "XYZ1"}, "party code"),
        ({"kind": "joined", "party": "UZB", "status": "observer"}, "status applies only to granted"),
        ({"kind": "granted", "party": "UZB"}, "granted needs party and status"),
        ({"kind": "appointed", "office": "Secretary General", "holder": "A"}, "slug is not valid"),
    ],
)
def test_a_record_that_breaks_a_field_rule_is_reported_with_its_position(record, problem):
    rec = {"id": "e1", "date": "1991-01-01", "subject": "ORG", "sources": [{"title": "t", "ref": "r"}], **record}
    cols = load_records([_founded(), rec])
    assert [(p.line, problem in p.message) for p in cols.record_problems] == [(2, True)]


def test_a_field_that_is_not_an_event_field_sends_the_log_to_the_python_validator():
    with pytest.raises(NotBulkReadable, match="'partyy' is not an event field"):
        load_records(
            [
                _founded(),
                {
                    "id": "e1",
                    "date": "1991",
                    "subject": "ORG",
                    "kind": "joined",
                    "partyy": "UZB",
                    "sources": [{"title": "t", "ref": "r"}],
                },
            ]
        )
