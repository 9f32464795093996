"""engine.compare.compare_standings: every party and period where two records disagree."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings

from tests.strategies import event_logs, to_events
from timeline_engine.engine import Timeline
from timeline_engine.engine.compare import compare_standings, possible_standings

SOURCE = [{"title": "Example written for a test", "ref": "test:example"}]


def log(*events):
    recs = [
        {
            "id": "org-founded",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Organization",
            "subject_kind": "organization",
            "sources": SOURCE,
        }
    ]
    for i, (kind, party, when) in enumerate(events, 1):
        recs.append({"id": f"e{i}", "date": when, "subject": "ORG", "kind": kind, "party": party, "sources": SOURCE})
    return Timeline(to_events(recs))


def test_identical_records_do_not_disagree():
    a = log(("joined", "UZB", "2006-06"), ("withdrew", "UZB", "2012"))
    assert len(compare_standings(a, a, "ORG")) == 0


@settings(deadline=None)
@given(event_logs(offices=False))
def test_any_record_agrees_with_itself(events):
    tl = Timeline(events)
    for sid in tl.subjects_by_id:
        assert compare_standings(tl, tl, sid).disagreements == ()


def test_a_member_on_one_side_only_is_a_certain_disagreement_with_both_sides_events():
    a = log(("joined", "UZB", "2006-08-15"))
    b = log(("joined", "UZB", "2002-05-01"))
    result = compare_standings(a, b, "ORG")
    (d,) = result.disagreements
    assert (d.party, d.start, d.end, d.a, d.b, d.certainty) == (
        "UZB",
        date(2002, 5, 1),
        date(2006, 8, 14),
        ("none",),
        ("member",),
        "certain",
    )
    assert [e.id for e in d.b_events] == ["e1"] and d.a_events == ()
    assert d.to_json()["b_events"][0]["sources"] == SOURCE


def test_a_coarser_date_on_one_side_may_disagree_inside_its_window():
    a = log(("joined", "UZB", "2006-08-15"))
    b = log(("joined", "UZB", "2006"))
    result = compare_standings(a, b, "ORG")
    assert [(d.start.isoformat(), d.end.isoformat(), d.a, d.b, d.certainty) for d in result] == [
        ("2006-01-01", "2006-08-14", ("none",), ("member", "none"), "uncertain"),
        ("2006-08-15", "2006-12-30", ("member",), ("member", "none"), "uncertain"),
    ]


def test_within_limits_the_days_compared():
    a = log(("joined", "UZB", "2006-08-15"))
    b = log(("joined", "UZB", "2002-05-01"))
    result = compare_standings(a, b, "ORG", within="2004/2005")
    (d,) = result.disagreements
    assert (d.start, d.end) == (date(2004, 1, 1), date(2005, 12, 31))
    assert result.notes == ("compared from 2004-01-01 to 2005-12-31",)


def test_parties_are_given_by_code_or_name_and_limit_the_comparison():
    a = log(("joined", "UZB", "2006"), ("joined", "KAZ", "2000"))
    b = log(("joined", "KAZ", "2001"))
    assert {d.party for d in compare_standings(a, b, "ORG", parties=["Uzbekistan"])} == {"UZB"}


def test_a_subject_founded_at_different_dates_is_compared_while_it_exists_in_both():
    a = log(("joined", "UZB", "1995"))
    recs = [
        {
            "id": "org-founded",
            "date": "2000",
            "subject": "ORG",
            "kind": "founded",
            "name": "Organization",
            "subject_kind": "organization",
            "sources": SOURCE,
        },
        {"id": "x", "date": "2000-01-01", "subject": "ORG", "kind": "joined", "party": "UZB", "sources": SOURCE},
    ]
    b = Timeline(to_events(recs))
    result = compare_standings(a, b, "ORG")
    assert result.notes[0] == "ORG in A: founded 1990-01-01; in B: founded 2000"
    assert result.start == date(2000, 1, 1)
    assert len(result) == 0


def test_possible_standings_inside_a_window_include_none():
    tl = log(("joined", "UZB", "2006"))
    track = tl.party_tracks("ORG")["UZB"]
    assert possible_standings(track, date(2006, 3, 1).toordinal()) == {"member", "none"}
    assert possible_standings(track, date(2007, 3, 1).toordinal()) == {"member"}
    assert possible_standings(None, 1) == {"none"}
