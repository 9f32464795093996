"""The fold's spells as DuckDB tables, and the public views over them.

A store keeps the spells the fold computed (``spells``) and the log positions in force
(``spells_in_force``); ``--as-known`` folds that edition of the log into TEMP tables of the same
shape. The views ``spans`` and ``office_terms`` read them (their columns are a public interface).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import duckdb
import numpy as np

from .coverage import write_coverage
from .fold import Folded
from .fold.codes import FOREVER, PARTY, STANDINGS
from .fold.spells import FAMILY_NAMES

__all__ = ["VIEWS_SQL", "write_spells"]

_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def _days(ordinals: np.ndarray) -> np.ndarray:
    """Ordinals as days since 1970 (DuckDB dates), FOREVER as -1 (NULL: open-ended)."""
    out = ordinals.astype(np.int64) - _EPOCH_ORDINAL
    out[ordinals >= FOREVER] = -(1 << 40)
    return out


def write_spells(
    con: duckdb.DuckDBPyConnection,
    folded: Folded,
    target: str = "spells",
    temp: bool = False,
    store_seq: np.ndarray | None = None,
    subjects: Sequence[str] | None = None,
) -> None:
    """Write the spells of ``folded`` into ``target`` and the records in force into
    ``{target}_in_force``; ``store_seq`` maps log positions to the store's ``seq`` (event ids are
    then read from ``event_log``), else ids come from the columns. With ``subjects`` (a partition
    of the log), only the rows of those subjects are replaced."""
    s, c = folded.spells, folded.columns
    kind = "TEMP TABLE" if temp else "TABLE"
    n = len(s)
    pos = np.ones(n, dtype=np.int64)
    if n:
        same = (s.family[1:] == s.family[:-1]) & (s.subject[1:] == s.subject[:-1]) & (s.thing[1:] == s.thing[:-1])
        run = np.r_[0, np.flatnonzero(~same) + 1]
        pos = np.arange(n, dtype=np.int64) - np.repeat(run, np.diff(np.r_[run, n])) + 1
    has_next = s.next_event >= 0
    nxt = np.where(has_next, s.next_event, 0)
    party = s.family == PARTY
    words = np.append(c.words.astype(object), np.array([None], dtype=object))  # code -1 reads as None
    whens = np.append(c.whens.astype(object), np.array([None], dtype=object))
    families = np.array([None, *(FAMILY_NAMES.get(f) for f in range(1, 4))], dtype=object)
    standing = np.array(STANDINGS, dtype=object)
    frame = {
        "family": families[s.family],
        "subject": words[s.subject],
        "thing": words[s.thing],
        "value": np.where(party, standing[np.where(party, s.value, 0)], words[np.where(party, -1, s.value)]),
        "value2": words[s.value2],
        "since": whens[c.when[s.event]],
        "until": np.where(has_next, whens[c.when[nxt]], None),
        "ev": s.event.astype(np.int64),
        "nx": np.where(has_next, s.next_event, -1).astype(np.int64),
        "pf": _days(s.possible_from),
        "cf": _days(s.certain_from),
        "ct": _days(s.certain_to),
        "pt": _days(s.possible_to),
        "pos": pos,
    }
    if store_seq is not None:
        seq = np.asarray(store_seq, dtype=np.int64)
        frame["ev"] = seq[frame["ev"]]
        frame["nx"] = np.where(has_next, seq[nxt], -1)
        ids = (
            "(SELECT id FROM event_log WHERE seq = f.ev) AS event_id, "
            "(SELECT id FROM event_log WHERE seq = f.nx) AS next_event_id"
        )
    else:
        needed = np.unique(np.r_[s.event, s.next_event[has_next]])
        by_seq = dict(zip(needed.tolist(), c.places.ids(needed.tolist()), strict=True))
        by_seq[-1] = None
        frame["event_id"] = np.array([by_seq[int(e)] for e in s.event.tolist()], dtype=object)
        frame["next_event_id"] = np.array([by_seq[int(e)] for e in frame["nx"].tolist()], dtype=object)
        ids = "f.event_id::VARCHAR AS event_id, f.next_event_id::VARCHAR AS next_event_id"

    def day(col: str) -> str:
        return f"CASE WHEN f.{col} < -(1::BIGINT << 39) THEN NULL ELSE DATE '1970-01-01' + f.{col}::INTEGER END"

    # DuckDB refuses to register a relation while an earlier result on the connection is only
    # partly fetched (a fetchone): running a statement to completion closes it.
    con.execute("SELECT 1").fetchall()
    con.register("fold_spells", frame)
    try:
        rows = f"""
            SELECT f.family::VARCHAR AS family, f.subject::VARCHAR AS subject, f.thing::VARCHAR AS thing,
                   f.value::VARCHAR AS value, f.value2::VARCHAR AS value2, f.since::VARCHAR AS since,
                   f.until::VARCHAR AS until, {ids},
                   {day("pf")} AS possible_from, {day("cf")} AS certain_from,
                   {day("ct")} AS certain_to, {day("pt")} AS possible_to, f.pos
            FROM fold_spells f ORDER BY f.family, f.subject, f.thing, f.pos"""
        live = np.flatnonzero(folded.live)
        live_seq = np.asarray(store_seq, dtype=np.int64)[live] if store_seq is not None else live.astype(np.int64)
        con.register("fold_live", {"seq": live_seq})
        if subjects is None:
            con.execute(f"CREATE OR REPLACE {kind} {target} AS {rows}")
            con.execute(f"CREATE OR REPLACE {kind} {target}_in_force AS SELECT seq FROM fold_live")
        else:
            names = [str(s) for s in subjects]
            con.execute(f"DELETE FROM {target} WHERE subject IN (SELECT unnest(?::VARCHAR[]))", [names])
            con.execute(f"INSERT INTO {target} {rows}")
            con.execute(
                f"DELETE FROM {target}_in_force WHERE seq IN (SELECT seq FROM event_log "
                "WHERE subject IN (SELECT unnest(?::VARCHAR[])))",
                [names],
            )
            con.execute(f"INSERT INTO {target}_in_force SELECT seq FROM fold_live")
        write_coverage(con, folded, target, temp, subjects)  # beside the spells: {target}_coverage
    finally:
        for name in ("fold_spells", "fold_live"):
            with contextlib.suppress(duckdb.Error):  # not registered: an earlier statement failed
                con.unregister(name)


def VIEWS_SQL(spells: str = "spells", schema_prefix: str = "") -> list[str]:
    """The public views over the spells: ``spans`` and ``office_terms``. A span after the last day
    the record covers a subject (an open spell the fold cut there: no next event) is ``unattested``."""
    return [
        f"""CREATE OR REPLACE {schema_prefix}VIEW spans AS
            SELECT subject, thing AS party, value AS standing, possible_from AS valid_from,
                   certain_from AS valid_to, 'uncertain' AS certainty, event_id
            FROM {spells} WHERE family = 'party' AND possible_from < certain_from
                                AND (certain_to IS NULL OR certain_from < certain_to)
            UNION ALL
            SELECT subject, thing, value, certain_from, certain_to, 'certain', event_id
            FROM {spells} WHERE family = 'party' AND (certain_to IS NULL OR certain_from < certain_to)
            UNION ALL
            SELECT subject, thing, value, certain_to, possible_to,
                   CASE WHEN next_event_id IS NULL THEN 'unattested' ELSE 'uncertain' END, event_id
            FROM {spells} WHERE family = 'party' AND certain_to IS NOT NULL AND certain_from < certain_to
                                AND (possible_to IS NULL OR certain_to < possible_to)
            UNION ALL
            SELECT subject, thing, value, possible_from, possible_to, 'uncertain', event_id
            FROM {spells} WHERE family = 'party' AND certain_to IS NOT NULL AND certain_from >= certain_to""",
        f"""CREATE OR REPLACE {schema_prefix}VIEW office_terms AS
            SELECT subject, thing AS office, value AS holder, value2 AS nationality, since, until,
                   possible_from, certain_from, certain_to, possible_to, event_id, next_event_id
            FROM {spells} WHERE family = 'office'""",
    ]
