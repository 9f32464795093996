"""Every parser, fed anything: it answers, or it reports a TimelineError or collected Problems —
never another exception. Through the CLI: exit 0, or one clear line and exit 1."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.badinput.helpers import FOUNDED, assert_clear_error, invoke, joined, write_jsonl
from tests.strategies import any_event_records, edtf_like_text, json_values, mangled_records, mutated_lines
from timeline_engine.events.catalog_format import read_catalog, write_catalog
from timeline_engine.events.codec import event_from_record, read_jsonl
from timeline_engine.events.csvio import read_csv, write_csv
from timeline_engine.events.dates import OPEN_END, OPEN_START, parse_date, parse_instant, parse_period
from timeline_engine.events.errors import Problem, TimelineError
from timeline_engine.events.model import Event, Retraction


def _collected(reader, lines: list[str], file: str) -> tuple[list[Event], list[Problem]]:
    problems: list[Problem] = []
    events = list(reader(lines, file, problems))
    assert all(isinstance(e, (Event, Retraction)) for e in events)
    assert all(isinstance(p, Problem) and p.file == file and 0 <= p.line <= len(lines) + 1 for p in problems), problems
    return events, problems


any_line = st.one_of(mangled_records().map(json.dumps), json_values.map(json.dumps), st.text(max_size=40))


@given(st.lists(any_line, max_size=8))
def test_json_lines_give_one_event_or_one_problem_for_every_line_and_never_raise(lines):
    events, problems = _collected(read_jsonl, lines, "fuzz.jsonl")
    filled = [n for n, line in enumerate(lines, 1) if line.strip()]
    assert sorted([e.origin.line for e in events] + [p.line for p in problems]) == filled


def _written(writer, records) -> list[str]:
    out = io.StringIO()
    writer([event_from_record(r) for r in records], out)
    return out.getvalue().splitlines()


CATALOG_PIECES = st.sampled_from(
    [
        "subject XORG",
        "subject",
        "source s1",
        "event x-a",
        "event x-b",
        "event",
        "  date: 2005",
        "  date: 2005-13",
        "  kind: joined",
        "  kind: founded",
        "  party: KAZ",
        "  source: s1",
        "  source: test:ref",
        "    title: T",
        "    page: 12",
        '    page: "12"',
        '  name: "unterminated',
        '  name: "\\ud800"',
        "  name: 5",
        "\tdate: 2005",
        "  : x",
        "  x",
        "# comment",
        "",
        "   ",
        "  subject_kind: organization",
        "  sources: x",
        "  id: y",
        "    ref: z",
        "  corrects: x-a",
        '  note: ""',
    ]
)


@given(
    st.one_of(
        st.lists(st.one_of(CATALOG_PIECES, st.text(max_size=30)), max_size=16),
        st.lists(any_event_records(), min_size=1, max_size=3).flatmap(
            lambda recs: mutated_lines(_written(write_catalog, recs))
        ),
    )
)
def test_the_catalog_format_reader_collects_problems_and_never_raises(lines):
    _collected(read_catalog, lines, "fuzz.tl")


@given(
    st.one_of(
        st.lists(any_event_records(), min_size=1, max_size=3).flatmap(
            lambda recs: mutated_lines(_written(write_csv, recs))
        ),
        st.lists(st.text(max_size=60), max_size=6),
        st.lists(st.lists(st.text(max_size=12), max_size=20), max_size=4).map(
            lambda rows: ["id,date,subject,kind,party,sources"] + [",".join(json.dumps(c) for c in row) for row in rows]
        ),
    )
)
def test_the_csv_reader_collects_problems_and_never_raises(lines):
    _collected(read_csv, lines, "fuzz.csv")


@given(st.one_of(st.text(max_size=30), edtf_like_text))
def test_a_date_or_a_period_parses_to_days_within_the_calendar_or_raises_a_timeline_error(text):
    for parse in (parse_date, parse_period):
        try:
            when = parse(text)
        except TimelineError:
            continue
        assert OPEN_START <= when.lo <= when.hi <= OPEN_END, (text, when)


@given(
    st.one_of(
        st.text(max_size=30),
        edtf_like_text,
        st.tuples(st.datetimes(), st.integers(-1439, 1439)).map(
            lambda t: t[0].isoformat() + f"{'+' if t[1] >= 0 else '-'}{abs(t[1]) // 60:02d}:{abs(t[1]) % 60:02d}"
        ),
    )
)
@example("P1D")
@example("0001-01-01T00:00:00+05:00")
@example("2020-01-01/2020-02-01")
def test_a_transaction_time_parses_to_an_aware_instant_or_raises_a_timeline_error(text):
    try:
        instant = parse_instant(text)
    except TimelineError:
        return
    assert isinstance(instant, datetime) and instant.tzinfo is not None


# -- through the CLI ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_log(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-cli")
    return write_jsonl(
        folder / "small.jsonl", [FOUNDED, joined("x-kaz", date="2003"), joined("x-uzb", party="UZB", date="2006-22")]
    )


def _answers_or_one_clear_line(result) -> None:
    if result.exit_code == 0:
        assert "Traceback" not in result.output
        assert all(line.startswith("note: ") for line in result.stderr.splitlines()), result.stderr
    else:
        assert_clear_error(result)


# Each example runs the command: a third of the profile's examples keeps the module quick.
CLI_EXAMPLES = settings(max_examples=max(10, settings.default.max_examples // 3))


@CLI_EXAMPLES
@given(on=st.one_of(st.text(max_size=25), edtf_like_text), command=st.sampled_from(["members", "state", "explain"]))
def test_any_on_argument_gets_an_answer_or_one_clear_line(small_log, on, command):
    args = [command, "XORG", *(["KAZ"] if command == "explain" else []), "--on", on, "--events", small_log]
    _answers_or_one_clear_line(invoke(*args))


@CLI_EXAMPLES
@given(as_known=st.one_of(st.text(max_size=25), edtf_like_text))
@example(as_known="P1D")
@example(as_known="0001-01-01T00:00:00+05:00")
def test_any_as_known_argument_gets_an_answer_or_one_clear_line(small_log, as_known):
    _answers_or_one_clear_line(invoke("members", "XORG", "--on", "2005", "--as-known", as_known, "--events", small_log))
