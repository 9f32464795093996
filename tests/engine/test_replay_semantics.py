"""What replay answers: certainty inside date windows, periods, lineage, offices, diff, explain."""

from __future__ import annotations

import pytest


def window(a: str, b: str) -> dict:
    return {"from": a, "to": b}


CITATION = ("event_id", "sources", "held_certainly", "held_possibly")  # tested in test_citable_rows


def bare(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in CITATION} for r in rows]


def rows(answer) -> list[dict]:
    return bare([r.to_json() for r in answer])


# -- uncertainty windows -----------------------------------------------------------------


def test_an_accession_dated_by_its_year_is_uncertain_inside_that_year(log):
    log.treaty("TRE")
    log.party("acceded", "TRE", "UZB", "2003")
    tl = log.timeline()
    assert rows(tl.members("TRE", on="2003-06-01")) == [
        {
            "party": "UZB",
            "name": "Uzbekistan",
            "standing": "party",
            "since": "2003",
            "until": None,
            "certainty": "uncertain",
            "window": window("2003-01-01", "2003-12-31"),
        },
    ]


def test_an_accession_dated_by_its_year_is_certain_from_the_next_year(log):
    log.treaty("TRE")
    log.party("acceded", "TRE", "UZB", "2003")
    tl = log.timeline()
    assert rows(tl.members("TRE", on="2004-01-01")) == [
        {
            "party": "UZB",
            "name": "Uzbekistan",
            "standing": "party",
            "since": "2003",
            "until": None,
            "certainty": "certain",
        },
    ]
    assert rows(tl.members("TRE", on="2002-12-31")) == []


def test_a_suspension_dated_by_its_month_makes_membership_uncertain_inside_that_month(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01")
    log.party("suspended", "ORG", "KAZ", "2005-06")
    tl = log.timeline()
    assert rows(tl.members("ORG", on="2005-06-15")) == [
        {
            "party": "KAZ",
            "name": "Kazakhstan",
            "standing": "member",
            "since": "2000-01-01",
            "until": "2005-06",
            "certainty": "uncertain",
            "window": window("2005-06-01", "2005-06-30"),
        },
    ]
    assert {(r["standing"], r["certainty"]) for r in tl.state("ORG", on="2005-06-15").to_json()["members"]} == {
        ("member", "uncertain"),
        ("suspended", "uncertain"),
    }


def test_after_the_month_of_a_suspension_the_party_is_certainly_suspended_and_not_a_member(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01")
    log.party("suspended", "ORG", "KAZ", "2005-06")
    tl = log.timeline()
    assert rows(tl.members("ORG", on="2005-08-01")) == []
    assert bare(tl.state("ORG", on="2005-08-01").to_json()["members"]) == [
        {
            "party": "KAZ",
            "name": "Kazakhstan",
            "standing": "suspended",
            "since": "2005-06",
            "until": None,
            "certainty": "certain",
        },
    ]
    assert tl.standing_on("ORG", "Kazakhstan", "2005-08-01") == "suspended"
    assert tl.standing_on("ORG", "KAZ", "2005-05-31") == "member"


def test_a_resumed_party_returns_to_the_standing_it_was_suspended_from(log):
    log.organization("ORG")
    log.party("granted", "ORG", "KAZ", "2000-01-01", status="dialogue-partner")
    log.party("joined", "ORG", "KAZ", "2001-01-01")
    log.party("suspended", "ORG", "KAZ", "2002-01-01")
    log.party("resumed", "ORG", "KAZ", "2003-01-01")
    tl = log.timeline()
    assert [
        tl.standing_on("ORG", "KAZ", d) for d in ("1999-12-31", "2000-06-01", "2001-06-01", "2002-06-01", "2003-06-01")
    ] == [
        None,
        "dialogue-partner",
        "member",
        "suspended",
        "member",
    ]


def test_an_event_takes_effect_on_its_effective_date_not_the_day_it_was_notified(log):
    log.organization("ORG")
    log.party("joined", "ORG", "KAZ", "2000-01-01")
    log.party("withdrew", "ORG", "KAZ", "2005-06-01", effective="2005-12-31")
    tl = log.timeline()
    assert tl.standing_on("ORG", "KAZ", "2005-12-30") == "member"
    assert tl.standing_on("ORG", "KAZ", "2005-12-31") is None


# -- periods -----------------------------------------------------------------------------


@pytest.fixture
def year_log(log):
    log.organization("ORG")
    log.party("joined", "ORG", "ARM", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2005-03-01")
    log.party("joined", "ORG", "RUS", "2001-01-01")
    log.party("withdrew", "ORG", "RUS", "2005-09-30")
    log.party("joined", "ORG", "UZB", "2006-01-01")
    log.party("joined", "ORG", "TJK", "2005")
    return log


def test_a_year_query_says_who_held_the_standing_for_all_of_it_and_who_for_part(year_log):
    answer = {r["party"]: r for r in rows(year_log.timeline().members("ORG", on="2005"))}
    assert sorted(answer) == ["ARM", "KAZ", "RUS", "TJK"]
    assert {p: (r["during"], r["certainty"]) for p, r in answer.items()} == {
        "ARM": ("all", "certain"),
        "KAZ": ("part", "certain"),
        "RUS": ("part", "certain"),
        "TJK": ("all", "uncertain"),  # joined on some day of 2005: possibly for all of it
    }
    assert (answer["KAZ"]["since"], answer["KAZ"]["until"]) == ("2005-03-01", None)
    assert (answer["RUS"]["since"], answer["RUS"]["until"]) == ("2001-01-01", "2005-09-30")
    assert answer["TJK"]["window"] == window("2005-01-01", "2005-12-31")
    assert "window" not in answer["ARM"]


def test_a_month_query_answers_for_the_whole_month(year_log):
    answer = {r["party"]: (r["during"], r["certainty"]) for r in rows(year_log.timeline().members("ORG", on="2005-09"))}
    assert answer == {
        "ARM": ("all", "certain"),
        "KAZ": ("all", "certain"),
        "RUS": ("part", "certain"),
        "TJK": ("all", "uncertain"),
    }


def test_a_month_query_after_a_withdrawal_leaves_the_party_out(year_log):
    assert year_log.timeline().members("ORG", on="2005-10").parties == ["ARM", "KAZ", "TJK"]


def test_a_day_query_has_no_during(year_log):
    assert all("during" not in r for r in rows(year_log.timeline().members("ORG", on="2005-06-01")))


def test_an_open_period_answers_from_the_beginning_or_to_the_end_of_time(year_log):
    tl = year_log.timeline()
    assert tl.members("ORG", on="../1999").parties == []
    assert tl.members("ORG", on="2006/..").parties == ["ARM", "KAZ", "TJK", "UZB"]


def test_members_of_the_csto_in_2005_are_the_six_founding_states(catalog):
    answer = catalog.members("CSTO", on="2005")
    assert answer.parties == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert {(r.during, r.certainty) for r in answer} == {("all", "certain")}


# -- lineage -----------------------------------------------------------------------------


def test_the_csto_before_its_founding_answers_for_the_collective_security_treaty_with_a_note(catalog):
    answer = catalog.members("CSTO", on="2002-10-06")
    assert (answer.subject, answer.answered_for, answer.exists) == ("CSTO", "CST", False)
    assert answer.notes == (
        "CSTO did not exist on 2002-10-06 (founded 2002-10-07); answering for its predecessor CST (Collective Security Treaty)",
    )
    assert answer.parties and {r.standing for r in answer} == {"party"}


def test_the_csto_on_its_founding_day_answers_for_itself(catalog):
    answer = catalog.members("CSTO", on="2002-10-07")
    assert (answer.answered_for, answer.exists, answer.notes) == ("CSTO", True, ())
    assert answer.parties == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_the_state_of_a_subject_before_its_predecessor_says_neither_existed(catalog):
    state = catalog.state("CSTO", on="1991")
    assert state.exists is False
    assert state.members == ()
    assert [n.split(" (")[0] for n in state.notes] == ["CSTO did not exist on 1991", "CST did not exist on 1991"]


def test_a_subject_without_a_predecessor_says_it_did_not_exist_yet(log):
    log.organization("ORG", date="2000-01-01")
    answer = log.timeline().members("ORG", on="1999")
    assert (answer.exists, answer.parties, answer.notes) == (
        False,
        [],
        ("ORG did not exist on 1999 (founded 2000-01-01)",),
    )


def test_subjects_are_found_by_id_in_any_case_alias_or_name(catalog):
    assert {catalog.subject(t).id for t in ("csto", "CSTO", "ODKB", "Collective Security Treaty Organization")} == {
        "CSTO"
    }


# -- offices, bodies ---------------------------------------------------------------------


def test_an_appointment_ends_the_previous_holders_term(log):
    log.organization("ORG")
    log.add("appointed", "ORG", "2001-01-01", office="secretary-general", holder="Ann", nationality="KAZ")
    log.add("appointed", "ORG", "2004-01-01", office="secretary-general", holder="Bob", nationality="UZB")
    tl = log.timeline()
    assert bare(tl.state("ORG", on="2003-06-01").to_json()["offices"]) == [
        {
            "office": "secretary-general",
            "holder": "Ann",
            "nationality": "KAZ",
            "since": "2001-01-01",
            "certainty": "certain",
        },
    ]
    assert tl.state("ORG", on="2003-06-01").offices[0].until == "2004-01-01"  # the library keeps the end
    assert [o["holder"] for o in tl.state("ORG", on="2004-01-01").to_json()["offices"]] == ["Bob"]


def test_an_office_left_is_vacant(log):
    log.organization("ORG")
    log.add("appointed", "ORG", "2001-01-01", office="chair", holder="KAZ")
    log.add("left-office", "ORG", "2002-01-01", office="chair")
    assert log.timeline().state("ORG", on="2002-06-01").offices == ()


def test_a_body_exists_from_its_establishment_to_its_abolition(log):
    log.organization("ORG")
    log.add("established", "ORG", "2001", body="secretariat", name="The Secretariat")
    log.add("abolished", "ORG", "2010-05-01", body="secretariat")
    tl = log.timeline()
    assert [b["name"] for b in tl.state("ORG", on="2005-01-01").to_json()["bodies"]] == ["The Secretariat"]
    assert tl.state("ORG", on="2010-05-01").bodies == ()


# -- diff, explain, history --------------------------------------------------------------


def test_a_diff_lists_who_joined_left_and_changed_and_which_offices_changed_hands(log):
    log.organization("ORG")
    log.party("joined", "ORG", "ARM", "2000-01-01")
    log.party("joined", "ORG", "RUS", "2000-01-01")
    log.party("withdrew", "ORG", "RUS", "2003-01-01")
    log.party("granted", "ORG", "IND", "2000-01-01", status="observer")
    log.party("joined", "ORG", "IND", "2004-01-01")
    log.party("granted", "ORG", "IRN", "2002", status="observer")
    log.add("appointed", "ORG", "2000-01-01", office="secretary-general", holder="Ann")
    log.add("appointed", "ORG", "2003-01-01", office="secretary-general", holder="Bob")
    d = log.timeline().diff("ORG", "2001", "2005").to_json()
    del d["steps"], d["compared"]  # the events between: see test_diff_one_meaning
    for key in ("joined", "left", "changed", "offices"):
        d[key] = [{k: v for k, v in r.items() if k not in ("date", "event_ids", "sources")} for r in d[key]]
    assert d == {
        "subject": "ORG",
        "from": "2001",
        "to": "2005",
        "joined": [{"party": "IRN", "standing": "observer"}],
        "left": [{"party": "RUS", "standing": "member"}],
        "changed": [{"party": "IND", "from": "observer", "to": "member"}],
        "offices": [{"office": "secretary-general", "from": "Ann", "to": "Bob"}],
    }


def test_explain_traces_a_standing_to_its_events_and_sources(log):
    log.organization("ORG")
    log.party("joined", "ORG", "UZB", "2000-01-01", id="uzb-joined")
    log.party("suspended", "ORG", "UZB", "2004-01-01", id="uzb-suspended")
    log.party("resumed", "ORG", "UZB", "2008-01-01", id="uzb-resumed")
    out = log.timeline().explain("ORG", "Uzbekistan", on="2005-01-01").to_json()
    assert [r["standing"] for r in out["standing"]] == ["suspended"]
    assert [(c["id"], c["role"]) for c in out["chain"]] == [
        ("uzb-joined", "earlier"),
        ("uzb-suspended", "produces the standing"),
    ]
    assert all(c["sources"] for c in out["chain"])
    assert (out["party"], out["name"]) == ("UZB", "Uzbekistan")


def test_explain_of_a_party_without_standing_says_so(log):
    log.organization("ORG")
    out = log.timeline().explain("ORG", "KAZ", on="2005").to_json()
    assert out["standing"] == [] and out["chain"] == []
    assert out["notes"] == ["KAZ had no standing in ORG on 2005"]


def test_history_lists_every_event_about_a_party_in_date_order(log):
    log.organization("ORG")
    log.treaty("TRE")
    log.party("withdrew", "ORG", "UZB", "2008-01-01", id="c")
    log.party("joined", "ORG", "UZB", "2000-01-01", id="a")
    log.party("ratified", "TRE", "UZB", "2003", id="b")
    log.party("joined", "ORG", "KAZ", "2000-01-01", id="other")
    tl = log.timeline()
    assert [e.id for e in tl.history("Uzbekistan")] == ["a", "b", "c"]
    assert [e.id for e in tl.history("UZB", subject="TRE")] == ["b"]


def test_history_of_a_person_lists_their_appointments(log):
    log.organization("ORG")
    log.add("appointed", "ORG", "2000-01-01", office="secretary-general", holder="Ann Example", id="ann")
    log.add("appointed", "ORG", "2003-01-01", office="secretary-general", holder="Bob Example", id="bob")
    assert [e.id for e in log.timeline().history("ann example")] == ["ann"]
