"""Counting parties per period (``stats``, ``Timeline.members_per_year``): the index's numpy
count against a plain SQL reading of the same spells, periods cut where the record's coverage
ends."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import covered_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.aggregates import members_per_period, overlap

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


OVERLAP_REFERENCE = """
    WITH periods AS (
        SELECT p AS period, make_date(p, 1, 1) AS p_from, least(make_date(p + ?, 1, 1), ?::DATE) AS p_to
        FROM range(?, ?, ?) t(p) WHERE make_date(p, 1, 1) < ?::DATE
    ),
    x AS (SELECT * FROM spells WHERE family = 'party' AND subject = ? AND value = ?),
    y AS (SELECT * FROM spells WHERE family = 'party' AND subject = ? AND value = ?)
    SELECT period,
           count(DISTINCT x.thing) FILTER (WHERE greatest(x.possible_from, y.possible_from, p_from)
                < least(COALESCE(x.possible_to, DATE '9999-12-31'), COALESCE(y.possible_to, DATE '9999-12-31'), p_to)) AS both_any_time,
           count(DISTINCT x.thing) FILTER (WHERE greatest(x.certain_from, y.certain_from, p_from)
                < least(COALESCE(x.certain_to, DATE '9999-12-31'), COALESCE(y.certain_to, DATE '9999-12-31'), p_to)) AS both_certain,
           list(DISTINCT x.thing ORDER BY x.thing) FILTER (WHERE greatest(x.possible_from, y.possible_from, p_from)
                < least(COALESCE(x.possible_to, DATE '9999-12-31'), COALESCE(y.possible_to, DATE '9999-12-31'), p_to)) AS parties
    FROM periods LEFT JOIN (x JOIN y ON x.thing = y.thing) ON TRUE
    GROUP BY period ORDER BY period
"""


def _end(tl: Timeline, *sids: str) -> date:
    ends = [c.until + timedelta(days=1) for c in map(tl.record.coverage, sids) if c is not None]
    return min(ends, default=date(9999, 12, 31))


def _reference(tl: Timeline, sid: str, by: str, first: int, last: int) -> list[dict]:
    con, _ = tl.connection()
    end = _end(tl, sid)
    step = 10 if by == "decade" else 1
    if by == "decade":
        first -= first % 10
    cur = con.execute(REFERENCE, [step, end, first, last + 1, step, end, sid])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


@settings(max_examples=20, deadline=None)
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


@settings(max_examples=20, deadline=None)
@given(covered_records(max_parties=5, max_steps=8), st.sampled_from(["year", "decade"]))
def test_overlap_counts_the_parties_of_both_on_a_common_day_as_the_spells_say(records, by):
    tl = Timeline(to_events(records))
    step, first = (10, 1980) if by == "decade" else (1, 1985)
    con, _ = tl.connection()
    end = _end(tl, "ORGA", "TREA")
    cur = con.execute(OVERLAP_REFERENCE, [step, end, first, 2036, step, end, "ORGA", "member", "TREA", "party"])
    cols = [d[0] for d in cur.description]
    expected = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    for row in expected:  # DuckDB's filtered list() of no row is sometimes [NULL]: nobody, said as null
        row["parties"] = [p for p in row["parties"] or () if p is not None] or None
    assert [dict(r) for r in overlap(tl, "ORGA", "TREA", by, start=first, end=2035)] == expected


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


def test_overlap_is_certain_only_where_both_standings_are_certain_on_a_common_day(log):
    log.organization("ORG", "1990-01-01")
    log.treaty("TRE", "1990-01-01")
    log.party("acceded", "TRE", "KAZ", "1990-02-01")
    log.party("withdrew", "TRE", "KAZ", "1995-06-01")
    log.party("joined", "ORG", "KAZ", "1995")  # certainly a member only from the end of 1995
    rows = {r["period"]: r for r in overlap(log.timeline(), "ORG", "TRE", start=1994, end=1996)}
    assert [(r["both_any_time"], r["both_certain"], r["parties"]) for r in rows.values()] == [
        (0, 0, None),
        (1, 0, ["KAZ"]),
        (0, 0, None),
    ]
