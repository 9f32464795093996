"""Bad input: one clear line on stderr, exit 1, never a traceback."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import assert_one_error_line, founded, participation


def test_an_unknown_subject_suggests_the_closest_id(invoke):
    line = assert_one_error_line(invoke("members", "CSTOO", "--on", "2005"), "unknown subject 'CSTOO'")
    assert line.startswith("error: unknown subject 'CSTOO' — did you mean CSTO")


@pytest.mark.parametrize(
    "on, part",
    [
        ("2005-13", "month 13 is not 01-12"),
        ("2005-04-31", "day 31 does not exist in 2005-04"),
        ("garbage", "bad date 'garbage': not EDTF"),
        ("2005/2004", "is after its end"),
        ("0000", "year 0000"),
        ("", "empty date"),
    ],
)
def test_a_bad_on_date_says_which_part_failed(invoke, on, part):
    assert_one_error_line(invoke("members", "CSTO", "--on", on), part)


def test_an_unknown_party_suggests_the_closest_state(invoke):
    assert_one_error_line(
        invoke("explain", "CSTO", "Uzbekistn", "--on", "2013"), "unknown party 'Uzbekistn'", "UZB (Uzbekistan)"
    )


def test_history_of_an_unknown_name_suggests_the_closest_state(invoke):
    # ("Kazakstan" is not a misspelling: it is the Danish, Norwegian and Swedish name, and resolves.)
    assert_one_error_line(invoke("history", "Kazakhstn"), "unknown party 'Kazakhstn'", "KAZ (Kazakhstan)")


def test_an_events_file_with_a_bad_line_names_the_file_and_line(invoke, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(founded("ORG")) + "\n{not json\n", encoding="utf-8")
    assert_one_error_line(invoke("members", "ORG", "--on", "2005", "--events", path), f"{path}:2: not valid JSON")


def test_an_events_file_with_several_bad_lines_names_the_first_and_counts_the_rest(invoke, write_events):
    path = write_events(
        [
            founded("ORG"),
            participation("a", "joined", "KAZ", "2005-13"),
            participation("b", "joined", "Uzbekistan", "2005"),
        ],
        name="two-bad.jsonl",
    )
    assert_one_error_line(
        invoke("members", "ORG", "--on", "2005", "--events", path),
        f"{path}:2: event a: bad date '2005-13'",
        "(and 1 more problem)",
    )


def test_an_events_file_with_an_impossible_transition_names_the_event(invoke, write_events):
    path = write_events(
        [founded("ORG"), participation("org-uzb-resumed", "resumed", "UZB", "2003-01-01")], name="that-file.jsonl"
    )
    assert_one_error_line(
        invoke("members", "ORG", "--on", "2005", "--events", path),
        "that-file.jsonl:2: event org-uzb-resumed: cannot resume UZB",
    )


@pytest.mark.parametrize(
    ("retracts", "message"), [("r", "event r: retracts itself"), ("gone", "event r: retracts unknown event 'gone'")]
)
def test_a_log_of_only_retractions_is_named_not_a_crash(invoke, write_events, retracts, message):
    """A log without one dated record (found by the store export's property): the fold has no
    day to read, and the problem is still one line naming the event."""
    retraction = {"id": "r", "subject": "ORG", "kind": "retracted", "retracts": retracts}
    retraction["sources"] = [{"title": "A report", "ref": "public-record:report"}]
    path = write_events([retraction], name="only-retractions.jsonl")
    checked = invoke("validate", path)
    assert checked.exit_code == 1 and f"only-retractions.jsonl:1: {message}" in checked.output
    assert "Traceback" not in checked.output and "internal error" not in checked.output
    assert_one_error_line(
        invoke("members", "ORG", "--on", "2005", "--events", path), f"only-retractions.jsonl:1: {message}"
    )


@pytest.mark.parametrize(
    "args, part",
    [
        (["members", "CSTO", "--on", "2005", "--events", "no-such-file.jsonl"], "no-such-file.jsonl: file not found"),
        (["members", "CSTO", "--on", "2005", "--as-known", "garbage"], "bad date-time 'garbage'"),
        (["members", "CSTO", "--on", "2005", "--standing", "bogus"], "unknown standing 'bogus'"),
        (
            ["members", "CSTO", "--on", "2005", "--events", "x.jsonl", "--store", "y.duckdb"],
            "give either --events or --store",
        ),
        (["state", "NOPE", "--on", "2005"], "unknown subject 'NOPE'"),
        (["diff", "SCO", "2016", "2024-13"], "month 13"),
        (["history", "UZB", "--subject", "CSTOO"], "unknown subject 'CSTOO'"),
        (["log", "--subject", "CSTOO"], "unknown subject 'CSTOO'"),
    ],
)
def test_every_bad_argument_is_one_line_and_exit_1(invoke, args, part):
    assert_one_error_line(invoke(*args), part)


def test_an_unknown_file_type_is_named(invoke, tmp_path):
    path = tmp_path / "events.txt"
    path.write_text("hello\n", encoding="utf-8")
    assert_one_error_line(invoke("members", "ORG", "--on", "2005", "--events", path), "unknown file type '.txt'")


def test_a_file_that_is_not_utf8_names_the_line(invoke, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(founded("ORG")).encode() + b'\n{"note": "caf\xe9"}\n')
    assert_one_error_line(invoke("members", "ORG", "--on", "2005", "--events", path), f"{path}:2: not UTF-8 text")


def test_an_unknown_standing_message_reads_as_english(invoke):
    assert_one_error_line(invoke("members", "CSTO", "--on", "2005", "--standing", "bogus"), "for an organization")
