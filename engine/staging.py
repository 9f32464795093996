"""A log read by DuckDB for ``timeline compile`` (``engine.partitions``), without a Python object
per record: JSON lines, Parquet (the interchange columns as text, or the typed export) or the log
of a store, as the view ``src``: ``seq`` (the record's line, or its seq in the store), the
interchange fields as text, ``sources`` as the interchange's JSON text and the version ``v``; :func:`record_json` gives the record's JSON as a
store keeps it, computed when read (``engine.compiled``) for the few rows a question reads.
What cannot be read as columns (a field that is not an event field, a value of the wrong type)
is one line naming the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..events.codec import FIELD_ORDER
from ..events.errors import TimelineError
from .fold.duck import TEXT_COLUMNS
from .fold.parquet_codes import CODE_COLUMNS

__all__ = ["FIELDS", "record_json", "stage_log"]

_SOURCE_KEYS = ("title", "ref", "quote", "url", "page", "author", "publisher", "issued")
FIELDS = tuple(c for c in TEXT_COLUMNS if c != "recorded")  # staged as text; recorded as recorded_text


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _sources_json(expr: str, struct_type: str | None) -> str:
    """SQL: the sources of a record as the interchange's JSON text (absent keys left out)."""
    if struct_type is None:
        return "NULL::VARCHAR"
    if struct_type in {"VARCHAR", "JSON"}:
        return f"CAST({expr} AS VARCHAR)"
    text = f"CAST(to_json({expr}) AS VARCHAR)"
    # the typed Parquet export keeps a numeric page apart from a textual one
    text = f"""regexp_replace({text}, '"page":null,"page_number":(-?[0-9]+)', '"page":\\1', 'g')"""
    keys = "|".join((*_SOURCE_KEYS[2:], "page_number"))
    text = f"""regexp_replace({text}, ',"({keys})":null', '', 'g')"""
    return f"""regexp_replace({text}, '\\{{"({keys})":null,', '{{', 'g')"""


def record_json() -> str:
    """SQL: the interchange record of a staged row (fields in order, absent ones left out)."""
    parts = []
    for c in FIELD_ORDER:
        if c == "sources":
            parts.append("""'"sources":' || sources""")
        elif c == "recorded":
            parts.append("""'"recorded":' || CAST(to_json(recorded_text) AS VARCHAR)""")
        else:
            parts.append(f"""'"{c}":' || CAST(to_json({c}) AS VARCHAR)""")
    return "'{' || concat_ws(',', " + ", ".join(parts) + ") || '}'"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {r[0]: str(r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def stage_log(con: duckdb.DuckDBPyConnection, source: Path) -> bool:
    """The log as the view ``src`` (seq = its line, the interchange fields as text, sources as
    JSON text); whether the log has a ``sources`` field at all."""
    p = _q(str(source))
    if source.stat().st_size == 0:
        raise TimelineError(f"{source}: is empty (no events to compile)")
    if _is_duckdb(source):  # a store: its log, as stored (every record checked when it came in)
        try:
            con.execute(f"ATTACH {p} AS log_store (READ_ONLY)")
            stored = _columns(con, "log_store.event_log")
        except duckdb.Error as e:
            raise TimelineError(f"{source}: not a readable store ({str(e).splitlines()[0]})") from None
        fields = ", ".join(c if c in stored else f"NULL::VARCHAR AS {c}" for c in FIELDS)
        con.execute(
            f"CREATE VIEW src AS SELECT seq, {fields}, recorded_text, sources, NULL::VARCHAR AS v "
            "FROM log_store.event_log"
        )
        return True
    if source.suffix.lower() == ".parquet":
        relation = f"read_parquet({p}, file_row_number = true)"
        try:
            types = _columns(con, relation)
        except duckdb.Error as e:
            raise TimelineError(f"{source}: not a readable Parquet file ({str(e).splitlines()[0]})") from None
        seq = "file_row_number + 1"
    else:
        try:
            # formats no date has, so that dates stay the text they are
            con.execute(
                f"CREATE TABLE raw AS SELECT * FROM read_json({p}, format = 'newline_delimited', "
                "dateformat = '%d!!%m', timestampformat = '%d!!%m')"
            )
        except duckdb.Error as e:
            raise TimelineError(
                f"{source}: not readable as JSON lines ({str(e).splitlines()[0][:200]}); "
                "`timeline validate` gives the exact problems"
            ) from None
        relation, seq = "raw", "rowid + 1"
        types = _columns(con, relation)
    missing = [c for c in ("id", "date", "subject", "kind") if c not in types]
    if missing:
        raise TimelineError(f"{source}: field {missing[0]!r} is in no record (expected the interchange fields)")
    derived = ("date_lo", "date_hi", "effective_from", "effective_to", "recorded_text", "file_row_number", "v")
    for col, typ in types.items():
        if col in derived or col == "sources" or col in CODE_COLUMNS:  # the export's fold columns: not read here
            continue
        if col not in TEXT_COLUMNS:
            raise TimelineError(f"{source}: field {col!r} is not an event field; `timeline validate` says where")
        if typ != "VARCHAR" and not (col == "recorded" and typ.startswith("TIMESTAMP")):
            raise TimelineError(f"{source}: field {col!r} holds {typ} values, expected text")
    sources_type = types.get("sources")
    if sources_type is not None and sources_type not in ("VARCHAR", "JSON"):
        keys = set(_struct_fields(sources_type))
        if not sources_type.endswith("[]") or not keys <= {*_SOURCE_KEYS, "page_number"}:
            raise TimelineError(
                f"{source}: 'sources' is not a list of {{title, ref, quote?, url?, page?}} in every record"
            )
    if "recorded_text" in types:
        recorded = "recorded_text"
    elif types.get("recorded", "VARCHAR") == "VARCHAR":
        recorded = "recorded" if "recorded" in types else "NULL::VARCHAR"
    else:
        recorded = "strftime(recorded AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')"
    fields = ", ".join(c if c in types else f"NULL::VARCHAR AS {c}" for c in FIELDS)
    version = "CAST(v AS VARCHAR)" if "v" in types else "NULL::VARCHAR"
    con.execute(
        f"CREATE VIEW src AS SELECT {seq} AS seq, {fields}, {recorded} AS recorded_text, "
        f"{_sources_json('sources', sources_type)} AS sources, {version} AS v FROM {relation}"
    )
    return sources_type is not None


def _is_duckdb(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database file (its header says DUCK at byte 8)."""
    with path.open("rb") as f:
        return f.read(12)[8:12] == b"DUCK"


def _struct_fields(typ: str) -> list[str]:
    inner = typ[typ.find("(") + 1 : typ.rfind(")")]
    return [part.strip().split(" ")[0].strip('"') for part in inner.split(",") if part.strip()]
