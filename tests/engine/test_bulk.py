"""The bulk path has the replay's meaning, and every benchmarked method gives the same answers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import event_records, to_events
from timeline_engine.engine import Timeline, bulk, validate_events

# each example loads logs into DuckDB: half the profile's examples keeps the module fast
HALF = settings(max_examples=max(20, settings().max_examples // 2))


def _python_spells(tl: Timeline) -> dict:
    out = {}
    for sid in tl.subjects_by_id:
        for family, tracks in (
            ("party", tl.party_tracks(sid)),
            ("office", tl.office_tracks(sid)),
            ("body", tl.body_tracks(sid)),
        ):
            spells = {
                thing: [
                    (
                        s.value,
                        s.since,
                        s.until,
                        s.event_id,
                        s.next_event_id,
                        s.possible_from,
                        s.certain_from,
                        s.certain_to,
                        s.possible_to,
                    )
                    for s in track.spells
                ]
                for thing, track in tracks.items()
                if track.spells
            }
            if spells:
                out[(family, sid)] = spells
    return out


@given(event_records())
def test_bulk_spells_equal_python_spells_on_random_logs(records):
    rep = bulk.replay_columns(bulk.load_records(records))
    assert rep.problems == [] and rep.columns.record_problems == []
    assert rep.spells.as_tuples() == _python_spells(Timeline(to_events(records)))


@given(event_records(), st.data())
def test_bulk_replay_refuses_the_same_events_as_python_replay(records, data):
    # break a valid log: drop some events, so that later ones may no longer make sense
    drop = data.draw(st.sets(st.integers(0, len(records) - 1), max_size=3))
    broken = [r for i, r in enumerate(records) if i not in drop]
    _, problems = validate_events(to_events(broken))
    rep = bulk.replay_columns(bulk.load_records(broken))
    got = set(rep.columns.ids(rep.invalid))
    assert got == {p.event_id for p in problems}


def test_a_refused_resumption_is_named_with_its_line():
    records = [
        {
            "id": "f",
            "date": "1990-01-01",
            "subject": "ORG",
            "kind": "founded",
            "name": "Org",
            "subject_kind": "organization",
            "sources": [{"title": "t", "ref": "r"}],
        },
        {
            "id": "r1",
            "date": "1991-01-01",
            "subject": "ORG",
            "kind": "resumed",
            "party": "UZB",
            "sources": [{"title": "t", "ref": "r"}],
        },
    ]
    rep = bulk.replay_columns(bulk.load_records(records))
    [problem] = rep.as_problems("log.jsonl")
    assert (problem.line, problem.event_id) == (2, "r1")
    assert "standing is none" in problem.message
    with pytest.raises(bulk.ValidationFailed):
        bulk.compile_spells(rep.columns)


@given(
    event_records(max_parties=6, max_steps=8),
    st.lists(st.dates(min_value=date(1989, 1, 1), max_value=date(2035, 12, 31)), min_size=2, max_size=6),
)
def test_bulk_members_and_diff_answer_as_the_library_on_random_logs(records, days):
    tl = Timeline(to_events(records))
    ix = bulk.replay_columns(bulk.load_records(records)).spells.parties
    words = ix.words
    code = {w: i for i, w in enumerate(words.tolist())}
    for sid in ("ORGA", "TREA"):
        for day in days:
            parties, certain = ix.members(code[sid], day.toordinal())
            rows = tl.members(sid, on=day.isoformat()).rows
            assert [(words[p], "certain" if c else "uncertain") for p, c in zip(parties, certain)] == [
                (r.party, r.certainty) for r in rows
            ]
        d = tl.diff(sid, days[0].isoformat(), days[1].isoformat())
        expected = sorted(
            [(r["party"], None, r["standing"]) for r in d.joined]
            + [(r["party"], r["standing"], None) for r in d.left]
            + [(r["party"], r["from"], r["to"]) for r in d.changed]
        )
        # diff compares the moment just before FROM begins (the day before) with the end of TO
        p, a, b = ix.diff(code[sid], days[0].toordinal() - 1, days[1].toordinal())
        assert sorted((words[x], bulk.STANDINGS[y], bulk.STANDINGS[z]) for x, y, z in zip(p, a, b)) == expected


def _founded(**more):
    return {
        "id": "f",
        "date": "1990-01-01",
        "subject": "ORG",
        "kind": "founded",
        "name": "Org",
        "subject_kind": "organization",
        "sources": [{"title": "t", "ref": "r"}],
        **more,
    }


@pytest.mark.parametrize(
    "record, problem",
    [
        ({"kind": "joined", "party": "XYZ1"}, "party code"),
        ({"kind": "joined", "party": "UZB", "status": "observer"}, "status applies only to granted"),
        ({"kind": "granted", "party": "UZB"}, "granted needs a grantable status"),
        ({"kind": "appointed", "office": "Secretary General", "holder": "A"}, "slug is not valid"),
    ],
)
def test_a_record_that_breaks_a_field_rule_is_reported_with_its_position(record, problem):
    rec = {"id": "e1", "date": "1991-01-01", "subject": "ORG", "sources": [{"title": "t", "ref": "r"}], **record}
    cols = bulk.load_records([_founded(), rec])
    assert [(p.line, problem in p.message) for p in cols.record_problems] == [(2, True)]


def test_a_field_that_is_not_an_event_field_sends_the_log_to_the_python_validator():
    with pytest.raises(bulk.NotBulkReadable, match="'partyy' is not an event field"):
        bulk.load_records(
            [
                _founded(),
                {
                    "id": "e1",
                    "date": "1991",
                    "subject": "ORG",
                    "kind": "joined",
                    "partyy": "UZB",
                    "sources": [{"title": "t", "ref": "r"}],
                },
            ]
        )


@HALF
@given(
    event_records(),
    st.dates(min_value=date(1990, 6, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
)
def test_a_dissolution_ends_every_spell_and_refuses_later_events_as_in_python(records, day, precision):
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[precision]
    records = records + [
        {
            "id": "orga-dissolved",
            "date": text,
            "subject": "ORGA",
            "kind": "dissolved",
            "sources": [{"title": "t", "ref": "r"}],
        }
    ]
    _, problems = validate_events(to_events(records))
    rep = bulk.replay_columns(bulk.load_records(records))
    assert set(rep.columns.ids(rep.invalid)) == {p.event_id for p in problems}
    valid = [r for r in records if r["id"] not in {p.event_id for p in problems}]
    rep = bulk.replay_columns(bulk.load_records(valid))
    assert rep.problems == []
    assert rep.spells.as_tuples() == _python_spells(Timeline(to_events(valid)))
