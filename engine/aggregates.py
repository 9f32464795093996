"""Aggregate questions, answered in DuckDB over the compiled spells.

A party counts in a period when it held the standing on some day of it (``any_time``,
uncertain days included); ``whole_period`` counts those certain to have held it on every day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from ..events.errors import BadEvent, TimelineError
from ..events.vocabulary import FULL_STANDING

__all__ = ["members_per_period", "overlap", "run_readonly_sql", "tenure_length", "tenures", "term_lengths"]

_STEP = {"year": 1, "decade": 10}


def _periods(by: str, start: int, end: int) -> tuple[int, int, int]:
    if by not in _STEP:
        raise BadEvent(f"--by {by!r}: expected year or decade")
    step = _STEP[by]
    if by == "decade":
        start -= start % 10
    return start, end, step


def _rows(con, sql: str, params: list) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [{c: (v.isoformat() if isinstance(v, date) else v) for c, v in zip(cols, row)} for row in cur.fetchall()]


def members_per_period(
    timeline,
    subject: str,
    by: str = "year",
    start: int | None = None,
    end: int | None = None,
    standing: str | None = "all",
) -> list[dict[str, Any]]:
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
    )


def overlap(
    timeline, a: str, b: str, by: str = "year", start: int | None = None, end: int | None = None
) -> list[dict[str, Any]]:
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
    )


def tenure_length(start: date, end: date) -> str:
    """The calendar length from ``start`` to ``end`` (exclusive) in years, months and days, as
    pendulum counts them: 2004-01-15 to 2007-01-01 is ``2 years 11 months 17 days``."""
    import pendulum  # ~50 ms to import: only tenures pay for it

    first, last = pendulum.date(start.year, start.month, start.day), pendulum.date(end.year, end.month, end.day)
    span = pendulum.interval(first, last)
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


def tenures(timeline, subject: str, office: str | None = None) -> list[dict[str, Any]]:
    """Office terms with their length in days, at least (certain) and at most (possible), and
    ``length``: the certain part in years, months and days (NULL while the term lasts)."""
    s = timeline.subject(subject)
    con, spells = timeline.connection()
    filt = "AND thing = ?" if office else ""
    rows = _rows(
        con,
        f"""
        SELECT thing AS office, value AS holder, value2 AS nationality, since, until,
               CASE WHEN certain_to IS NULL THEN NULL ELSE greatest(certain_to - certain_from, 0) END AS days_at_least,
               CASE WHEN possible_to IS NULL THEN NULL ELSE possible_to - possible_from END AS days_at_most,
               certain_to IS NULL AS in_office, certain_from, certain_to
        FROM {spells} WHERE family = 'office' AND subject = ? {filt}
        ORDER BY office, possible_from
    """,
        [s.id] + ([office] if office else []),
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


def run_readonly_sql(timeline, query: str) -> tuple[list[str], list[tuple]]:
    """Run a SELECT over the views ``events``, ``spans`` and ``office_terms``; refuse anything else."""
    con, _ = timeline.connection()
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
    cur = con.cursor()
    try:
        cur.execute("SET enable_external_access = false")
        cur.execute("SET lock_configuration = true")
    except duckdb.Error:
        pass  # already locked by an earlier query on this connection
    try:
        cur.execute(query)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()
    except duckdb.PermissionException:
        raise TimelineError(
            "refused: timeline sql cannot read or write files, attach databases or load extensions"
        ) from None
    except duckdb.Error as e:
        text = str(e)
        if "extension" in text.lower():
            raise TimelineError(
                "refused: timeline sql cannot read or write files, attach databases or load extensions"
            ) from None
        raise TimelineError(f"SQL error: {text.splitlines()[0]}") from None
