"""Bad event files given to `timeline import`: one clear line, exit 1, and the store unchanged.

Each case writes its file(s) beside a store that already holds the catalog, imports them, and
checks the one line on stderr against the message shape that docs/bad-input.md shows, then
compares every row of every table of the store with how it was before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.badinput.helpers import (
    FOUNDED,
    SOURCE,
    assert_clear_error,
    assert_shape,
    exported,
    invoke,
    joined,
    run_process,
    snapshot,
    tables,
    write_jsonl,
)


class Case(NamedTuple):
    """A bad input: how to write it, and the shape of the one line it must get."""

    name: str
    build: Callable[[Path, list[dict]], list[Path]]
    shape: str
    xfail: str | None = None


def jsonl(name: str, *records) -> Callable[[Path, list[dict]], list[Path]]:
    return lambda folder, catalog: [write_jsonl(folder / name, list(records))]


def raw(name: str, data: bytes) -> Callable[[Path, list[dict]], list[Path]]:
    def build(folder: Path, catalog: list[dict]) -> list[Path]:
        (folder / name).write_bytes(data)
        return [folder / name]

    return build


def text(name: str, content: str) -> Callable[[Path, list[dict]], list[Path]]:
    return raw(name, content.encode("utf-8"))


def _changed_catalog_event(folder: Path, catalog: list[dict]) -> list[Path]:
    first = dict(catalog[0])
    first["note"] = "the same id, told differently"
    return [write_jsonl(folder / "changed.jsonl", [first])]


def _missing(folder: Path, catalog: list[dict]) -> list[Path]:
    return [folder / "no-such-file.jsonl"]


def _empty_folder(folder: Path, catalog: list[dict]) -> list[Path]:
    (folder / "empty-folder").mkdir()
    (folder / "empty-folder" / "readme.txt").write_text("no events here\n")
    return [folder / "empty-folder"]


def _two_files_one_id(folder: Path, catalog: list[dict]) -> list[Path]:
    return [
        write_jsonl(folder / "first.jsonl", [FOUNDED]),
        write_jsonl(folder / "second.jsonl", [{**FOUNDED, "name": "Another name"}]),
    ]


SOURCES_CELL = '"[{""title"": ""T"", ""ref"": ""test:csv""}]"'
CSV_HEADER = "id,date,subject,kind,name,subject_kind,sources"
CSV_FOUNDED = f"x-founded,2001-06-15,XORG,founded,Example Organization,organization,{SOURCES_CELL}"

CASES = [
    Case(
        "malformed JSON line",
        jsonl("malformed.jsonl", FOUNDED, '{"id": "x-kaz", "date": '),
        "error: <file>:2: not valid JSON (<reason>)",
    ),
    Case(
        "JSON nested too deeply",
        jsonl("deep.jsonl", FOUNDED, "[" * 100_000),
        "error: <file>:2: not valid JSON (nested too deeply)",
    ),
    Case(
        "a JSON array where an event belongs",
        jsonl("array.jsonl", FOUNDED, "[1, 2]"),
        "error: <file>:2: expected a JSON object, found <what>",
    ),
    Case(
        "a JSON null where an event belongs",
        jsonl("null.jsonl", FOUNDED, "null"),
        "error: <file>:2: expected a JSON object, found null",
    ),
    Case(
        "unknown kind",
        jsonl("kind.jsonl", FOUNDED, {**joined("x-kaz"), "kind": "joind"}),
        "error: <file>:2: event x-kaz: unknown kind 'joind' — did you mean 'joined'?",
    ),
    Case(
        "missing required field",
        jsonl("missing.jsonl", FOUNDED, {k: v for k, v in joined("x-kaz").items() if k != "party"}),
        "error: <file>:2: event x-kaz: missing required field 'party'",
    ),
    Case(
        "no sources",
        jsonl("nosources.jsonl", {k: v for k, v in FOUNDED.items() if k != "sources"}),
        "error: <file>:1: event x-founded: missing required field 'sources' (at least one {title, ref})",
    ),
    Case(
        "field that is not an event field",
        jsonl("field.jsonl", {**FOUNDED, "nmae": "typo"}),
        "error: <file>:1: event x-founded: field 'nmae' is not an event field — did you mean 'name'?",
    ),
    Case(
        "invalid EDTF date",
        jsonl("edtf.jsonl", FOUNDED, joined("x-kaz", date="2002-99-99x")),
        "error: <file>:2: event x-kaz: bad date '2002-99-99x': not EDTF (expected EDTF such as <examples>)",
    ),
    Case(
        "month 13",
        jsonl("month.jsonl", FOUNDED, joined("x-kaz", date="2005-13")),
        "error: <file>:2: event x-kaz: bad date '2005-13': month 13 is not 01-12 (expected EDTF such as <examples>)",
    ),
    Case(
        "an interval where a date belongs",
        jsonl("interval.jsonl", FOUNDED, joined("x-kaz", date="2004-01-15/2006")),
        "error: <file>:2: event x-kaz: bad date '2004-01-15/2006': an interval is not a date; write its two ends as two events",
    ),
    Case(
        "unknown subject",
        jsonl("subject.jsonl", joined("x-kaz", subject="NOSUCH")),
        "error: <file>:1: event x-kaz: subject NOSUCH is not declared: no 'founded' event for it",
    ),
    Case(
        "unknown party code",
        jsonl("party.jsonl", FOUNDED, joined("x-uzq", party="UZQ")),
        "error: <file>:2: event x-uzq: party 'UZQ' is not an ISO 3166 alpha-3 code (e.g. UZB, KGZ; SUN for the USSR)",
    ),
    Case(
        "a party name where a code belongs",
        jsonl("partyname.jsonl", FOUNDED, joined("x-uzb", party="Uzbekistan")),
        "error: <file>:2: event x-uzb: party 'Uzbekistan' is not an ISO 3166 alpha-3 code (e.g. UZB, KGZ; SUN for the USSR)",
    ),
    Case(
        "duplicate id with different content in one file",
        jsonl("dup.jsonl", FOUNDED, {**FOUNDED, "name": "Another name"}),
        "error: <file>:2: event x-founded: id 'x-founded' is used twice in this input with different content (also at <file>:1)",
    ),
    Case(
        "duplicate id with different content in two files",
        _two_files_one_id,
        "error: <file2>:1: event x-founded: id 'x-founded' is used twice in this input with different content (also at <file>:1)",
    ),
    Case(
        "duplicate id with different content than the store",
        _changed_catalog_event,
        "error: <file>:1: event <id>: id '<id>' is already in the store (event #<n>) with different content; "
        "to change it, add an event that `corrects` it",
    ),
    Case(
        "impossible transition",
        jsonl("resume.jsonl", FOUNDED, {**joined("x-kaz"), "kind": "resumed"}),
        "error: <file>:2: event x-kaz: cannot resume KAZ: its standing is none (expected suspended) in XORG on 2002-03-04",
    ),
    Case(
        "impossible transition against the stored log",
        jsonl("csto.jsonl", joined("csto-kaz-again", subject="CSTO", date="2010-01-01")),
        "error: <file>:1: event csto-kaz-again: cannot record joining by KAZ: its standing is member "
        "(expected <standings>) in CSTO on 2010-01-01",
    ),
    Case(
        "retraction of an unknown id",
        jsonl(
            "retract.jsonl",
            FOUNDED,
            {"id": "x-r", "subject": "XORG", "kind": "retracted", "retracts": "no-such-event", "sources": SOURCE},
        ),
        "error: <file>:2: event x-r: retracts unknown event 'no-such-event'",
    ),
    Case(
        "correction of an unknown id",
        jsonl("corrects.jsonl", FOUNDED, joined("x-kaz", corrects="no-such-event")),
        "error: <file>:2: event x-kaz: corrects unknown event 'no-such-event'",
    ),
    Case(
        "correction chain with a cycle",
        jsonl("cycle.jsonl", FOUNDED, joined("x-a", corrects="x-b"), joined("x-b", corrects="x-a")),
        "error: <file>:2: event x-a: corrections form a cycle through 'x-b' (and <n> more problems)",
    ),
    Case(
        "event that corrects itself",
        jsonl("self.jsonl", FOUNDED, joined("x-a", corrects="x-a")),
        "error: <file>:2: event x-a: corrections form a cycle through 'x-a'",
    ),
    Case("file not found", _missing, "error: <file>: file not found"),
    Case(
        "folder without event files",
        _empty_folder,
        "error: <file>: folder holds no event files (.jsonl, .ndjson, .json, .tl, .csv)",
    ),
    Case(
        "unknown file type",
        text("events.txt", json.dumps(FOUNDED) + "\n"),
        "error: <file>: unknown file type '.txt' (expected .jsonl, .ndjson, .json, .tl, .csv or .parquet; "
        "for a data set pass --from cow-igo for igo_year_format3.csv.gz, or --from un-treaty-status)",
    ),
    Case(
        "not UTF-8",
        raw("latin1.jsonl", json.dumps(FOUNDED).encode() + b"\n" + '{"id": "x-caf\u00e9"}\n'.encode("latin-1")),
        "error: <file>:2: not UTF-8 text (byte 0xe9 at offset <n>)",
    ),
    Case("empty file", raw("empty.jsonl", b""), "error: <file>: empty file: no events in it"),
    Case("file of blank lines", raw("blank.jsonl", b"\n  \r\n\t\n"), "error: <file>: empty file: no events in it"),
    Case(
        "file holding only a byte-order mark",
        raw("bom.jsonl", b"\xef\xbb\xbf"),
        "error: <file>: empty file: no events in it",
    ),
    Case("CSV with only a header", text("header.csv", CSV_HEADER + "\n"), "error: <file>: <what>no events in it"),
    Case(
        "catalog file with only comments",
        text("comments.tl", "# nothing yet\nsubject XORG\n"),
        "error: <file>: <what>no events in it",
    ),
    Case(
        "CSV missing a column",
        text("missing.csv", "id,kind,subject\nx-founded,founded,XORG\n"),
        "error: <file>:1: missing column 'sources' (columns are id, date, subject, <columns>)",
    ),
    Case(
        "CSV with an unknown column",
        text("unknown.csv", CSV_HEADER + ",colour\n" + CSV_FOUNDED + ",blue\n"),
        "error: <file>:1: unknown column 'colour' (columns are id, date, subject, <columns>)",
    ),
    Case(
        "CSV row with an extra cell",
        text("extra.csv", CSV_HEADER + "\n" + CSV_FOUNDED + ",surplus\n"),
        "error: <file>:2: expected 7 columns, found 8",
    ),
    Case(
        "CSV row with a cell missing",
        text("short.csv", CSV_HEADER + "\n" + CSV_FOUNDED.replace(",organization,", ",") + "\n"),
        "error: <file>:2: expected 7 columns, found 6",
    ),
    Case(
        "CSV sources cell that is not JSON",
        text("sources.csv", CSV_HEADER + "\n" + CSV_FOUNDED.replace(SOURCES_CELL, "[oops") + "\n"),
        "error: <file>:2: event x-founded: column 'sources' is not a JSON list (<reason>)",
    ),
    Case(
        "catalog line outside any block",
        text("stray.tl", "subject XORG\n  date: 2005\n"),
        "error: <file>:2: indented line outside an event or source block",
    ),
    Case(
        "recorded that is a duration",
        jsonl("duration.jsonl", {**FOUNDED, "recorded": "P1D"}),
        "error: <file>:1: event x-founded: bad date-time 'P1D': expected ISO 8601 <examples>",
    ),
    Case(
        "recorded whose UTC time is before year 1",
        jsonl("year0.jsonl", {**FOUNDED, "recorded": "0001-01-01T00:00:00+05:00"}),
        "error: <file>:1: event x-founded: bad date-time '0001-01-01T00:00:00+05:00': <what failed>",
    ),
    Case(
        "recorded as an ISO week",
        jsonl("week.jsonl", {**FOUNDED, "recorded": "2020W01"}),
        "error: <file>:1: event x-founded: bad date-time '2020W01': expected ISO 8601 <examples>",
    ),
    Case(
        "text with an unpaired surrogate",
        jsonl(
            "surrogate.jsonl",
            '{"id": "x-founded", "date": "2001-06-15", "subject": "XORG", '
            '"kind": "founded", "name": "bad \\ud800 name", "subject_kind": "organization", '
            '"sources": [{"title": "T", "ref": "r"}]}',
        ),
        "error: <file>:1: event x-founded: <what is wrong>",
    ),
]


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=case.name.replace(" ", "-"), marks=marks)


@pytest.fixture(scope="module")
def catalog_records(catalog_jsonl) -> list[dict]:
    return [json.loads(line) for line in catalog_jsonl.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", list(_params()))
def test_a_bad_event_file_gets_one_clear_line_and_leaves_the_store_as_it_was(case, store, tmp_path, catalog_records):
    folder = tmp_path / "input"
    folder.mkdir()
    files = case.build(folder, catalog_records)
    before = tables(store)
    line = assert_clear_error(invoke("import", *files, "--store", store))
    known = {"file": str(files[0])}
    if len(files) > 1:
        known["file2"] = str(files[1])
    assert_shape(line, case.shape, **known)
    assert tables(store) == before


def test_every_bad_line_is_listed_by_validate_with_its_file_and_line(tmp_path):
    """`timeline validate` lists each problem on its own line, not only the first."""
    path = write_jsonl(
        tmp_path / "three-bad.jsonl",
        [
            FOUNDED,
            '{"broken',
            {**joined("x-kaz"), "kind": "joind"},
            joined("x-kgz", party="KGZ", date="2005-13"),
        ],
    )
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"{path}:2: not valid JSON (Unterminated string starting at)",
        f"{path}:3: event x-kaz: unknown kind 'joind' — did you mean 'joined'?",
        f"{path}:4: event x-kgz: bad date '2005-13': month 13 is not 01-12 "
        "(expected EDTF such as 1992-05-15, 2012-06, 1993, 2006-22 (summer), 2012? or 2007~)",
        "3 problems found",
    ]


def test_a_good_file_after_a_refused_one_imports_whole(store, tmp_path):
    """A refused import leaves nothing behind that would stop the next one."""
    bad = write_jsonl(tmp_path / "bad.jsonl", [FOUNDED, joined("x-kaz"), joined("x-uzb", party="UZB", date="2005-13")])
    good = write_jsonl(
        tmp_path / "good.jsonl", [FOUNDED, joined("x-kaz"), joined("x-uzb", party="UZB", date="2005-12")]
    )
    before = snapshot(store)
    assert_clear_error(invoke("import", bad, "--store", store), f"{bad}:3: event x-uzb: bad date '2005-13'")
    assert snapshot(store) == before
    result = invoke("import", good, "--store", store)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported 3 new event(s), 0 already stored")
    log = [json.loads(line) for line in exported(store).splitlines()]
    assert [r["id"] for r in log[-3:]] == ["x-founded", "x-kaz", "x-uzb"]
    assert log[:-3] == [json.loads(line) for line in before[0].splitlines()]


REAL_PROCESS_CASES = [
    "malformed JSON line",
    "not UTF-8",
    "impossible transition against the stored log",
    "file not found",
]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in REAL_PROCESS_CASES], ids=lambda c: c.name.replace(" ", "-")
)
def test_a_real_process_given_a_bad_file_prints_one_line_and_no_traceback(case, store, tmp_path, catalog_records):
    folder = tmp_path / "input"
    folder.mkdir()
    files = case.build(folder, catalog_records)
    before = tables(store)
    line = assert_clear_error(run_process("import", *files, "--store", store, env=_without_store_env()))
    assert_shape(line, case.shape, file=str(files[0]))
    assert tables(store) == before


def _without_store_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "TIMELINE_STORE"}
