"""Many days of one thing searched at once (``Track.latest_on``, what the COW export and panels
ask): the first spell ``Track.on`` gives for each day alone."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import covered_records, to_events
from timeline_engine.engine import Timeline

_days = st.lists(
    st.dates(min_value=date(1985, 1, 1), max_value=date(2040, 12, 31)).map(date.toordinal), min_size=1, max_size=30
)


@settings(max_examples=40, deadline=None)
@given(covered_records(max_parties=5, max_steps=8), _days)
def test_the_latest_spell_on_many_days_is_the_first_on_each_day(records, days):
    tl = Timeline(to_events(records))
    for sid in ("ORGA", "TREA"):
        for family in ("party", "office"):
            for track in tl.record.tracks(family, sid).values():
                alone = [hits[0][0] if (hits := track.on(day)) else None for day in days]
                assert track.latest_on(days) == alone


def test_an_earlier_spell_still_possible_is_found_behind_a_later_one_that_ended(log):
    log.organization("ORG", "1999-01-01")
    log.party("joined", "ORG", "KAZ", "2000-01-01")
    log.party("suspended", "ORG", "KAZ", "2001")  # any day of 2001: membership possibly to its end
    log.party("withdrew", "ORG", "KAZ", "2001-03-01")
    track = log.timeline().record.tracks("party", "ORG")["KAZ"]
    day = date(2001, 6, 1).toordinal()
    assert [s.value for s, _ in track.on(day)] == ["member"]
    assert [s.value if s else None for s in track.latest_on([day, date(2002, 6, 1).toordinal()])] == ["member", None]
