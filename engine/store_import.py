"""Imports that stream: a file of events read by DuckDB straight into a store, as columns.

``import_file(store, path)`` reads JSON lines, CSV or a Parquet export with DuckDB into a
temporary relation of the interchange columns (``fold.duck``), checks the records as columns
(``fold.checks``), builds each stored row and its record text in SQL, and writes the new events
through ``Store.write`` — the one transaction in which the touched subjects are folded again. No
Python object is made per event.

Whenever the columnar path cannot decide — a record breaks a rule, an id is stored with other
content, the fold refuses the result, a value it does not read as columns — it raises
:class:`NotColumnar` having written nothing, and the caller imports the file through event
objects (``Store.append``), which names each problem by file and line, exactly as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import duckdb
import numpy as np

from ..events.dates import parse_date, parse_instant
from ..events.errors import BadDate, TimelineError
from .duck import one_row
from .fold.columns import Columns
from .fold.duck import TEXT_COLUMNS, NotBulkReadable, load_csv, load_jsonl, load_parquet_log, reset_bulk_log
from .store_rows import EVENT_COLUMNS
from .tracks import EPOCH

__all__ = [
    "COLUMNAR_SUFFIXES",
    "ImportPlan",
    "NotColumnar",
    "drop_staging",
    "lineage_closure",
    "plan_import",
    "record_sql",
]

# what the columnar path reads: one file of JSON lines, CSV or a Parquet export
COLUMNAR_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")


class NotColumnar(TimelineError):
    """The columnar import cannot decide about this file (nothing was written): import it
    through event objects, which accept it or name each problem by file and line."""


def _json(name: str, expr: str | None = None) -> str:
    """``"name": value`` as ``json.dumps`` writes it, NULL when the value is NULL."""
    return f"""'"{name}": ' || to_json({expr or name})"""


# fields whose values the record rules hold to patterns with nothing JSON escapes (ids, codes,
# slugs, kinds, EDTF dates): written between quotes as they are, the rest through ``to_json``
_PLAIN = ("id", "subject", "kind", "party", "status", "office", "nationality", "body", "subject_kind", "predecessor")


def _text_json(name: str, expr: str | None = None) -> str:
    return f"""'"{name}": "' || {expr or name} || '"'"""


def _sources_sql(fields: list[str]) -> str:
    """The ``sources`` list as JSON text, field order as ``event_to_record`` writes it."""
    parts = ", ".join(_json(f, f"x.{f}") for f in ("title", "ref", "quote", "url", "page") if f in fields)
    return f"'[' || array_to_string(list_transform(sources, lambda x: '{{' || concat_ws(', ', {parts}) || '}}'), ', ') || ']'"


def record_sql(recorded: str, sources: str = "src_text") -> str:
    """The interchange record of a staged row as JSON text, byte for byte what
    ``json.dumps(event_to_record(e), ensure_ascii=False)`` writes (fields in order, absent ones
    left out); ``recorded`` is the SQL of its recording time."""
    fields = []
    for c in TEXT_COLUMNS:
        if c == "date":
            fields.append(_text_json("date", "date_text"))
        elif c == "effective":
            fields.append(_text_json("effective", "effective_text"))
        elif c in _PLAIN:
            fields.append(_text_json(c))
        elif c == "recorded":
            fields.append(f"'\"sources\": ' || {sources}")
            fields.append(_json("recorded", recorded))
        else:
            fields.append(_json(c))
    return "'{' || concat_ws(', ', " + ", ".join(fields) + ") || '}'"


def _stage(con: duckdb.DuckDBPyConnection, path: Path) -> Columns:
    """The file as columns (``bulk_log``: seq, the interchange text columns, sources, v)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return load_parquet_log(path, con)
        if suffix == ".csv":
            return load_csv(path, con)
        return load_jsonl(path, con)
    except NotBulkReadable as e:
        raise NotColumnar(str(e)) from None
    except duckdb.Error as e:  # a value DuckDB typed otherwise than the checks expect
        raise NotColumnar(f"{path}: {str(e).splitlines()[0][:200]}") from None


def _source_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The fields of ``sources`` when every one has a type the codec takes as it is (text;
    ``page`` text or a whole number), else NotColumnar."""
    typ = one_row(con, "SELECT typeof(sources) FROM bulk_log LIMIT 1")[0]
    fields = dict(_struct_fields(typ))
    ok: dict[str, tuple[str, ...]] = {
        "title": ("VARCHAR",),
        "ref": ("VARCHAR",),
        "quote": ("VARCHAR",),
        "url": ("VARCHAR",),
    }
    ok["page"] = ("VARCHAR", "BIGINT")
    if not fields or any(f not in ok or t not in ok[f] for f, t in fields.items()):
        raise NotColumnar(f"sources of type {typ} are read through event objects")
    return list(fields)


def _struct_fields(typ: str) -> list[tuple[str, str]]:
    if not (typ.startswith("STRUCT(") and typ.endswith(")[]")):
        return []
    out = []
    for part in typ[len("STRUCT(") : -3].split(", "):
        name, _, kind = part.partition(" ")
        out.append((name.strip('"'), kind))
    return out


def _dates(con: duckdb.DuckDBPyConnection, cols: Columns) -> bool:
    """``import_dates``: every date text of the file with its text as the codec keeps it and its
    first and last day; the calendar's texts as they are, the others parsed one by one. Whether
    every text is kept as written."""
    texts = cols.whens.tolist()
    calendar = {"raw": np.array(texts, dtype=object)}
    calendar["lo"] = np.asarray(cols.when_lo, dtype=np.int64) - EPOCH
    calendar["hi"] = np.asarray(cols.when_hi, dtype=np.int64) - EPOCH
    con.register("import_calendar", calendar)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE import_dates AS SELECT raw, raw AS text, "
            "DATE '1970-01-01' + lo::INTEGER AS lo, DATE '1970-01-01' + hi::INTEGER AS hi FROM import_calendar"
        )
    finally:
        con.unregister("import_calendar")
    odd = con.execute(
        "SELECT DISTINCT t FROM (SELECT date AS t FROM bulk_log UNION ALL SELECT effective FROM bulk_log) "
        "WHERE t IS NOT NULL AND t NOT IN (SELECT raw FROM import_dates)"
    ).fetchall()
    extra = []
    as_written = True
    for (t,) in odd:
        try:
            w = parse_date(t)
        except BadDate:
            raise NotColumnar(f"date {t!r} is read through event objects") from None
        extra.append((t, w.text, w.lo.isoformat(), w.hi.isoformat()))
        as_written &= w.text == t
    if extra:
        con.executemany("INSERT INTO import_dates VALUES (?, ?, ?::DATE, ?::DATE)", extra)
    return as_written


def _recorded(con: duckdb.DuckDBPyConnection, stamp_text: str) -> None:
    """``import_recorded``: each recording time the file states, as UTC (parsed by the codec)."""
    rows = con.execute("SELECT DISTINCT recorded FROM bulk_log WHERE recorded IS NOT NULL").fetchall()
    parsed = []
    for (t,) in rows:
        try:
            parsed.append((t, parse_instant(t).isoformat()))
        except (BadDate, ValueError):
            raise NotColumnar(f"recorded {t!r} is read through event objects") from None
    if stamp_text not in {t for t, _ in parsed}:  # one row per text: the insert joins on it
        parsed.append((stamp_text, parse_instant(stamp_text).isoformat()))
    con.execute("CREATE OR REPLACE TEMP TABLE import_recorded (raw VARCHAR, utc VARCHAR)")
    con.executemany("INSERT INTO import_recorded VALUES (?, ?)", parsed)


def _rows(con: duckdb.DuckDBPyConnection, cols: Columns, stamp_text: str, fields: list[str]) -> int:
    """``import_rows`` (a view): one row per record of the file that is the first with its id,
    holding what the store keeps of it (``event_log``'s columns but ``seq``); how many rows."""
    repeated = np.flatnonzero(cols.first != np.arange(len(cols))) if cols.first is not None else np.zeros(0)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE import_repeated AS SELECT unnest(?::BIGINT[]) AS pos", [repeated.tolist()]
    )
    keep = "WHERE r.seq NOT IN (SELECT pos FROM import_repeated)" if len(repeated) else ""
    stamp_sql = "'" + stamp_text.replace("'", "''") + "'"
    plain = [c for c in TEXT_COLUMNS if c not in ("date", "effective", "recorded")]
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW import_rows AS
        SELECT r.seq AS pos, {", ".join("r." + c for c in plain)}, r.recorded AS recorded_raw,
               COALESCE(r.recorded, {stamp_sql}) AS recorded_text,
               d.text AS date_text, e.text AS effective_text, w.text AS when_text, w.lo AS eff_lo, w.hi AS eff_hi,
               {_sources_sql(fields)} AS src_text
        FROM bulk_log r
        LEFT JOIN import_dates d ON d.raw = r.date
        LEFT JOIN import_dates e ON e.raw = r.effective
        LEFT JOIN import_dates w ON w.raw = COALESCE(r.effective, r.date)
        {keep}"""
    )
    return len(cols) - len(repeated)


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """How many of the file's events the store holds already (same id, same content), and the
    condition selecting the rest; an id stored with other content is NotColumnar."""
    if not one_row(con, "SELECT count(*) FROM event_log")[0]:
        return 0, ""
    rec = record_sql("COALESCE(recorded_raw, stored_recorded)")
    same = con.execute(
        f"""SELECT pos, stored = ({rec}) AS same, stored AS record, {rec} AS incoming FROM (
                SELECT r.*, e.record AS stored, e.recorded_text AS stored_recorded
                FROM import_rows r JOIN event_log e ON e.id = r.id)"""
    ).fetchnumpy()
    differ = np.flatnonzero(~np.asarray(same["same"], dtype=bool))
    for i in differ.tolist():  # the same content written otherwise (an older store's record text)
        if json.loads(same["record"][i]) != json.loads(same["incoming"][i]):
            raise NotColumnar("an id is stored with other content")
    if not len(same["pos"]):
        return 0, ""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE import_known AS SELECT unnest(?::BIGINT[]) AS pos", [same["pos"].tolist()]
    )
    return len(same["pos"]), "WHERE pos NOT IN (SELECT pos FROM import_known)"


def _touched(con: duckdb.DuckDBPyConnection, fresh: str) -> list[str]:
    """The subjects the write folds again (``Store.partition`` from the new rows in SQL)."""
    known = "WHERE seq NOT IN (SELECT pos FROM import_known)" if fresh else ""
    subjects = {r[0] for r in con.execute(f"SELECT DISTINCT subject FROM bulk_log {known}").fetchall()}
    links = con.execute(
        f"""SELECT DISTINCT e.subject FROM (SELECT id, subject FROM event_log
                                            UNION ALL SELECT id, subject FROM bulk_log) e JOIN (
                SELECT retracts AS id FROM bulk_log {known} UNION SELECT corrects FROM bulk_log {known}
            ) l USING (id)"""
    ).fetchall()
    subjects |= {r[0] for r in links}
    more = f"{'AND' if known else 'WHERE'} kind = 'founded' AND predecessor IS NOT NULL"
    pairs = con.execute(
        "SELECT subject, predecessor FROM event_log WHERE kind = 'founded' AND predecessor IS NOT NULL "
        f"UNION ALL SELECT subject, predecessor FROM bulk_log {known} {more}"
    ).fetchall()
    return lineage_closure(subjects, pairs)


def lineage_closure(subjects: set[str], pairs: list[tuple[str, str]]) -> list[str]:
    """``subjects`` with every subject joined to one of them by a predecessor, either way."""
    linked: dict[str, set[str]] = {}
    for a, b in pairs:
        linked.setdefault(a, set()).add(b)
        linked.setdefault(b, set()).add(a)
    out = set(subjects)
    todo = list(out)
    while todo:
        for s in linked.get(todo.pop(), ()):
            if s not in out:
                out.add(s)
                todo.append(s)
    return sorted(out)


def _insert_sql(fresh: str, every_row: bool) -> str:
    """The new rows into ``event_log``, numbered after the last stored event (``every_row``:
    the file's rows are all new, so its position numbers them without sorting the rows)."""
    values = []
    last = "(SELECT COALESCE(max(seq), 0) FROM event_log)"
    for c in EVENT_COLUMNS:
        if c == "seq":
            values.append(f"{last} + 1 + pos" if every_row else f"{last} + row_number() OVER (ORDER BY pos)")
        elif c == "date":
            values.append("date_text")
        elif c == "effective":
            values.append("effective_text")
        elif c == "recorded":
            values.append("CAST(rc.utc AS TIMESTAMPTZ)")
        elif c == "sources":
            values.append("src_text")
        elif c == "record":
            values.append(record_sql("recorded_text"))
        else:
            values.append(c)
    return (
        f"INSERT INTO event_log ({', '.join(EVENT_COLUMNS)}) "
        f"SELECT {', '.join(f'{v} AS {c}' for v, c in zip(values, EVENT_COLUMNS, strict=True))} "
        f"FROM import_rows JOIN import_recorded rc ON rc.raw = recorded_text {fresh}"
    )


@attrs.frozen
class ImportPlan:
    """A staged file, ready to write: ``insert`` (SQL) adds the new events to ``event_log``;
    ``columns`` (the file's columns, and the store ``seq`` each record will have) when the
    subjects it touches hold no stored event, so that the fold can take them as they are."""

    added: int
    unchanged: int
    touched: list[str]
    insert: str
    columns: tuple[Columns, np.ndarray] | None = None


def plan_import(con: duckdb.DuckDBPyConnection, path: Path, stamp_text: str) -> ImportPlan:
    """Stage one file of events in ``con`` as columns and check it: see the module's docstring.
    The staging tables stay until :func:`drop_staging`."""
    cols = _stage(con, Path(path))
    if cols.record_problems or cols.conflicts or not len(cols):
        raise NotColumnar(f"{path}: problems in the records, or none")
    fields = _source_fields(con)
    as_written = _dates(con, cols)
    _recorded(con, stamp_text)
    rows = _rows(con, cols, stamp_text, fields)
    unchanged, fresh = _stored(con)
    added = rows - unchanged
    if not added:
        return ImportPlan(0, unchanged, [], "")
    touched = _touched(con, fresh)
    last, before = one_row(
        con,
        "SELECT COALESCE(max(seq), 0), count(*) FILTER (WHERE subject IN (SELECT unnest(?::VARCHAR[]))) FROM event_log",
        [touched],
    )
    columns = None
    if not unchanged and not before and as_written:
        first = cols.first if cols.first is not None else np.arange(len(cols))
        rank = np.cumsum(first == np.arange(len(cols))) - 1
        columns = (cols, last + 1 + rank[first])
    return ImportPlan(added, unchanged, touched, _insert_sql(fresh, added == len(cols)), columns)


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """The temporary tables of an import, dropped (they live as long as the connection)."""
    for t in ("import_dates", "import_recorded", "import_known", "import_repeated", "bulk_raw"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute("DROP VIEW IF EXISTS import_rows")
    reset_bulk_log(con)
