"""Lineage in history and explain (a question about the CSTO includes the Collective Security
Treaty events behind it), and explain naming the corrections and retractions that changed the
answer, as the record was known."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Store, Timeline
from timeline_engine.events.dates import parse_period

CST_UZB = ["cst-1992-05-15-uzb-signed", "cst-1994-04-20-uzb-ratified", "cst-1999-uzb-ceased"]
CSTO_UZB = ["csto-2006-22-uzb-joined", "csto-2012-uzb-suspended"]


def roles(ex) -> dict[str, str]:
    return {c["id"]: c["role"] for c in ex.chain}


def test_history_of_uzbekistan_in_the_csto_includes_the_treaty_events_of_1992_1994_and_1999(catalog):
    assert [e.id for e in catalog.history("Uzbekistan", subject="CSTO")] == CST_UZB + CSTO_UZB


def test_history_in_the_treaty_alone_does_not_reach_forward_to_the_organization(catalog):
    assert [e.id for e in catalog.history("UZB", subject="CST")] == CST_UZB


def test_explain_csto_uzbekistan_shows_the_treaty_events_before_the_organization(catalog):
    ex = catalog.explain("CSTO", "UZB", on="2013")
    assert [c["id"] for c in ex.chain] == CST_UZB + CSTO_UZB
    assert roles(ex)["csto-2012-uzb-suspended"] == "produces the standing"
    assert roles(ex)["cst-1999-uzb-ceased"] == "earlier (in CST, predecessor of CSTO)"


def test_explain_before_the_organization_existed_answers_for_the_treaty_alone(catalog):
    ex = catalog.explain("CSTO", "UZB", on="1995")
    assert ex.answered_for == "CST"
    assert [c["id"] for c in ex.chain] == CST_UZB[:2]
    assert roles(ex)["cst-1994-04-20-uzb-ratified"] == "produces the standing"


@pytest.fixture
def corrected(log):
    """KAZ joined in 2000 (recorded 2010), corrected to 2001 (recorded 2015); UZB's joining
    retracted (recorded 2016); TJK's retraction itself retracted (recorded 2017)."""
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="kaz-joined", recorded="2010-01-01")
    log.party("joined", "ORG", "KAZ", "2001-01-01", id="kaz-fix", corrects="kaz-joined", recorded="2015-01-01")
    log.party("joined", "ORG", "UZB", "2000-01-01", id="uzb-joined", recorded="2010-01-01")
    log.add("retracted", "ORG", retracts="uzb-joined", id="uzb-retracted", recorded="2016-01-01")
    log.party("joined", "ORG", "TJK", "2000-01-01", id="tjk-joined", recorded="2010-01-01")
    log.add("retracted", "ORG", retracts="tjk-joined", id="tjk-retracted", recorded="2016-01-01")
    log.add("retracted", "ORG", retracts="tjk-retracted", id="tjk-unretracted", recorded="2017-01-01")
    return log


def test_explain_names_the_correction_that_moved_a_standing(corrected):
    ex = corrected.timeline(as_known="2015-06-01").explain("ORG", "KAZ", on="2000-06-01")
    assert ex.rows == ()
    assert [(c["id"], c["role"]) for c in ex.chain] == [("kaz-joined", "corrected by kaz-fix")]
    ex = corrected.timeline(as_known="2015-06-01").explain("ORG", "KAZ", on="2005")
    assert [(c["id"], c["role"]) for c in ex.chain] == [
        ("kaz-joined", "corrected by kaz-fix"),
        ("kaz-fix", "produces the standing"),
    ]


def test_before_the_correction_was_recorded_explain_shows_the_original(corrected):
    ex = corrected.timeline(as_known="2014-12-31").explain("ORG", "KAZ", on="2000-06-01")
    assert [(c["id"], c["role"]) for c in ex.chain] == [("kaz-joined", "produces the standing")]


def test_explain_names_the_retraction_that_removed_a_standing_and_shows_it(corrected):
    ex = corrected.timeline(as_known="2016-06-01").explain("ORG", "UZB", on="2005")
    assert ex.rows == ()
    assert [(c["id"], c["role"]) for c in ex.chain] == [
        ("uzb-joined", "retracted by uzb-retracted"),
        ("uzb-retracted", "retracts uzb-joined"),
    ]
    assert ex.notes == ("UZB had no standing in ORG on 2005",)


def test_before_the_retraction_was_recorded_the_standing_stands(corrected):
    ex = corrected.timeline(as_known="2015-12-31").explain("ORG", "UZB", on="2005")
    assert [r.standing for r in ex.rows] == ["member"]
    assert [(c["id"], c["role"]) for c in ex.chain] == [("uzb-joined", "produces the standing")]


def test_a_retracted_retraction_changes_nothing_and_is_not_named(corrected):
    tl = corrected.timeline()
    ex = tl.explain("ORG", "TJK", on="2005")
    assert [(c["id"], c["role"]) for c in ex.chain] == [("tjk-joined", "produces the standing")]
    ex = corrected.timeline(as_known="2016-06-01").explain("ORG", "TJK", on="2005")
    assert [c["role"] for c in ex.chain] == ["retracted by tjk-retracted", "retracts tjk-joined"]


def test_a_store_explains_corrections_and_retractions_as_events_in_memory_do(corrected):
    memory = corrected.timeline()
    stored = Timeline.from_store(Store.memory(corrected.events()))
    for party in ("KAZ", "UZB", "TJK"):
        assert stored.explain("ORG", party, on="2005").to_json() == memory.explain("ORG", party, on="2005").to_json()


@given(event_records(max_parties=3, max_steps=6), st.sampled_from(["1994", "2000-03", "2008-11-30", "2020"]))
def test_on_random_logs_the_chain_is_every_event_of_the_party_up_to_the_end_in_replay_order(records, on):
    tl = Timeline(to_events(records))
    end = parse_period(on).hi
    for sid in ("ORGA", "TREA"):
        for party in {r["party"] for r in records if r.get("subject") == sid and "party" in r}:
            ex = tl.explain(sid, party, on=on)
            assert [c["id"] for c in ex.chain] == [e.id for e in tl.events_in_force(sid, party) if e.when.lo <= end]
            producing = {c["id"] for c in ex.chain if c["role"] == "produces the standing"}
            assert producing == {r.event_id for r in ex.rows}


def test_a_store_follows_the_lineage_in_history_and_explain(log):
    log.organization("OLD")
    log.organization("NEW", date="2000-01-01", predecessor="OLD")
    log.party("joined", "OLD", "KAZ", "1995-03-01", id="old-kaz")
    log.party("joined", "NEW", "KAZ", "2000-01-01", id="new-kaz")
    stored = Timeline.from_store(Store.memory(log.events()))
    assert [e.id for e in stored.history("KAZ", subject="NEW")] == ["old-kaz", "new-kaz"]
    assert [c["id"] for c in stored.explain("NEW", "KAZ", on="2005").chain] == ["old-kaz", "new-kaz"]
