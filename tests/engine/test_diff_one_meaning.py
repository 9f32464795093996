"""One meaning of ``diff`` for every date form: from the moment just before FROM begins to the end
of TO; every change dated, with its events and sources; the events between as ``steps``."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline
from timeline_engine.events.dates import parse_date


def changes(d) -> dict[str, tuple]:
    """party -> (standing before, standing after) for every joined/left/changed row."""
    out = {r["party"]: (None, r["standing"]) for r in d.joined}
    out |= {r["party"]: (r["standing"], None) for r in d.left}
    out |= {r["party"]: (r["from"], r["to"]) for r in d.changed}
    return out


def rows(d) -> list[dict]:
    return [*d.joined, *d.left, *d.changed, *d.offices]


def test_a_diff_over_one_day_shows_india_and_pakistan_who_joined_the_sco_that_day(catalog):
    d = catalog.diff("SCO", "2017-06-09", "2017-06-09")
    assert changes(d) == {"IND": ("observer", "member"), "PAK": ("observer", "member")}
    assert [(r["party"], r["date"], r["event_ids"]) for r in d.changed] == [
        ("IND", "2017-06-09", ["sco-2017-06-09-ind-acceded"]),
        ("PAK", "2017-06-09", ["sco-2017-06-09-pak-acceded"]),
    ]


def test_a_diff_from_the_day_belarus_joined_shows_belarus(catalog):
    d = catalog.diff("SCO", "2024-07-04", "2024-12-31")
    assert changes(d)["BLR"][1] == "member"
    assert {r["party"]: r["date"] for r in rows(d) if "party" in r}["BLR"] == "2024-07-04"


def test_a_year_and_its_first_and_last_days_give_the_same_diff(catalog):
    by_days = catalog.diff("SCO", "2022-01-01", "2022-12-31").to_json()
    by_year = catalog.diff("SCO", "2022", "2022").to_json()
    assert by_year["offices"], "the SCO's offices changed hands in 2022"
    for key in ("joined", "left", "changed", "offices", "steps"):
        assert by_days[key] == by_year[key], key


def test_a_return_and_a_later_suspension_both_show_as_steps(catalog):
    d = catalog.diff("CSTO", "2005", "2013")
    uzb = [s["id"] for s in d.steps if s.get("party") == "UZB"]
    assert uzb == ["csto-2006-22-uzb-joined", "csto-2012-uzb-suspended"]
    (row,) = [r for r in d.joined if r["party"] == "UZB"]
    assert (row["standing"], row["date"], row["event_ids"]) == ("suspended", "2012", uzb)


def test_the_steps_are_the_events_between_the_two_moments_in_order(catalog):
    d = catalog.diff("SCO", "2016", "2024")
    assert d.compared == ("2015-12-31", "2024-12-31")
    firsts = [_first_day(s) for s in d.steps]
    assert firsts == sorted(firsts)
    assert all(date(2016, 1, 1) <= day <= date(2024, 12, 31) for day in firsts)
    expected = {e.id for e in catalog.events_in_force("SCO") if date(2016, 1, 1) <= e.when.lo <= date(2024, 12, 31)}
    assert {s["id"] for s in d.steps} == expected


def _first_day(step: dict) -> date:
    return parse_date(step.get("effective") or step["date"]).lo


def test_every_change_carries_the_sources_of_its_events(catalog):
    d = catalog.diff("SCO", "2016", "2024")
    by_id = {e.id: e for e in catalog.events_in_force("SCO")}
    assert rows(d)
    for r in rows(d):
        assert r["event_ids"], r
        refs = {s.ref for eid in r["event_ids"] for s in by_id[eid].sources}
        assert {s["ref"] for s in r["sources"]} == refs
        assert all(s["title"] for s in r["sources"])
        assert r["date"] == by_id[r["event_ids"][-1]].when.text


def test_office_changes_are_dated_by_the_appointment(catalog):
    d = catalog.diff("SCO", "2022", "2022")
    sg = {o["office"]: o for o in d.offices}["secretary-general"]
    assert sg["to"] == "Zhang Ming"
    (appointment,) = [e for e in catalog.events_in_force("SCO") if e.id == sg["event_ids"][-1]]
    assert (appointment.kind, appointment.holder, sg["date"]) == ("appointed", "Zhang Ming", appointment.when.text)


def test_a_diff_across_the_lineage_dates_the_departures_from_the_treaty(catalog):
    d = catalog.diff("CSTO", "1995", "2005")
    left = {r["party"]: (r["date"], r["event_ids"]) for r in d.left}
    assert left["UZB"] == ("1999", ["cst-1999-uzb-ceased"])
    assert left["AZE"] == ("1999", ["cst-1999-aze-ceased"])


def test_a_diff_whose_end_comes_before_its_start_says_so(catalog):
    d = catalog.diff("SCO", "2024", "2016")
    assert d.notes == ("2016 ends before 2024 begins: the diff runs backwards in time",)


def test_the_json_of_a_diff_keeps_the_contract_keys_and_adds_steps(catalog):
    out = catalog.diff("CSTO", "2005", "2013").to_json()
    assert list(out)[:7] == ["subject", "from", "to", "joined", "left", "changed", "offices"]
    assert out["steps"][0]["id"] == "csto-2006-22-uzb-joined"
    assert out["compared"] == {"before": "2004-12-31", "after": "2013-12-31"}


@given(event_records(max_parties=4, max_steps=6), st.integers(1991, 2030))
def test_a_year_diff_equals_the_diff_from_its_first_to_its_last_day(records, year):
    tl = Timeline(to_events(records))
    for sid in ("ORGA", "TREA"):
        by_year = tl.diff(sid, str(year), str(year)).to_json()
        by_days = tl.diff(sid, f"{year}-01-01", f"{year}-12-31").to_json()
        assert {k: v for k, v in by_year.items() if k not in ("from", "to")} == {
            k: v for k, v in by_days.items() if k not in ("from", "to")
        }


@given(event_records(max_parties=4, max_steps=6), st.dates(date(1990, 6, 1), date(2030, 12, 31)))
def test_a_one_day_diff_shows_exactly_the_parties_whose_events_begin_that_day(records, day):
    tl = Timeline(to_events(records))
    for sid in ("ORGA", "TREA"):
        d = tl.diff(sid, day.isoformat(), day.isoformat())
        moved = {e.party for e in tl.events_in_force(sid) if hasattr(e, "party") and e.when.lo == day}
        assert set(changes(d)) <= moved
        for r in [*d.joined, *d.left, *d.changed]:
            assert r["event_ids"] and all(s["id"] in r["event_ids"] or s.get("party") != r["party"] for s in d.steps)
        assert {s["id"] for s in d.steps} == {e.id for e in tl.events_in_force(sid) if e.when.lo == day}


def test_a_diff_from_before_the_organization_existed_says_the_treaty_answered(catalog):
    d = catalog.diff("CSTO", "1995", "2005")
    assert d.notes == (
        "CSTO did not exist on 1994-12-31 (founded 2002-10-07); answering for its predecessor CST "
        "(Collective Security Treaty)",
    )
