"""A party's own view: every subject it stood in, on a day or over a period."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Store, Timeline
from timeline_engine.events.errors import BadArgument


def by_subject_from_state(tl: Timeline, party: str, on: str) -> dict[str, str]:
    """The same question asked subject by subject through ``state`` (the rows of each subject as
    it answers for itself, not for a predecessor)."""
    out = {}
    for sid in tl.subjects_by_id:
        st = tl.state(sid, on=on)
        if st.answered_for != sid:
            continue
        for r in st.members:
            if r.party == party:
                out[sid] = r.standing
    return out


@pytest.mark.parametrize("on", ["2010-01-01", "2000-06-01", "2016", "2023-07"])
def test_memberships_of_kazakhstan_are_every_subject_it_stood_in(catalog, on):
    m = catalog.memberships("Kazakhstan", on=on)
    assert m.party == "KAZ"
    assert {r.subject: r.standing for r in m} == by_subject_from_state(catalog, "KAZ", on)


def test_on_2010_01_01_kazakhstan_stood_in_the_csto_the_sco_the_osce_and_its_treaties(catalog):
    subjects = catalog.memberships("KAZ", on="2010-01-01").subjects
    assert {"CSTO", "SCO", "OSCE", "CST", "ICCPR"} <= set(subjects)
    assert subjects == sorted(subjects)


def test_a_membership_in_the_csto_says_it_continues_the_cst(catalog):
    rows = {r.subject: r for r in catalog.memberships("KAZ", on="2010-01-01")}
    assert rows["CSTO"].continues == "CST"
    assert rows["CSTO"].to_json()["continues"] == "CST"
    assert rows["SCO"].continues is None and "continues" not in rows["SCO"].to_json()


def test_a_membership_row_carries_name_standing_dates_certainty_event_and_sources(catalog):
    (row,) = [r for r in catalog.memberships("UZB", on="2013-06-01") if r.subject == "CSTO"]
    out = row.to_json()
    assert {k: out[k] for k in ("subject", "name", "standing", "since", "certainty", "event_id")} == {
        "subject": "CSTO",
        "name": catalog.subject("CSTO").name,
        "standing": "suspended",
        "since": "2012",
        "certainty": "certain",
        "event_id": "csto-2012-uzb-suspended",
    }
    assert out["sources"] and all(set(s) >= {"ref", "title"} for s in out["sources"])


def test_memberships_keep_only_the_standing_asked_for(catalog):
    full = catalog.memberships("IND", on="2016-06-01", standing="full")
    observer = catalog.memberships("IND", on="2016-06-01", standing="observer")
    every = catalog.memberships("IND", on="2016-06-01")
    assert {(r.subject, r.standing) for r in every} == {(r.subject, r.standing) for r in (*full, *observer)}
    assert ("SCO", "observer") in {(r.subject, r.standing) for r in observer}
    assert all(r.standing in ("member", "party") for r in full)


def test_memberships_over_a_period_say_during_and_how_the_standing_was_held(catalog):
    rows = {r.subject: r for r in catalog.memberships("UZB", on="2012")}
    csto = [r for r in catalog.memberships("UZB", on="2012") if r.subject == "CSTO"]
    assert {r.standing for r in csto} == {"member", "suspended"}
    assert all(r.during == "part" or r.certainty == "uncertain" for r in csto)
    assert all(
        r.held_certainly in ("all", "part", "none") and r.held_possibly in ("all", "part") for r in rows.values()
    )


def test_an_unknown_standing_is_refused_with_the_known_ones():
    with pytest.raises(BadArgument, match=r"unknown standing 'membr' \(expected all, full, member, "):
        Timeline.load().memberships("KAZ", on="2010", standing="membr")


def test_a_party_that_stood_in_nothing_gets_a_note(catalog):
    m = catalog.memberships("FRA", on="1980-01-01")
    assert (m.rows, m.notes) == ((), ("FRA had no standing in any subject on 1980-01-01",))


def test_memberships_on_a_store_answer_as_in_memory(log):
    log.organization("ORG")
    log.treaty("TRE")
    log.organization("NEW", date="2000-01-01", predecessor="ORG")
    log.party("joined", "ORG", "KAZ", "1995-03-01")
    log.party("signed", "TRE", "KAZ", "1996")
    log.party("joined", "NEW", "KAZ", "2000-01-01")
    memory = log.timeline()
    stored = Timeline.from_store(Store.memory(log.events()))
    for on in ("1997-01-01", "1996", "2001"):
        assert stored.memberships("KAZ", on=on).to_json() == memory.memberships("KAZ", on=on).to_json()
    assert {r.subject: r.continues for r in memory.memberships("KAZ", on="2001")} == {
        "NEW": "ORG",
        "ORG": None,
        "TRE": None,
    }


@given(event_records(max_parties=4, max_steps=5), st.sampled_from(["1995", "2001-06", "2004-02-29", "2012"]))
def test_on_random_logs_memberships_are_the_state_rows_of_the_party_in_every_subject(records, on):
    tl = Timeline(to_events(records))
    parties = {r["party"] for r in records if "party" in r}
    for party in parties:
        mine = [(r.subject, r.standing, r.certainty, r.during, r.event_id) for r in tl.memberships(party, on=on)]
        theirs = [
            (sid, r.standing, r.certainty, r.during, r.event_id)
            for sid in sorted(tl.subjects_by_id)
            for r in tl.state(sid, on=on).members
            if r.party == party and tl.state(sid, on=on).answered_for == sid
        ]
        assert mine == theirs
