"""Coverage from the command line: unattested rows, the note lines, partial rosters."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from timeline_engine.cli.app import app

runner = CliRunner()
SOURCE = [{"title": "Example written for a test", "ref": "test:example"}]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _log(write_events, *extra):
    return write_events(
        [
            {"id": "f", "date": "2000-01-01", "subject": "ORG", "kind": "founded", "name": "Org"}
            | {"subject_kind": "organization", "sources": SOURCE},
            {"id": "j", "date": "2001-05-01", "subject": "ORG", "kind": "joined", "party": "KAZ", "sources": SOURCE},
            *extra,
        ]
    )


def test_members_after_the_coverage_are_unattested_with_a_note(write_events):
    path = _log(write_events, {"id": "a", "date": "2014", "subject": "ORG", "kind": "attested", "sources": SOURCE})
    result = run("members", "ORG", "--on", "2020-01-01", "--events", path, "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["certainty"], row["attested_until"]) == ("unattested", "2014-12-31")
    assert "window" not in row
    assert result.stderr == (
        "note: 2020-01-01 is after the last day the record covers for ORG (2014-12-31, attested by a): "
        "standings in force then are shown as unattested\n"
    )


def test_an_event_after_the_coverage_is_one_clear_line(write_events):
    path = _log(
        write_events,
        {"id": "a", "date": "2014", "subject": "ORG", "kind": "attested", "sources": SOURCE},
        {"id": "w", "date": "2016", "subject": "ORG", "kind": "withdrew", "party": "KAZ", "sources": SOURCE},
    )
    result = run("members", "ORG", "--on", "2020", "--events", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].endswith(
        "event w: dated 2016, after the last day the record covers for ORG (2014, attested by a); "
        "a later 'attested' event extends it"
    )


def test_osce_in_1995_says_which_parties_the_catalog_covers():
    result = run("members", "OSCE", "--on", "1995-06-01", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["party"] for r in rows] == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert {tuple(r["coverage"]["parties"]) for r in rows} == {("KAZ", "KGZ", "TJK", "TKM", "UZB")}
    assert result.stderr == (
        "note: the record covers OSCE until 2021-03-13 only for KAZ, KGZ, TJK, TKM, UZB (5 parties): "
        "others are not recorded\n"
    )


def test_a_table_shows_the_partial_roster_as_a_note_not_a_column():
    result = run("members", "OSCE", "--on", "1995-06-01")
    assert result.exit_code == 0
    assert "coverage" not in result.stdout
    assert "only for KAZ, KGZ, TJK, TKM, UZB" in result.stderr


def test_state_json_carries_the_subjects_coverage():
    result = run("state", "CRPD", "--on", "2024-01-01", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["coverage"] == {
        "attested_until": "2022-12-31",
        "event_id": "crpd-2022-attested",
        "parties": ["KAZ", "KGZ", "TJK", "TKM", "UZB"],
    }
    assert {m["certainty"] for m in out["members"]} == {"unattested"}
