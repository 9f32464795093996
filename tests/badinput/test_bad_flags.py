"""Bad flags and arguments: `timeline add` with a bad event (the store unchanged), and query
arguments that name nothing or are not dates."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from tests.badinput.helpers import assert_clear_error, assert_shape, invoke, tables


class Flags(NamedTuple):
    name: str
    args: list[str]
    shape: str


def add(*extra: str, **flags: str) -> list[str]:
    base = {
        "id": "x-new",
        "kind": "joined",
        "subject": "CSTO",
        "party": "UZB",
        "date": "2005-03-01",
        "source-ref": "test:add",
        "source-title": "Test",
    }
    base.update({k.replace("_", "-"): v for k, v in flags.items()})
    out = ["add"]
    for k, v in base.items():
        if v is not None:
            out += [f"--{k}", v]
    return out + list(extra)


ADD_CASES = [
    Flags(
        "unknown party name",
        add(party="Uzbekistn"),
        "error: unknown party 'Uzbekistn' — did you mean UZB (Uzbekistan)?",
    ),
    Flags(
        "unknown subject",
        add(subject="NOSUCH"),
        "error: timeline add: event x-new: subject NOSUCH is not declared: no 'founded' event for it",
    ),
    Flags(
        "invalid date",
        add(date="2005-02-30"),
        "error: timeline add: bad date '2005-02-30': day 30 does not exist in 2005-02 (that month has 28 days)",
    ),
    Flags("unknown kind", add(kind="jioned"), "error: timeline add: unknown kind 'jioned' — did you mean 'joined'?"),
    Flags("missing party", add(party=None), "error: timeline add: missing required field 'party'"),
    Flags(
        "id that is not a slug",
        add(id="x new"),
        "error: timeline add: id 'x new' must be a slug: letters, digits and . _ : ~ + - (no spaces)",
    ),
    Flags("empty source", add(source_ref=""), "error: timeline add: source 1 needs a non-empty 'ref'"),
    Flags(
        "impossible transition",
        add(kind="resumed", party="USA"),
        "error: timeline add: event x-new: cannot resume USA: its standing is none (expected suspended) in CSTO on 2005-03-01",
    ),
    Flags(
        "retraction of an unknown id",
        add(kind="retracted", party=None, date=None, retracts="no-such-event"),
        "error: timeline add: event x-new: retracts unknown event 'no-such-event'",
    ),
]


@pytest.mark.parametrize("case", ADD_CASES, ids=lambda c: c.name.replace(" ", "-"))
def test_a_bad_event_given_to_add_gets_one_clear_line_and_leaves_the_store_as_it_was(store, case):
    before = tables(store)
    line = assert_clear_error(invoke(*case.args, "--store", store))
    assert_shape(line, case.shape)
    assert tables(store) == before


QUERY_CASES = [
    Flags(
        "--on that is not a date",
        ["members", "CSTO", "--on", "garbage"],
        "error: bad date 'garbage': not EDTF (expected EDTF such as <examples>)",
    ),
    Flags(
        "--on with month 13",
        ["members", "CSTO", "--on", "2005-13"],
        "error: bad date '2005-13': month 13 is not 01-12 (expected EDTF such as <examples>)",
    ),
    Flags(
        "--on period backwards",
        ["members", "CSTO", "--on", "2005/2004"],
        "error: bad period '2005/2004': its start 2005 is after its end 2004",
    ),
    Flags(
        "--as-known that is not a time",
        ["members", "CSTO", "--on", "2005", "--as-known", "garbage"],
        "error: bad date-time 'garbage': expected ISO 8601 such as 2024-05-01 or 2024-05-01T12:00:00Z",
    ),
    Flags(
        "unknown subject",
        ["members", "CSTOO", "--on", "2005"],
        "error: unknown subject 'CSTOO' — did you mean CSTO<more>?",
    ),
    Flags(
        "unknown party",
        ["explain", "CSTO", "Uzbekistn", "--on", "2005"],
        "error: unknown party 'Uzbekistn' — did you mean UZB (Uzbekistan)?",
    ),
    Flags(
        "unknown standing",
        ["members", "CSTO", "--on", "2005", "--standing", "emperor"],
        "error: unknown standing 'emperor' for an organization (expected all, member, <standings>)",
    ),
    Flags(
        "--events and --store together",
        ["members", "CSTO", "--on", "2005", "--events", "{events}", "--store", "{store}"],
        "error: give either --events or --store, not both",
    ),
]


@pytest.mark.parametrize("case", QUERY_CASES, ids=lambda c: c.name.replace(" ", "-"))
def test_a_bad_query_argument_gets_one_clear_line(store, catalog_jsonl, case):
    args = [a.format(events=catalog_jsonl, store=store) for a in case.args]
    assert_shape(assert_clear_error(invoke(*args)), case.shape)
