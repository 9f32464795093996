"""EDTF dates are intervals of days; bad dates say which part failed."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest

from timeline_engine.events.dates import OPEN_END, OPEN_START, parse_date, parse_instant, parse_period
from timeline_engine.events.errors import BadDate, TimelineError


@pytest.mark.parametrize(
    "text, lo, hi",
    [
        ("1992-05-15", date(1992, 5, 15), date(1992, 5, 15)),
        ("2012-06", date(2012, 6, 1), date(2012, 6, 30)),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29)),
        ("2011-02", date(2011, 2, 1), date(2011, 2, 28)),
        ("1993", date(1993, 1, 1), date(1993, 12, 31)),
        ("2006-21", date(2006, 3, 1), date(2006, 5, 31)),
        ("2006-22", date(2006, 6, 1), date(2006, 8, 31)),
        ("2006-23", date(2006, 9, 1), date(2006, 11, 30)),
        ("2006-24", date(2006, 12, 1), date(2007, 2, 28)),
        ("2007-24", date(2007, 12, 1), date(2008, 2, 29)),
    ],
)
def test_a_date_covers_every_day_from_its_first_to_its_last(text, lo, hi):
    when = parse_date(text)
    assert (when.lo, when.hi) == (lo, hi)
    assert when.text == text
    assert when.is_day == (lo == hi)


def test_winter_2006_runs_into_february_2007():
    winter = parse_date("2006-24")
    assert winter.lo == date(2006, 12, 1)
    assert winter.hi == date(2007, 2, 28)


def test_an_uncertain_year_widens_to_the_neighbouring_years():
    when = parse_date("2012?")
    assert (when.lo, when.hi) == (date(2011, 1, 1), date(2013, 12, 31))
    assert when.text == "2012?"


def test_an_approximate_year_widens_to_the_neighbouring_years():
    when = parse_date("2007~")
    assert (when.lo, when.hi) == (date(2006, 1, 1), date(2008, 12, 31))


def test_uncertain_and_approximate_widens_twice_as_far():
    when = parse_date("2007%")
    assert (when.lo, when.hi) == (date(2005, 1, 1), date(2009, 12, 31))


@pytest.mark.parametrize("text", ["2005-06?", "2005-02~", "2004-12%"])
def test_a_qualified_month_covers_the_month_and_ends_on_a_last_day_of_month(text):
    when = parse_date(text)
    year, month = int(text[:4]), int(text[5:7])
    assert when.lo <= date(year, month, 1)
    assert when.hi >= date(year, month, calendar.monthrange(year, month)[1])
    assert when.lo.day == 1
    assert when.hi.day == calendar.monthrange(when.hi.year, when.hi.month)[1]


def test_a_qualified_day_covers_the_day_and_its_neighbours():
    when = parse_date("2004-06-11?")
    assert when.lo < date(2004, 6, 10) and when.hi > date(2004, 6, 12)


@pytest.mark.parametrize(
    "text, lo, hi",
    [
        ("199X", date(1990, 1, 1), date(1999, 12, 31)),
        ("19XX", date(1900, 1, 1), date(1999, 12, 31)),
        ("2004-XX", date(2004, 1, 1), date(2004, 12, 31)),
        ("1985-04-XX", date(1985, 4, 1), date(1985, 4, 30)),
    ],
)
def test_unspecified_digits_cover_every_value_they_could_take(text, lo, hi):
    when = parse_date(text)
    assert (when.lo, when.hi) == (lo, hi)


def test_surrounding_spaces_are_not_part_of_the_date():
    assert parse_date(" 2005 ").text == "2005"


@pytest.mark.parametrize(
    "text, lo, hi",
    [
        ("2004/2006", date(2004, 1, 1), date(2006, 12, 31)),
        ("2004-06/2004-08-15", date(2004, 6, 1), date(2004, 8, 15)),
        ("../2019", OPEN_START, date(2019, 12, 31)),
        ("2004/..", date(2004, 1, 1), OPEN_END),
        ("2006-24/2007", date(2006, 12, 1), date(2007, 12, 31)),
        ("2005", date(2005, 1, 1), date(2005, 12, 31)),
    ],
)
def test_a_period_runs_from_the_first_day_of_its_start_to_the_last_day_of_its_end(text, lo, hi):
    when = parse_period(text)
    assert (when.lo, when.hi) == (lo, hi)
    assert when.text == text


def test_an_interval_is_not_a_date_of_one_event():
    with pytest.raises(BadDate, match="two events"):
        parse_date("2004/2006")


def test_a_period_that_ends_before_it_starts_names_both_ends():
    with pytest.raises(BadDate, match=r"start 2007 is after its end 2005"):
        parse_period("2007/2005")


@pytest.mark.parametrize(
    "text, part",
    [
        ("2005-13", "month 13 is not 01-12"),
        ("2005-00", "month 00 is not 01-12"),
        ("2005-04-31", "day 31 does not exist in 2005-04"),
        ("2005-02-29", "day 29 does not exist in 2005-02"),
        ("1900-02-29", "day 29 does not exist in 1900-02"),
        ("2005-13?", "month 13 is not 01-12"),
        ("2005-04-31~", "day 31 does not exist in 2005-04"),
        ("0000", "year 0000"),
        ("9999-24", "winter 9999 runs into 10000"),
        ("9999?", "outside the years 0001-9999"),
        ("2006-22?", "a season cannot be qualified"),
        ("garbage", "not EDTF"),
        ("2005-6-1", "not EDTF"),
        ("", "empty date"),
    ],
)
def test_a_bad_date_names_the_part_that_failed(text, part):
    with pytest.raises(BadDate) as caught:
        parse_date(text)
    assert part in str(caught.value)
    if text:
        assert repr(text.strip()) in str(caught.value)


def test_a_bad_date_shows_what_a_good_one_looks_like():
    with pytest.raises(BadDate, match=r"expected EDTF such as 1992-05-15"):
        parse_date("garbage")


def test_a_day_that_does_not_exist_says_how_long_the_month_is():
    with pytest.raises(BadDate, match=r"30 days"):
        parse_date("2005-04-31")


@pytest.mark.parametrize(
    "text, part",
    [
        ("2004/2005-13", "its end '2005-13' is not a date"),
        ("2005-04-31/2006", "its start '2005-04-31' is not a date"),
        ("2005/garbage", "its end 'garbage' is not a date"),
        ("1/2/3", "expected START/END"),
    ],
)
def test_a_bad_period_names_the_end_that_failed(text, part):
    with pytest.raises(BadDate) as caught:
        parse_period(text)
    assert part in str(caught.value)


def test_a_bad_date_is_a_timeline_error_and_a_value_error():
    with pytest.raises(TimelineError):
        parse_date("2005-13")
    with pytest.raises(ValueError):
        parse_date("2005-13")


def test_a_recorded_date_alone_means_the_end_of_that_day_in_utc():
    assert parse_instant("2020-01-01") == datetime(2020, 1, 1, 23, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-01-01T10:00:00Z", datetime(2020, 1, 1, 10, tzinfo=UTC)),
        ("2020-01-01T10:00:00+02:00", datetime(2020, 1, 1, 8, tzinfo=UTC)),
        ("2020-01-01T10:00:00", datetime(2020, 1, 1, 10, tzinfo=UTC)),
    ],
)
def test_a_recorded_date_time_is_read_as_utc(text, expected):
    assert parse_instant(text) == expected


def test_a_bad_recorded_time_says_what_is_expected():
    with pytest.raises(BadDate, match="expected ISO 8601"):
        parse_instant("last tuesday-ish")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-01-01T10:00:00.250+05:30", datetime(2020, 1, 1, 4, 30, 0, 250000, tzinfo=UTC)),
        ("20200101T100000Z", datetime(2020, 1, 1, 10, tzinfo=UTC)),
        ("2020-01-01t10:00:00z", datetime(2020, 1, 1, 10, tzinfo=UTC)),
        ("2020-01-01 10:00", datetime(2020, 1, 1, 10, tzinfo=UTC)),
        ("2020-W01-3T10:00Z", datetime(2020, 1, 1, 10, tzinfo=UTC)),
        ("2020-001T10:00:00+01:00", datetime(2020, 1, 1, 9, tzinfo=UTC)),
        ("2020-01-01T10:00:00,5Z", datetime(2020, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_pendulum_reads_iso_8601_date_times_in_every_form(text, expected):
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    "text", ["2020-01-01T25:00", "P1Y", "10:00", "2020-13", "9999-12-31T23:59:59-05:00", "", "2020W01", "2020-001"]
)
def test_what_is_not_an_instant_gets_the_same_one_line_message(text):
    with pytest.raises(BadDate) as e:
        parse_instant(text)
    assert str(e.value) == f"bad date-time {text!r}: expected ISO 8601 such as 2024-05-01 or 2024-05-01T12:00:00Z"


def test_a_bare_date_does_not_import_pendulum():
    import subprocess
    import sys

    code = (
        "import sys; from timeline_engine.events.dates import parse_instant; parse_instant('2020-01-01'); "
        "print('pendulum' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
