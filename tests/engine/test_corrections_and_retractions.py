"""The record is append-only: corrections and retractions, as known at a date, and their problems."""

from __future__ import annotations

import pytest

from timeline_engine.engine.timeline import Timeline
from timeline_engine.engine.validation import validate_events
from timeline_engine.events.errors import ValidationFailed


def problems_of(log) -> list[str]:
    _, problems = validate_events(log.events())
    return [str(p) for p in problems]


@pytest.fixture
def corrected(log):
    """KAZ joined in 2000 (recorded 2010); corrected in 2015 to 2001; UZB retracted in 2016."""
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="kaz-joined", recorded="2010-01-01")
    log.party(
        "joined",
        "ORG",
        "KAZ",
        "2001-01-01",
        id="kaz-joined-fix",
        corrects="kaz-joined",
        recorded="2015-01-01T12:00:00Z",
    )
    log.party("joined", "ORG", "UZB", "2000-01-01", id="uzb-joined", recorded="2010-01-01")
    log.add("retracted", "ORG", retracts="uzb-joined", id="uzb-retracted", recorded="2016-01-01")
    return log


def test_a_correction_replaces_the_event_it_corrects(corrected):
    tl = corrected.timeline()
    assert tl.standing_on("ORG", "KAZ", "2000-06-01") is None
    assert tl.standing_on("ORG", "KAZ", "2001-06-01") == "member"
    assert [e.id for e in tl.history("KAZ")] == ["kaz-joined-fix"]


def test_a_retraction_withdraws_the_event_from_every_answer(corrected):
    tl = corrected.timeline()
    assert tl.members("ORG", on="2005").parties == ["KAZ"]
    assert tl.history("UZB") == []


def test_the_raw_log_keeps_corrected_and_retracted_events(corrected):
    assert [e.id for e in corrected.timeline().log()] == [r["id"] for r in corrected.records]


@pytest.mark.parametrize(
    "as_known, members_2000, members_2001",
    [
        ("2009-12-31", [], []),
        ("2010-01-01", ["KAZ", "UZB"], ["KAZ", "UZB"]),
        ("2015-01-01T11:59:59Z", ["KAZ", "UZB"], ["KAZ", "UZB"]),
        ("2015-01-01T12:00:00Z", ["UZB"], ["KAZ", "UZB"]),
        ("2015-12-31", ["UZB"], ["KAZ", "UZB"]),
        ("2016-01-01", [], ["KAZ"]),
    ],
)
def test_as_known_at_a_date_the_record_holds_only_what_was_recorded_by_then(
    corrected, as_known, members_2000, members_2001
):
    tl = corrected.timeline(as_known=as_known)
    assert tl.members("ORG", on="2000-06-01").parties == members_2000
    assert tl.members("ORG", on="2001-06-01").parties == members_2001


def test_an_earlier_edition_of_the_record_is_reachable_from_a_later_one(corrected):
    tl = corrected.timeline()
    assert tl.as_of_knowledge("2012-01-01").members("ORG", on="2000-06-01").parties == ["KAZ", "UZB"]
    assert [e.id for e in tl.as_of_knowledge("2012-01-01").log()] == ["org-founded-1", "kaz-joined", "uzb-joined"]


def test_an_event_without_a_recorded_time_has_always_been_known(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01")
    assert log.timeline(as_known="1900-01-01").members("ORG", on="2000").parties == ["KAZ"]


def test_retracting_a_retraction_restores_the_event(corrected):
    corrected.add("retracted", "ORG", retracts="uzb-retracted", id="oops", recorded="2017-01-01")
    assert corrected.timeline().members("ORG", on="2005").parties == ["KAZ", "UZB"]
    assert corrected.timeline(as_known="2016-06-01").members("ORG", on="2005").parties == ["KAZ"]


def test_a_chain_of_corrections_ends_at_the_last(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="a")
    log.party("joined", "ORG", "KAZ", "2001-01-01", id="b", corrects="a")
    log.party("joined", "ORG", "KAZ", "2002-01-01", id="c", corrects="b")
    tl = log.timeline()
    assert (tl.standing_on("ORG", "KAZ", "2001-06-01"), tl.standing_on("ORG", "KAZ", "2002-06-01")) == (None, "member")


def test_the_same_event_read_twice_counts_once(log):
    log.organization("ORG")
    rec = log.party("joined", "ORG", "KAZ", "2000-01-01", id="twice")
    log.records.append(dict(rec))
    assert problems_of(log) == []
    assert [e.id for e in log.timeline().history("KAZ")] == ["twice"]


# -- problems name the event, the file and the line ------------------------------------


def test_a_retraction_of_an_unknown_event_is_a_problem_naming_it(log):
    log.organization("ORG")
    log.add("retracted", "ORG", retracts="no-such-event", id="r1")
    assert problems_of(log) == ["log.jsonl:2: event r1: retracts unknown event 'no-such-event'"]


def test_a_correction_of_an_unknown_event_is_a_problem_naming_it(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000", id="c1", corrects="no-such-event")
    assert problems_of(log) == ["log.jsonl:2: event c1: corrects unknown event 'no-such-event'"]


def test_a_cycle_of_corrections_is_a_problem_naming_each_event(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000", id="a", corrects="b")
    log.party("joined", "ORG", "UZB", "2000", id="b", corrects="a")
    found = problems_of(log)
    assert "log.jsonl:2: event a: corrections form a cycle through 'b'" in found
    assert "log.jsonl:3: event b: corrections form a cycle through 'a'" in found


def test_two_different_events_with_one_id_are_a_problem_naming_both_places(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="dup")
    log.party("joined", "ORG", "UZB", "2000-01-01", id="dup")
    assert problems_of(log) == ["log.jsonl:3: event dup: id 'dup' is already used by a different event at log.jsonl:2"]


def test_a_timeline_refuses_a_log_with_problems_and_lists_them_all(log):
    log.organization("ORG")
    log.add("retracted", "ORG", retracts="nothing", id="r1")
    log.add("retracted", "ORG", retracts="nothing-either", id="r2")
    with pytest.raises(ValidationFailed) as caught:
        log.timeline()
    assert [str(p) for p in caught.value.problems] == [
        "log.jsonl:2: event r1: retracts unknown event 'nothing'",
        "log.jsonl:3: event r2: retracts unknown event 'nothing-either'",
    ]
    assert str(caught.value) == "log.jsonl:2: event r1: retracts unknown event 'nothing' (and 1 more problem)"


def test_a_retraction_that_arrives_later_does_not_hide_a_problem_in_an_earlier_edition(log):
    log.organization("ORG")
    log.party("resumed", "ORG", "KAZ", "2000-01-01", id="bad", recorded="2010-01-01")
    log.add("retracted", "ORG", retracts="bad", id="fix", recorded="2011-01-01")
    assert Timeline(log.events()).members("ORG", on="2000").parties == []
    with pytest.raises(ValidationFailed, match="event bad: cannot resume KAZ"):
        Timeline(log.events(), as_known="2010-06-01")


def test_an_edition_from_before_an_event_was_recorded_ignores_its_later_retraction(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="kaz-joined", recorded="2015-01-01")
    log.add("retracted", "ORG", retracts="kaz-joined", id="kaz-retracted")
    assert log.timeline(as_known="2010-01-01").members("ORG", on="2005").parties == []
