"""The interchange form: every field is checked, and a bad record says which field and why."""

from __future__ import annotations

import io
import json

import pytest

from timeline_engine.events.codec import FIELD_ORDER, event_from_record, event_to_record, read_jsonl, write_jsonl
from timeline_engine.events.errors import BadEvent, Problem
from timeline_engine.events.model import (
    BodyEvent,
    CoverageEvent,
    OfficeEvent,
    Origin,
    ParticipationEvent,
    Retraction,
    SubjectEvent,
)
from timeline_engine.events.vocabulary import KINDS, PARTICIPATION_KINDS

SOURCES = [{"title": "A title", "ref": "test:ref"}]


def valid(kind: str) -> dict:
    """A minimal valid record of this kind."""
    rec = {"id": f"x-{kind}", "date": "2005-06-01", "subject": "ORG", "kind": kind, "sources": SOURCES}
    if kind == "founded":
        rec.update(name="Organization", subject_kind="organization")
    elif kind == "renamed":
        rec.update(name="New name")
    elif kind in PARTICIPATION_KINDS:
        rec.update(party="UZB")
        if kind == "granted":
            rec.update(status="observer")
    elif kind == "appointed":
        rec.update(office="secretary-general", holder="Ann Example")
    elif kind == "left-office":
        rec.update(office="secretary-general")
    elif kind in ("established", "abolished"):
        rec.update(body="secretariat")
    elif kind == "retracted":
        del rec["date"]
        rec.update(retracts="y")
    return rec


CLASS = {
    "founded": SubjectEvent,
    "renamed": SubjectEvent,
    "entered-into-force": SubjectEvent,
    "dissolved": SubjectEvent,
    **{k: ParticipationEvent for k in PARTICIPATION_KINDS},
    "appointed": OfficeEvent,
    "left-office": OfficeEvent,
    "established": BodyEvent,
    "abolished": BodyEvent,
    "retracted": Retraction,
    "attested": CoverageEvent,
}
REQUIRED = [(kind, field) for kind in KINDS for field in valid(kind) if field not in ("kind",)]


def test_every_kind_has_a_minimal_record_in_these_tests():
    assert set(CLASS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_minimal_record_of_each_kind_becomes_an_event_of_its_family(kind):
    event = event_from_record(valid(kind))
    assert type(event) is CLASS[kind]
    assert event.kind == kind


@pytest.mark.parametrize("kind, field", REQUIRED)
def test_each_required_field_of_each_kind_is_named_when_missing(kind, field):
    rec = valid(kind)
    del rec[field]
    with pytest.raises(BadEvent) as caught:
        event_from_record(rec)
    assert repr(field) in str(caught.value)


def test_a_retraction_needs_no_date():
    assert event_from_record(valid("retracted")).date is None


def test_a_missing_kind_is_named():
    rec = valid("joined")
    del rec["kind"]
    with pytest.raises(BadEvent, match="missing required field 'kind'"):
        event_from_record(rec)


def test_an_unknown_kind_suggests_the_closest_kind():
    rec = valid("joined") | {"kind": "joind"}
    with pytest.raises(BadEvent, match="unknown kind 'joind' — did you mean 'joined'\\?"):
        event_from_record(rec)


def test_an_unknown_field_is_named_and_the_closest_field_suggested():
    rec = valid("joined") | {"partie": "UZB"}
    with pytest.raises(BadEvent, match="field 'partie' is not an event field — did you mean 'party'\\?"):
        event_from_record(rec)


def test_an_unknown_field_unlike_any_field_lists_the_fields_of_its_kind():
    rec = valid("joined") | {"zzz": 1}
    with pytest.raises(BadEvent) as caught:
        event_from_record(rec)
    assert "field 'zzz' is not an event field" in str(caught.value)
    assert "party" in str(caught.value)


def test_a_field_of_another_family_does_not_apply_to_the_kind():
    rec = valid("joined") | {"office": "chair"}
    with pytest.raises(BadEvent, match="field 'office' does not apply to kind 'joined'"):
        event_from_record(rec)


def test_a_status_belongs_only_to_a_grant():
    rec = valid("joined") | {"status": "observer"}
    with pytest.raises(BadEvent, match="applies only to kind 'granted'"):
        event_from_record(rec)


def test_a_grant_of_a_full_standing_lists_the_standings_that_can_be_granted():
    rec = valid("granted") | {"status": "member"}
    with pytest.raises(BadEvent, match="status 'member' cannot be granted \\(expected one of associate, observer"):
        event_from_record(rec)


def test_a_party_must_be_a_code_not_a_name():
    rec = valid("joined") | {"party": "Uzbekistan"}
    with pytest.raises(BadEvent, match="party 'Uzbekistan' is not an ISO 3166 alpha-3 code"):
        event_from_record(rec)


def test_a_bad_date_names_the_field_value_and_the_part():
    rec = valid("joined") | {"date": "2005-13"}
    with pytest.raises(BadEvent, match="bad date '2005-13': month 13"):
        event_from_record(rec)


def test_a_bad_effective_date_is_refused():
    rec = valid("withdrew") | {"effective": "2005-04-31"}
    with pytest.raises(BadEvent, match="day 31 does not exist"):
        event_from_record(rec)


def test_a_date_written_as_a_number_is_refused_with_its_value():
    rec = valid("joined") | {"date": 2005}
    with pytest.raises(BadEvent, match="field 'date' must be non-empty text, found 2005"):
        event_from_record(rec)


@pytest.mark.parametrize(
    "sources, message",
    [
        ([], "non-empty list"),
        ("test:ref", "non-empty list"),
        ([{"title": "t"}], "source 1 needs a non-empty 'ref'"),
        ([{"ref": "r"}], "source 1 needs a non-empty 'title'"),
        ([{"title": "t", "ref": "r", "editor": "x"}], "source 1 has unknown field 'editor'"),
        ([{"title": "t", "ref": "r", "issued": "2023-13"}], "source 1: 'issued': bad date '2023-13'"),
        ([{"title": "t", "ref": "r", "author": 7}], "source 1: 'author' must be text"),
        ([{"title": "t", "ref": "r", "page": True}], "'page' must be text or a number"),
        ([{"title": "t", "ref": "r"}, "r2"], "source 2 must be an object"),
    ],
)
def test_sources_are_checked_one_by_one(sources, message):
    rec = valid("joined") | {"sources": sources}
    with pytest.raises(BadEvent) as caught:
        event_from_record(rec)
    assert message in str(caught.value)


def test_an_id_must_be_a_slug():
    with pytest.raises(BadEvent, match="must be a slug"):
        event_from_record(valid("joined") | {"id": "has spaces"})


def test_a_subject_must_be_an_upper_case_id():
    with pytest.raises(BadEvent, match="upper-case id"):
        event_from_record(valid("joined") | {"subject": "csto"})


def test_an_unsupported_interchange_version_is_refused():
    with pytest.raises(BadEvent, match="version 2 is not supported"):
        event_from_record(valid("joined") | {"v": 2})
    assert event_from_record(valid("joined") | {"v": 1}) == event_from_record(valid("joined"))


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(BadEvent, match="expected a JSON object, found an array"):
        event_from_record([1, 2])


def test_a_record_keeps_only_the_fields_given_in_the_fixed_order():
    rec = valid("granted") | {"note": "n", "effective": "2005-07", "recorded": "2024-01-01T00:00:00Z"}
    out = event_to_record(event_from_record(rec))
    assert out == rec
    assert list(out) == [k for k in FIELD_ORDER if k in rec]


def test_a_json_lines_file_reports_each_bad_line_with_its_number_and_event_id_and_goes_on():
    good = valid("joined")
    lines = [
        json.dumps(good),
        "",
        "{not json",
        json.dumps(valid("joined") | {"id": "bad-date", "date": "2005-13"}),
        json.dumps([1]),
        json.dumps(valid("left-office") | {"id": "after"}),
    ]
    problems: list[Problem] = []
    events = list(read_jsonl(lines, "f.jsonl", problems))
    assert [e.id for e in events] == [good["id"], "after"]
    assert [e.origin for e in events] == [Origin("f.jsonl", 1), Origin("f.jsonl", 6)]
    assert [(p.file, p.line, p.event_id) for p in problems] == [
        ("f.jsonl", 3, None),
        ("f.jsonl", 4, "bad-date"),
        ("f.jsonl", 5, None),
    ]
    assert str(problems[1]).startswith("f.jsonl:4: event bad-date: bad date '2005-13': month 13")
    assert "not valid JSON" in problems[0].message


def test_a_number_too_long_to_read_is_a_problem_not_a_crash():
    problems: list[Problem] = []
    line = '{"id": "x", "page": ' + "9" * 5000 + "}"
    assert list(read_jsonl([line], "f.jsonl", problems)) == []
    assert [(p.line, p.message.startswith("not valid JSON")) for p in problems] == [(1, True)]


def test_a_note_with_unicode_line_separators_stays_on_one_json_line():
    rec = valid("joined") | {"note": "one\u2028two\u2029three\x85four\nfive"}
    out = io.StringIO()
    write_jsonl([event_from_record(rec)], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    problems: list[Problem] = []
    assert [event_to_record(e) for e in read_jsonl(lines, "f.jsonl", problems)] == [rec]
    assert problems == []


def test_an_attested_record_keeps_its_parties_and_round_trips():
    rec = {**valid("attested"), "parties": "KAZ KGZ"}
    event = event_from_record(rec)
    assert isinstance(event, CoverageEvent)
    assert event.party_codes == ("KAZ", "KGZ")
    assert event_to_record(event) == rec


def test_an_attested_record_without_parties_covers_every_party():
    assert event_from_record(valid("attested")).party_codes is None


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        ("KAZ Kazakhstan", "parties: 'Kazakhstan' is not an ISO 3166 alpha-3 code (e.g. UZB, KGZ; SUN for the USSR)"),
        ("KAZ KAZ", "parties names 'KAZ' twice"),
        ("  ", "field 'parties' must be non-empty text, found \"  \""),
    ],
)
def test_bad_parties_of_an_attested_record_say_what_is_wrong(parties, message):
    with pytest.raises(BadEvent) as bad:
        event_from_record({**valid("attested"), "parties": parties})
    assert str(bad.value) == message


def test_parties_do_not_apply_to_other_kinds():
    with pytest.raises(BadEvent) as bad:
        event_from_record({**valid("joined"), "parties": "KAZ"})
    assert str(bad.value) == "field 'parties' does not apply to kind 'joined'"
