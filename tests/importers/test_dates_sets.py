"""EDTF sets (``[1951..1955]``: one of the years 1951 to 1955) date the COW importer's events
between two observations. events/dates.py reads them through the ``edtf`` package, which takes
some 35 ms per date: a store re-reading the ~3,900 set-dated COW events spends minutes on it."""

from __future__ import annotations

import time

import pytest

from events.dates import parse_date


def test_a_set_of_years_means_every_day_of_them():
    when = parse_date("[1951..1955]")
    assert (when.lo.isoformat(), when.hi.isoformat()) == ("1951-01-01", "1955-12-31")
    when = parse_date("[1990-01-01..1990-10-03]")
    assert (when.lo.isoformat(), when.hi.isoformat()) == ("1990-01-01", "1990-10-03")


@pytest.mark.xfail(strict=True, reason="events/dates.py parses '[A..B]' sets with the edtf package (~35 ms each); "
                                       "a fast path for sets of two plain ISO dates would take microseconds")
def test_reading_set_dates_is_fast():
    parse_date("[1901..1902]")  # the edtf package is imported on first use
    texts = [f"[{1900 + i}..{1905 + i}]" for i in range(20)]
    started = time.perf_counter()
    for text in texts:
        parse_date(text)
    assert time.perf_counter() - started < 0.2
