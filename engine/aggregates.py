"""Aggregate questions: ``stats`` and ``overlap`` counted over the spell index
(``engine.counts``), tenures and read-only SQL answered in DuckDB over the compiled spells.

A party counts in a period when it held the standing on some day of it (``any_time``,
uncertain days included); ``whole_period`` counts those certain to have held it on every day.
Periods stop at what the record covers (``engine.coverage``): by default the last period is the
last year covered, and a period that runs past the last covered day is counted up to that day.
"""

from __future__ import annotations

import contextlib
import decimal
import json
import threading
import time
from datetime import date, timedelta
from typing import Any

import attrs
import duckdb

from ..events.errors import BadEvent, TimelineError
from .counts import Periods, per_period, shared_per_period, standings_of
from .fold.codes import FOREVER, STANDINGS, V
from .frames import Columns, RowList

__all__ = [
    "DEFAULT_SQL_LIMIT",
    "DEFAULT_SQL_TIMEOUT",
    "SqlAnswer",
    "members_per_period",
    "overlap",
    "readonly_relation",
    "readonly_sql",
    "run_readonly_sql",
    "tenure_length",
    "tenures",
    "term_lengths",
]

STATS_COLUMNS: Columns = (("period", "int"), ("standing", "text"), ("any_time", "int"), ("whole_period", "int"))
OVERLAP_COLUMNS: Columns = (("period", "int"), ("both_any_time", "int"), ("both_certain", "int"), ("parties", "texts"))
TENURE_COLUMNS: Columns = (
    ("office", "text"),
    ("holder", "text"),
    ("nationality", "text"),
    ("since", "edtf"),
    ("until", "edtf"),
    ("days_at_least", "int"),
    ("days_at_most", "int"),
    ("in_office", "bool"),
    ("length", "text"),
)

_STEP = {"year": 1, "decade": 10}


def _periods(by: str, start: int, end: int) -> tuple[int, int, int]:
    if by not in _STEP:
        raise BadEvent(f"--by {by!r}: expected year or decade")
    step = _STEP[by]
    if by == "decade":
        start -= start % 10
    return start, end, step


def _last_year(covered) -> int:
    """The last period year by default: this year, or the last year the record covers a day of."""
    return date.today().year if covered is None else min(covered.until.year, date.today().year)


def _end(covered) -> date:
    """The day after the last day the record covers (periods are cut there), or the end of time."""
    return date(9999, 12, 31) if covered is None else covered.until + timedelta(days=1)


def _rows(con, sql: str, params: list, columns: Columns = (), caption: str = "") -> RowList:
    """The rows as dicts (dates as ISO text, as the JSON output prints them), in a list that is
    also a frame (``.to_arrow()``, ``.to_pandas()``, ``.to_polars()``) with typed ``columns``."""
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    rows = [{c: (v.isoformat() if isinstance(v, date) else v) for c, v in zip(cols, row)} for row in cur.fetchall()]
    return RowList(rows, columns, caption)


def members_per_period(
    timeline,
    subject: str,
    by: str = "year",
    start: int | None = None,
    end: int | None = None,
    standing: str | None = "all",
) -> RowList:
    """Per period and standing: parties holding it at some time, and for the whole period
    (counted over the spell index by ``engine.counts.per_period``)."""
    s = timeline.subject(subject)
    covered = timeline.record.coverage(s.id)
    first = start if start is not None else s.founded.when.lo.year
    last = end if end is not None else _last_year(covered)
    first, last, step = _periods(by, first, last)
    index = timeline.record.index
    periods = Periods.of(first, last, step, FOREVER if covered is None else _end(covered).toordinal())
    if standing in (None, "all"):
        codes = standings_of(index, s.id)
    else:
        codes = [V[standing]] if standing in V else []
    named = sorted((STANDINGS[c], c) for c in codes if STANDINGS[c] is not None)
    counts = {name: per_period(index, periods, s.id, c) for name, c in named}
    rows = [
        {"period": int(year), "standing": name, "any_time": int(held[0, i]), "whole_period": int(whole[0, i])}
        for i, year in enumerate(periods.years.tolist())
        for name, (held, whole) in counts.items()
        if held[0, i]
    ]
    caption = f"{s.id}: parties per {by}" + (f" (the record covers it until {covered.until})" if covered else "")
    return RowList(rows, STATS_COLUMNS, caption)


def overlap(timeline, a: str, b: str, by: str = "year", start: int | None = None, end: int | None = None) -> RowList:
    """Per period: parties that were full participants of both subjects on a common day."""
    sa, sb = timeline.subject(a), timeline.subject(b)
    ca, cb = timeline.record.coverage(sa.id), timeline.record.coverage(sb.id)
    covered = ca if cb is None or (ca is not None and ca.until <= cb.until) else cb  # the shorter record
    first = start if start is not None else max(sa.founded.when.lo.year, sb.founded.when.lo.year)
    last = end if end is not None else _last_year(covered)
    first, last, step = _periods(by, first, last)
    periods = Periods.of(first, last, step, FOREVER if covered is None else _end(covered).toordinal())
    parties, certain = shared_per_period(timeline.record.index, periods, sa.id, sb.id)
    rows = [
        {"period": year, "both_any_time": len(names), "both_certain": int(sure), "parties": names or None}
        for year, names, sure in zip(periods.years.tolist(), parties, certain.tolist(), strict=True)
    ]
    caption = f"{sa.id} and {sb.id}: full participants of both, per {by}" + (
        f" (the record covers {covered.subject} until {covered.until})" if covered else ""
    )
    return RowList(rows, OVERLAP_COLUMNS, caption)


def tenure_length(start: date, end: date) -> str:
    """The calendar length from ``start`` to ``end`` (exclusive) in years, months and days, as
    pendulum counts them: 2004-01-15 to 2007-01-01 is ``2 years 11 months 17 days``."""
    import pendulum  # ~50 ms to import: only tenures pay for it

    first, last = pendulum.date(start.year, start.month, start.day), pendulum.date(end.year, end.month, end.day)
    span = pendulum.interval(first, last)  # type: ignore[arg-type]  # dates are accepted (pendulum docs: Interval)
    months = span.years * 12 + span.months
    # pendulum's interval can overshoot by a day across a short month (2000-01-02 to 2000-04-01 is
    # "3 months" there; pendulum issues #606 and #402, open): the most whole months that fit, then the
    # days left, so that start + length == end.
    while months > 0 and first.add(months=months) > last:
        months -= 1
    while first.add(months=months + 1) <= last:
        months += 1
    days = (last - first.add(months=months)).in_days()
    parts = ((months // 12, "year"), (months % 12, "month"), (days, "day"))
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n) or "0 days"


def term_lengths(timeline, events) -> dict[str, str]:
    """{appointment event id: the certain length of the term it began} for the ``appointed``
    events among ``events`` whose term has ended (a person's ``history``)."""
    out: dict[str, str] = {}
    wanted = {(e.subject, e.office, e.id) for e in events if e.kind == "appointed"}
    for sid, office in {(s, o) for s, o, _ in wanted}:
        track = timeline.office_tracks(sid).get(office)
        for spell in track.spells if track is not None else ():
            if (sid, office, spell.event_id) in wanted and spell.next_event_id is not None:
                lo = date.fromordinal(spell.certain_from)
                out[spell.event_id] = tenure_length(lo, max(lo, date.fromordinal(spell.certain_to)))
    return out


def tenures(timeline, subject: str, office: str | None = None) -> RowList:
    """Office terms with their length in days: at least (certain) and at most (possible)."""
    s = timeline.subject(subject)
    con, spells = timeline.connection()
    filt = "AND thing = ?" if office else ""
    rows = _rows(
        con,
        f"""
        SELECT thing AS office, value AS holder, value2 AS nationality, since, until,
               CASE WHEN possible_to IS NULL THEN NULL ELSE greatest(certain_to - certain_from, 0) END AS days_at_least,
               CASE WHEN possible_to IS NULL THEN NULL ELSE possible_to - possible_from END AS days_at_most,
               possible_to IS NULL AS in_office, certain_from,
               CASE WHEN possible_to IS NULL THEN NULL ELSE certain_to END AS certain_to
        FROM {spells} WHERE family = 'office' AND subject = ? {filt}
        ORDER BY office, possible_from
    """,
        [s.id] + ([office] if office else []),
        TENURE_COLUMNS,
        f"{s.id}: office terms",
    )
    for row in rows:
        lo, hi = row.pop("certain_from"), row.pop("certain_to")
        row["length"] = (
            None
            if hi is None
            else tenure_length(date.fromisoformat(lo), max(date.fromisoformat(hi), date.fromisoformat(lo)))
        )
    return rows


_ALLOWED = {"SELECT"}
_REFUSED_ACCESS = "refused: timeline sql cannot read or write files, attach databases or load extensions"

DEFAULT_SQL_LIMIT = 100_000
DEFAULT_SQL_TIMEOUT = 60.0


@attrs.frozen
class SqlAnswer:
    """The rows of a read-only query: column names, rows (each value as JSON gives it: nested
    values as lists and dicts, decimals as ``Decimal``, non-finite floats as ``nan``/``inf``),
    and whether ``limit`` cut the rows short."""

    columns: tuple[str, ...]
    rows: list[tuple]
    cut: bool


def run_readonly_sql(timeline, query: str) -> tuple[list[str], list[tuple]]:
    """Run a SELECT over the views ``events``, ``spans`` and ``office_terms``; refuse anything else.
    (columns, rows), without a limit on rows or time; see ``readonly_sql``."""
    answer = readonly_sql(timeline, query, limit=None, timeout=None)
    return list(answer.columns), answer.rows


def _checked(con, query: str) -> str:
    """The text of the query's last statement, once every statement is a SELECT."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as e:
        raise TimelineError(f"SQL error: {str(e).splitlines()[0]}") from None
    if not statements:
        raise TimelineError("no SQL statement given")
    for st in statements:
        kind = st.type.name
        if kind not in _ALLOWED:
            shown = "INSTALL or LOAD" if kind == "LOAD" else kind
            article = "an" if shown[0] in "AEIOU" else "a"
            raise TimelineError(
                f"refused: timeline sql runs read-only SELECT queries; {article} {shown} statement is not allowed"
            )
    return statements[-1].query


def readonly_sql(
    timeline,
    query: str,
    *,
    limit: int | None = DEFAULT_SQL_LIMIT,
    timeout: float | None = DEFAULT_SQL_TIMEOUT,
) -> SqlAnswer:
    """Run a SELECT over the views ``events``, ``spans`` and ``office_terms`` as this timeline
    knows them (its ``as_known`` included); refuse anything else.

    The query runs on the timeline's own connection (where its as-known views live) with access
    to files, URLs and extensions switched off. At most ``limit`` rows are fetched; after
    ``timeout`` seconds the query is interrupted (``TimelineError``); a KeyboardInterrupt
    (SIGINT) interrupts it at once and is raised again. Every value comes back through
    DuckDB's ``to_json``, so that any type (lists, structs, maps, decimals, UUIDs, intervals,
    times, blobs) has a plain form."""
    con, _ = timeline.connection()
    last = _checked(con, query)
    wrapped = f"SELECT to_json(COLUMNS(*)) FROM (\n{last}\n) AS q"
    if limit is not None:
        wrapped += f" LIMIT {int(limit) + 1}"
    if [st.type.name for st in con.extract_statements(wrapped)] != ["SELECT"]:
        raise TimelineError("SQL error: the query is not one SELECT statement")
    for setting in ("SET enable_external_access = false", "SET lock_configuration = true"):
        with contextlib.suppress(duckdb.Error):  # already locked by an earlier query on this connection
            con.execute(setting)
    box: dict[str, Any] = {}
    done = threading.Event()  # not Thread.join: a join cut short by SIGINT can report the thread ended

    def work() -> None:
        try:
            cur = con.execute(wrapped)
            cols = tuple(d[0] for d in cur.description) if cur.description else ()
            rows = cur.fetchmany(int(limit) + 1) if limit is not None else cur.fetchall()
            box["answer"] = (cols, rows)
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e
        finally:
            done.set()

    worker = threading.Thread(target=work, name="timeline-sql", daemon=True)
    started = time.monotonic()
    timed_out = False
    worker.start()
    try:
        while not done.wait(0.05):
            if timeout is not None and not timed_out and time.monotonic() - started > timeout:
                timed_out = True
                con.interrupt()
    except KeyboardInterrupt:
        con.interrupt()
        done.wait(10)  # the query stops within milliseconds; a process must not exit while it runs
        raise
    error = box.get("error")
    if error is not None:
        if timed_out and isinstance(error, duckdb.InterruptException):
            raise TimelineError(
                f"SQL query stopped after {timeout:g} s (its time limit; pass --timeout SECONDS for more)"
            ) from None
        if isinstance(error, duckdb.InterruptException):
            raise KeyboardInterrupt
        if isinstance(error, duckdb.PermissionException):
            raise TimelineError(_REFUSED_ACCESS) from None
        if isinstance(error, duckdb.Error):
            text = str(error)
            if "extension" in text.lower():
                raise TimelineError(_REFUSED_ACCESS) from None
            raise TimelineError(f"SQL error: {text.splitlines()[0]}") from None
        raise error
    cols, rows = box["answer"]
    cut = limit is not None and len(rows) > limit
    if cut:
        rows = rows[:limit]
    return SqlAnswer(cols, [tuple(_value(v) for v in r) for r in rows], cut)


def _value(text: str | None) -> Any:
    """A value from its JSON text (``to_json``): numbers exact (``Decimal`` for fractions), ``NaN``
    and ``Infinity`` as floats."""
    if text is None:
        return None
    return json.loads(text, parse_float=decimal.Decimal)


def readonly_relation(timeline, query: str) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation for one SELECT over the views ``events``, ``spans`` and ``office_terms`` as
    this timeline knows them (``Timeline.sql``); anything else is refused. It runs on the timeline's
    own connection (where its as-known views live), locked against files, attached databases and
    extensions from then on."""
    con, _ = timeline.connection()
    last = _checked(con, query)
    if len(con.extract_statements(query)) != 1:
        raise TimelineError("Timeline.sql takes one SELECT statement; run several one by one")
    for setting in ("SET enable_external_access = false", "SET lock_configuration = true"):
        with contextlib.suppress(duckdb.Error):  # already locked by an earlier query on this connection
            con.execute(setting)
    try:
        return con.sql(last)
    except duckdb.PermissionException:
        raise TimelineError(_REFUSED_ACCESS) from None
    except duckdb.Error as e:
        text = str(e)
        if "extension" in text.lower():
            raise TimelineError(_REFUSED_ACCESS) from None
        raise TimelineError(f"SQL error: {text.splitlines()[0]}") from None
