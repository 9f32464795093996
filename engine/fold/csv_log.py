"""A CSV log (``events.csvio``'s layout) read by DuckDB into ``bulk_log``, as the JSON-lines
reader does: the header names the interchange columns, an empty cell is an absent field,
``sources`` is a JSON list in its cell.

Only what reads the same here as in ``events.csvio`` is taken: a cell written as a JSON string
(it starts with ``"``: text with a line break or a leading quote) and a source other than
``{title, ref, quote?, url?}`` of text raise :class:`NotBulkReadable`, and the Python reader
takes the file.
"""

from __future__ import annotations

import csv
import os

import duckdb

from ...events.codec import FIELD_ORDER
from .encode import TEXT_COLUMNS, NotBulkReadable

__all__ = ["stage_csv"]

_SOURCES_JSON = '[{"title": "VARCHAR", "ref": "VARCHAR", "quote": "VARCHAR", "url": "VARCHAR"}]'
_SOURCE_KEYS = ("title", "ref", "quote", "url")
_DELIMITERS = (",", ";", "\t")


def _header(path: str | os.PathLike) -> tuple[list[str], str]:
    """The header row and the delimiter that splits it into the most interchange columns."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            first = f.readline().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as e:
        raise NotBulkReadable(f"{path}: not readable as columns ({e})") from None
    best, best_cells, best_known = ",", [], 0
    for d in _DELIMITERS:
        cells = next(csv.reader([first], delimiter=d), [])
        known = sum(c.strip() in FIELD_ORDER for c in cells)
        if known > best_known:
            best, best_cells, best_known = d, cells, known
    if not best_cells or any(c not in FIELD_ORDER for c in best_cells) or len(set(best_cells)) != len(best_cells):
        raise NotBulkReadable(f"{path}: the header is not the interchange columns")
    if any(c not in best_cells for c in ("id", "kind", "subject", "sources")):
        raise NotBulkReadable(f"{path}: a required column is missing")
    return best_cells, best


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def stage_csv(con: duckdb.DuckDBPyConnection, path: str | os.PathLike) -> bool:
    """The file as ``bulk_raw`` (text cells) and the view ``bulk_log``; whether it has sources."""
    header, delimiter = _header(path)
    spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
    d = delimiter.replace("'", "''")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE bulk_raw AS SELECT * FROM read_csv(?, header = true, delim = '{d}', "
            f"quote = '\"', escape = '\"', columns = {spec}, auto_detect = false, strict_mode = true, "
            "null_padding = false, parallel = false)",
            [str(path)],
        )
    except duckdb.Error as e:
        raise NotBulkReadable(f"{path}: not readable as columns ({str(e).splitlines()[0][:200]})") from None
    texts = [c for c in header if c != "sources"]
    if texts and _one(
        con, f"SELECT count(*) FROM bulk_raw WHERE {' OR '.join(f'starts_with({c}, chr(34))' for c in texts)}"
    ):
        raise NotBulkReadable(f"{path}: a cell written as a JSON string is read by the Python reader")
    allowed = "[" + ", ".join(f"'{k}'" for k in _SOURCE_KEYS) + "]"
    odd_sources = f"""
        SELECT count(*) FROM (
            SELECT unnest(CAST(sources AS JSON[])) AS el FROM bulk_raw
            WHERE NULLIF(sources, '') IS NOT NULL AND json_valid(sources) AND json_type(sources) = 'ARRAY'
        ) WHERE json_type(el) <> 'OBJECT'
             OR NOT list_has_all({allowed}, json_keys(el))
             OR len(json_keys(el)) <> len(list_distinct(json_keys(el)))
             OR {" OR ".join(f"json_type(el, '$.{k}') NOT IN ('VARCHAR', 'NULL')" for k in _SOURCE_KEYS)}"""
    bad = """SELECT count(*) FROM bulk_raw WHERE NULLIF(sources, '') IS NOT NULL
                  AND (NOT json_valid(sources) OR json_type(sources) <> 'ARRAY')"""
    try:
        if _one(con, bad) or _one(con, odd_sources):
            raise NotBulkReadable(f"{path}: a sources cell is read by the Python reader")
    except duckdb.Error as e:
        raise NotBulkReadable(f"{path}: a sources cell is read by the Python reader ({str(e)[:80]})") from None
    present = ", ".join(f"NULLIF({c}, '') AS {c}" if c in header else f"NULL::VARCHAR AS {c}" for c in TEXT_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT rowid AS seq, {present}, "
        f"from_json(NULLIF(sources, ''), '{_SOURCES_JSON}') AS sources, NULL::VARCHAR AS v FROM bulk_raw"
    )
    return "sources" in header
