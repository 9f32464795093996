"""The COW-to-ISO code table and the state system: every COW state has a code on every day,
codes are what their basis says, and historical states get ISO 3166-3 codes."""

from __future__ import annotations

from datetime import date

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.datasets.conftest import COW_STATES
from timeline_engine.engine.datasets.cow_events import window_text
from timeline_engine.engine.datasets.cow_states import (
    CodePeriod,
    CowDataError,
    StateSystem,
    SystemSpell,
    read_code_table,
    read_states,
)
from timeline_engine.events.dates import parse_date
from timeline_engine.events.errors import UnknownParty
from timeline_engine.events.parties import USER_ASSIGNED, PartyNames, party_name, resolve_party


@pytest.fixture(scope="module")
def system():
    return StateSystem.load(COW_STATES)


def day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def test_every_cow_state_column_has_a_code(system):
    assert set(read_states(COW_STATES)) and {s.column for s in read_states(COW_STATES)} == set(system.periods)
    assert len(system.periods) == 217


def test_codes_are_what_their_basis_says():
    for p in read_code_table():
        if p.basis == "ISO 3166-1":
            assert pycountry.countries.get(alpha_3=p.iso3) is not None, p
        elif p.basis == "ISO 3166-3":
            assert p.iso3 in {c.alpha_3 for c in pycountry.historic_countries}, p
        else:
            assert USER_ASSIGNED.match(p.iso3) and p.name, p


@pytest.mark.parametrize(
    ("column", "on", "code"),
    [
        ("russia", "1900-06-01", "RUS"),
        ("russia", "1970-06-01", "SUN"),
        ("russia", "1991-12-25", "SUN"),
        ("russia", "1991-12-26", "RUS"),
        ("yugoslaviaserb", "1960-01-01", "YUG"),
        ("yugoslaviaserb", "2004-01-01", "SCG"),
        ("yugoslaviaserb", "2010-01-01", "SRB"),
        ("vietnam", "1970-01-01", "VDR"),
        ("vietnam", "1980-01-01", "VNM"),
        ("svietnam", "1970-01-01", "XSV"),
        ("czechoslovakia", "1980-01-01", "CSK"),
        ("egermany", "1980-01-01", "DDR"),
        ("wgermany", "1980-01-01", "DEU"),
        ("germany", "1995-01-01", "DEU"),
        ("nyemen", "1980-01-01", "YEM"),
        ("syemen", "1980-01-01", "YMD"),
        ("kosovo", "2010-01-01", "XKX"),
        ("zaire", "1980-01-01", "COD"),
        ("bavariaelect", "1850-01-01", "XBV"),
    ],
)
def test_a_column_stands_for_the_code_of_its_day(system, column, on, code):
    assert system.code_on(column, day(on)) == code


def test_an_observation_day_is_the_last_day_in_the_system(system):
    assert system.observed_day("germany", 1945) == (day("1945-05-08"), "DEU")
    assert system.observed_day("usa", 1990) == (day("1990-12-31"), "USA")
    assert system.observed_day("egermany", 1995) == (day("1995-12-31"), "DDR")  # never in it that year
    assert system.observed_day("russia", 1991) == (day("1991-12-31"), "RUS")


def test_a_party_exists_across_the_columns_that_share_its_code(system):
    deu = [
        (date.fromordinal(s.start).isoformat(), date.fromordinal(s.end).isoformat()) for s in system.party_spells("DEU")
    ]
    assert deu == [("1816-01-01", "1945-05-08"), ("1955-05-05", "2016-12-31")]
    assert not system.exists_in_year("SUN", 1992) and system.exists_in_year("SUN", 1991)


def test_user_assigned_codes_are_known_by_name_in_the_record_that_names_them(system):
    names = system.user_assigned_names()
    assert names["XBV"] == "Bavaria"
    parties = PartyNames(names)
    assert parties.resolve("Bavaria") == "XBV"
    assert parties.name("XKX") == "Kosovo"


def test_naming_codes_in_one_record_changes_nothing_for_the_rest_of_the_process(system):
    PartyNames(system.user_assigned_names())
    assert party_name("XKX") == "XKX"
    with pytest.raises(UnknownParty):
        resolve_party("Bavaria")


def test_the_plain_rows_give_the_same_system_back(system):
    again = StateSystem.from_rows(system.to_rows())
    for column in ("russia", "germany", "uzbekistan"):
        for year in (1900, 1945, 1990, 1991, 2006):
            assert again.observed_day(column, year) == system.observed_day(column, year)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("xx,1,A,A,XAB,,,user-assigned,,", r":2: a user-assigned code must be X\?\?"),
        ("xx,1,A,A,ZZZ,,,ISO 3166-1,,", r":2: 'ZZZ' is not an ISO 3166-1 alpha-3 code"),
        ("xx,1,A,A,USA,,,ISO 9999,,", r":2: basis must be one of"),
        ("xx,1,A,A,USA,1990-13-01,,ISO 3166-1,,", r"expected an ISO date such as 1991-12-26, found '1990-13-01'"),
    ],
)
def test_a_bad_code_table_row_is_refused_with_its_line(tmp_path, line, message):
    path = tmp_path / "codes.csv"
    path.write_text("column,ccode,stateabb,statenme,iso3,valid_from,valid_to,basis,name,note\n" + line + "\n")
    with pytest.raises(CowDataError, match=message):
        read_code_table(path)


def test_periods_with_a_gap_are_refused():
    periods = [
        CodePeriod("x", "RUS", 1, day("1990-01-01")),
        CodePeriod("x", "SUN", day("1990-01-03"), date(9999, 12, 31).toordinal()),
    ]
    with pytest.raises(CowDataError, match="must start the day after RUS ends"):
        StateSystem(periods, [SystemSpell("x", day("1900-01-01"), day("2000-01-01"))])


def test_a_state_without_a_code_is_refused():
    with pytest.raises(CowDataError, match="no ISO code for the COW state column"):
        StateSystem([], [SystemSpell("atlantis", 1, 2)])


@settings(max_examples=12, deadline=None)  # EDTF sets go through the slow edtf package
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 4000))
def test_a_window_reads_back_as_the_same_days(lo, length):
    hi = date.fromordinal(min(lo.toordinal() + length, date(2030, 12, 31).toordinal()))
    parsed = parse_date(window_text(lo, hi))
    assert (parsed.lo, parsed.hi) == (lo, hi)


@pytest.mark.parametrize(
    ("lo", "hi", "text"),
    [
        ("1975-01-01", "1975-12-31", "1975"),
        ("1951-01-01", "1955-12-31", "[1951..1955]"),
        ("1991-12-26", "1991-12-26", "1991-12-26"),
        ("1990-01-01", "1990-10-03", "[1990-01-01..1990-10-03]"),
        ("2006-06-01", "2006-06-30", "2006-06"),
    ],
)
def test_windows_take_the_plainest_edtf(lo, hi, text):
    assert window_text(date.fromisoformat(lo), date.fromisoformat(hi)) == text
