"""Wikidata in: SPARQL 1.1 JSON results of the README's query become events; the committed sample
loads into a store, `members` answers from it, and `compare` works against the catalog."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from timeline_engine.cli.app import app
from timeline_engine.engine import Timeline
from timeline_engine.engine.datasets import WIKIDATA_QUERY, WikidataError, read_wikidata, wikidata_events

SAMPLE = Path(__file__).parent / "data" / "wikidata-sample.json"
README = Path(__file__).parents[2] / "README.md"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported():
    return read_wikidata(SAMPLE)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("wd") / "wd.duckdb"
    assert run("init", "--store", path).exit_code == 0
    result = run("import", SAMPLE, "--from", "wikidata", "--store", path)
    assert result.exit_code == 0, result.output
    return path, result


def by_id(events):
    return {e.id: e for e in events}


def binding(sample, number):
    return copy.deepcopy(sample["results"]["bindings"][number - 1])


def one(sample, *bindings):
    return {"head": sample["head"], "results": {"bindings": list(bindings)}}


def test_the_sample_is_sparql_json_results_of_the_documented_query(sample):
    assert set(sample) == {"head", "results"}
    variables = set(sample["head"]["vars"])
    for b in sample["results"]["bindings"]:
        assert set(b) <= variables
        for term in b.values():
            assert term["type"] in ("uri", "literal")
    for var in sample["head"]["vars"]:
        assert f"?{var}" in WIKIDATA_QUERY


def test_the_readme_shows_the_query_the_importer_reads():
    assert WIKIDATA_QUERY.strip() in README.read_text(encoding="utf-8")


def test_precision_9_10_11_become_a_year_a_month_and_a_day(imported):
    dates = {(e.subject, getattr(e, "party", None), e.kind): e.date.text for e in imported.events}
    assert dates[("SCO", "UZB", "joined")] == "2001"
    assert dates[("SCO", "IND", "joined")] == "2017-06"
    assert dates[("SCO", "KAZ", "joined")] == "2001-06-15"
    assert dates[("CSTO", "UZB", "withdrew")] == "2012"


def test_an_end_time_is_a_withdrawal_and_a_held_position_an_appointment(imported):
    kinds = {(e.subject, getattr(e, "party", None) or getattr(e, "office", None), e.kind) for e in imported.events}
    assert ("CSTO", "UZB", "withdrew") in kinds
    appointed = [e for e in imported.events if e.kind == "appointed"]
    assert [(e.office, e.holder, e.nationality) for e in appointed] == [
        ("secretary-general", "Imangali Tasmagambetov", "KAZ")
    ]


def test_every_event_cites_its_wikidata_statement(imported):
    kaz = next(e for e in imported.events if e.kind == "joined" and e.subject == "SCO" and e.party == "KAZ")
    (src,) = kaz.sources
    assert src.title == "Wikidata statement"
    assert src.ref.startswith("wikidata:Q232$")
    assert src.url == "https://www.wikidata.org/wiki/Q232#P463"
    assert "start time (P580) 2001-06-15" in src.quote


def test_a_statement_without_a_start_is_dated_between_inception_and_its_end(imported):
    geo = next(e for e in imported.events if e.kind == "joined" and e.party == "GEO")
    assert geo.date.text == "[1992-05-15..1999-04-02]"
    assert "no start time (P580)" in geo.note


def test_a_statement_without_start_or_end_is_skipped_and_counted(imported):
    assert imported.statements == 16
    assert imported.skipped == 1
    assert not [e for e in imported.events if getattr(e, "party", None) == "BLR"]
    assert imported.notes == (
        "skipped 1 statement(s) without a start time (P580) and without both an end time and the "
        "organization's inception (first: binding 15: no start time (P580): an open start)",
    )


def test_founded_comes_from_inception_or_else_from_the_earliest_statement(imported):
    founded = {e.subject: e for e in imported.events if e.kind == "founded"}
    assert founded["CSTO"].date.text == "1992-05-15"
    assert founded["CSTO"].sources[0].url == "https://www.wikidata.org/wiki/Q318693#P571"
    assert founded["CSTO"].note is None
    assert founded["SCO"].date.text == "2001"
    assert "earliest statement" in founded["SCO"].note and "(P571)" in founded["SCO"].note
    assert founded["SCO"].name == "Shanghai Cooperation Organisation"


def test_a_subject_without_a_short_name_is_named_by_its_qid(sample):
    b = binding(sample, 1)
    del b["orgShort"]
    got = wikidata_events(one(sample, b))
    assert {e.subject for e in got.events} == {"Q485207"}


def test_members_answers_from_the_imported_sample(store):
    path, result = store
    assert "imported 19 new event(s), 0 already stored; the store holds 19" in result.stdout
    assert "note: " in result.stderr and "binding 15" in result.stderr
    members = run("members", "SCO", "--on", "2020", "--format", "json", "--store", path)
    assert members.exit_code == 0, members.output
    rows = json.loads(members.stdout)
    assert sorted(r["party"] for r in rows) == ["CHN", "IND", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert {r["certainty"] for r in rows} == {"certain"}


def test_importing_the_sample_again_adds_nothing(store):
    path, _ = store
    again = run("import", SAMPLE, "--from", "wikidata", "--store", path)
    assert again.exit_code == 0, again.output
    assert "imported 0 new event(s), 19 already stored" in again.stdout


def test_compare_between_a_wikidata_store_and_the_catalog(store):
    path, _ = store
    result = run(
        "compare", "CSTO", "--store", path, "--against", "catalog", "--within", "2003/2014", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["disagreements"]
    # The sample leaves Belarus's membership out (no start or end), so the catalog alone has it.
    blr = [r for r in rows if r["party"] == "BLR"]
    assert blr and blr[0]["a"] == ["none"] and blr[0]["b"] == ["member"]
    # Uzbekistan: Wikidata's withdrawal in 2012 against the catalog's suspension.
    assert any(r["party"] == "UZB" and "suspended" in r["b"] for r in rows)
    assert not [r for r in rows if r["party"] in ("RUS", "KAZ", "ARM")]


def test_the_wikidata_timeline_answers_like_any_other():
    tl = Timeline(read_wikidata(SAMPLE).events)
    assert [m.party for m in tl.members("CSTO", on="2010")] == ["ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2]", 'not SPARQL 1.1 JSON results: expected {"head": {"vars": [...]}, "results": {"bindings": [...]}}'),
        ('{"results": {"bindings": {}}}', "'results.bindings' must be a list of bindings"),
    ],
)
def test_a_file_that_is_not_sparql_results_is_refused_in_one_line(tmp_path, text, message):
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(WikidataError) as e:
        read_wikidata(bad)
    assert str(e.value) == f"{bad}: {message}"


def test_a_file_that_is_not_json_names_its_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"head": {}\n"results"', encoding="utf-8")
    with pytest.raises(WikidataError, match=rf"^{bad}:2: not JSON \(Expecting ',' delimiter\)"):
        read_wikidata(bad)


def test_a_time_without_its_precision_names_the_binding(sample):
    b = binding(sample, 3)
    del b["startPrecision"]
    with pytest.raises(WikidataError) as e:
        wikidata_events(one(sample, b), "x.json")
    assert str(e.value).startswith("x.json: binding 1: ?start has no ?startPrecision")


def test_a_binding_that_is_neither_a_membership_nor_an_office_is_refused(sample):
    b = binding(sample, 2)
    for var in ("state", "stateLabel", "iso3"):
        del b[var]
    with pytest.raises(WikidataError) as e:
        wikidata_events(one(sample, binding(sample, 1), b), "x.json")
    assert str(e.value) == "x.json: binding 2: neither ?state (a P463 membership) nor ?person (a P39 office) is bound"


def test_a_decade_is_skipped_not_guessed(sample):
    b = binding(sample, 7)
    b["startPrecision"]["value"] = "8"
    got = wikidata_events(one(sample, binding(sample, 1), b))
    assert not [e for e in got.events if getattr(e, "party", None) == "IND"]
    assert got.skipped == 1 and "precision 8" in got.notes[0]


def test_the_cli_reports_a_bad_binding_in_one_line(tmp_path, sample):
    b = binding(sample, 1)
    b["statement"]["value"] = "not-a-statement"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(one(sample, b)), encoding="utf-8")
    st = tmp_path / "s.duckdb"
    assert run("init", "--store", st).exit_code == 0
    result = run("import", bad, "--from", "wikidata", "--store", st)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {bad}: binding 1: ?statement 'not-a-statement' is not a Wikidata statement URI "
        "(http://www.wikidata.org/entity/statement/Q…-…)"
    ]


def test_a_statement_repeated_on_several_rows_is_read_once(sample):
    first = binding(sample, 3)
    again = binding(sample, 3)
    again["orgShort"]["value"] = "ShOS"  # a second English short name multiplies the row
    got = wikidata_events(one(sample, first, again))
    assert [e.kind for e in got.events] == ["founded", "joined"]
    assert {e.subject for e in got.events} == {"SCO"}
    assert got.skipped == 1 and got.notes[0].startswith(
        "skipped 1 row(s) repeating a statement already read (first: binding 2: statement wikidata:Q813$"
    )


def test_an_inception_later_than_a_start_gives_way_to_the_earliest_statement(sample):
    rows = [binding(sample, n) for n in (8, 9)]  # CSTO: Armenia and Kazakhstan from 2002-10-07
    for b in rows:
        b["inception"]["value"] = "2003-01-01T00:00:00Z"
    got = wikidata_events(one(sample, *rows))
    (founded,) = [e for e in got.events if e.kind == "founded"]
    assert founded.date.text == "2002-10-07"
    assert founded.note == (
        "Dated by the earliest statement in this Wikidata query result (binding 1): "
        "Wikidata's inception (P571), 2003-01-01, is later than this statement's start."
    )
    assert Timeline(got.events).members("CSTO", on="2003").parties == ["ARM", "KAZ"]


@settings(max_examples=60)
@given(day=st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)), precision=st.sampled_from([9, 10, 11]))
def test_a_time_and_its_precision_become_the_edtf_date_of_that_precision_holding_the_day(sample, day, precision):
    b = binding(sample, 1)
    b["start"]["value"] = f"{day.isoformat()}T00:00:00Z"
    b["startPrecision"]["value"] = str(precision)
    got = wikidata_events(one(sample, b))
    (joined,) = [e for e in got.events if e.kind == "joined"]
    assert joined.date.text == day.isoformat()[: {9: 4, 10: 7, 11: 10}[precision]]
    assert joined.date.lo <= day <= joined.date.hi
