"""The span compiler: the log in force, compiled to spells with SQL window functions.

One spell is a value in force between two transitions of one (subject, party), (subject,
office) or (subject, body): possibly from its transition's earliest day to the next
transition's latest day, certainly from its transition's latest day to the next
transition's earliest day (``*_to`` exclusive; NULL is open-ended). This is the same
meaning as ``engine.tracks.Track.from_transitions``; a property test holds the two to it.
"""

from __future__ import annotations

import duckdb

from ..events.vocabulary import KIND_ORDER, PARTICIPATION_KINDS
from .duck import one_row

__all__ = ["VIEWS_SQL", "compile_spells"]

_RANK = "CASE kind " + " ".join(f"WHEN '{k}' THEN {r}" for k, r in KIND_ORDER.items()) + " END"
_PARTICIPATION = ", ".join(f"'{k}'" for k in PARTICIPATION_KINDS)


def resolve_in_sql(con: duckdb.DuckDBPyConnection, source: str, as_known: str | None, prefix: str) -> None:
    """``{prefix}live``: the events of ``source`` in force, known by ``as_known``."""
    where = "WHERE recorded <= CAST(? AS TIMESTAMPTZ)" if as_known else ""
    params = [as_known] if as_known else []
    con.execute(f"CREATE OR REPLACE TEMP TABLE {prefix}known AS SELECT * FROM {source} {where}", params)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {prefix}retr AS "
        f"SELECT id, retracts, TRUE AS in_force FROM {prefix}known WHERE kind = 'retracted'"
    )
    # A retraction is in force unless a retraction in force retracts it: iterate to the fixed point
    # (one round per level of retracted retractions; the store refuses cycles).
    rounds = one_row(con, f"SELECT count(*) + 1 FROM {prefix}retr")[0]
    for _ in range(rounds):  # a chain of n retractions settles in n rounds; a cycle never would
        changed = one_row(
            con,
            f"""UPDATE {prefix}retr SET in_force = NOT in_force
                WHERE in_force <> NOT EXISTS (SELECT 1 FROM {prefix}retr r2
                                              WHERE r2.in_force AND r2.retracts = {prefix}retr.id)""",
        )[0]
        if not changed:
            break
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {prefix}live AS
            SELECT k.* FROM {prefix}known k
            WHERE k.kind <> 'retracted'
              AND k.id NOT IN (SELECT retracts FROM {prefix}retr WHERE in_force)
              AND k.id NOT IN (SELECT c.corrects FROM {prefix}known c
                               WHERE c.corrects IS NOT NULL AND c.kind <> 'retracted'
                                 AND c.id NOT IN (SELECT retracts FROM {prefix}retr WHERE in_force))"""
    )


def _spells_sql(live: str) -> str:
    return f"""
    WITH kinds AS (
        SELECT subject AS sid, subject_kind AS skind FROM {live} WHERE kind = 'founded'
    ),
    steps AS (
        SELECT e.*,
               CASE WHEN e.kind IN ({_PARTICIPATION}) THEN 'party'
                    WHEN e.kind IN ('appointed', 'left-office') THEN 'office'
                    ELSE 'body' END AS family,
               COALESCE(e.party, e.office, e.body) AS thing,
               CASE e.kind
                    WHEN 'signed' THEN 'signatory' WHEN 'joined' THEN 'member'
                    WHEN 'granted' THEN e.status WHEN 'suspended' THEN 'suspended'
                    WHEN 'ratified' THEN CASE k.skind WHEN 'treaty' THEN 'party' ELSE 'member' END
                    WHEN 'acceded' THEN CASE k.skind WHEN 'treaty' THEN 'party' ELSE 'member' END
                    WHEN 'succeeded' THEN CASE k.skind WHEN 'treaty' THEN 'party' ELSE 'member' END
                    WHEN 'appointed' THEN e.holder
                    WHEN 'established' THEN COALESCE(e.name, e.body)
                    ELSE NULL END AS raw_value,
               CASE WHEN e.kind = 'appointed' THEN e.nationality END AS value2,
               {_RANK.replace("kind", "e.kind")} AS rank
        FROM {live} e JOIN kinds k ON k.sid = e.subject
        WHERE e.kind IN ({_PARTICIPATION}, 'appointed', 'left-office', 'established', 'abolished')
    ),
    ordered AS (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY family, subject, thing ORDER BY eff_lo, rank, seq) AS pos
        FROM steps
    ),
    filled AS (
        SELECT *,
               CASE WHEN kind = 'resumed' THEN
                    last_value(CASE WHEN kind NOT IN ('suspended', 'resumed') THEN raw_value END IGNORE NULLS)
                        OVER (PARTITION BY family, subject, thing ORDER BY pos
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                    ELSE raw_value END AS value
        FROM ordered
    ),
    spelled AS (
        SELECT family, subject, thing, value, value2,
               when_text AS since, LEAD(when_text) OVER w AS until,
               id AS event_id, LEAD(id) OVER w AS next_event_id,
               eff_lo AS possible_from, eff_hi AS certain_from,
               LEAD(eff_lo) OVER w AS certain_to, LEAD(eff_hi) OVER w AS possible_to,
               pos
        FROM filled
        WINDOW w AS (PARTITION BY family, subject, thing ORDER BY pos)
    )
    -- a dissolution ends every standing, office and body of its subject, on some day of its window
    SELECT s.family, s.subject, s.thing, s.value, s.value2, s.since,
           CASE WHEN d.id IS NOT NULL AND COALESCE(s.possible_to, DATE '9999-12-31') > d.eff_hi
                THEN d.when_text ELSE s.until END AS until,
           s.event_id,
           CASE WHEN d.id IS NOT NULL AND COALESCE(s.possible_to, DATE '9999-12-31') > d.eff_hi
                THEN d.id ELSE s.next_event_id END AS next_event_id,
           s.possible_from, s.certain_from,
           CASE WHEN d.id IS NOT NULL AND COALESCE(s.certain_to, DATE '9999-12-31') > d.eff_lo
                THEN d.eff_lo ELSE s.certain_to END AS certain_to,
           CASE WHEN d.id IS NOT NULL AND COALESCE(s.possible_to, DATE '9999-12-31') > d.eff_hi
                THEN d.eff_hi ELSE s.possible_to END AS possible_to,
           s.pos
    FROM spelled s LEFT JOIN (SELECT * FROM {live} WHERE kind = 'dissolved') d ON d.subject = s.subject
    WHERE s.value IS NOT NULL
    ORDER BY s.family, s.subject, s.thing, s.pos
    """


def compile_spells(
    con: duckdb.DuckDBPyConnection,
    source: str = "event_log",
    as_known: str | None = None,
    target: str = "spells",
    temp: bool = False,
) -> None:
    """Compile ``source`` (as known by ``as_known``) into the table ``target``."""
    prefix = f"{target}_"
    resolve_in_sql(con, source, as_known, prefix)
    kind = "TEMP TABLE" if temp else "TABLE"
    con.execute(f"CREATE OR REPLACE {kind} {target} AS {_spells_sql(prefix + 'live')}")
    con.execute(f"CREATE OR REPLACE {kind} {target}_in_force AS SELECT seq FROM {prefix}live")
    for t in ("known", "retr", "live"):
        con.execute(f"DROP TABLE IF EXISTS {prefix}{t}")


def VIEWS_SQL(spells: str = "spells", schema_prefix: str = "") -> list[str]:
    """The public views over compiled spells: ``spans`` and ``office_terms``."""
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
            SELECT subject, thing, value, certain_to, possible_to, 'uncertain', event_id
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
