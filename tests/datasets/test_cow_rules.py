"""How a COW panel becomes events: each rule on a small panel written by the test, and any
panel back value for value (a property)."""

from __future__ import annotations

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.datasets.conftest import COW_STATES, PanelWriter
from timeline_engine.engine import Timeline
from timeline_engine.engine.datasets import CowDataError, import_cow_igo_year
from timeline_engine.engine.datasets.cow_export import export_cow_igo_year
from timeline_engine.engine.datasets.cow_states import StateSystem


def kinds(result, party):
    return [(e.kind, e.date.text) for e in result.events if getattr(e, "party", None) == party]


def exported(result, path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[1:], list(export_cow_igo_year(result.events, result.panel))


def test_a_change_between_yearly_observations_is_dated_by_the_later_year(panel, import_small):
    path = panel("usa").add("AAA", 1990, {1990: {"usa": "0"}, 1991: {"usa": "1"}}).write()
    result = import_small(path)
    assert kinds(result, "USA") == [("joined", "1991")]
    e = next(e for e in result.events if e.kind == "joined")
    assert e.id == "cow-aaa-1991-usa-joined"
    assert e.sources[0].quote == "ioname=AAA; year=1990, usa=0; year=1991, usa=1"
    assert e.sources[0].ref == "cow-igo-v3/igo_year_format3.csv"


def test_missing_cells_are_a_gap_of_knowledge_that_the_window_spans(panel, import_small):
    path = (
        panel("usa")
        .add("AAA", 1990, {1990: {"usa": "0"}, 1991: {"usa": "-9"}, 1992: {"usa": ""}, 1993: {"usa": "1"}})
        .write()
    )
    result = import_small(path)
    assert kinds(result, "USA") == [("joined", "[1991..1993]")]
    assert [(m.first_year, m.last_year, m.value) for m in result.panel.missing] == [
        (1991, 1991, "-9"),
        (1992, 1992, ""),
    ]
    rows, back = exported(result, path)
    assert back == rows


def test_missing_cells_between_equal_codes_make_no_event(panel, import_small):
    path = panel("usa").add("AAA", 1990, {1990: {"usa": "1"}, 1991: {"usa": "-9"}, 1992: {"usa": "1"}}).write()
    result = import_small(path)
    assert kinds(result, "USA") == [("joined", "1990")]


def test_imputed_rows_are_not_observations_and_come_back_as_written(panel, import_small):
    cells = {
        1950: {"usa": "0"},
        1951: {"usa": "0"},
        1952: {"usa": "1"},
        1953: {"usa": "1"},
        1954: {"usa": "1"},
        1955: {"usa": "1"},
    }
    path = panel("usa").add("AAA", 1950, cells, imputed=(1951, 1952, 1953, 1954)).write()
    result = import_small(path)
    assert kinds(result, "USA") == [("joined", "[1951..1955]")]
    assert [i.year for i in result.panel.imputed] == [1951, 1952, 1953, 1954]
    rows, back = exported(result, path)
    assert back == rows


def test_an_exit_and_a_return_both_survive(panel, import_small):
    path = panel("usa").add("AAA", 2000, {2000: {"usa": "1"}, 2001: {"usa": "0"}, 2002: {"usa": "1"}}).write()
    result = import_small(path)
    assert kinds(result, "USA") == [("joined", "2000"), ("ceased", "2001"), ("joined", "2002")]
    tl = Timeline(result.events)
    assert tl.standing_on("AAA", "USA", "2001-12-31") is None
    assert tl.standing_on("AAA", "USA", "2002-12-31") == "member"
    assert "USA" not in tl.members("AAA", on="2001-12-31").parties


def test_member_to_associate_is_ceased_then_granted_in_one_window(panel, import_small):
    path = (
        panel("usa")
        .add("AAA", 2000, {2000: {"usa": "1"}, 2001: {"usa": "2"}, 2002: {"usa": "3"}, 2003: {"usa": "1"}})
        .write()
    )
    result = import_small(path)
    assert kinds(result, "USA") == [
        ("joined", "2000"),
        ("ceased", "2001"),
        ("granted", "2001"),
        ("granted", "2002"),
        ("joined", "2003"),
    ]
    assert [e.status for e in result.events if e.kind == "granted"] == ["associate", "observer"]
    tl = Timeline(result.events)
    assert tl.standing_on("AAA", "USA", "2001-12-31") == "associate"
    rows, back = exported(result, path)
    assert back == rows


def test_a_state_leaving_the_system_ends_its_standing_on_the_day_after(panel, import_small):
    path = (
        panel("czechoslovakia")
        .add("AAA", 1990, {1991: {"czechoslovakia": "1"}, 1992: {"czechoslovakia": "1"}, 1993: {"czechoslovakia": ""}})
        .write()
    )
    result = import_small(path)
    assert kinds(result, "CSK") == [("joined", "[1990..1991]"), ("ceased", "1993-01-01")]
    ceased = next(e for e in result.events if e.kind == "ceased")
    assert ceased.sources[1].ref == "cow-igo-v3/states2016.csv.gz"
    assert "1992,12,31" in ceased.sources[1].quote


def test_when_the_cells_before_an_exit_are_missing_the_end_is_a_window(panel, import_small):
    path = (
        panel("egermany")
        .add("AAA", 1989, {1989: {"egermany": "1"}, 1990: {"egermany": ""}, 1991: {"egermany": ""}})
        .write()
    )
    result = import_small(path)
    assert kinds(result, "DDR") == [("joined", "1989"), ("ceased", "[1990-01-01..1990-10-03]")]


def test_a_state_entering_the_system_joins_no_earlier_than_its_entry(panel, import_small):
    path = panel("uzbekistan").add("AAA", 1985, {1990: {"uzbekistan": ""}, 1991: {"uzbekistan": "1"}}).write()
    result = import_small(path)
    assert kinds(result, "UZB") == [("joined", "[1991-12-26..1991-12-31]")]
    joined = result.events[-1]
    assert "1991,12,26" in joined.sources[1].quote


def test_the_soviet_seat_passes_to_russia_when_the_code_is_the_same_on_both_sides(panel, import_small):
    path = (
        panel("russia").add("AAA", 1990, {1990: {"russia": "1"}, 1991: {"russia": "1"}, 1992: {"russia": "1"}}).write()
    )
    result = import_small(path)
    assert kinds(result, "SUN") == [("joined", "1990"), ("ceased", "1991-12-26")]
    assert kinds(result, "RUS") == [("succeeded", "1991-12-26")]
    assert result.events[-1].sources[-1].ref == "engine/datasets/cow_states.csv"
    rows, back = exported(result, path)
    assert back == rows


def test_a_change_at_a_change_of_code_is_dated_from_the_new_code(panel, import_small):
    path = panel("russia").add("AAA", 1990, {1990: {"russia": "0"}, 1991: {"russia": "1"}}).write()
    result = import_small(path)
    assert kinds(result, "SUN") == []
    assert kinds(result, "RUS") == [("joined", "[1991-12-26..1991-12-31]")]


def test_germany_is_one_party_across_the_federal_republic_and_unification(panel, import_small):
    cells = {
        1989: {"wgermany": "1", "germany": ""},
        1990: {"wgermany": "", "germany": "1"},
        1991: {"wgermany": "", "germany": "1"},
    }
    path = panel("germany", "wgermany").add("AAA", 1989, cells).write()
    result = import_small(path)
    assert kinds(result, "DEU") == [("joined", "1989")]
    rows, back = exported(result, path)
    assert back == rows


def test_two_columns_for_one_party_that_disagree_are_refused(panel, import_small):
    path = panel("germany", "wgermany").add("AAA", 1950, {1950: {"germany": "1", "wgermany": "0"}}).write()
    with pytest.raises(
        CowDataError, match=r"AAA 1950: columns that both stand for DEU disagree \(year=1950, germany=1, wgermany=0\)"
    ):
        import_small(path)


def test_minus_one_and_empty_cells_come_back_as_written(panel, import_small):
    path = (
        panel("usa", "canada")
        .add(
            "AAA",
            1990,
            {1990: {"usa": "-1", "canada": "1"}, 1991: {"usa": "1", "canada": "-1"}, 1992: {"usa": "", "canada": "1"}},
        )
        .write()
    )
    result = import_small(path)
    rows, back = exported(result, path)
    assert back == rows
    assert kinds(result, "CAN") == [("joined", "1990")]


def test_founding_and_dissolution_come_from_sdate_and_deaddate(panel, import_small):
    path = (
        panel("usa")
        .add("A/B c", 1984, {1985: {"usa": "1"}, 1986: {"usa": "1"}}, deaddate="1986", orgname="Alpha Beta")
        .write()
    )
    result = import_small(path, subject_prefix="cow-")
    founded, dissolved, attested, joined = result.events
    assert (attested.kind, attested.date.text, attested.parties) == ("attested", "1986", None)
    assert (founded.subject, founded.kind, founded.date.text, founded.name) == (
        "COW-A-B-C",
        "founded",
        "1984",
        "Alpha Beta",
    )
    assert (dissolved.kind, dissolved.date.text) == ("dissolved", "1986")
    assert joined.date.text == "[1984..1985]"
    assert "founded 1984" in joined.note


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["AAA", "A", "1990", "7", "1990"]], r"igo_year_format3.csv:2: usa = '7' is not a COW membership code"),
        ([["AAA", "A", "1991", "1", "1990"], ["AAA", "A", "1990", "1", "1990"]], r":3: AAA 1990 comes after 1991"),
        (
            [["AAA", "A", "1990", "1", "1990"], ["BBB", "B", "1990", "1", "1990"], ["AAA", "A", "1991", "1", "1990"]],
            r":4: the rows of IGO 'AAA' are not together",
        ),
        ([["AAA", "A", "x", "1", "1990"]], r":2: year must be a whole number, found 'x'"),
        ([["AAA", "A", "1990", "1", "1991"]], r"AAA has a row for 1990, before its sdate 1991"),
        ([["AAA", "A", "1990", "1"]], r":2: expected 5 columns, found 4"),
    ],
)
def test_a_malformed_panel_is_refused_with_its_line(tmp_path, import_small, rows, message):
    path = tmp_path / "igo_year_format3.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ioname", "orgname", "year", "usa", "sdate"])
        w.writerows(rows)
    with pytest.raises(CowDataError, match=message):
        import_small(path)


def test_a_panel_without_its_state_system_says_where_to_find_it(tmp_path):
    path = PanelWriter(tmp_path, ("usa",)).add("AAA", 1990, {1990: {"usa": "1"}}).write()
    with pytest.raises(CowDataError, match=r"states2016.csv.gz not found\); pass --states FILE"):
        import_cow_igo_year(path)


def test_a_header_without_state_columns_is_refused(tmp_path, import_small):
    path = tmp_path / "x.csv"
    path.write_text("ioname,year,sdate,foo\nAAA,1990,1990,1\n")
    with pytest.raises(CowDataError, match="no COW state columns"):
        import_small(path)


# -- any panel comes back value for value ----------------------------------------------------------

SYSTEM = StateSystem.load(COW_STATES)
COLUMNS = (
    "usa",
    "russia",
    "germany",
    "wgermany",
    "egermany",
    "uzbekistan",
    "yugoslaviaserb",
    "nyemen",
    "yemen",
    "czechoslovakia",
    "vietnam",
    "svietnam",
)


@st.composite
def panels(draw):
    columns = tuple(draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=4, unique=True)))
    igos = []
    for n in range(draw(st.integers(1, 2))):
        start = draw(st.integers(1915, 2008))
        years, y = [], start
        for _ in range(draw(st.integers(1, 14))):
            if y > 2014:
                break
            years.append(y)
            y += draw(st.sampled_from((1, 1, 1, 5))) if y < 1965 else 1
        imputed = tuple(y for y in years[1:-1] if y < 1965 and draw(st.booleans()))
        cells = {}
        for year in years:
            cells[year] = {}
            for c in columns:
                exists = year in SYSTEM.years_of(SYSTEM.observed_day(c, year)[1])
                choices = ("0", "1", "1", "2", "3", "-9", "") if exists else ("", "-9", "-1")
                cells[year][c] = draw(st.sampled_from(choices))
        dead = draw(st.sampled_from(("", str(years[-1]))))
        igos.append((f"IGO{n}", start - draw(st.integers(0, 3)), cells, dead, imputed))
    return columns, igos


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(panels())
def test_any_panel_comes_back_value_for_value(tmp_path_factory, import_small, drawn):
    columns, igos = drawn
    writer = PanelWriter(tmp_path_factory.mktemp("panel"), columns)
    for ioname, sdate, cells, dead, imputed in igos:
        writer.add(ioname, sdate, cells, deaddate=dead, imputed=imputed)
    path = writer.write()
    try:
        result = import_small(path)
    except CowDataError as e:  # two columns of one party coded apart on one day: refused, never guessed
        message = str(e)
    else:
        message = None
    if message is not None:
        assert "disagree" in message
        return
    rows, back = exported(result, path)
    assert back == rows


def test_the_export_needs_the_imported_subjects(panel, import_small):
    from timeline_engine.engine.datasets.cow_export import CowExportError

    path = panel("usa").add("AAA", 1990, {1990: {"usa": "1"}}).add("BBB", 1990, {1990: {"usa": "0"}}).write()
    result = import_small(path)
    only_aaa = [e for e in result.events if e.subject == "AAA"]
    with pytest.raises(CowExportError, match="subject BBB \\(COW BBB\\) is not in the events"):
        list(export_cow_igo_year(only_aaa, result.panel))


def test_a_standing_the_panel_cannot_code_is_refused_on_export(panel, import_small):
    from timeline_engine.engine.datasets.cow_export import CowExportError
    from timeline_engine.events.codec import event_from_record

    path = panel("usa").add("AAA", 1990, {1990: {"usa": "1"}, 1991: {"usa": "1"}}).write()
    result = import_small(path)
    suspended = event_from_record(
        {
            "id": "s",
            "date": "1991-03-01",
            "subject": "AAA",
            "kind": "suspended",
            "party": "USA",
            "sources": [{"title": "t", "ref": "test:example"}],
        }
    )
    with pytest.raises(CowExportError, match="AAA 1991: USA \\(usa\\) has standing 'suspended'"):
        list(export_cow_igo_year(list(result.events) + [suspended], result.panel))
