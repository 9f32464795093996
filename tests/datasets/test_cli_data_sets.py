"""The data sets from the command line: import the COW panel into a store and export it back
value for value, import the UN status tables, and compare records."""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from typer.testing import CliRunner

from tests.conftest import SHARED
from timeline_engine.cli.app import app

runner = CliRunner()
COW = SHARED / "data" / "cow-igo-v3" / "igo_year_format3.csv.gz"
UN = SHARED / "data" / "un-hr-treaties"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def cow_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("cow") / "cow.duckdb"
    assert run("init", "--store", store).exit_code == 0
    result = run("import", COW, "--from", "cow-igo", "--store", store)
    assert result.exit_code == 0, result.output
    return store


def test_the_cow_panel_goes_through_a_store_and_comes_back_cell_for_cell(cow_store, tmp_path):
    out = tmp_path / "panel.csv.gz"
    result = run("export", "--to", "cow-igo-year", "--out", out, "--store", cow_store)
    assert result.exit_code == 0, result.output
    with gzip.open(COW, "rt", newline="") as a, gzip.open(out, "rt", newline="") as b:
        assert list(csv.reader(a)) == list(csv.reader(b))


def test_importing_the_cow_panel_again_adds_nothing(cow_store):
    result = run("import", COW, "--from", "cow-igo", "--store", cow_store)
    assert result.exit_code == 0
    assert "imported 0 new event(s)" in result.stdout


def test_an_empty_store_has_no_igo_year_panel_to_export(tmp_path):
    store = tmp_path / "s.duckdb"
    run("init", "--store", store)
    result = run("export", "--to", "cow-igo-year", "--out", tmp_path / "x.csv", "--store", store)
    assert result.exit_code == 1
    assert result.stderr == "error: the record holds no subject: nothing to make a panel of\n"


def test_compare_finds_uzbekistan_a_cow_member_in_2005_but_not_in_the_catalog(cow_store):
    # The catalog (seed 001): Uzbekistan back in the CSTO in summer 2006; COW codes it 1 for 2002-2011.
    result = run(
        "compare", "CSTO", "--store", cow_store, "--against", "catalog", "--within", "1992/2014", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["disagreements"]
    uzb_2005 = [r for r in rows if r["party"] == "UZB" and r["from"] <= "2005-06-01" <= r["to"]]
    assert len(uzb_2005) == 1
    row = uzb_2005[0]
    assert (row["a"], row["b"], row["certainty"]) == (["member"], ["none"], "certain")
    assert {s["ref"] for e in row["a_events"] for s in e["sources"]} == {"cow-igo-v3/igo_year_format3.csv.gz"}


def test_the_un_status_files_import_and_agree_with_the_catalog_on_ratification_years(tmp_path):
    store = tmp_path / "un.duckdb"
    run("init", "--store", store)
    result = run("import", UN, "--from", "un-treaty-status", "--store", store)
    assert result.exit_code == 0, result.output
    for treaty in ("ICCPR", "CAT", "CRC"):
        compared = run("compare", treaty, "--store", store, "--against", "catalog", "--format", "json")
        assert compared.exit_code == 0, compared.output
        central_asia = [
            r
            for r in json.loads(compared.stdout)["disagreements"]
            if r["party"] in {"KAZ", "KGZ", "UZB", "TJK", "TKM"} and r["certainty"] == "certain"
        ]
        assert central_asia == []


def test_csto_on_a_cow_store_after_2014_is_unattested_until_the_last_coded_year(cow_store):
    result = run("members", "CSTO", "--on", "2020", "--store", cow_store, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["party"] for r in rows} == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    assert {(r["certainty"], r["attested_until"]) for r in rows} == {("unattested", "2014-12-31")}
    assert result.stderr == (
        "note: 2020 is after the last day the record covers for CSTO (2014-12-31, attested by "
        "cow-csto-attested-2014): standings in force then are shown as unattested\n"
    )


def test_un_members_per_decade_on_a_cow_store_stop_at_2014(cow_store):
    result = run("stats", "UN", "--by", "year", "--store", cow_store, "--format", "json")
    assert result.exit_code == 0, result.output
    years = [r["period"] for r in json.loads(result.stdout)]
    assert max(years) == 2014
    decades = json.loads(run("stats", "UN", "--by", "decade", "--store", cow_store, "--format", "json").stdout)
    assert [r["period"] for r in decades][-1] == 2010
