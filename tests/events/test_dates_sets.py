"""EDTF sets (``[1951..1955]``: one of the years 1951 to 1955) date the COW importer's events
between two observations. Sets of two plain ISO dates take a fast path in events/dates.py; it
must mean what the ``edtf`` package means by them."""

from __future__ import annotations

import edtf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline_engine.events.dates import parse_date
from timeline_engine.events.errors import BadDate


def test_a_set_of_years_means_every_day_of_them():
    when = parse_date("[1951..1955]")
    assert (when.lo.isoformat(), when.hi.isoformat()) == ("1951-01-01", "1955-12-31")
    when = parse_date("[1990-01-01..1990-10-03]")
    assert (when.lo.isoformat(), when.hi.isoformat()) == ("1990-01-01", "1990-10-03")


@given(st.dates(), st.dates(), st.sampled_from([4, 7, 10]))
def test_the_fast_path_for_sets_agrees_with_the_edtf_package(a, b, precision):
    first, last = sorted([a, b])
    text = f"[{first.isoformat()[:precision]}..{last.isoformat()[:precision]}]"
    ours = parse_date(text)
    theirs = edtf.parse_edtf(text)
    assert (ours.lo.timetuple()[:3], ours.hi.timetuple()[:3]) == (theirs.lower_strict()[:3], theirs.upper_strict()[:3])


def test_a_set_that_runs_backwards_is_refused():
    with pytest.raises(BadDate, match="runs backwards"):
        parse_date("[1960..1955]")
