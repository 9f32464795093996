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
from .fold.columns import text_ranks
from .fold.spells import FAMILY_NAMES
from .tracks import EPOCH

__all__ = ["VIEWS_SQL", "write_spells"]


def _days(ordinals: np.ndarray) -> np.ndarray:
    """Ordinals as days since 1970 (DuckDB dates), FOREVER as -1 (NULL: open-ended)."""
    out = ordinals.astype(np.int64) - EPOCH
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
    # integer codes only cross into DuckDB; the texts come from small dictionaries, joined
    frame = {
        "family": s.family.astype(np.int8),
        "subject": s.subject.astype(np.int32),
        "thing": s.thing.astype(np.int32),
        "standing": np.where(party, s.value, -1).astype(np.int32),
        "value": np.where(party, -1, s.value).astype(np.int32),
        "value2": s.value2.astype(np.int32),
        "since": c.when[s.event].astype(np.int32),
        "until": np.where(has_next, c.when[nxt], -1).astype(np.int32),
        "ev": s.event.astype(np.int64),
        "nx": np.where(has_next, s.next_event, -1).astype(np.int64),
        "pf": _days(s.possible_from),
        "cf": _days(s.certain_from),
        "ct": _days(s.certain_to),
        "pt": _days(s.possible_to),
        "pos": pos,
    }
    # the table's order (family, subject, thing, then replay) as one integer key, so that
    # DuckDB sorts integers rather than texts
    words = text_ranks(c.words)
    families = np.zeros(max(FAMILY_NAMES) + 1, dtype=np.int64)
    families[list(FAMILY_NAMES)] = text_ranks(list(FAMILY_NAMES.values()))[:-1]
    frame["ord"] = np.lexsort((pos, words[frame["thing"]], words[frame["subject"]], families[s.family])).argsort()
    dictionaries = {
        "fold_words": {"code": np.arange(len(c.words), dtype=np.int32), "w": c.words.astype(object)},
        "fold_whens": {"code": np.arange(len(c.whens), dtype=np.int32), "w": c.whens.astype(object)},
        "fold_names": {
            "code": np.arange(len(STANDINGS), dtype=np.int32),
            "w": np.array(STANDINGS, dtype=object),
        },
        "fold_families": {
            "code": np.array(list(FAMILY_NAMES), dtype=np.int8),
            "w": np.array(list(FAMILY_NAMES.values()), dtype=object),
        },
    }
    if store_seq is not None:
        seq = np.asarray(store_seq, dtype=np.int64)
        frame["ev"] = seq[frame["ev"]]
        frame["nx"] = np.where(has_next, seq[nxt], -1)
        ids = "e1.id AS event_id, e2.id AS next_event_id"
        id_joins = "LEFT JOIN event_log e1 ON e1.seq = f.ev LEFT JOIN event_log e2 ON e2.seq = f.nx"
    else:
        needed = np.unique(np.r_[s.event, s.next_event[has_next]])
        by_seq = dict(zip(needed.tolist(), c.places.ids(needed.tolist()), strict=True))
        by_seq[-1] = None
        frame["event_id"] = np.array([by_seq[int(e)] for e in s.event.tolist()], dtype=object)
        frame["next_event_id"] = np.array([by_seq[int(e)] for e in frame["nx"].tolist()], dtype=object)
        ids = "f.event_id::VARCHAR AS event_id, f.next_event_id::VARCHAR AS next_event_id"
        id_joins = ""

    def day(col: str) -> str:
        return f"CASE WHEN f.{col} < -(1::BIGINT << 39) THEN NULL ELSE DATE '1970-01-01' + f.{col}::INTEGER END"

    def word(col: str, table: str = "fold_words") -> tuple[str, str]:
        return f"{col}_t.w", f"LEFT JOIN {table} {col}_t ON {col}_t.code = f.{col}"

    texts = {
        "family": word("family", "fold_families"),
        "subject": word("subject"),
        "thing": word("thing"),
        "standing": word("standing", "fold_names"),
        "value": word("value"),
        "value2": word("value2"),
        "since": word("since", "fold_whens"),
        "until": word("until", "fold_whens"),
    }
    joins = " ".join(j for _, j in texts.values())

    # DuckDB refuses to register a relation while an earlier result on the connection is only
    # partly fetched (a fetchone): running a statement to completion closes it.
    con.execute("SELECT 1").fetchall()
    registered = ["fold_spells", "fold_live", *dictionaries]
    for name, table in dictionaries.items():
        con.register(name, table)
    con.register("fold_spells", frame)
    try:
        rows = f"""
            SELECT {texts["family"][0]}::VARCHAR AS family, {texts["subject"][0]}::VARCHAR AS subject,
                   {texts["thing"][0]}::VARCHAR AS thing,
                   COALESCE({texts["standing"][0]}, {texts["value"][0]})::VARCHAR AS value,
                   {texts["value2"][0]}::VARCHAR AS value2, {texts["since"][0]}::VARCHAR AS since,
                   {texts["until"][0]}::VARCHAR AS until, {ids},
                   {day("pf")} AS possible_from, {day("cf")} AS certain_from,
                   {day("ct")} AS certain_to, {day("pt")} AS possible_to, f.pos
            FROM fold_spells f {joins} {id_joins}
            ORDER BY f.ord"""
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
        for name in registered:
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
