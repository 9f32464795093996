"""Aggregate questions, answered in DuckDB over the compiled spells.

A party counts in a period when it held the standing on some day of it (``any_time``,
uncertain days included); ``whole_period`` counts those certain to have held it on every day.
"""

from __future__ import annotations

from datetime import date

import duckdb

from ..events.errors import BadEvent, TimelineError
from ..events.vocabulary import FULL_STANDING
from .frames import Columns, RowList

__all__ = ["members_per_period", "overlap", "readonly_relation", "run_readonly_sql", "tenures"]

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
)

_STEP = {"year": 1, "decade": 10}


def _periods(by: str, start: int, end: int) -> tuple[int, int, int]:
    if by not in _STEP:
        raise BadEvent(f"--by {by!r}: expected year or decade")
    step = _STEP[by]
    if by == "decade":
        start -= start % 10
    return start, end, step


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
    """Per period and standing: parties holding it at some time, and for the whole period."""
    s = timeline.subject(subject)
    con, spells = timeline.connection()
    first = start if start is not None else s.founded.when.lo.year
    last = end if end is not None else date.today().year
    first, last, step = _periods(by, first, last)
    filt = "" if standing in (None, "all") else "AND value = ?"
    return _rows(
        con,
        f"""
        WITH periods AS (
            SELECT p AS period, make_date(p, 1, 1) AS p_from, make_date(p + ?, 1, 1) AS p_to
            FROM range(?, ?, ?) t(p)
        )
        SELECT period, value AS standing,
               count(DISTINCT thing) AS any_time,
               count(DISTINCT thing) FILTER (WHERE certain_from <= p_from
                                             AND COALESCE(certain_to, DATE '9999-12-31') >= p_to) AS whole_period
        FROM periods JOIN {spells} s
          ON s.family = 'party' AND s.subject = ? {filt}
         AND s.possible_from < p_to AND COALESCE(s.possible_to, DATE '9999-12-31') > p_from
        GROUP BY ALL ORDER BY period, standing
    """,
        [step, first, last + 1, step, s.id] + ([standing] if filt else []),
        STATS_COLUMNS,
        f"{s.id}: parties per {by}",
    )


def overlap(timeline, a: str, b: str, by: str = "year", start: int | None = None, end: int | None = None) -> RowList:
    """Per period: parties that were full participants of both subjects on a common day."""
    sa, sb = timeline.subject(a), timeline.subject(b)
    con, spells = timeline.connection()
    first = start if start is not None else max(sa.founded.when.lo.year, sb.founded.when.lo.year)
    last = end if end is not None else date.today().year
    first, last, step = _periods(by, first, last)
    return _rows(
        con,
        f"""
        WITH periods AS (
            SELECT p AS period, make_date(p, 1, 1) AS p_from, make_date(p + ?, 1, 1) AS p_to
            FROM range(?, ?, ?) t(p)
        ),
        x AS (SELECT * FROM {spells} WHERE family = 'party' AND subject = ? AND value = ?),
        y AS (SELECT * FROM {spells} WHERE family = 'party' AND subject = ? AND value = ?)
        SELECT period,
               count(DISTINCT x.thing) FILTER (WHERE greatest(x.possible_from, y.possible_from, p_from)
                    < least(COALESCE(x.possible_to, DATE '9999-12-31'), COALESCE(y.possible_to, DATE '9999-12-31'), p_to)) AS both_any_time,
               count(DISTINCT x.thing) FILTER (WHERE greatest(x.certain_from, y.certain_from, p_from)
                    < least(COALESCE(x.certain_to, DATE '9999-12-31'), COALESCE(y.certain_to, DATE '9999-12-31'), p_to)) AS both_certain,
               list(DISTINCT x.thing ORDER BY x.thing) FILTER (WHERE greatest(x.possible_from, y.possible_from, p_from)
                    < least(COALESCE(x.possible_to, DATE '9999-12-31'), COALESCE(y.possible_to, DATE '9999-12-31'), p_to)) AS parties
        FROM periods LEFT JOIN (x JOIN y ON x.thing = y.thing) ON TRUE
        GROUP BY period ORDER BY period
    """,
        [step, first, last + 1, step, sa.id, FULL_STANDING[sa.kind], sb.id, FULL_STANDING[sb.kind]],
        OVERLAP_COLUMNS,
        f"{sa.id} and {sb.id}: full participants of both, per {by}",
    )


def tenures(timeline, subject: str, office: str | None = None) -> RowList:
    """Office terms with their length in days: at least (certain) and at most (possible)."""
    s = timeline.subject(subject)
    con, spells = timeline.connection()
    filt = "AND thing = ?" if office else ""
    return _rows(
        con,
        f"""
        SELECT thing AS office, value AS holder, value2 AS nationality, since, until,
               CASE WHEN certain_to IS NULL THEN NULL ELSE greatest(certain_to - certain_from, 0) END AS days_at_least,
               CASE WHEN possible_to IS NULL THEN NULL ELSE possible_to - possible_from END AS days_at_most,
               certain_to IS NULL AS in_office
        FROM {spells} WHERE family = 'office' AND subject = ? {filt}
        ORDER BY office, possible_from
    """,
        [s.id] + ([office] if office else []),
        TENURE_COLUMNS,
        f"{s.id}: office terms",
    )


_ALLOWED = {"SELECT"}
_NO_ACCESS = "refused: timeline sql cannot read or write files, attach databases or load extensions"


def _statements(con, query: str) -> list:
    """The statements of ``query``, each a SELECT, or a TimelineError saying what is refused."""
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
    return statements


def _locked_cursor(con):
    """A cursor on a connection that can no longer reach files, databases or extensions."""
    cur = con.cursor()
    try:
        cur.execute("SET enable_external_access = false")
        cur.execute("SET lock_configuration = true")
    except duckdb.Error:
        pass  # already locked by an earlier query on this connection
    return cur


def _sql_error(e: duckdb.Error) -> TimelineError:
    text = str(e)
    if isinstance(e, duckdb.PermissionException) or "extension" in text.lower():
        return TimelineError(_NO_ACCESS)
    return TimelineError(f"SQL error: {text.splitlines()[0]}")


def readonly_relation(timeline, query: str) -> duckdb.DuckDBPyRelation:
    """A DuckDB relation for one SELECT over the views ``events``, ``spans`` and ``office_terms``
    (``Timeline.sql``); anything else is refused. The connection is locked against files,
    attached databases and extensions from then on."""
    con, _ = timeline.connection()
    if len(_statements(con, query)) != 1:
        raise TimelineError("Timeline.sql takes one SELECT statement; run several one by one")
    cur = _locked_cursor(con)
    try:
        return cur.sql(query)
    except duckdb.Error as e:
        raise _sql_error(e) from None


def run_readonly_sql(timeline, query: str) -> tuple[list[str], list[tuple]]:
    """Run a SELECT over the views ``events``, ``spans`` and ``office_terms``; refuse anything else."""
    con, _ = timeline.connection()
    _statements(con, query)
    cur = _locked_cursor(con)
    try:
        cur.execute(query)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()
    except duckdb.Error as e:
        raise _sql_error(e) from None
