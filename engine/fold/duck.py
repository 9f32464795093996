"""Columns straight from DuckDB: JSON lines, CSV, Parquet, or a store's log, without a Python
object per event.

Each reader puts the log in a DuckDB relation ``bulk_log`` (``seq`` = record order, the
interchange text columns, ``sources``, ``v``) and codes it as :class:`Columns` (``encode``).
Files are held to the record rules of ``events.rules`` as columns (``checks.check_records``).
A file the readers cannot take as columns raises :class:`NotBulkReadable`: the Python reader
(``events.io``) says exactly what is wrong, line by line.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import duckdb
import numpy as np

from ...events.errors import TimelineError
from ..duck import one_row
from .checks import check_records, sql_list
from .columns import Columns
from .csv_log import stage_csv
from .encode import TEXT_COLUMNS, NotBulkReadable, encode
from .heap import heap_reuse
from .parquet_codes import CODE_COLUMNS, load_coded

__all__ = [
    "TEXT_COLUMNS",
    "NotBulkReadable",
    "heap_reuse",
    "load_csv",
    "load_jsonl",
    "load_parquet",
    "load_parquet_log",
    "load_records",
    "load_store",
    "reset_bulk_log",
    "sql_list",
]


def reset_bulk_log(con: duckdb.DuckDBPyConnection) -> None:
    """Drop ``bulk_log``, whether an earlier reader left it a view or a table."""
    for name, what in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name = 'bulk_log'"
    ).fetchall():
        con.execute(f"DROP {'VIEW' if what == 'VIEW' else 'TABLE'} IF EXISTS {name}")


def load_parquet(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A Parquet log as :class:`Columns`; the file stays on disk. An export's fold columns
    (``parquet_codes``) are taken as they are; other files are coded from their interchange
    columns."""
    con = con or duckdb.connect()
    p = str(path).replace("'", "''")
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{p}')").fetchall()]
    except duckdb.Error as e:
        raise TimelineError(f"{path}: not a readable Parquet file ({str(e).splitlines()[0]})") from None
    missing = [c for c in ("id", "date", "subject", "kind") if c not in cols]
    if missing:
        raise TimelineError(f"{path}: column {missing[0]!r} is missing (expected the interchange columns)")
    reset_bulk_log(con)
    coded = load_coded(con, str(path), str(path), cols)
    if coded is not None:
        return coded
    present = ", ".join(c if c in cols else f"NULL::VARCHAR AS {c}" for c in TEXT_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT file_row_number AS seq, {present} "
        f"FROM read_parquet('{p}', file_row_number = true)"
    )
    return encode(con, "bulk_log", str(path), parquet=str(path))


_SOURCE_FIELDS = ("title", "ref", "quote", "url", "page")


def load_jsonl(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A JSON-lines log as :class:`Columns`, held in a DuckDB table ``bulk_raw`` (seq = record order).

    DuckDB's own ``read_json`` reads the file; a field that is not an interchange field, or a
    value of the wrong type, raises :class:`NotBulkReadable`."""
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        # formats no date has, so that dates stay the text they are
        con.execute(
            "CREATE OR REPLACE TEMP TABLE bulk_raw AS SELECT * FROM read_json(?, format = 'newline_delimited', "
            "dateformat = '%d!!%m', timestampformat = '%d!!%m')",
            [str(path)],
        )
    except duckdb.Error as e:
        raise NotBulkReadable(
            f"{path}: not readable as columns ({str(e).splitlines()[0][:200]}); "
            "validate it with `timeline validate` for the exact problems"
        ) from None
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'bulk_raw'"
        ).fetchall()
    )
    for col, typ in types.items():
        if col == "sources":
            fields = dict(re.findall(r'"?(\w+)"? (\w+)(?:, |\)\[\]$)', typ))
            if (
                not typ.startswith("STRUCT(")
                or not typ.endswith(")[]")
                or not set(fields) <= set(_SOURCE_FIELDS)
                or any(t != "VARCHAR" and not (f == "page" and t == "BIGINT") for f, t in fields.items())
            ):
                raise NotBulkReadable(
                    f"{path}: 'sources' is not a list of {{title, ref, quote?, url?, page?}} "
                    f"in every record ({typ}); validate it with `timeline validate`"
                )
        elif col == "v":
            continue
        elif col not in TEXT_COLUMNS:
            raise NotBulkReadable(f"{path}: field {col!r} is not an event field; validate it with `timeline validate`")
        elif typ != "VARCHAR":
            raise NotBulkReadable(
                f"{path}: field {col!r} holds {typ} values, expected text; validate it with `timeline validate`"
            )
    present = ", ".join(c if c in types else f"NULL::VARCHAR AS {c}" for c in TEXT_COLUMNS)
    sources = "sources" if "sources" in types else "NULL::STRUCT(title VARCHAR, ref VARCHAR)[] AS sources"
    version = "v" if "v" in types else "NULL AS v"
    reset_bulk_log(con)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT rowid AS seq, {present}, {sources}, {version} FROM bulk_raw"
    )
    cols = encode(con, "bulk_log", str(path))
    check_records(con, cols, str(path), "sources" in types)
    return cols


def load_store(con: duckdb.DuckDBPyConnection, label: str = "store", where: str = "") -> tuple[Columns, np.ndarray]:
    """A store's ``event_log`` (the rows ``where`` selects) as columns, read in place through the
    store's own connection (temporary types and tables only; nothing is written to the store),
    and the store's ``seq`` of each record."""
    fields = ", ".join("recorded_text AS recorded" if c == "recorded" else c for c in TEXT_COLUMNS)
    reset_bulk_log(con)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bulk_log AS SELECT row_number() OVER (ORDER BY seq) - 1 AS seq, "
        f"seq AS store_seq, {fields} FROM event_log {('WHERE ' + where) if where else ''}"
    )
    store_seq = np.asarray(con.execute("SELECT store_seq FROM bulk_log ORDER BY seq").fetchnumpy()["store_seq"])
    cols = encode(con, "bulk_log", label)
    lookup = cols.places.where
    cols.places.where = lambda seq: (lookup(seq)[0], int(store_seq[int(seq)]))
    return cols, store_seq


def load_records(records: list[dict], con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """Interchange records already in memory (tests, small logs) as :class:`Columns`."""
    with tempfile.TemporaryDirectory(prefix="timeline-bulk-") as tmp:
        path = Path(tmp) / "log.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return load_jsonl(path, con)


def load_csv(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A CSV log (``events.csvio``'s layout) as :class:`Columns`, read by DuckDB (``csv_log``);
    what the Python reader decodes otherwise raises :class:`NotBulkReadable`."""
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    reset_bulk_log(con)
    has_sources = stage_csv(con, path)
    cols = encode(con, "bulk_log", str(path))
    check_records(con, cols, str(path), has_sources)
    return cols


def load_parquet_log(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A Parquet export (the typed layout of ``engine.exports``) as :class:`Columns`, with
    ``bulk_log`` holding its records as the JSON-lines reader has them, for an import. Sources
    with a numeric page or an author, publisher or issued date, the all-text layout of 0.2, or a
    column that is not the export's raise :class:`NotBulkReadable` (the Python reader takes them)."""
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    p = str(path).replace("'", "''")
    try:
        types = dict(
            con.execute(f"SELECT column_name, column_type FROM (DESCRIBE FROM read_parquet('{p}'))").fetchall()
        )
    except duckdb.Error as e:
        raise NotBulkReadable(f"{path}: not readable as columns ({str(e).splitlines()[0][:200]})") from None
    extra = set(types) - set(TEXT_COLUMNS) - {"sources", "recorded_text", *_EXPORT_DERIVED}
    wrong = [c for c in TEXT_COLUMNS if c in types and c != "recorded" and types[c] != "VARCHAR"]
    if extra or wrong or not types.get("sources", "").startswith("STRUCT(") or "recorded_text" not in types:
        raise NotBulkReadable(f"{path}: not the typed export layout")
    fields = dict(re.findall(r'"?(\w+)"? (\w+)(?:, |\)\[\]$)', types["sources"]))
    others = [f for f in ("page_number", "author", "publisher", "issued") if f in fields]
    if others:
        odd = " OR ".join(f"x.{f} IS NOT NULL" for f in others)
        if one_row(
            con,
            f"SELECT count(*) FROM read_parquet('{p}') WHERE list_bool_or(list_transform(sources, lambda x: {odd}))",
        )[0]:
            raise NotBulkReadable(f"{path}: a source the Python reader takes")
    if one_row(con, f"SELECT count(*) FROM read_parquet('{p}') WHERE recorded IS NOT NULL AND recorded_text IS NULL")[
        0
    ]:
        raise NotBulkReadable(f"{path}: a recording time without its text")
    keep = ", ".join(f"'{f}': x.{f}" for f in ("title", "ref", "quote", "url", "page") if f in fields)
    present = ", ".join(
        "recorded_text AS recorded" if c == "recorded" else c if c in types else f"NULL::VARCHAR AS {c}"
        for c in TEXT_COLUMNS
    )
    reset_bulk_log(con)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bulk_raw AS SELECT file_row_number AS seq, {present}, "
        f"list_transform(sources, lambda x: {{{keep}}}) AS sources, NULL::VARCHAR AS v "
        f"FROM read_parquet('{p}', file_row_number = true)"
    )
    con.execute("CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT * FROM bulk_raw")
    cols = encode(con, "bulk_log", str(path))
    check_records(con, cols, str(path), True)
    return cols


# columns of the export that are derived from the others (engine.exports recomputes them)
_EXPORT_DERIVED = ("date_lo", "date_hi", "effective_from", "effective_to", *CODE_COLUMNS)
