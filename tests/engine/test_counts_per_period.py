"""Counting parties per period (``stats``, ``Timeline.members_per_year``): the index's numpy
count against a plain SQL reading of the same spells, periods cut where the record's coverage
ends."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import covered_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.aggregates import members_per_period

# The reference: the spells table, one row per spell, the rule said in SQL as simply as it reads
# (a party counts in a period when some spell of the standing may touch it, and for the whole
# period when one spell certainly holds on every day of it; periods stop at the coverage).
REFERENCE = """
    WITH periods AS (
        SELECT p AS period, make_date(p, 1, 1) AS p_from, least(make_date(p + ?, 1, 1), ?::DATE) AS p_to
        FROM range(?, ?, ?) t(p) WHERE make_date(p, 1, 1) < ?::DATE
    )
    SELECT period, value AS standing,
           count(DISTINCT thing) AS any_time,
           count(DISTINCT thing) FILTER (WHERE certain_from <= p_from
                                         AND COALESCE(certain_to, DATE '9999-12-31') >= p_to) AS whole_period
    FROM periods JOIN spells s
      ON s.family = 'party' AND s.subject = ?
     AND s.possible_from < p_to AND COALESCE(s.possible_to, DATE '9999-12-31') > p_from
    GROUP BY ALL ORDER BY period, standing
"""


def _reference(tl: Timeline, sid: str, by: str, first: int, last: int) -> list[dict]:
    con, _ = tl.connection()
    covered = tl.record.coverage(sid)
    end = date(9999, 12, 31) if covered is None else covered.until + timedelta(days=1)
    step = 10 if by == "decade" else 1
    if by == "decade":
        first -= first % 10
    cur = con.execute(REFERENCE, [step, end, first, last + 1, step, end, sid])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


@settings(max_examples=40, deadline=None)
@given(covered_records(max_parties=5, max_steps=8), st.sampled_from(["year", "decade"]), st.integers(1980, 2000))
def test_stats_counts_what_the_spells_say_in_every_period_and_standing(records, by, first):
    tl = Timeline(to_events(records))
    for sid in ("ORGA", "TREA"):
        got = [dict(r) for r in members_per_period(tl, sid, by, start=first, end=2040)]
        assert got == _reference(tl, sid, by, first, 2040)


@settings(max_examples=25, deadline=None)
@given(covered_records(max_parties=5, max_steps=8))
def test_stats_of_one_standing_are_the_rows_of_that_standing(records):
    tl = Timeline(to_events(records))
    every = [dict(r) for r in members_per_period(tl, "ORGA", start=1985, end=2035)]
    for standing in ("member", "observer", "suspended"):
        one = [dict(r) for r in members_per_period(tl, "ORGA", start=1985, end=2035, standing=standing)]
        assert one == [r for r in every if r["standing"] == standing]


def test_a_standing_nobody_held_counts_nothing(log):
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2001-05-01")
    tl = log.timeline()
    assert list(members_per_period(tl, "ORG", start=2000, end=2003, standing="candidate")) == []
    assert list(members_per_period(tl, "ORG", start=2000, end=2003, standing="no-such-standing")) == []


def test_a_party_that_joined_on_1_january_held_the_whole_year(log):
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2001-05-01")
    log.party("joined", "ORG", "UZB", "2002-01-01")
    tl = log.timeline()
    assert [(r["period"], r["any_time"], r["whole_period"]) for r in members_per_period(tl, "ORG", end=2003)] == [
        (2001, 1, 0),
        (2002, 2, 2),
        (2003, 2, 2),
    ]
