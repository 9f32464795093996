"""A transition that makes no sense is a problem naming the event id, the file and the line."""

from __future__ import annotations

import json

import pytest

from timeline_engine.engine.validation import validate_events, validate_paths


def problems_of(log) -> list[str]:
    _, problems = validate_events(log.events())
    return [str(p) for p in problems]


def test_resuming_a_party_that_was_never_suspended_names_file_line_and_event(log):
    log.organization("ORG")
    log.party("resumed", "ORG", "UZB", "2003-01-01", id="org-uzb-resumed")
    assert problems_of(log) == [
        "log.jsonl:2: event org-uzb-resumed: cannot resume UZB: its standing is none (expected suspended) in ORG on 2003-01-01",
    ]


def test_validating_a_file_reports_the_line_of_the_bad_transition(tmp_path):
    path = tmp_path / "that-file.jsonl"
    records = [
        {
            "id": "org-founded",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Org",
            "subject_kind": "organization",
            "sources": [{"title": "t", "ref": "r"}],
        },
        {
            "id": "org-uzb-resumed",
            "date": "2003-01-01",
            "subject": "ORG",
            "kind": "resumed",
            "party": "UZB",
            "sources": [{"title": "t", "ref": "r"}],
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = [str(p) for p in validate_paths([path])]
    assert found == [
        f"{path}:2: event org-uzb-resumed: cannot resume UZB: its standing is none (expected suspended) in ORG on 2003-01-01"
    ]


@pytest.mark.parametrize(
    "steps, message",
    [
        ([("joined", "ORG", {}), ("joined", "ORG", {})], "cannot record joining by KAZ: its standing is member"),
        ([("suspended", "ORG", {})], "cannot suspend KAZ: its standing is none"),
        (
            [("granted", "ORG", {"status": "observer"}), ("suspended", "ORG", {})],
            "cannot suspend KAZ: its standing is observer",
        ),
        (
            [("granted", "ORG", {"status": "observer"}), ("granted", "ORG", {"status": "observer"})],
            "cannot grant observer status to KAZ",
        ),
        ([("withdrew", "ORG", {})], "cannot record that KAZ withdrew: it has no standing"),
        ([("signed", "ORG", {})], "'signed' applies to treaties"),
        ([("joined", "TRE", {})], "'joined' applies to organizations"),
        ([("granted", "TRE", {"status": "observer"})], "'granted' applies to organizations"),
        (
            [("ratified", "TRE", {}), ("ratified", "TRE", {})],
            "cannot record a ratification by KAZ: its standing is party",
        ),
        ([("signed", "TRE", {}), ("signed", "TRE", {})], "cannot record a signature by KAZ: its standing is signatory"),
    ],
)
def test_a_participation_event_in_a_standing_where_it_makes_no_sense_is_refused(log, steps, message):
    log.organization("ORG")
    log.treaty("TRE")
    for year, (kind, subject, extra) in enumerate(steps, 2001):
        last = log.party(kind, subject, "KAZ", f"{year}-01-01", **extra)
    found = problems_of(log)
    assert len(found) == 1
    assert found[0].startswith(f"log.jsonl:{len(log.records)}: event {last['id']}: ")
    assert message in found[0]


@pytest.mark.parametrize(
    "steps, message",
    [
        ([("left-office", {"office": "chair"})], "office chair is vacant: nobody can leave it"),
        (
            [
                ("appointed", {"office": "chair", "holder": "Ann"}),
                ("left-office", {"office": "chair", "holder": "Bob"}),
            ],
            "Bob cannot leave chair: its holder is Ann",
        ),
        ([("abolished", {"body": "council"})], "body council does not exist: it cannot be abolished"),
        ([("established", {"body": "council"}), ("established", {"body": "council"})], "body council already exists"),
    ],
)
def test_office_and_body_events_that_make_no_sense_are_refused(log, steps, message):
    log.organization("ORG")
    for year, (kind, fields) in enumerate(steps, 2001):
        last = log.add(kind, "ORG", f"{year}-01-01", **fields)
    found = problems_of(log)
    assert len(found) == 1 and found[0].startswith(f"log.jsonl:{len(log.records)}: event {last['id']}: ")
    assert message in found[0]


def test_an_event_before_its_subject_was_founded_is_refused(log):
    log.organization("ORG", date="2000-01-01")
    log.party("joined", "ORG", "KAZ", "1999", id="early")
    assert problems_of(log) == ["log.jsonl:2: event early: dated 1999, before ORG was founded (2000-01-01)"]


def test_an_event_about_an_undeclared_subject_is_refused(log):
    log.party("joined", "NOPE", "KAZ", "2000", id="orphan")
    assert problems_of(log) == ["log.jsonl:1: event orphan: subject NOPE is not declared: no 'founded' event for it"]


def test_a_subject_founded_twice_names_the_first_founding(log):
    log.organization("ORG", id="first")
    log.organization("ORG", date="1995", id="second")
    assert problems_of(log) == ["log.jsonl:2: event second: ORG is already founded by first at log.jsonl:1"]


def test_an_undeclared_predecessor_is_refused(log):
    log.organization("ORG", predecessor="OLD", id="org")
    assert problems_of(log) == ["log.jsonl:1: event org: predecessor OLD is not a declared subject"]


def test_the_bundled_catalog_has_no_problems():
    from timeline_engine.events.io import catalog_paths

    assert validate_paths(catalog_paths()) == []
