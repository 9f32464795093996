"""The query commands in table, JSON and CSV, with the JSON shapes of DESIGN.md."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.cli.helpers import founded, participation
from timeline_engine.engine.timeline import Timeline

CSTO_2005 = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
MEMBER_KEYS = {"party", "name", "standing", "since", "until", "certainty"}
OFFICE_KEYS = {"office", "holder", "nationality", "since", "certainty"}  # as DESIGN.md lists them
STATE_KEYS = {"subject", "on", "exists", "members", "offices", "bodies"}
DIFF_KEYS = {"subject", "from", "to", "joined", "left", "changed", "offices"}

# (arguments, a value that each format must show)
QUERIES = {
    "subjects": (["subjects"], "OP-CAT"),
    "members": (["members", "CSTO", "--on", "2005"], "TJK"),
    "state": (["state", "SCO", "--on", "2015-06-01"], "Mezentsev"),
    "diff": (["diff", "SCO", "2016", "2024"], "NPL"),
    "history": (["history", "Uzbekistan", "--subject", "CSTO"], "UZB"),
    "explain": (["explain", "CSTO", "Uzbekistan", "--on", "2013"], "suspended"),
    "log": (["log", "--subject", "CST"], "ARM"),
}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_command_answers_in_every_format(ok, name, fmt):
    args, shown = QUERIES[name]
    out = ok(*args, "--format", fmt)
    assert shown in out
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        rows = csv_rows(out)
        assert rows and all(None not in r for r in rows), "every row has as many cells as the header"


def test_the_default_format_is_a_table(ok):
    assert ok("members", "CSTO", "--on", "2005") == ok("members", "CSTO", "--on", "2005", "--format", "table")


# -- members ----------------------------------------------------------------------------


def test_members_of_the_csto_in_2005_are_exactly_the_six(ok_json, ok):
    assert [r["party"] for r in ok_json("members", "CSTO", "--on", "2005")] == CSTO_2005
    assert [r["party"] for r in csv_rows(ok("members", "CSTO", "--on", "2005", "--format", "csv"))] == CSTO_2005
    table = ok("members", "CSTO", "--on", "2005")
    assert [p for p in ("ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB") if p in table] == CSTO_2005


def test_a_member_row_on_a_day_has_every_contract_key(ok_json):
    rows = ok_json("members", "CSTO", "--on", "2005-06-01")
    assert rows and all(set(r) >= MEMBER_KEYS for r in rows)


def test_a_member_row_over_a_period_adds_during(ok_json):
    rows = ok_json("members", "CSTO", "--on", "2005")
    assert rows and all(set(r) >= MEMBER_KEYS | {"during"} and r["during"] == "all" for r in rows)


def test_an_uncertain_member_row_carries_its_window(ok_json):
    uzb = [r for r in ok_json("members", "CSTO", "--on", "2006-07-01") if r["party"] == "UZB"]
    assert [{k: v for k, v in r.items() if k not in ("event_id", "sources")} for r in uzb] == [
        {
            "party": "UZB",
            "name": "Uzbekistan",
            "standing": "member",
            "since": "2006-22",
            "until": "2012",
            "certainty": "uncertain",
            "window": {"from": "2006-06-01", "to": "2006-08-31"},
        }
    ]


def test_members_can_list_another_standing_or_all(ok_json):
    observers = ok_json("members", "SCO", "--on", "2015-06-01", "--standing", "observer")
    every = ok_json("members", "SCO", "--on", "2015-06-01", "--standing", "all")
    assert observers and {r["standing"] for r in observers} == {"observer"}
    assert {r["standing"] for r in every} >= {"member", "observer", "dialogue-partner"}


def test_subject_ids_are_case_insensitive_and_have_aliases(ok_json):
    assert (
        ok_json("members", "csto", "--on", "2005")
        == ok_json("members", "ODKB", "--on", "2005")
        == ok_json("members", "CSTO", "--on", "2005")
    )


def test_members_before_the_csto_existed_answer_for_the_treaty_with_a_note_on_stderr(invoke):
    result = invoke("members", "CSTO", "--on", "1999", "--format", "json")
    assert result.exit_code == 0
    assert (
        result.stderr
        == "note: CSTO did not exist on 1999 (founded 2002-10-07); answering for its predecessor CST (Collective Security Treaty)\n"
    )
    assert {r["standing"] for r in json.loads(result.stdout)} == {"party"}


# -- state, diff, explain, history, log, subjects ----------------------------------------


def test_state_has_exactly_the_contract_keys_and_rows_keep_theirs(ok_json):
    state = ok_json("state", "SCO", "--on", "2015-06-01")
    assert set(state) == STATE_KEYS
    assert (state["subject"], state["on"], state["exists"]) == ("SCO", "2015-06-01", True)
    assert state["members"] and all(set(r) >= MEMBER_KEYS for r in state["members"])
    assert state["offices"] and all(set(r) >= OFFICE_KEYS for r in state["offices"])
    assert state["bodies"] and all(set(r) >= {"body", "name", "since", "certainty"} for r in state["bodies"])


def test_an_office_row_has_every_key_design_lists(ok_json):
    offices = ok_json("state", "SCO", "--on", "2014-06-01")["offices"]
    assert offices and all(set(r) >= OFFICE_KEYS for r in offices)


def test_state_before_a_subject_existed_names_the_subject_answered_for(ok_json):
    state = ok_json("state", "CSTO", "--on", "1999")
    assert set(state) == STATE_KEYS | {"answered_for", "notes"}
    assert (state["subject"], state["answered_for"], state["exists"]) == ("CSTO", "CST", False)


def test_state_lists_the_secretary_general_on_a_day(ok_json):
    offices = {o["office"]: o for o in ok_json("state", "SCO", "--on", "2015-06-01")["offices"]}
    assert (offices["secretary-general"]["holder"], offices["secretary-general"]["nationality"]) == (
        "Dmitry Mezentsev",
        "RUS",
    )


def test_diff_keeps_every_contract_key_and_item_shape(ok_json):
    d = ok_json("diff", "SCO", "2016", "2024")
    assert set(d) >= DIFF_KEYS
    assert (d["subject"], d["from"], d["to"]) == ("SCO", "2016", "2024")
    assert all(set(i) >= {"party", "standing"} for i in d["joined"] + d["left"])
    assert all(set(i) >= {"party", "from", "to"} for i in d["changed"])
    assert all(set(i) >= {"office", "from", "to"} for i in d["offices"])
    assert {"party": "IND", "from": "observer", "to": "member"} in [
        {k: i[k] for k in ("party", "from", "to")} for i in d["changed"]
    ]


def test_diff_in_csv_names_the_section_of_each_row(ok):
    rows = csv_rows(ok("diff", "SCO", "2016", "2024", "--format", "csv"))
    assert {r["section"].split(": ")[-1] for r in rows} >= {"joined", "changed", "offices"}


def test_explain_shows_the_standing_and_the_events_with_their_sources(ok_json):
    ex = ok_json("explain", "CSTO", "Uzbekistan", "--on", "2013")
    assert {"subject", "party", "name", "on", "standing", "chain"} <= set(ex)
    assert (ex["subject"], ex["party"], ex["name"], ex["on"]) == ("CSTO", "UZB", "Uzbekistan", "2013")
    assert [r["standing"] for r in ex["standing"]] == ["suspended"]
    assert [c["role"] for c in ex["chain"]][-1] == "produces the standing"
    assert all(c["sources"] and c["sources"][0]["ref"] for c in ex["chain"])


def test_history_lists_the_events_about_a_party_in_date_order_with_sources(ok_json):
    events = ok_json("history", "Uzbekistan", "--subject", "CSTO")
    # the CSTO continues the Collective Security Treaty: its events come first
    assert [(e["subject"], e["kind"]) for e in events] == [
        ("CST", "signed"),
        ("CST", "ratified"),
        ("CST", "ceased"),
        ("CSTO", "joined"),
        ("CSTO", "suspended"),
    ]
    assert all(e["party"] == "UZB" and e["sources"] for e in events)


def test_history_finds_a_person_by_name(ok_json):
    events = ok_json("history", "Zhang Ming")
    assert events and all(e["holder"] == "Zhang Ming" and e["kind"] == "appointed" for e in events)


def test_log_shows_the_raw_events_of_a_subject(ok_json):
    events = ok_json("log", "--subject", "CST")
    assert events and {e["subject"] for e in events} == {"CST"}
    assert len(events) == len(Timeline.load().log("CST"))


def test_subjects_list_kind_name_founding_and_predecessor(ok_json):
    subjects = {s["id"]: s for s in ok_json("subjects")}
    assert {"CST", "CSTO", "SCO", "OSCE", "ICCPR", "CAT", "OP-CAT"} <= set(subjects)
    assert {k: subjects["CSTO"][k] for k in ("kind", "name", "founded", "predecessor")} == {
        "kind": "organization",
        "name": "Collective Security Treaty Organization",
        "founded": "2002-10-07",
        "predecessor": "CST",
    }


# -- own event files, as-known ------------------------------------------------------------


@pytest.fixture
def own_log(write_events):
    return write_events(
        [
            founded("ORG"),
            participation("kaz-joined", "joined", "KAZ", "2000-01-01", recorded="2010-01-01"),
            participation("uzb-joined", "joined", "UZB", "2003", recorded="2010-01-01"),
            participation(
                "uzb-retracted-later", "joined", "UZB", "2004-01-01", recorded="2020-01-01", corrects="uzb-joined"
            ),
        ],
        name="own.jsonl",
    )


def test_members_read_from_an_events_file_instead_of_the_catalog(ok_json, own_log):
    assert [(r["party"], r["since"]) for r in ok_json("members", "ORG", "--on", "2005", "--events", own_log)] == [
        ("KAZ", "2000-01-01"),
        ("UZB", "2004-01-01"),
    ]


def test_as_known_replays_an_earlier_edition_of_the_record(ok_json, own_log):
    rows = ok_json("members", "ORG", "--on", "2003-06-01", "--events", own_log, "--as-known", "2015-01-01")
    assert [(r["party"], r["since"], r["certainty"]) for r in rows] == [
        ("KAZ", "2000-01-01", "certain"),
        ("UZB", "2003", "uncertain"),
    ]
    assert ok_json("members", "ORG", "--on", "2003-06-01", "--events", own_log, "--as-known", "2009-12-31") == []


def test_events_can_come_from_a_folder_of_catalog_csv_and_json_lines_files(ok_json, tmp_path):
    (tmp_path / "a.tl").write_text(
        "subject ORG\nsource s\n  ref: r\n  title: t\n\n"
        "event org-founded\n  date: 1990-01-01\n  kind: founded\n  name: Org\n  subject_kind: organization\n  source: s\n",
        encoding="utf-8",
    )
    sources = json.dumps([{"title": "t", "ref": "r"}]).replace('"', '""')
    (tmp_path / "b.csv").write_text(
        f'id,date,subject,kind,party,sources\nkaz,2001-01-01,ORG,joined,KAZ,"{sources}"\n', encoding="utf-8"
    )
    (tmp_path / "c.jsonl").write_text(
        json.dumps(participation("uzb", "joined", "UZB", "2002-01-01")) + "\n", encoding="utf-8"
    )
    assert [r["party"] for r in ok_json("members", "ORG", "--on", "2005", "--events", tmp_path)] == ["KAZ", "UZB"]


# -- validate ---------------------------------------------------------------------------


def test_validate_passes_a_good_file(invoke, write_events):
    path = write_events([founded("ORG"), participation("kaz", "joined", "KAZ", "2001")], name="good.jsonl")
    result = invoke("validate", path)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("ok:")


def test_validate_passes_the_bundled_catalog(invoke):
    result = invoke("validate")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("ok:") and "bundled catalog" in result.stdout


def test_validate_names_the_file_line_and_event_of_a_resume_without_suspension(invoke, write_events):
    path = write_events(
        [founded("ORG"), participation("org-uzb-resumed", "resumed", "UZB", "2003-01-01")], name="that-file.jsonl"
    )
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert "that-file.jsonl:2:" in result.output and "org-uzb-resumed" in result.output
    assert result.stderr.splitlines() == [
        f"{path}:2: event org-uzb-resumed: cannot resume UZB: its standing is none (expected suspended) in ORG on 2003-01-01",
        "1 problem found",
    ]


def test_validate_lists_every_problem_in_file_and_line_order(invoke, tmp_path):
    path = tmp_path / "many.jsonl"
    lines = [
        json.dumps(founded("ORG")),
        json.dumps(participation("a", "withdrew", "KAZ", "2001")),
        "{broken",
        json.dumps(participation("b", "joined", "UZB", "2001-02-30")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 1
    found = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in found[:-1]] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert found[-1] == "3 problems found"


# -- tables show the data as it is --------------------------------------------------------


def test_a_table_shows_square_brackets_in_the_catalog_as_written(ok):
    assert "[ru]" in ok("history", "Dzhenisbek Dzhumanbekov")


def test_a_table_shows_text_that_looks_like_markup_as_written(invoke, write_events):
    path = write_events([founded("ORG"), participation("j", "joined", "UZB", "2003-01-01", note="[/see p. 3] [red]x")])
    result = invoke("log", "--events", path)
    assert result.exit_code == 0, result.output
    assert "[/see p. 3]" in result.stdout and "[red]x" in result.stdout
