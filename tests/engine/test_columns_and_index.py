"""The columnar reader (DuckDB) and the party index: problems with their positions, record rules
as columns, and the index answering as the library does. (The fold's meaning on every entry path is
held to the oracle by test_conformance.py.)"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.fold import fold
from timeline_engine.engine.fold.codes import STANDINGS
from timeline_engine.engine.fold.duck import NotBulkReadable, load_records
from timeline_engine.engine.index import PartyIndex


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


@given(
    event_records(max_parties=6, max_steps=8),
    st.lists(st.dates(min_value=date(1989, 1, 1), max_value=date(2035, 12, 31)), min_size=2, max_size=6),
)
def test_bulk_members_and_diff_answer_as_the_library_on_random_logs(records, days):
    tl = Timeline(to_events(records))
    ix = PartyIndex(fold(load_records(records)).spells)
    words = ix.words
    code = {w: i for i, w in enumerate(words.tolist())}
    for sid in ("ORGA", "TREA"):
        for day in days:
            parties, certain = ix.members(code[sid], day.toordinal())
            rows = tl.members(sid, on=day.isoformat()).rows
            assert [(words[p], "certain" if c else "uncertain") for p, c in zip(parties, certain)] == [
                (r.party, r.certainty) for r in rows
            ]
        d = tl.diff(sid, days[0].isoformat(), days[1].isoformat())
        expected = sorted(
            [(r["party"], None, r["standing"]) for r in d.joined]
            + [(r["party"], r["standing"], None) for r in d.left]
            + [(r["party"], r["from"], r["to"]) for r in d.changed]
        )
        p, a, b = ix.diff(code[sid], days[0].toordinal(), days[1].toordinal())
        assert sorted((words[x], STANDINGS[y], STANDINGS[z]) for x, y, z in zip(p, a, b)) == expected


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
