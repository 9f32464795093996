"""Panels: state-year, dyad-year and IGO-year frames with the Correlates of War codes, from any
record; a cell beyond the record's coverage is missing, never 0."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.conftest import SHARED
from timeline_engine.cli.app import app
from timeline_engine.engine import Store, Timeline, panel
from timeline_engine.engine.panel_cells import cow_codes
from timeline_engine.events.errors import BadArgument

runner = CliRunner()
COW_STATES = SHARED / "data" / "cow-igo-v3" / "states2016.csv.gz"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def rows_of(p, **where):
    return [r for r in p.to_arrow().to_pylist() if all(r[k] == v for k, v in where.items())]


@pytest.fixture
def small(log):
    """ORG founded 2000; A joins 2001 and leaves 2003-05-01; B observer from 2002; the last event is in 2003."""
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2001-03-01")
    log.party("granted", "ORG", "MNG", "2002-06-01", status="observer")
    log.party("withdrew", "ORG", "KAZ", "2003-05-01")
    return log


def test_state_year_has_iso3_ccode_stateabb_and_the_code_of_each_subject(catalog):
    p = panel(catalog, ["SCO", "CSTO"], shape="state-year", start=2000, end=2010)
    rus = rows_of(p, iso3="RUS", year=2005)[0]
    assert (rus["ccode"], rus["stateabb"]) == (365, "RUS")
    assert (rus["SCO"], rus["CSTO"], rus["memberships"], rus["unknown"]) == (1, 1, 2, 0)
    assert rows_of(p, iso3="IND", year=2005)[0]["SCO"] == 3  # an observer from 2005


def test_a_year_before_the_subject_existed_is_0_and_after_the_last_event_is_missing(small):
    p = panel(small.timeline(), shape="state-year", start=1999, end=2005)
    kaz = {r["year"]: r["ORG"] for r in rows_of(p, iso3="KAZ")}
    assert kaz == {1999: 0, 2000: 0, 2001: 1, 2002: 1, 2003: 0, 2004: None, 2005: None}
    mng = {r["year"]: (r["ORG"], r["memberships"], r["unknown"]) for r in rows_of(p, iso3="MNG")}
    assert mng[2002] == (3, 0, 0)
    assert mng[2004] == (None, None, 1)


def test_by_default_the_years_run_from_the_first_founding_to_the_last_covered_year(small):
    p = panel(small.timeline(), shape="state-year")
    assert sorted({r["year"] for r in p.to_arrow().to_pylist()}) == [2000, 2001, 2002, 2003]


def test_a_state_of_the_record_no_state_in_the_cow_table_keeps_iso3_and_has_no_ccode(log):
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "PSE", "2001-03-01")
    p = panel(log.timeline(), shape="state-year")
    row = rows_of(p, iso3="PSE", year=2001)[0]
    assert (row["ccode"], row["stateabb"], row["ORG"]) == (None, None, 1)


def test_dyad_year_counts_the_subjects_both_states_were_full_members_of(catalog):
    subjects = ["SCO", "CSTO", "OSCE"]  # the catalog covers only five OSCE states: the others' cells are missing
    states = {(r["iso3"], r["year"]): r for r in panel(catalog, subjects, start=2005, end=2012).to_arrow().to_pylist()}
    dyads = panel(catalog, subjects, shape="dyad-year", start=2005, end=2012).to_arrow().to_pylist()
    n = len({iso for iso, _ in states})  # without a state system, every state of the record every year
    assert len(dyads) == n * (n - 1) // 2 * 8
    for d in dyads:
        a, b = states[(d["iso3_1"], d["year"])], states[(d["iso3_2"], d["year"])]
        if a["unknown"] or b["unknown"]:
            assert d["shared"] is None
        else:
            assert d["shared"] == sum(a[s] == 1 and b[s] == 1 for s in subjects)
        assert d["iso3_1"] < d["iso3_2"]
        assert (d["ccode1"], d["ccode2"]) == (a["ccode"], b["ccode"])
    kaz_rus = [d for d in dyads if (d["iso3_1"], d["iso3_2"], d["year"]) == ("KAZ", "RUS", 2010)]
    assert kaz_rus[0]["shared"] is None
    two = panel(catalog, ["SCO", "CSTO"], shape="dyad-year", start=2010, end=2010).to_arrow().to_pylist()
    assert next(d for d in two if (d["iso3_1"], d["iso3_2"]) == ("KAZ", "RUS"))["shared"] == 2
    assert next(d for d in two if (d["iso3_1"], d["iso3_2"]) == ("CHN", "RUS"))["shared"] == 1


def test_igo_year_has_one_column_per_cow_state_in_cow_codes(catalog):
    p = panel(catalog, ["SCO"], shape="igo-year", start=2020, end=2024)
    names = p.to_arrow().column_names
    assert names[:4] == ["ioname", "orgname", "year", "afghanistan"]
    row = rows_of(p, year=2024)[0]
    assert (row["ioname"], row["russia"], row["india"], row["belarus"], row["mongolia"], row["usa"]) == (
        "SCO",
        1,
        1,
        1,
        3,
        0,
    )
    # Two COW states stand for DEU; in 2024 it is COW's germany (255), so wgermany (260) is missing.
    assert (row["germany"], row["wgermany"]) == (0, None)


def test_the_igo_year_shape_has_rows_only_while_the_subject_existed(catalog):
    p = panel(catalog, ["CSTO"], shape="igo-year", start=1990, end=2004)
    assert [r["year"] for r in p.to_arrow().to_pylist()] == [2002, 2003, 2004]


@pytest.mark.parametrize(
    "iso3, day, expected",
    [
        ("DEU", date(1980, 12, 31), (260, "GFR", "wgermany")),
        ("DEU", date(1990, 12, 31), (255, "GMY", "germany")),
        ("YEM", date(1989, 12, 31), (678, "YAR", "nyemen")),
        ("YEM", date(1990, 12, 31), (679, "YEM", "yemen")),
        ("SUN", date(1980, 12, 31), (365, "RUS", "russia")),
        ("RUS", date(2000, 12, 31), (365, "RUS", "russia")),
        ("KAZ", date(2000, 12, 31), (705, "KZK", "kazakhstan")),
        ("PSE", date(2000, 12, 31), (None, None, None)),
    ],
)
def test_the_cow_code_of_an_iso_code_on_a_day(iso3, day, expected):
    assert cow_codes(iso3, day) == expected


def test_an_unknown_shape_or_step_is_refused_in_one_line(catalog):
    with pytest.raises(BadArgument, match="--shape 'country-year': expected state-year, dyad-year, igo-year"):
        panel(catalog, shape="country-year")
    with pytest.raises(BadArgument, match="--by 'decade': panels are by year"):
        panel(catalog, by="decade")


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".parquet", ".jsonl"])
def test_the_panel_writes_csv_parquet_or_json_lines_with_missing_cells_empty(small, tmp_path, suffix):
    p = panel(small.timeline(), shape="state-year", start=2003, end=2004)
    out = tmp_path / f"panel{suffix}"
    assert p.write(out) == len(p)
    expected = p.to_arrow().to_pylist()
    if suffix == ".parquet":
        assert pq.read_table(out).to_pylist() == expected
    elif suffix == ".jsonl":
        assert [json.loads(line) for line in out.read_text().splitlines()] == expected
    else:
        import gzip

        if suffix.endswith(".gz"):
            with gzip.open(out, "rt") as f:
                text = f.read()
        else:
            text = out.read_text()
        got = list(csv.DictReader(io.StringIO(text)))
        assert [{k: ("" if v is None else str(v)) for k, v in r.items()} for r in expected] == got


def test_the_panel_command_on_the_catalog_prints_ccode_columns():
    result = run("panel", "SCO", "--shape", "state-year", "--by", "year", "--from", "2010", "--to", "2011")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:6] == ["iso3", "ccode", "stateabb", "year", "memberships", "unknown"]
    assert {"iso3": "CHN", "ccode": "710", "stateabb": "CHN", "year": "2010", "SCO": "1"}.items() <= next(
        r for r in rows if r["iso3"] == "CHN" and r["year"] == "2010"
    ).items()


def test_the_panel_command_refuses_an_unknown_output_type(tmp_path):
    result = run("panel", "--out", tmp_path / "panel.xlsx")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {tmp_path / 'panel.xlsx'}: unknown output type; expected .csv, .csv.gz, .parquet or .jsonl\n"
    )


def test_the_panel_command_reads_a_store_of_your_own(small, tmp_path):
    path = tmp_path / "own.duckdb"
    st, _ = Store.init(path)
    with st:
        st.append(small.events())
    out = tmp_path / "p.parquet"
    result = run("panel", "--shape", "state-year", "--store", path, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("wrote 8 state-year row(s) to " + str(out) + "\n")
    table = pq.read_table(out)
    assert table.column("ccode").to_pylist()[:4] == [705] * 4  # KAZ 2000..2003, then MNG


def test_export_to_cow_igo_year_works_on_the_catalog_in_the_panel_layout(tmp_path):
    out = tmp_path / "igo.csv"
    result = run("export", "--to", "cow-igo-year", "--out", out)
    assert result.exit_code == 0, result.output
    with out.open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:4] == ["ioname", "orgname", "year", "afghanistan"]
    sco_2024 = next(r for r in rows if r["ioname"] == "SCO" and r["year"] == "2024")
    assert (sco_2024["russia"], sco_2024["mongolia"]) == ("1", "3")


@pytest.mark.skipif(not COW_STATES.is_file(), reason="needs the COW state system in the shared data")
def test_a_store_imported_from_a_cow_panel_gives_ccode_and_keeps_its_missing_cells(tmp_path):
    from tests.datasets.conftest import PanelWriter
    from timeline_engine.engine.datasets import import_cow_igo_year

    writer = PanelWriter(tmp_path, ("kazakhstan", "russia", "china"))
    writer.add(
        "TESTIGO",
        1995,
        {
            1995: {"kazakhstan": "1", "russia": "1", "china": "0"},
            1996: {"kazakhstan": "1", "russia": "1", "china": "-9"},
            1997: {"kazakhstan": "0", "russia": "1", "china": "3"},
        },
    )
    imported = import_cow_igo_year(writer.write(), states_path=COW_STATES)
    path = tmp_path / "cow.duckdb"
    st, _ = Store.init(path)
    with st:
        st.append(imported.events, side={"cow-igo": imported.panel.to_tables()}, party_names=dict(imported.parties))
    tl = Timeline.load(store=path)
    try:
        p = panel(tl, shape="state-year")
        got = {(r["iso3"], r["year"]): (r["ccode"], r["TESTIGO"]) for r in p.to_arrow().to_pylist()}
        assert got[("KAZ", 1996)] == (705, 1) and got[("KAZ", 1997)] == (705, 0)
        assert got[("CHN", 1996)] == (710, None) and got[("CHN", 1997)] == (710, 3)
        igo = panel(tl, shape="igo-year").to_arrow().to_pylist()
        assert [(r["year"], r["kazakhstan"], r["russia"], r["china"]) for r in igo] == [
            (1995, 1, 1, 0),
            (1996, 1, 1, None),
            (1997, 0, 1, 3),
        ]
    finally:
        tl.store.close()


def test_the_panel_command_reads_event_files_as_json_lines(small, write_events, tmp_path):
    path = write_events(small.records)
    out = tmp_path / "p.jsonl"
    result = run("panel", "ORG", "--shape", "igo-year", "--events", path, "--out", out)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["year"], r["kazakhstan"], r["mongolia"]) for r in rows] == [
        (2000, 0, 0),
        (2001, 1, 0),
        (2002, 1, 3),
        (2003, 0, 3),
    ]
    assert "note: cells after the last year the record covers for a subject are missing: ORG 2003" in result.stderr
