"""Laws of replay on random valid logs: order of reading, prefixes by date, diff, certainty."""

from __future__ import annotations

import io
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import day_event_records, days, event_logs, event_records, to_events
from timeline_engine.engine.timeline import Timeline
from timeline_engine.events.catalog_format import read_catalog, write_catalog
from timeline_engine.events.codec import read_jsonl, write_jsonl
from timeline_engine.events.errors import Problem

SUBJECTS = ("ORGA", "TREA")


def answers(tl: Timeline, day: date) -> dict:
    """Everything a query on one day says: every standing, office and body of both subjects."""
    on = day.isoformat()
    return {sid: (tl.state(sid, on=on).to_json(), tl.members(sid, on=on).to_json()) for sid in SUBJECTS}


def without_until(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "until"} for r in rows]


def standings(tl: Timeline, sid: str, day: date) -> dict[str, str]:
    """party -> standing, taking every transition that may have happened by ``day`` as done."""
    parties = {r["party"] for r in tl.state(sid, on="../..").to_json()["members"]}
    return {p: s for p in sorted(parties) if (s := tl.standing_on(sid, p, day)) is not None}


@given(st.data(), event_records(), st.lists(days, min_size=1, max_size=4))
def test_the_order_in_which_events_are_read_does_not_change_any_answer(data, records, on):
    shuffled = data.draw(st.permutations(records))
    a, b = Timeline(to_events(records)), Timeline(to_events(shuffled, file="shuffled.jsonl"))
    for day in on:
        assert answers(a, day) == answers(b, day)
    assert answers(a, date(2031, 1, 1)) == answers(b, date(2031, 1, 1))


@given(event_logs(), days)
def test_the_state_on_a_day_is_the_replay_of_the_events_in_effect_by_that_day(events, day):
    full = Timeline(events)
    by_then = Timeline([e for e in events if e.kind == "founded" or e.when.lo <= day])
    for sid in SUBJECTS:
        a, b = full.state(sid, on=day.isoformat()).to_json(), by_then.state(sid, on=day.isoformat()).to_json()
        for part in ("members", "offices", "bodies"):
            assert without_until(a[part]) == without_until(b[part])


@given(day_event_records(), days)
def test_on_a_day_precision_log_every_answer_is_certain_and_one_per_party(records, day):
    tl = Timeline(to_events(records))
    for sid in SUBJECTS:
        rows = tl.state(sid, on=day.isoformat()).to_json()["members"]
        assert all(r["certainty"] == "certain" and "window" not in r for r in rows)
        assert len({r["party"] for r in rows}) == len(rows)
        assert {r["party"]: r["standing"] for r in rows} == standings(tl, sid, day)


def shapes(rows: list[dict]) -> list[dict]:
    """Diff rows without their date, events and sources (see test_diff_one_meaning)."""
    return [{k: v for k, v in r.items() if k not in ("date", "event_ids", "sources")} for r in rows]


@given(event_logs(), days, days)
def test_a_diff_is_the_difference_of_the_standings_just_before_its_start_and_at_its_end(events, x, y):
    tl = Timeline(events)
    start, end = min(x, y).isoformat(), max(x, y).isoformat()
    for sid in SUBJECTS:
        before, after = standings(tl, sid, min(x, y) - timedelta(days=1)), standings(tl, sid, max(x, y))
        d = {
            k: shapes(v) if k in ("joined", "left", "changed") else v
            for k, v in tl.diff(sid, start, end).to_json().items()
        }
        assert d["joined"] == [{"party": p, "standing": after[p]} for p in sorted(after) if p not in before]
        assert d["left"] == [{"party": p, "standing": before[p]} for p in sorted(before) if p not in after]
        assert d["changed"] == [
            {"party": p, "from": before[p], "to": after[p]}
            for p in sorted(before)
            if p in after and before[p] != after[p]
        ]


@given(event_logs(), st.integers(1990, 2030), st.integers(1990, 2030))
def test_a_diff_over_years_runs_from_just_before_the_first_to_the_last_day_of_the_other(events, a, b):
    tl = Timeline(events)
    a, b = min(a, b), max(a, b)
    by_year, by_day = tl.diff("ORGA", str(a), str(b)).to_json(), tl.diff("ORGA", f"{a}-01-01", f"{b}-12-31").to_json()
    assert by_year["compared"]["before"] == (date(a, 1, 1) - timedelta(days=1)).isoformat()
    assert (by_year.pop("from"), by_year.pop("to")) == (str(a), str(b))
    assert by_year == {k: v for k, v in by_day.items() if k not in ("from", "to")}


@given(event_logs(), st.integers(1990, 2030))
def test_a_diff_within_one_year_shows_every_party_whose_standing_changed_during_it(events, year):
    tl = Timeline(events)
    d = tl.diff("ORGA", str(year), str(year)).to_json()
    moved = {i["party"] for i in d["joined"] + d["left"] + d["changed"]}
    eve, last = date(year, 1, 1) - timedelta(days=1), date(year, 12, 31)
    assert moved == {
        p
        for p in {getattr(e, "party", None) for e in events if e.subject == "ORGA"} - {None}
        if tl.standing_on("ORGA", p, eve) != tl.standing_on("ORGA", p, last)
    }


@given(event_logs())
def test_a_day_outside_every_uncertainty_window_is_certain(events):
    windows = [(e.when.lo, e.when.hi) for e in events]
    edges = {d for lo, hi in windows for d in (lo - timedelta(days=1), hi + timedelta(days=1))}
    outside = sorted(d for d in edges if not any(lo <= d <= hi for lo, hi in windows))
    tl = Timeline(events)
    for day in outside:
        for sid in SUBJECTS:
            state = tl.state(sid, on=day.isoformat()).to_json()
            for part, key in (("members", "party"), ("offices", "office")):
                rows = state[part]
                assert all(r["certainty"] == "certain" and "window" not in r for r in rows), (day, rows)
                assert len({r[key] for r in rows}) == len(rows)


@given(event_logs(), days)
def test_a_day_inside_a_transition_window_is_uncertain_with_that_window(events, day):
    tl = Timeline(events)
    for sid in SUBJECTS:
        for row in tl.state(sid, on=day.isoformat()).to_json()["members"]:
            if row["certainty"] == "uncertain":
                lo, hi = date.fromisoformat(row["window"]["from"]), date.fromisoformat(row["window"]["to"])
                assert lo <= day <= hi
                assert any(
                    e.when.lo == lo and e.when.hi == hi for e in events if getattr(e, "party", None) == row["party"]
                )


@given(st.data(), event_logs())
def test_a_log_split_into_a_prefix_and_the_rest_in_two_files_replays_to_the_same_state(data, events):
    cut = data.draw(st.integers(0, len(events)))
    first, rest = io.StringIO(), io.StringIO()
    write_jsonl(events[:cut], first)
    write_catalog(events[cut:], rest)
    problems: list[Problem] = []
    read_back = list(read_jsonl(first.getvalue().splitlines(), "a.jsonl", problems))
    read_back += list(read_catalog(rest.getvalue().splitlines(), "b.tl", problems))
    assert problems == []
    whole, split = Timeline(events), Timeline(read_back)
    for day in data.draw(st.lists(days, min_size=1, max_size=3)):
        assert answers(whole, day) == answers(split, day)
    assert whole.events_in_force() == split.events_in_force()


@given(event_logs(), st.integers(1990, 2030))
def test_a_year_lists_everyone_who_held_a_standing_on_some_day_of_it(events, year):
    tl = Timeline(events)
    lo, hi = date(year, 1, 1), date(year, 12, 31)
    for sid in SUBJECTS:
        period = {(r["party"], r["standing"]): r for r in tl.state(sid, on=str(year)).to_json()["members"]}
        for d in (lo, date(year, 7, 1), hi):
            for r in tl.state(sid, on=d.isoformat()).to_json()["members"]:
                assert (r["party"], r["standing"]) in period
        for r in period.values():
            assert r["during"] in ("all", "part")
            if r["during"] == "all" and r["certainty"] == "certain":
                assert all(tl.standing_on(sid, r["party"], d) == r["standing"] for d in (lo, date(year, 7, 1), hi))
