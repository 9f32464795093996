"""Tenure lengths in years, months and days (pendulum), beside the day counts."""

from __future__ import annotations

import re
from datetime import date

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from timeline_engine.engine.aggregates import tenure_length, tenures

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def test_a_length_counts_whole_years_then_months_then_days():
    assert tenure_length(date(2004, 1, 15), date(2007, 1, 1)) == "2 years 11 months 17 days"
    assert tenure_length(date(2013, 1, 1), date(2014, 1, 1)) == "1 year"
    assert tenure_length(date(2020, 2, 29), date(2020, 3, 1)) == "1 day"
    assert tenure_length(date(2020, 1, 1), date(2020, 1, 1)) == "0 days"
    assert tenure_length(date(2000, 1, 2), date(2000, 4, 1)) == "2 months 30 days"  # pendulum alone: 3 months


@given(days, days)
def test_adding_the_length_to_the_start_gives_the_end(a, b):
    start, end = min(a, b), max(a, b)
    text = tenure_length(start, end)
    parts = {unit: int(n) for n, unit in re.findall(r"(\d+) (year|month|day)s?", text)}
    got = pendulum.date(start.year, start.month, start.day).add(
        years=parts.get("year", 0), months=parts.get("month", 0), days=parts.get("day", 0)
    )
    assert got == end
    whole = parts.get("year", 0) * 12 + parts.get("month", 0)
    assert pendulum.date(start.year, start.month, start.day).add(months=whole + 1) > end  # the most whole months


def test_tenures_give_the_certain_length_beside_the_day_counts(log):
    log.organization("XORG", "2000")
    log.add("appointed", "XORG", "2004-01-15", office="secretary-general", holder="A. Person")
    log.add("appointed", "XORG", "2007", office="secretary-general", holder="B. Person")
    rows = tenures(log.timeline(), "XORG", "secretary-general")
    assert [(r["holder"], r["days_at_least"], r["length"]) for r in rows] == [
        ("A. Person", 1082, "2 years 11 months 17 days"),
        ("B. Person", None, None),
    ]


def test_a_persons_history_gives_the_length_of_each_ended_term(log, write_events):
    import json

    from typer.testing import CliRunner

    from timeline_engine.cli.app import app

    log.organization("XORG", "2000")
    log.add("appointed", "XORG", "2004-01-15", office="secretary-general", holder="A. Person")
    log.add("appointed", "XORG", "2007", office="secretary-general", holder="B. Person")
    path = write_events(log.records)
    for who, length in (("A. Person", "2 years 11 months 17 days"), ("B. Person", None)):
        result = CliRunner().invoke(app, ["history", who, "--events", str(path), "--format", "json"])
        assert result.exit_code == 0, result.output
        (row,) = json.loads(result.stdout)
        assert row.get("length") == length
