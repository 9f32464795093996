"""The typed Parquet export: DATE and TIMESTAMP columns, sources as a list of structs, the store's
effective dates; read back (typed, or the all-text layout of 0.2) it gives the same events; pyarrow,
pandas and polars read it with the documented types."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import any_event_records
from timeline_engine.engine import Timeline
from timeline_engine.engine.exports import export_events, parquet_columns, read_parquet
from timeline_engine.events.codec import FIELD_ORDER, event_from_record, event_to_record
from timeline_engine.events.model import Origin

DICTIONARY = Path(__file__).parents[2] / "docs" / "data-dictionary.md"


def records(events):
    return [event_to_record(e) for e in events]


def read_back(path):
    problems = []
    events = read_parquet(path, problems)
    assert problems == []
    return events


@pytest.fixture(scope="module")
def catalog_log():
    return list(Timeline.load().log())


@pytest.fixture(scope="module")
def exported(tmp_path_factory, catalog_log):
    extra = [
        {
            "id": "x-founded",
            "date": "2000",
            "subject": "XORG",
            "kind": "founded",
            "name": "An organization of the test",
            "subject_kind": "organization",
            "sources": [{"title": "A report", "ref": "public-record:report"}],
        },
        {
            "id": "x-recorded-offset",
            "date": "2006-22",
            "effective": "2006-12",
            "subject": "XORG",
            "kind": "joined",
            "party": "UZB",
            "recorded": "2024-05-01T14:30:00+02:00",
            "sources": [
                {"title": "A report", "ref": "public-record:report", "page": 12},
                {"title": "B", "ref": "b", "page": "12"},
            ],
        },
    ]
    events = catalog_log + [event_from_record(r, Origin("t", i)) for i, r in enumerate(extra, 1)]
    path = tmp_path_factory.mktemp("pq") / "log.parquet"
    assert export_events(events, "parquet", path) == len(events)
    return events, path


def test_the_catalog_goes_through_parquet_and_comes_back_the_same(exported):
    events, path = exported
    assert records(read_back(path)) == records(events)


def test_pyarrow_reads_the_documented_types(exported):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(exported[1])
    assert schema.names == [c for c, _ in parquet_columns()]
    assert schema.field("date").type == pa.string()
    for c in ("date_lo", "date_hi", "effective_from", "effective_to"):
        assert schema.field(c).type == pa.date32()
    assert schema.field("recorded").type == pa.timestamp("us", tz="UTC")
    source = schema.field("sources").type.value_type
    assert [(f.name, f.type) for f in source] == [
        ("title", pa.string()),
        ("ref", pa.string()),
        ("quote", pa.string()),
        ("url", pa.string()),
        ("page", pa.string()),
        ("page_number", pa.int64()),
        ("author", pa.string()),
        ("publisher", pa.string()),
        ("issued", pa.string()),
    ]


def test_pandas_reads_dates_instants_and_sources(exported):
    import pandas as pd

    df = pd.read_parquet(exported[1])
    row = df.set_index("id").loc["x-recorded-offset"]
    assert str(df["recorded"].dtype).startswith("datetime64") and str(df["recorded"].dt.tz) == "UTC"
    assert row["recorded"] == pd.Timestamp("2024-05-01T12:30:00Z")
    assert row["recorded_text"] == "2024-05-01T14:30:00+02:00"
    assert row["date_lo"] == date(2006, 6, 1) and row["date_hi"] == date(2006, 8, 31)
    assert row["effective_from"] == date(2006, 12, 1) and row["effective_to"] == date(2006, 12, 31)
    assert [s["page_number"] for s in row["sources"]] == [12, None]
    assert [s["page"] for s in row["sources"]] == ["12", "12"]


def test_polars_reads_the_same_types(exported):
    import polars as pl

    df = pl.read_parquet(exported[1])
    assert df.schema["date_lo"] == pl.Date
    assert df.schema["effective_to"] == pl.Date
    assert df.schema["recorded"] == pl.Datetime("us", "UTC")
    assert df.schema["sources"] == pl.List(
        pl.Struct(
            {
                "title": pl.String,
                "ref": pl.String,
                "quote": pl.String,
                "url": pl.String,
                "page": pl.String,
                "page_number": pl.Int64,
                "author": pl.String,
                "publisher": pl.String,
                "issued": pl.String,
            }
        )
    )
    founded = df.filter((pl.col("subject") == "SCO") & (pl.col("kind") == "founded"))
    assert founded["effective_from"].to_list() == [date(2001, 6, 15)]


def test_effective_dates_are_the_store_views(exported, tmp_path):
    """effective_from/effective_to mean what the store's `events` view means by them."""
    events, path = exported
    from timeline_engine.engine.store import Store

    st_path = tmp_path / "s.duckdb"
    store, _ = Store.init(st_path)
    with store:
        store.append(events)
        view = dict(
            (r[0], (r[1], r[2]))
            for r in store.con.execute("SELECT id, effective_from, effective_to FROM events").fetchall()
        )
    con = duckdb.connect()
    pq = dict(
        (r[0], (r[1], r[2]))
        for r in con.execute("SELECT id, effective_from, effective_to FROM read_parquet(?)", [str(path)]).fetchall()
    )
    assert pq == view


def _old_layout(events, path):
    """The all-text Parquet that version 0.2 wrote: every interchange field as text, sources as JSON."""
    rows = []
    for e in events:
        rec = event_to_record(e)
        rec["sources"] = json.dumps(rec["sources"], ensure_ascii=False)
        rows.append(json.dumps(rec, ensure_ascii=False))
    src = path.with_suffix(".jsonl")
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in FIELD_ORDER) + "}"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_json(?, format='newline_delimited', columns={spec})) TO '{path}' (FORMAT parquet)",
        [str(src)],
    )


def test_an_all_text_parquet_of_the_previous_version_still_reads(exported, tmp_path):
    events, _ = exported
    old = tmp_path / "old.parquet"
    _old_layout(events, old)
    assert records(read_back(old)) == records(events)


@settings(max_examples=30)
@given(st.lists(any_event_records(), min_size=1, max_size=8, unique_by=lambda r: r["id"]))
def test_any_events_survive_the_typed_parquet(tmp_path_factory, recs):
    events = [event_from_record(r, Origin("g", i)) for i, r in enumerate(recs, 1)]
    path = tmp_path_factory.mktemp("any") / "any.parquet"
    export_events(events, "parquet", path)
    assert records(read_back(path)) == records(events)


def test_a_bad_sources_cell_in_an_old_file_is_named(tmp_path):
    path = tmp_path / "bad.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT 'a' AS id, '2001' AS date, 'SCO' AS subject, 'joined' AS kind, 'KAZ' AS party, "
        f"'not json' AS sources) TO '{path}' (FORMAT parquet)"
    )
    problems = []
    assert read_parquet(path, problems) == []
    assert [str(p) for p in problems] == [f"{path}:1: event a: column 'sources' is not JSON (Expecting value)"]


def test_the_data_dictionary_describes_every_export_column():
    text = DICTIONARY.read_text(encoding="utf-8")
    export = text.split("## The Parquet export", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", export, flags=re.M)
    assert documented == [c for c, _ in parquet_columns()]


def test_the_data_dictionary_describes_every_column_of_the_sql_views(tmp_path):
    from timeline_engine.engine.store import Store

    text = DICTIONARY.read_text(encoding="utf-8")
    store, _ = Store.init(tmp_path / "v.duckdb")
    with store:
        for view in ("events", "spans", "office_terms"):
            cols = [d[0] for d in store.con.execute(f"SELECT * FROM {view} LIMIT 0").description]
            section = text.split(f"## The view `{view}`", 1)[1].split("\n## ", 1)[0]
            assert re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M) == cols, view


def test_recorded_is_an_instant_in_utc(exported):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    got = con.execute(
        "SELECT recorded FROM read_parquet(?) WHERE id = 'x-recorded-offset'", [str(exported[1])]
    ).fetchone()[0]
    assert got == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


def _rows_and_metadata(path):
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    meta = con.execute(f"SELECT key, value FROM parquet_kv_metadata('{path}')").fetchall()
    types = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    return rows, meta, types


def _store_exports_as_its_events(events, folder) -> bool:
    """Whether the store holding ``events`` writes, from its columns, the rows, types and fold
    metadata the export of its event objects writes (False: the store refuses the log)."""
    from timeline_engine.engine.exports import write_parquet_log
    from timeline_engine.engine.store import Store
    from timeline_engine.events.errors import ValidationFailed

    store = Store.memory()
    try:
        try:
            store.append(events)
        except ValidationFailed:
            return False
        export_events(store.events(), "parquet", folder / "objects.parquet")
        assert write_parquet_log(store.con, "event_log", folder / "columns.parquet") == len(events)
    finally:
        store.close()
    assert _rows_and_metadata(folder / "columns.parquet") == _rows_and_metadata(folder / "objects.parquet")
    return True


def test_a_store_exports_as_columns_what_its_events_export(exported, tmp_path):
    """`timeline export --to parquet --store` writes the stored log from its columns (no event
    object per record): the catalog with sources, pages, effective dates and offsets."""
    assert _store_exports_as_its_events(exported[0], tmp_path)


@settings(max_examples=25, deadline=None)
@given(st.lists(any_event_records(), min_size=1, max_size=8, unique_by=lambda r: r["id"]))
def test_any_stored_log_exports_as_columns_what_its_events_export(tmp_path_factory, recs):
    events = [event_from_record(r, Origin("g", i)) for i, r in enumerate(recs, 1)]
    _store_exports_as_its_events(events, tmp_path_factory.mktemp("store-export"))
