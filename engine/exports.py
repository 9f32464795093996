"""Writing a log out (JSON lines, CSV, Parquet, catalog) and reading Parquet back, losslessly."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from ..events.catalog_format import write_catalog
from ..events.codec import FIELD_ORDER, event_from_record, event_to_record, write_jsonl
from ..events.csvio import write_csv
from ..events.dates import parse_date, parse_instant
from ..events.errors import Problem, TimelineError
from ..events.model import Entry, Origin
from .fold.encode import TEXT_COLUMNS, encode
from .fold.parquet_codes import CODE_COLUMNS, CODE_TYPES, FOLD_KEY, code_frame, code_metadata

__all__ = ["check_out_path", "export_events", "parquet_columns", "read_parquet", "write_parquet_log"]


def check_out_path(out: Path, protect: Sequence[Path | None] = ()) -> None:
    """Refuse an output path that writing would destroy or could not hold: a store being read
    (``protect``, the same file under any path or link), a folder, a device, a FIFO, a socket, a
    symlink. Only a regular file is replaced, and only a missing file in an existing folder made."""
    out = Path(out)
    if out.is_symlink():
        raise TimelineError(f"{out}: is a symbolic link; give the path of a regular file to write")
    if out.exists():
        mode = out.stat().st_mode
        if stat.S_ISDIR(mode):
            raise TimelineError(f"{out}: is a folder; give the path of a file to write")
        if not stat.S_ISREG(mode):
            kind = (
                "a named pipe (FIFO)"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file"
            )
            raise TimelineError(f"{out}: is {kind}; give the path of a regular file to write")
        for kept in protect:
            if kept is not None and Path(kept).exists() and os.path.samefile(out, kept):
                raise TimelineError(f"{out}: is the store being read ({kept}); write the export to another file")
    elif not out.parent.is_dir():
        raise TimelineError(f"{out}: folder {out.parent} does not exist")


def export_events(events: Sequence[Entry], to: str, out: Path | None, protect: Sequence[Path | None] = ()) -> int:
    if out is not None:
        check_out_path(out, protect)
    if to == "parquet":
        if out is None:
            raise TimelineError("--to parquet needs --out FILE")
        return _write_parquet(events, out)
    writer = {"jsonl": write_jsonl, "csv": write_csv, "catalog": write_catalog}[to]
    if out is None:
        return writer(events, sys.stdout)
    # a fresh file of our own beside the output (never one that is there: it may be a link)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            n = writer(events, f)
        tmp.replace(out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise TimelineError(f"{out}: cannot write ({e.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


# The typed Parquet layout (docs/data-dictionary.md): the interchange fields in their order, the
# EDTF texts kept as text with DATE bounds beside them, `sources` as a list of structs, `recorded`
# as a UTC instant with its text as written. Derived columns are recomputed when read back.
_SOURCE_STRUCT = (
    "STRUCT(title VARCHAR, ref VARCHAR, quote VARCHAR, url VARCHAR, page VARCHAR, page_number BIGINT, "
    "author VARCHAR, publisher VARCHAR, issued VARCHAR)"
)
_DERIVED = ("date_lo", "date_hi", "effective_from", "effective_to", "recorded_text", *CODE_COLUMNS)
# the fold's columns (engine.fold.parquet_codes) after the interchange ones: integer codes
_CODE_TYPES = {"int8": "TINYINT", "int32": "INTEGER", "int64": "BIGINT"}
_PARQUET_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (c, _SOURCE_STRUCT + "[]" if c == "sources" else "TIMESTAMPTZ" if c == "recorded" else "VARCHAR")
    for c in FIELD_ORDER
)
_AFTER = {
    "date": ("date_lo", "date_hi"),
    "effective": ("effective_from", "effective_to"),
    "recorded": ("recorded_text",),
}


def parquet_columns() -> list[tuple[str, str]]:
    """(name, DuckDB type) of every column of the typed Parquet export, in order."""
    out = []
    for name, kind in _PARQUET_COLUMNS:
        out.append((name, kind))
        out.extend((extra, "VARCHAR" if extra == "recorded_text" else "DATE") for extra in _AFTER.get(name, ()))
    out.extend((c, _CODE_TYPES[np.dtype(t).name]) for c, t in CODE_TYPES)
    return out


def _write_parquet(events: Sequence[Entry], out: Path) -> int:
    """The typed Parquet export of event objects: their interchange records, as a store keeps
    them, written by :func:`write_parquet_log`."""
    with tempfile.TemporaryDirectory(prefix="timeline-") as tmp:
        src = Path(tmp) / "events.jsonl"
        longest = 0
        with src.open("w", encoding="utf-8") as f:
            for i, e in enumerate(events):
                rec = event_to_record(e)
                row = {c: rec.get(c) for c in FIELD_ORDER if c not in ("sources", "recorded")}
                row["seq"] = i
                row["sources"] = json.dumps(rec["sources"], ensure_ascii=False)
                row["recorded_text"] = rec.get("recorded")
                row["recorded"] = parse_instant(rec["recorded"]).isoformat() if rec.get("recorded") else None
                line = json.dumps(row, ensure_ascii=False) + "\n"
                longest = max(longest, len(line.encode("utf-8")))
                f.write(line)
        spec = {c: "VARCHAR" for c in FIELD_ORDER if c != "recorded"} | {"recorded": "TIMESTAMPTZ"}
        spec |= {"seq": "BIGINT", "recorded_text": "VARCHAR"}
        columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in spec.items()) + "}"
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(
                "CREATE TEMP TABLE export_objects AS SELECT * FROM read_json(?, format='newline_delimited', "
                f"columns={columns}, maximum_object_size={max(longest + 1024, 1 << 20)})",
                [str(src)],
            )
            return write_parquet_log(con, "export_objects", out)
        finally:
            con.close()


def write_parquet_log(con: duckdb.DuckDBPyConnection, log: str, out: Path) -> int:
    """The typed Parquet export (COPY … TO … (FORMAT parquet)) of the relation ``log`` on
    ``con``, which has a store's ``event_log`` columns: ``seq`` (the order), the interchange
    fields as text, ``sources`` as the interchange's JSON text, ``recorded`` (an instant) and
    ``recorded_text`` (as written). A store's log is written as it is, without an event object
    per record. The number of events written."""
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    _export_dates(con, log)
    columns = parquet_columns()
    texts = [(c, t) for c, t in columns if c not in CODE_COLUMNS]
    values = {c: f"r.{c}" for c, _ in texts}
    values |= {
        "sources": f"CAST(list_transform(CAST(r.sources AS JSON[]), lambda x: {_SOURCE_FIELDS}) AS {_SOURCE_STRUCT}[])",
        "date_lo": "d.lo",
        "date_hi": "d.hi",
        "effective_from": "w.lo",
        "effective_to": "w.hi",
    }
    # a fresh file of our own beside the output (never a name someone could have planted)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    os.close(fd)
    partial = Path(name)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE export_rows AS SELECT {', '.join(f'{v} AS {c}' for c, v in values.items())} "
            f"FROM {log} r LEFT JOIN export_dates d ON d.raw = r.date LEFT JOIN export_dates w ON w.raw = COALESCE(r.effective, r.date) "
            "ORDER BY r.seq"
        )
        copy, meta = _with_codes(con, str(out), texts)
        con.execute(f"COPY ({copy}) TO '{str(partial).replace(chr(39), chr(39) * 2)}' (FORMAT parquet{meta})")
        n = con.execute("SELECT count(*) FROM export_rows").fetchall()[0][0]
    except duckdb.Error as e:
        partial.unlink(missing_ok=True)
        raise TimelineError(f"{out}: cannot write Parquet ({str(e).splitlines()[0]})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        for t in ("export_rows", "export_dates"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("DROP VIEW IF EXISTS export_log")
        with contextlib.suppress(KeyError, duckdb.Error):
            con.unregister("export_codes")
    partial.replace(out)
    return int(n)


# one source of the interchange's JSON as the export's struct: ``page`` as text, and as a number
# when the source gives a whole number
_SOURCE_FIELDS = (
    "struct_pack(title := x->>'title', ref := x->>'ref', quote := x->>'quote', url := x->>'url', "
    "page := x->>'page', page_number := CASE WHEN json_type(x, '$.page') IN ('BIGINT', 'UBIGINT') "
    "THEN CAST(x->>'page' AS BIGINT) END, author := x->>'author', publisher := x->>'publisher', "
    "issued := x->>'issued')"
)


def _export_dates(con: duckdb.DuckDBPyConnection, log: str) -> None:
    """``export_dates``: each date text of the log with its first and last day (the codec's
    reading of EDTF, once per distinct text)."""
    texts = con.execute(
        f"SELECT DISTINCT t FROM (SELECT date AS t FROM {log} UNION ALL SELECT effective FROM {log}) "
        "WHERE t IS NOT NULL"
    ).fetchall()
    rows = []
    for (t,) in texts:
        w = parse_date(t)
        rows.append((t, w.lo.isoformat(), w.hi.isoformat()))
    con.execute("CREATE OR REPLACE TEMP TABLE export_dates (raw VARCHAR, lo DATE, hi DATE)")
    if rows:
        con.executemany("INSERT INTO export_dates VALUES (?, ?::DATE, ?::DATE)", rows)


def _with_codes(con: duckdb.DuckDBPyConnection, label: str, texts: list[tuple[str, str]]) -> tuple[str, str]:
    """The query that writes the export (the interchange columns, then the fold's columns) and
    its key-value metadata (the dictionaries). A log the fold cannot code (a malformed record)
    gets NULL codes and no metadata: readers take its interchange columns."""
    fields = ", ".join("recorded_text AS recorded" if c == "recorded" else c for c in TEXT_COLUMNS)
    con.execute(f"CREATE TEMP VIEW export_log AS SELECT rowid AS seq, {fields} FROM export_rows")
    cols = encode(con, "export_log", label)
    names = ", ".join(f"e.{c}" for c, _ in texts)
    if cols.record_problems:
        nulls = ", ".join(f"NULL::{_CODE_TYPES[np.dtype(t).name]} AS {c}" for c, t in CODE_TYPES)
        return f"SELECT {names}, {nulls} FROM export_rows e", ""
    con.register("export_codes", code_frame(cols))
    meta = code_metadata(cols).replace("'", "''")
    return (
        f"SELECT {names}, {', '.join(f'c.{c}' for c in CODE_COLUMNS)} FROM export_rows e POSITIONAL JOIN export_codes c",
        f", KV_METADATA {{'{FOLD_KEY}': '{meta}'}}",
    )


def _instant_text(value) -> str:
    """A TIMESTAMPTZ read back, as the ISO 8601 text the interchange form carries (UTC)."""
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else str(value)


def _source_record(s: dict) -> dict:
    out = {k: s.get(k) for k in ("title", "ref", "quote", "url") if s.get(k) is not None}
    if s.get("page_number") is not None:
        out["page"] = s["page_number"]
    elif s.get("page") is not None:
        out["page"] = s["page"]
    out.update({k: s[k] for k in ("author", "publisher", "issued") if s.get(k) is not None})
    return out


def read_parquet(path: Path, problems: list[Problem]) -> list[Entry]:
    """Events from a Parquet export: the typed layout, or the all-text layout of version 0.2."""
    label = str(path)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute("SET TimeZone = 'UTC'")
        cur = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        cols = [d[0] for d in cur.description]
        types = {d[0]: str(d[1]) for d in cur.description}
        rows = cur.fetchall()
    except duckdb.Error as e:
        problems.append(Problem(label, 0, f"not a readable Parquet file ({str(e).splitlines()[0]})"))
        return []
    finally:
        con.close()
    unknown = [c for c in cols if c not in FIELD_ORDER and c not in _DERIVED]
    if unknown:
        problems.append(Problem(label, 0, f"unknown column {unknown[0]!r} (expected the interchange fields)"))
        return []
    sources_as_text = types.get("sources", "VARCHAR") == "VARCHAR"  # the all-text layout: JSON in a cell
    events = []
    for i, row in enumerate(rows, 1):
        cells = dict(zip(cols, row))
        rec = {c: v for c, v in cells.items() if v is not None and c in FIELD_ORDER}
        if cells.get("recorded_text") is not None:
            rec["recorded"] = cells["recorded_text"]
        elif "recorded" in rec:
            rec["recorded"] = _instant_text(rec["recorded"])
        try:
            if "sources" in rec:
                if sources_as_text:
                    rec["sources"] = json.loads(rec["sources"])
                elif isinstance(rec["sources"], list):
                    rec["sources"] = [_source_record(s) if isinstance(s, dict) else s for s in rec["sources"]]
            events.append(event_from_record(rec, Origin(label, i)))
        except json.JSONDecodeError as e:
            problems.append(Problem(label, i, f"column 'sources' is not JSON ({e.msg})", rec.get("id")))
        except TimelineError as e:
            problems.append(Problem(label, i, str(e), rec.get("id")))
    return events
