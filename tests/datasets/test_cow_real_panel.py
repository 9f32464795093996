"""The real COW IGO-year panel: imported, replayed, exported back value for value, and the
replayed answers agree with the panel's codes year by year."""

from __future__ import annotations

from itertools import islice

import pytest

from timeline_engine.engine.compare import compare_standings
from timeline_engine.engine.datasets.cow_events import TITLE
from timeline_engine.engine.datasets.cow_export import export_cow_igo_year, write_cow_igo_year
from timeline_engine.engine.datasets.cow_panel import MISSING_VALUES, CowPanel
from timeline_engine.events.dates import parse_date
from timeline_engine.events.parties import PartyNames, is_party_code, party_name

pytestmark = pytest.mark.filterwarnings("ignore")


def test_the_export_gives_back_every_cell_of_every_row(cow_import, cow_timeline, cow_rows):
    header, rows = cow_rows
    exported = list(export_cow_igo_year(cow_timeline, cow_import.panel))
    assert list(cow_import.panel.header) == header
    assert len(exported) == len(rows) == 19335
    differences = [
        (row[0], row[2], column, want, got)
        for row, out in zip(rows, exported)
        for column, want, got in zip(header, row, out)
        if want != got
    ]
    assert differences == []  # how long it takes is measured by benchmarks.run (the COW row), not here


def test_the_export_from_a_bare_event_list_writes_the_same_file(cow_import, cow_rows, tmp_path):
    import csv
    import gzip

    path = tmp_path / "back.csv.gz"
    n = write_cow_igo_year(list(cow_import.events), cow_import.panel, path)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        back = list(csv.reader(f))
    header, rows = cow_rows
    assert n == len(rows)
    assert back[0] == header
    assert back[1:] == rows


def test_the_panel_record_survives_its_tables(cow_import, cow_timeline, cow_rows):
    tables = cow_import.panel.to_tables()
    again = CowPanel.from_tables(tables)
    assert again == cow_import.panel
    _header, rows = cow_rows
    exported = list(islice(export_cow_igo_year(cow_timeline, again), 3000))
    assert exported == rows[:3000]


def test_missing_cells_are_not_membership_facts(cow_import, cow_rows):
    _header, rows = cow_rows
    missing_cells = sum(1 for row in rows for v in row[3:220] if v in MISSING_VALUES)
    kept = sum(m.last_year - m.first_year + 1 for m in cow_import.panel.missing)
    # runs count panel years of one IGO; they cover exactly the missing cells
    years = {}
    for row in rows:
        years.setdefault(row[0], []).append(int(row[2]))
    covered = sum(sum(1 for y in years[m.ioname] if m.first_year <= y <= m.last_year) for m in cow_import.panel.missing)
    assert covered == missing_cells
    assert kept >= covered
    assert {m.value for m in cow_import.panel.missing} <= set(MISSING_VALUES)


def test_for_every_igo_year_from_1965_the_members_agree_with_the_panel(cow_import, cow_timeline, cow_rows):
    """Coded 1 → listed as a member (during all or part); listed as a member for all of the year
    with certainty → coded 1 (or every cell of that party that year is missing data)."""
    header, rows = cow_rows
    at = {c: i for i, c in enumerate(header)}
    system = cow_import.panel.system
    subjects = cow_import.panel.subjects
    states = cow_import.panel.state_columns
    coded_but_not_listed, certain_but_not_coded = [], []
    years_checked = only_missing = 0
    # which party each state column names in a year, worked out once a year rather than once a
    # row: {year: {party: [(column, its index in a row), …]}}, columns in the panel's order
    columns_of: dict[int, dict[str, list[tuple[str, int]]]] = {}
    for row in rows:
        year = int(row[at["year"]])
        if year < 1965:
            continue
        years_checked += 1
        answer = cow_timeline.members(subjects[row[0]], on=str(year))
        listed = {r.party for r in answer.rows}
        certain_all = {r.party for r in answer.rows if r.during == "all" and r.certainty == "certain"}
        if year not in columns_of:
            columns_of[year] = {}
            for c in states:
                columns_of[year].setdefault(system.observed_day(c, year)[1], []).append((c, at[c]))
        for party, columns in columns_of[year].items():
            if party not in listed:
                coded_but_not_listed += [(row[0], year, c, party) for c, i in columns if row[i] == "1"]
        for party in certain_all:
            cells = [row[i] for _, i in columns_of[year].get(party, ())]
            coded = [v for v in cells if v not in MISSING_VALUES]
            if not coded:
                only_missing += 1
            elif any(v != "1" for v in coded):
                certain_but_not_coded.append((row[0], year, party, cells))
    assert years_checked == 14466
    assert coded_but_not_listed == []
    assert certain_but_not_coded == []
    # members through years of missing data: the panel says nothing there, the events carry the standing on
    assert 0 < only_missing < years_checked


def test_every_event_cites_the_panel_cell_and_names_known_parties(cow_import):
    for e in cow_import.events:
        assert e.sources[0].ref == "cow-igo-v3/igo_year_format3.csv.gz"
        assert e.sources[0].title == TITLE and "Pevehouse" in TITLE
        assert e.sources[0].quote.startswith("ioname=")
        party = getattr(e, "party", None)
        if party is not None:
            assert is_party_code(party), e.id
            assert party_name(party) != party or party in cow_import.parties, e.id


def test_historical_states_carry_iso_3166_3_codes_and_the_rest_user_assigned_ones(cow_import):
    parties = {e.party for e in cow_import.events if hasattr(e, "party")}
    assert {"SUN", "YUG", "CSK", "DDR", "YMD", "VDR", "SCG", "RUS", "DEU", "YEM"} <= parties
    assert {"XBV", "XAH", "XSV", "XKX"} <= parties
    assert set(cow_import.parties) == {p for p in parties if p.startswith("X")}
    # the names of user-assigned codes belong to the import, not to the process
    assert PartyNames(cow_import.parties).name("XSV") == "Republic of Vietnam (South Vietnam)"
    assert party_name("XSV") == "XSV"


def test_the_soviet_seat_passes_to_russia_on_26_december_1991(cow_timeline):
    un = cow_timeline.events_in_force("UN")
    sun = [e for e in un if getattr(e, "party", None) == "SUN"]
    rus = [e for e in un if getattr(e, "party", None) == "RUS"]
    assert [(e.kind, e.date.text) for e in sun] == [("joined", "1945"), ("ceased", "1991-12-26")]
    assert [(e.kind, e.date.text) for e in rus] == [("succeeded", "1991-12-26")]
    assert cow_timeline.members("UN", on="1991-12-25").parties.count("SUN") == 1
    day_after = cow_timeline.members("UN", on="1991-12-26").parties
    assert "RUS" in day_after and "SUN" not in day_after


def test_five_yearly_observations_give_windows_that_parse_as_the_same_days(cow_import):
    windows = sorted({e.date.text for e in cow_import.events if e.date.text.startswith("[")})
    assert "[1951..1955]" in windows
    # parsing EDTF sets with the edtf package is slow (see test_dates_sets.py): a spread of them
    for text in windows[:: max(1, len(windows) // 25)]:
        when = next(e.date for e in cow_import.events if e.date.text == text)
        parsed = parse_date(text)
        assert (parsed.lo, parsed.hi) == (when.lo, when.hi), text


def test_uzbekistan_is_a_csto_member_for_all_of_2005_in_cow_but_not_in_the_catalog(cow_timeline, catalog):
    cow = {r.party: r for r in cow_timeline.members("CSTO", on="2005")}
    assert cow["UZB"].during == "all" and cow["UZB"].certainty == "certain"
    assert "UZB" not in catalog.members("CSTO", on="2005").parties
    back = {r.party: r for r in catalog.members("CSTO", on="2006")}["UZB"]
    assert back.since == "2006-22"  # back in the summer of 2006


def test_the_catalog_and_cow_disagree_on_uzbekistan_in_the_csto_and_say_why(cow_timeline, catalog):
    result = compare_standings(catalog, cow_timeline, "CSTO", parties=["UZB"], within="2002/2014")
    certain = result.certain()
    first = certain[0]
    assert (first.a, first.b) == (("none",), ("member",))
    assert first.start.isoformat() == "2002-12-31" and first.end.isoformat() == "2006-05-31"
    assert [e.id for e in first.b_events] == ["cow-csto-2002-uzb-joined"]
    assert first.b_events[0].sources[0].quote == "ioname=CSTO; year=2002, uzbekistan=1"
    last = certain[-1]  # 2012: the catalog suspends Uzbekistan, COW codes it 0
    assert (last.a, last.b) == (("suspended",), ("none",))
    assert [e.kind for e in last.a_events] == ["joined", "suspended"]
    assert last.end.isoformat() == "2014-12-31"


def test_the_events_read_back_through_the_interchange_form(cow_import):
    from timeline_engine.events.codec import event_from_record, event_to_record

    plain = [e for e in cow_import.events if not e.date.text.startswith("[")]
    sets = [e for e in cow_import.events if e.date.text.startswith("[")]
    assert len(sets) > 1000
    for e in plain + sets[:: len(sets) // 20]:  # EDTF sets parse slowly (test_dates_sets.py)
        back = event_from_record(event_to_record(e))
        assert back == e
        assert (back.date.lo, back.date.hi) == (e.date.lo, e.date.hi), e.id
