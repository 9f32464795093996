"""Honest answers on the command line: one meaning of diff, a party's memberships, lineage in
history and explain, citable rosters, and period words with their legend."""

from __future__ import annotations

import csv
import io
import json

from tests.cli.helpers import founded, participation
from timeline_engine.cli.queries import LEGEND
from timeline_engine.engine import Timeline

AS_KNOWN_NOTE = (
    "note: --as-known changes nothing here: catalog records no transaction times "
    "(no event says when it was recorded), so every event counts as always known"
)


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# -- diff ---------------------------------------------------------------------------------


def test_diff_over_one_day_shows_india_and_pakistan_with_their_date_and_events(ok_json):
    d = ok_json("diff", "SCO", "2017-06-09", "2017-06-09")
    assert [(r["party"], r["from"], r["to"], r["date"], r["event_ids"]) for r in d["changed"]] == [
        ("IND", "observer", "member", "2017-06-09", ["sco-2017-06-09-ind-acceded"]),
        ("PAK", "observer", "member", "2017-06-09", ["sco-2017-06-09-pak-acceded"]),
    ]
    assert all(r["sources"] and {"ref", "title"} <= set(r["sources"][0]) for r in d["changed"])
    assert [s["id"] for s in d["steps"]] == ["sco-2017-06-09-ind-acceded", "sco-2017-06-09-pak-acceded"]


def test_diff_of_the_csto_from_2005_to_2013_lists_the_return_and_the_suspension_as_steps(ok_json):
    d = ok_json("diff", "CSTO", "2005", "2013")
    assert [s["id"] for s in d["steps"] if s.get("party") == "UZB"] == [
        "csto-2006-22-uzb-joined",
        "csto-2012-uzb-suspended",
    ]


def test_diff_as_a_table_shows_each_change_with_its_date_and_event_ids_and_the_steps(ok):
    out = ok("diff", "SCO", "2017-06-09", "2017-06-09")
    assert "sco-2017-06-09-ind-acceded" in out and "event_ids" in out
    assert "steps" in out
    assert "ecns.cn" not in out, "sources are left to JSON and CSV"


def test_diff_in_csv_has_a_section_for_the_steps(ok):
    rows = csv_rows(ok("diff", "SCO", "2017-06-09", "2017-06-09", "--format", "csv"))
    assert [r["id"] for r in rows if r["section"] == "steps"] == [
        "sco-2017-06-09-ind-acceded",
        "sco-2017-06-09-pak-acceded",
    ]


def test_a_diff_that_runs_backwards_is_refused_in_one_line(invoke):
    result = invoke("diff", "SCO", "2024", "2016", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: diff: FROM 2024 is after TO 2016; give the earlier date first\n"


# -- memberships ----------------------------------------------------------------------------


def test_memberships_of_kazakhstan_on_2010_01_01_list_every_subject_it_stood_in(ok_json):
    rows = ok_json("memberships", "Kazakhstan", "--on", "2010-01-01")
    expected = Timeline.load().memberships("KAZ", on="2010-01-01").to_json()
    assert rows == expected
    by_subject = {r["subject"]: r for r in rows}
    assert {"CSTO", "SCO", "OSCE", "CST"} <= set(by_subject)
    assert by_subject["CSTO"]["continues"] == "CST"
    assert all(
        {"subject", "name", "standing", "since", "until", "certainty", "event_id", "sources"} <= set(r) for r in rows
    )


def test_memberships_keep_the_standing_asked_for(ok_json):
    rows = ok_json("memberships", "India", "--on", "2016-06-01", "--standing", "observer")
    assert [(r["subject"], r["standing"]) for r in rows] == [("SCO", "observer")]


def test_an_unknown_standing_for_memberships_is_one_error_line(invoke):
    result = invoke("memberships", "KAZ", "--on", "2010", "--standing", "bogus")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "error: unknown standing 'bogus' (expected all, full, member, associate, observer, "
        "dialogue-partner, partner, candidate, suspended, signatory, party)\n"
    )


def test_memberships_over_a_year_end_with_the_legend_and_a_day_does_not(ok):
    year = ok("memberships", "UZB", "--on", "2012")
    assert year.rstrip("\n").splitlines()[-2:] == list(LEGEND)
    day = ok("memberships", "UZB", "--on", "2012-06-01")
    assert LEGEND[0] not in day


def test_memberships_answer_from_a_store(ok_json, invoke, tmp_path):
    path = tmp_path / "events.jsonl"
    records = [
        founded("ORG"),
        founded("TRE", kind="treaty"),
        participation("a", "joined", "KAZ", "1995-01-01"),
        participation("b", "signed", "KAZ", "1996-01-01", subject="TRE"),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    assert invoke("init", "--store", store).exit_code == 0
    assert invoke("import", path, "--store", store).exit_code == 0
    rows = ok_json("memberships", "KAZ", "--on", "1997-01-01", "--store", store)
    assert [(r["subject"], r["standing"], r["event_id"]) for r in rows] == [
        ("ORG", "member", "a"),
        ("TRE", "signatory", "b"),
    ]


# -- lineage in history and explain --------------------------------------------------------------


def test_history_of_uzbekistan_in_the_csto_starts_with_the_treaty_events(ok_json):
    ids = [e["id"] for e in ok_json("history", "Uzbekistan", "--subject", "CSTO")]
    assert ids[:3] == ["cst-1992-05-15-uzb-signed", "cst-1994-04-20-uzb-ratified", "cst-1999-uzb-ceased"]


def test_explain_csto_uzbekistan_shows_the_treaty_events_in_its_chain(ok_json, ok):
    chain = ok_json("explain", "CSTO", "UZB", "--on", "2013")["chain"]
    assert [(c["subject"], c["date"]) for c in chain][:3] == [
        ("CST", "1992-05-15"),
        ("CST", "1994-04-20"),
        ("CST", "1999"),
    ]
    assert "cst-1999-uzb-ceased" in ok("explain", "CSTO", "UZB", "--on", "2013")


def test_explain_as_a_table_keeps_the_sources_of_each_event_and_leaves_them_out_of_the_standing(ok):
    out = ok("explain", "CSTO", "UZB", "--on", "2013")
    chain = out.split("chain of events", 1)[1]
    assert "001_e52e44ee9352e8ff.txt" in chain
    assert "001_e52e44ee9352e8ff.txt" not in out.split("chain of events", 1)[0]


def test_explain_names_a_retraction_as_known(invoke, tmp_path):
    records = [
        founded("ORG", recorded="2010-01-01T00:00:00Z"),
        participation("uzb-joined", "joined", "UZB", "2000-01-01", recorded="2010-01-01T00:00:00Z"),
        {
            "id": "uzb-retracted",
            "subject": "ORG",
            "kind": "retracted",
            "retracts": "uzb-joined",
            "sources": [{"title": "Erratum written for a test", "ref": "test:erratum"}],
            "recorded": "2016-01-01T00:00:00Z",
        },
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    later = invoke("explain", "ORG", "UZB", "--on", "2005", "--events", path, "--format", "json")
    assert later.exit_code == 0, later.output
    assert [(c["id"], c["role"]) for c in json.loads(later.stdout)["chain"]] == [
        ("uzb-joined", "retracted by uzb-retracted"),
        ("uzb-retracted", "retracts uzb-joined"),
    ]
    earlier = invoke(
        "explain", "ORG", "UZB", "--on", "2005", "--events", path, "--as-known", "2015-01-01", "-f", "json"
    )
    assert earlier.exit_code == 0 and earlier.stderr == ""
    assert [c["role"] for c in json.loads(earlier.stdout)["chain"]] == ["produces the standing"]


# -- citable rosters and words ---------------------------------------------------------------------


def test_members_rows_in_json_carry_the_event_and_its_sources(ok_json):
    rows = ok_json("members", "CSTO", "--on", "2005-06-01")
    assert rows and all(r["event_id"].startswith("csto-") for r in rows)
    assert all(r["sources"] and r["sources"][0]["ref"] and r["sources"][0]["title"] for r in rows)


def test_state_rows_in_json_carry_the_event_and_its_sources(ok_json):
    st = ok_json("state", "SCO", "--on", "2015-06-01")
    assert all(r["event_id"] and r["sources"] for r in st["members"] + st["offices"] + st["bodies"])


def test_a_year_answer_says_how_the_standing_was_held_and_the_table_explains_it(ok_json, ok):
    rows = ok_json("members", "CST", "--on", "1994")
    assert rows and all({"held_certainly", "held_possibly"} <= set(r) for r in rows)
    assert ok("members", "CST", "--on", "1994").rstrip("\n").splitlines()[-2:] == list(LEGEND)


def test_as_known_on_the_catalog_prints_a_note_that_it_changes_nothing(invoke):
    plain = invoke("members", "CSTO", "--on", "2005", "--format", "json")
    known = invoke("members", "CSTO", "--on", "2005", "--format", "json", "--as-known", "2001-01-01")
    assert known.exit_code == 0
    assert known.stderr == AS_KNOWN_NOTE + "\n"
    assert known.stdout == plain.stdout


def test_as_known_on_events_with_recorded_times_prints_no_note(invoke, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(founded("ORG", recorded="2010-01-01T00:00:00Z")) + "\n", encoding="utf-8")
    result = invoke("subjects", "--events", path, "--as-known", "2020-01-01")
    assert result.exit_code == 0 and result.stderr == ""
