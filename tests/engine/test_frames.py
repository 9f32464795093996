"""Every answer is a frame: Arrow, pandas and polars with typed dates, and an HTML table."""

from __future__ import annotations

import sys
from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline_engine.engine import Timeline, compare_standings, members_per_period, overlap, tenures
from timeline_engine.engine.arrow_tables import MissingExtra, arrow_table
from timeline_engine.engine.frames import Events, to_arrow
from timeline_engine.events.dates import parse_date
from timeline_engine.events.errors import TimelineError


def answers(tl):
    """One answer of each kind, each with rows."""
    return {
        "members": tl.members("SCO", on="2020"),
        "state": tl.state("SCO", on="2020"),
        "diff": tl.diff("SCO", "2016", "2024"),
        "explain": tl.explain("CSTO", "UZB", on="2013"),
        "stats": members_per_period(tl, "SCO"),
        "overlap": overlap(tl, "CSTO", "SCO"),
        "tenures": tenures(tl, "SCO"),
        "compare": compare_standings(tl, tl.as_of_knowledge("2000-01-01"), "CSTO", within="2003/2010"),
    }


def test_members_on_a_year_is_a_typed_pandas_frame_with_one_row_per_party(catalog):
    m = catalog.members("SCO", on="2020")
    df = m.to_pandas()
    assert list(df["party"]) == m.parties
    assert str(df["since_lo"].dtype).startswith("datetime64")
    assert str(df["party"].dtype) == "string"
    china = df[df["party"] == "CHN"].iloc[0]
    assert china["since"] == "2001-06-15"
    assert china["since_day"].date() == date(2001, 6, 15)


def test_every_kind_of_answer_has_arrow_pandas_polars_and_html(catalog):
    for kind, answer in answers(catalog).items():
        table = answer.to_arrow()
        assert isinstance(table, pa.Table), kind
        assert answer.to_pandas().shape == (table.num_rows, table.num_columns), kind
        assert answer.to_polars().shape == (table.num_rows, table.num_columns), kind
        assert answer._repr_html_().startswith('<table class="timeline-engine">'), kind


def test_an_edtf_column_gets_day_lo_and_hi_dates_beside_its_text(catalog):
    table = catalog.explain("CSTO", "UZB", on="2013").to_arrow()
    rows = table.to_pylist()
    summer = next(r for r in rows if r["id"] == "csto-2006-22-uzb-joined")
    assert summer["date"] == "2006-22"
    assert (summer["date_day"], summer["date_lo"], summer["date_hi"]) == (None, date(2006, 6, 1), date(2006, 8, 31))
    for name in ("date_day", "date_lo", "date_hi", "effective_lo"):
        assert table.schema.field(name).type == pa.date32()


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["day", "month", "year"]))
def test_lo_and_hi_are_the_bounds_parse_date_gives_and_day_is_set_only_for_a_day(day, precision):
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[precision]
    row = arrow_table([{"since": text}], [("since", "edtf")]).to_pylist()[0]
    when = parse_date(text)
    assert (row["since_lo"], row["since_hi"]) == (when.lo, when.hi)
    assert row["since_day"] == (day if precision == "day" else None)


def test_an_open_until_is_null_in_every_until_column(catalog):
    row = catalog.members("SCO", on="2020").to_arrow().to_pylist()[0]
    assert [row[c] for c in ("until", "until_day", "until_lo", "until_hi")] == [None] * 4


def test_the_aggregates_are_still_the_lists_the_json_output_prints_and_typed_as_frames(catalog):
    stats = members_per_period(catalog, "SCO", start=2001, end=2002)
    assert stats == [
        {"period": 2001, "standing": "member", "any_time": 6, "whole_period": 0},
        {"period": 2002, "standing": "member", "any_time": 6, "whole_period": 6},
    ]
    schema = stats.to_arrow().schema
    assert [schema.field(c).type for c in ("period", "any_time")] == [pa.int64(), pa.int64()]
    terms = tenures(catalog, "SCO").to_arrow()
    assert terms.schema.field("in_office").type == pa.bool_()
    assert terms.schema.field("since_lo").type == pa.date32()
    assert overlap(catalog, "CSTO", "SCO").to_arrow().schema.field("parties").type == pa.list_(pa.string())


def test_a_diff_is_one_row_per_change_with_from_and_to(catalog):
    d = catalog.diff("SCO", "2016", "2024")
    rows = d.to_arrow().to_pylist()
    assert {"change": "changed", "party": "IND", "office": None, "from": "observer", "to": "member"} in rows
    assert len(rows) == len(d.joined) + len(d.left) + len(d.changed) + len(d.offices)


def test_state_gives_its_offices_and_bodies_by_part_and_shows_all_three_in_html(catalog):
    s = catalog.state("SCO", on="2020")
    assert s.to_arrow("offices").num_rows == len(s.offices)
    assert s.to_arrow("offices").column_names[:3] == ["office", "holder", "nationality"]
    html = s._repr_html_()
    assert html.count("<table") == 3 and "SCO on 2020: offices" in html
    with pytest.raises(TimelineError, match="part 'people': expected members or offices or bodies"):
        s.to_arrow("people")


def test_the_sources_of_an_explained_chain_are_a_list_of_structs(catalog):
    chain = catalog.explain("CSTO", "UZB", on="2013").to_arrow()
    assert pa.types.is_list(chain.schema.field("sources").type)
    assert chain.to_pylist()[0]["sources"][0]["ref"]


def test_history_a_plain_list_of_events_converts_and_events_is_a_frame(catalog):
    events = catalog.history("UZB", subject="CSTO")
    table = to_arrow(events)
    assert table.column("id").to_pylist() == [e.id for e in events]
    wrapped = Events(events)
    assert wrapped == events and wrapped.to_arrow().equals(table)
    assert "csto-2012-uzb-suspended" in wrapped._repr_html_()


def test_html_escapes_text_and_says_how_many_rows_are_left_out():
    rows = [{"party": "<b>", "n": i} for i in range(70)]
    from timeline_engine.engine.frames import RowList

    html = RowList(rows, (("party", "text"), ("n", "int")), caption="a & b")._repr_html_()
    assert "<td>&lt;b&gt;</td>" in html and "<td><b></td>" not in html
    assert "<caption>a &amp; b</caption>" in html
    assert "… 10 more rows (70 in all)" in html


def test_an_empty_answer_keeps_its_typed_columns(catalog):
    none = catalog.members("SCO", on="2001-01-01")
    assert len(none) == 0
    table = none.to_arrow()
    assert table.num_rows == 0 and table.schema.field("since_lo").type == pa.date32()


def test_without_pandas_the_error_is_one_line_naming_the_extra(catalog, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an import finds when pandas is not installed
    with pytest.raises(MissingExtra) as e:
        catalog.members("SCO", on="2020").to_pandas()
    assert str(e.value) == "pandas is not installed: pip install 'timeline-engine[frames]'"


def test_sql_returns_a_relation_over_the_views_of_any_record(catalog, tmp_path):
    rel = catalog.sql("SELECT party FROM spans WHERE subject = 'SCO' AND standing = 'member' ORDER BY party")
    assert "CHN" in [r[0] for r in rel.fetchall()]
    assert rel.pl().columns == ["party"]
    from timeline_engine.engine import Store

    path = tmp_path / "s.duckdb"
    store, _ = Store.init(path)
    with store:
        store.append(catalog.raw)
    tl = Timeline.load(store=path)
    try:
        n = tl.sql("SELECT count(*) FROM events").fetchall()[0][0]
        assert n == len(catalog.raw)
        assert (
            tl.sql("SELECT count(*) FROM office_terms").fetchall()
            == catalog.sql("SELECT count(*) FROM office_terms").fetchall()
        )
    finally:
        tl.store.close()


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "DELETE FROM events",
            "refused: timeline sql runs read-only SELECT queries; a DELETE statement is not allowed",
        ),
        ("SELECT * FROM read_csv('/etc/passwd')", None),
        ("SELECT 1; SELECT 2", "Timeline.sql takes one SELECT statement; run several one by one"),
    ],
)
def test_sql_refuses_anything_but_one_select(query, message):
    tl = Timeline.load()
    with pytest.raises(TimelineError) as e:
        tl.sql(query).fetchall()
    expected = message or "refused: timeline sql cannot read or write files, attach databases or load extensions"
    assert str(e.value) == expected


def test_an_answer_class_that_only_mixes_in_frames_converts_the_rows_of_its_json():
    from timeline_engine.engine.frames import Frames

    class Memberships(Frames):
        def to_json(self):
            return {"party": "UZB", "memberships": [{"subject": "CSTO", "since": "2006-22", "count": 1}]}

    table = Memberships().to_arrow()
    assert table.column_names == ["since", "since_day", "since_lo", "since_hi", "subject", "count"]
    assert table.to_pylist()[0]["since_hi"] == date(2006, 8, 31)
    assert table.schema.field("count").type == pa.int64()
    assert "<td>CSTO</td>" in Memberships()._repr_html_()


def test_a_row_inside_an_uncertainty_window_shows_the_window_in_html(catalog):
    html = catalog.members("CSTO", on="2006-07-15")._repr_html_()
    assert "<th>window</th>" in html and "<td>2006-06-01..2006-08-31</td>" in html
