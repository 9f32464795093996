"""The store's tables, and rows written from event objects.

The schema (``event_log``, ``meta``, ``party_names``, ``side_records``, the ``events`` view) and
its upgrades; the stored row of an event (``event_row``) and its comparison with a stored record;
rows inserted many at a time through a JSON-lines file (``rows_into``: no SQL per row).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ..events.codec import FIELD_ORDER, event_to_record
from ..events.dates import parse_instant
from ..events.model import Entry
from .spells_table import VIEWS_SQL

__all__ = [
    "EVENTS_VIEW",
    "EVENT_COLUMNS",
    "LOG_COLUMNS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SIDE",
    "UPGRADES",
    "AppendResult",
    "event_row",
    "in_subjects",
    "put_names",
    "put_side",
    "rows_into",
    "same_record",
    "stamp",
    "stored_records",
]

SCHEMA_VERSION = 3

LOG_COLUMNS = [c for c in FIELD_ORDER if c not in ("sources",)]
MIN_OBJECT = 1 << 20  # read_json's object size for rows of ordinary length (1 MiB)
MAX_OBJECT = 2**31 - 1  # read_json's largest: an event is as long as its note and sources
SCHEMA = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE event_log (
    seq BIGINT PRIMARY KEY,
    {", ".join(f"{c} VARCHAR" for c in LOG_COLUMNS if c not in ("date", "recorded"))},
    date VARCHAR,
    sources VARCHAR NOT NULL,
    recorded TIMESTAMPTZ NOT NULL,
    recorded_text VARCHAR NOT NULL,
    when_text VARCHAR,
    eff_lo DATE,
    eff_hi DATE,
    record VARCHAR NOT NULL
);
CREATE UNIQUE INDEX event_log_id ON event_log (id);
CREATE TABLE party_names (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
"""
# Side records: what an imported data set holds besides membership facts (the COW panel's
# missing cells, column order, row metadata), kept so that an export can give it back whole.
SIDE = """
CREATE TABLE side_records (dataset VARCHAR NOT NULL, part VARCHAR NOT NULL, pos BIGINT NOT NULL,
                           record VARCHAR NOT NULL);
"""
EVENTS_VIEW = f"""
CREATE OR REPLACE VIEW events AS
SELECT seq, {", ".join(c for c in LOG_COLUMNS if c != "recorded")}, CAST(sources AS JSON) AS sources,
       recorded AT TIME ZONE 'UTC' AS recorded, eff_lo AS effective_from, eff_hi AS effective_to
FROM event_log
"""
# Upgrades from each older schema version to the next: {from_version: [statements]}.
UPGRADES: dict[int, list[str]] = {
    1: [SIDE],
    # the parties an `attested` event covers; the views that say `unattested`
    2: [
        "ALTER TABLE event_log ADD COLUMN IF NOT EXISTS parties VARCHAR",
        EVENTS_VIEW,
        *VIEWS_SQL(),
    ],
}

# every column of ``event_log``, as an insert names them
EVENT_COLUMNS = ("seq", *LOG_COLUMNS, "sources", "recorded_text", "when_text", "eff_lo", "eff_hi", "record")


def stamp(now: datetime) -> str:
    """The recording time an import gives the events that state none (UTC, microseconds, Z)."""
    return now.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def in_subjects(subjects) -> str:
    """A condition on ``event_log`` selecting the events of ``subjects`` (ids are upper-case slugs,
    checked on the way in, so they are safe to write into SQL; quotes are doubled all the same)."""
    if not subjects:
        return "FALSE"
    return "subject IN (" + ", ".join("'" + s.replace("'", "''") + "'" for s in subjects) + ")"


class AppendResult(tuple):
    """(added, already stored)."""

    @property
    def added(self) -> int:
        return self[0]

    @property
    def unchanged(self) -> int:
        return self[1]


def event_row(event: Entry, seq: int, recorded: str) -> dict:
    rec = event_to_record(event)
    if event.recorded is None:
        rec["recorded"] = recorded
    row = {c: rec.get(c) for c in LOG_COLUMNS}
    row["seq"] = seq
    row["sources"] = json.dumps(rec["sources"], ensure_ascii=False)
    row["recorded_text"] = rec["recorded"]
    row["recorded_utc"] = parse_instant(rec["recorded"]).isoformat()
    row["when_text"] = event.when.text if event.when else None
    row["eff_lo"] = event.when.lo.isoformat() if event.when else None
    row["eff_hi"] = event.when.hi.isoformat() if event.when else None
    row["record"] = json.dumps(rec, ensure_ascii=False)
    return row


def same_record(stored_record: dict, event: Entry) -> bool:
    incoming = event_to_record(event)
    if "recorded" not in incoming:
        stored_record = {k: v for k, v in stored_record.items() if k != "recorded"}
    return stored_record == incoming


def rows_into(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: dict[str, str],
    rows: Iterable[dict],
    computed: dict[str, str] | None = None,
    helpers: dict[str, str] | None = None,
) -> None:
    """Insert many rows through a JSON-lines file: fast for DuckDB, and no per-row SQL.

    ``columns`` are copied as they are; ``computed`` columns are SQL over the row's fields,
    which may read ``helpers`` (fields of the file that are not columns of the table).
    """
    computed = computed or {}
    fields = {**columns, **(helpers or {})}
    with tempfile.TemporaryDirectory(prefix="timeline-") as tmp:
        path = Path(tmp) / "rows.jsonl"
        longest = 0
        with path.open("wb") as f:
            for r in rows:
                line = (json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8")
                longest = max(longest, len(line))
                f.write(line)
        # read_json reserves buffers of twice its maximum object size: sized by the longest
        # line, never by a constant of gigabytes
        size = min(max(longest + 1024, MIN_OBJECT), MAX_OBJECT)
        spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in fields.items()) + "}"
        con.execute(
            f"INSERT INTO {table} ({', '.join([*columns, *computed])}) "
            f"SELECT {', '.join([*columns, *computed.values()])} "
            f"FROM read_json(?, format='newline_delimited', columns={spec}, maximum_object_size={size})",
            [str(path)],
        )


def put_side(con: duckdb.DuckDBPyConnection, side: dict[str, dict[str, list[dict]]]) -> None:
    for dataset, parts in side.items():
        con.execute("DELETE FROM side_records WHERE dataset = ?", [dataset])
        rows_into(
            con,
            "side_records",
            {"dataset": "VARCHAR", "part": "VARCHAR", "pos": "BIGINT", "record": "VARCHAR"},
            (
                {"dataset": dataset, "part": part, "pos": i, "record": json.dumps(r, ensure_ascii=False)}
                for part, rows in parts.items()
                for i, r in enumerate(rows)
            ),
        )


def put_names(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> None:
    for code, name in names.items():
        con.execute("INSERT OR REPLACE INTO party_names VALUES (?, ?)", [code, name])


def stored_records(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple[int, dict]]:
    if not ids:
        return {}
    rows = con.execute(
        "SELECT e.id, e.seq, e.record FROM event_log e JOIN (SELECT unnest(?) AS id) i USING (id)", [ids]
    ).fetchall()
    return {i: (seq, json.loads(r)) for i, seq, r in rows}
