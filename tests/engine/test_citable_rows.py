"""Rows that can be cited (the event behind each row and its sources) and period words that
cannot be misread (held certainly for all, part or none of the period; possibly for all or part)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline


def test_every_member_row_carries_the_event_behind_it_and_that_events_sources(catalog):
    events = {e.id: e for e in catalog.events_in_force("CSTO")}
    rows = catalog.members("CSTO", on="2005").rows
    assert rows
    for r in rows:
        event = events[r.event_id]
        assert (event.party, event.when.text) == (r.party, r.since)
        out = r.to_json()
        assert out["event_id"] == r.event_id
        assert out["sources"] == [
            {"ref": s.ref, "title": s.title} | ({"url": s.url} if s.url else {}) for s in event.sources
        ]


def test_state_rows_of_parties_offices_and_bodies_are_citable(catalog):
    st = catalog.state("SCO", on="2015-06-01").to_json()
    for section in ("members", "offices", "bodies"):
        assert st[section], section
        assert all(r["event_id"] and r["sources"] and r["sources"][0]["ref"] for r in st[section]), section
    sg = {o["office"]: o for o in st["offices"]}["secretary-general"]
    assert (sg["holder"], sg["event_id"]) == ("Dmitry Mezentsev", "sco-2013-secretary-general-appointed")


def test_a_signing_dated_only_by_its_year_is_held_possibly_all_year_but_certainly_only_part(log):
    log.treaty("TRE")
    log.party("signed", "TRE", "KAZ", "1993")
    (row,) = log.timeline().members("TRE", on="1993", standing="signatory").rows
    assert (row.during, row.certainty) == ("all", "uncertain")
    assert (row.held_certainly, row.held_possibly) == ("part", "all")
    out = row.to_json()
    assert (out["held_certainly"], out["held_possibly"]) == ("part", "all")


def test_a_month_inside_the_uncertain_year_is_held_possibly_all_month_and_certainly_on_no_day(log):
    log.treaty("TRE")
    log.party("signed", "TRE", "KAZ", "1993")
    (row,) = log.timeline().members("TRE", on="1993-03", standing="signatory").rows
    assert (row.held_certainly, row.held_possibly) == ("none", "all")


def test_a_standing_begun_mid_year_on_a_known_day_is_held_certainly_for_part_and_possibly_for_part(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "1993-06-01")
    (row,) = log.timeline().members("ORG", on="1993").rows
    assert (row.during, row.certainty, row.held_certainly, row.held_possibly) == ("part", "certain", "part", "part")


def test_a_day_answer_has_no_period_words(catalog):
    out = catalog.members("CSTO", on="2005-06-01").to_json()
    assert out and not any("held_certainly" in r or "during" in r for r in out)


@given(event_records(max_parties=4, max_steps=6), st.integers(1990, 2031), st.sampled_from([None, 1, 6, 12]))
def test_the_period_words_agree_with_during_and_certainty(records, year, month):
    tl = Timeline(to_events(records))
    on = str(year) if month is None else f"{year}-{month:02d}"
    for sid in ("ORGA", "TREA"):
        for r in tl.state(sid, on=on).members:
            # possibly held on every day exactly when the row says "all"
            assert (r.held_possibly == "all") == (r.during == "all")
            # certainly held on every day exactly when it is certain for all of it
            assert (r.held_certainly == "all") == (r.during == "all" and r.certainty == "certain")
            # "part, certain" means some days for certain; "part, uncertain" no day for certain
            if r.during == "part":
                assert r.held_certainly == ("part" if r.certainty == "certain" else "none")
