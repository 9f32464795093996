"""The engine and its peers, each answering the same questions about the same log.

Every method loads the Parquet form of a generated log and answers, for a subject S and days
d, d1, d2 (day ordinals):

* ``members(S, d)``: the parties possibly holding ``member`` on d (the library's
  ``members(S, on=d)`` party list);
* ``diff(S, d1, d2)``: (party, standing before, standing after) where the standing in force on
  the two days differs (the party part of ``Timeline.diff``);
* ``members_all(d)``: (subject, party) for every subject;
* ``per_year(first, last)``: {(subject, year): (members at some time, members all year)}.

``native_*`` methods return each method's natural result (timed); ``canon_*`` turn it into
plain sorted Python values so that the answers of all methods can be compared.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from datetime import date
from pathlib import Path

import duckdb

__all__ = ["DAY0", "METHODS", "AsofJoin", "Engine", "EventSourcing", "Library", "SpanTable", "TupleFold", "available"]

DAY0 = date(1, 1, 1).toordinal() - 1  # DuckDB: (d - DATE '0001-01-01') + 1 == d.toordinal()
FOREVER = date(9999, 12, 31).toordinal() + 1
RANK = {
    "founded": 0,
    "withdrew": 4,
    "expelled": 5,
    "ceased": 6,
    "joined": 11,
    "granted": 12,
    "suspended": 13,
    "resumed": 14,
    "left-office": 15,
    "appointed": 16,
}

# The generator writes plain dates only (day, month or year): the peers parse those in SQL.
_LO = """(CASE length(d) WHEN 10 THEN CAST(d AS DATE) WHEN 7 THEN CAST(d || '-01' AS DATE)
          ELSE make_date(CAST(d AS INT), 1, 1) END - DATE '0001-01-01' + 1)::INT"""
_HI = """(CASE length(d) WHEN 10 THEN CAST(d AS DATE) WHEN 7 THEN last_day(CAST(d || '-01' AS DATE))
          ELSE make_date(CAST(d AS INT), 12, 31) END - DATE '0001-01-01' + 1)::INT"""
_RANK_SQL = "CASE kind " + " ".join(f"WHEN '{k}' THEN {r}" for k, r in RANK.items()) + " ELSE 19 END"
_EVENTS_SQL = f"""
    SELECT seq, subject, party, kind, status, {_LO} AS lo, {_HI} AS hi, {_RANK_SQL} AS rank
    FROM (SELECT file_row_number AS seq, *, COALESCE(effective, date) AS d
          FROM read_parquet(?, file_row_number = true))
    WHERE party IS NOT NULL
"""
# the standing after each participation event; resumed: the standing before its suspension
_VALUED_SQL = f"""
    WITH e AS ({_EVENTS_SQL}),
    o AS (SELECT *, CASE kind WHEN 'joined' THEN 'member' WHEN 'granted' THEN status
                             WHEN 'suspended' THEN 'suspended' END AS raw,
                 row_number() OVER (PARTITION BY subject, party ORDER BY lo, rank, seq) AS pos
          FROM e)
    SELECT subject, party, lo, hi, pos, lo * 32 + rank AS k,
           CASE WHEN kind = 'resumed' THEN last_value(CASE WHEN kind NOT IN ('suspended', 'resumed')
                     THEN COALESCE(raw, '-') END IGNORE NULLS) OVER (PARTITION BY subject, party ORDER BY pos
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                ELSE COALESCE(raw, '-') END AS value
    FROM o
"""


def _none(v):
    return None if v in (None, "-") else v


class Method:
    name = ""
    label = ""

    def canon_members(self, native) -> tuple:
        return tuple(sorted(native))

    def canon_diff(self, native) -> tuple:
        return tuple(sorted((p, _none(a), _none(b)) for p, a, b in native))

    def canon_all(self, native) -> tuple:
        return tuple(sorted(native))

    def canon_per_year(self, native) -> dict:
        return native


class Engine(Method):
    """What a user runs: a store made by `timeline import`, opened with ``Timeline.load(store=…)``;
    the questions are ``Timeline.members``, ``diff``, ``rosters`` and ``members_per_year``."""

    name, label = "engine", "engine (Timeline over a store)"

    def load(self, parquet: str) -> dict:
        from timeline_engine.engine import Timeline

        store = Path(parquet).with_suffix(".duckdb")
        if not store.exists():
            raise RuntimeError(f"no store {store}: benchmarks.run makes it with `timeline import` first")
        t0 = time.perf_counter()
        self.tl = Timeline.load(store=store)
        t1 = time.perf_counter()
        first = self.tl.members("S0001", on="1990-06-01").parties
        t2 = time.perf_counter()
        self.first = first
        return {"open_s": t1 - t0, "first_question_s": t2 - t1, "events": self.tl.store.count()}

    def native_members(self, subject, day):
        return self.tl.members(subject, on=date.fromordinal(day).isoformat()).parties

    def native_members_rows(self, subject, day):
        return self.tl.members(subject, on=date.fromordinal(day).isoformat()).to_json()

    def native_diff(self, subject, d1, d2):
        return self.tl.diff(subject, date.fromordinal(d1 + 1).isoformat(), date.fromordinal(d2).isoformat())

    def canon_diff(self, native):
        rows = [(r["party"], None, r["standing"]) for r in native.joined]
        rows += [(r["party"], r["standing"], None) for r in native.left]
        rows += [(r["party"], r["from"], r["to"]) for r in native.changed]
        return tuple(sorted(rows))

    def native_all(self, day):
        return self.tl.rosters(date.fromordinal(day).isoformat())

    def canon_all(self, native):
        return tuple(sorted((s, p) for s in native for p in native[s]))

    def native_per_year(self, first, last):
        return self.tl.members_per_year(first, last)

    def canon_per_year(self, native):
        return {(r["subject"], r["year"]): (r["any_time"], r["whole_year"]) for r in native.rows()}


class _Duck(Method):
    def _connect(self):
        self.con = duckdb.connect()

    def native_per_year(self, first, last):
        raise NotImplementedError

    def canon_per_year(self, native):
        return {(s, int(y)): (int(a), int(w)) for s, y, a, w in native if a or w}


class SpanTable(_Duck):
    """A hand-written DuckDB span table: window functions (LEAD) over the raw events."""

    name, label = "spans", "DuckDB span table (LEAD)"

    def load(self, parquet: str) -> dict:
        self._connect()
        t0 = time.perf_counter()
        self.con.execute(
            f"""
            CREATE TABLE sp AS
            SELECT subject, party, value, pos, lo AS pf, hi AS cf,
                   COALESCE(LEAD(lo) OVER w, {FOREVER}) AS ct, COALESCE(LEAD(hi) OVER w, {FOREVER}) AS pt
            FROM ({_VALUED_SQL}) v
            WINDOW w AS (PARTITION BY subject, party ORDER BY pos)
            QUALIFY value <> '-'
            ORDER BY subject, party, pf""",
            [parquet],
        )
        return {"load_s": time.perf_counter() - t0}

    def native_members(self, subject, day):
        return self.con.execute(
            "SELECT DISTINCT party FROM sp WHERE subject = ? AND value = 'member' AND pf <= ? AND pt > ?",
            [subject, day, day],
        ).fetchall()

    def canon_members(self, native):
        return tuple(sorted(p for (p,) in native))

    def native_diff(self, subject, d1, d2):
        return self.con.execute(
            """
            WITH a AS (SELECT party, arg_max(value, pos) AS v FROM sp WHERE subject = $s AND pf <= $d1 AND pt > $d1 GROUP BY party),
                 b AS (SELECT party, arg_max(value, pos) AS v FROM sp WHERE subject = $s AND pf <= $d2 AND pt > $d2 GROUP BY party)
            SELECT party, a.v, b.v FROM a FULL JOIN b USING (party) WHERE a.v IS DISTINCT FROM b.v""",
            {"s": subject, "d1": d1, "d2": d2},
        ).fetchall()

    def native_all(self, day):
        return self.con.execute(
            "SELECT DISTINCT subject, party FROM sp WHERE value = 'member' AND pf <= ? AND pt > ?", [day, day]
        ).fetchnumpy()

    def canon_all(self, native):
        return tuple(sorted(zip(native["subject"].tolist(), native["party"].tolist())))

    def native_per_year(self, first, last):
        return self.con.execute(
            """
            WITH periods AS (SELECT p AS year, (make_date(p, 1, 1) - DATE '0001-01-01' + 1)::INT AS p_from,
                                    (make_date(p + 1, 1, 1) - DATE '0001-01-01' + 1)::INT AS p_to
                             FROM range(?, ?) t(p))
            SELECT subject, year, count(DISTINCT party) AS any_time,
                   count(DISTINCT party) FILTER (WHERE cf <= p_from AND ct >= p_to) AS whole_period
            FROM periods JOIN sp ON sp.value = 'member' AND sp.pf < p_to AND sp.pt > p_from
            GROUP BY ALL""",
            [first, last + 1],
        ).fetchall()


class AsofJoin(_Duck):
    """DuckDB ASOF JOIN over the raw events (each event with the standing it leads to)."""

    name, label = "asof", "DuckDB ASOF JOIN over raw events"

    def load(self, parquet: str) -> dict:
        self._connect()
        t0 = time.perf_counter()
        self.con.execute(
            f"""
            CREATE TABLE ev AS
            SELECT subject, party, lo, hi, k, value, LAG(value, 1, '-') OVER w AS before
            FROM ({_VALUED_SQL}) v WINDOW w AS (PARTITION BY subject, party ORDER BY pos)
            ORDER BY subject, party, k""",
            [parquet],
        )
        self.con.execute("CREATE TABLE pairs AS SELECT DISTINCT subject, party FROM ev ORDER BY ALL")
        return {"load_s": time.perf_counter() - t0}

    # On day d a party holds what its last event with lo <= d gave it, and also, while an
    # event is uncertain (lo <= d < hi), what it held before that event.
    _ON = """
        asof_ AS (SELECT q.subject, q.party, e.value, e.k FROM q ASOF JOIN ev e
                  ON e.subject = q.subject AND e.party = q.party AND e.k <= q.qk),
        open_ AS (SELECT subject, party, before AS value, k FROM ev WHERE {where} lo <= $d AND hi > $d)
    """

    def native_members(self, subject, day):
        return self.con.execute(
            f"""
            WITH q AS (SELECT subject, party, $d * 32 + 31 AS qk FROM pairs WHERE subject = $s),
            {self._ON.format(where="subject = $s AND")}
            SELECT DISTINCT party FROM (SELECT * FROM asof_ UNION ALL SELECT * FROM open_) WHERE value = 'member'
        """,
            {"s": subject, "d": day},
        ).fetchall()

    def canon_members(self, native):
        return tuple(sorted(p for (p,) in native))

    def _primary(self, tag):
        return f"""
            q{tag} AS (SELECT subject, party, ${tag} * 32 + 31 AS qk FROM pairs WHERE subject = $s),
            a{tag} AS (SELECT q.party, e.value, e.k FROM q{tag} q ASOF JOIN ev e
                       ON e.subject = q.subject AND e.party = q.party AND e.k <= q.qk),
            o{tag} AS (SELECT party, before AS value, k FROM ev WHERE subject = $s AND lo <= ${tag} AND hi > ${tag}),
            p{tag} AS (SELECT party, arg_max(value, k) AS v FROM (SELECT * FROM a{tag} UNION ALL SELECT * FROM o{tag})
                       WHERE value <> '-' GROUP BY party)"""

    def native_diff(self, subject, d1, d2):
        return self.con.execute(
            f"""
            WITH {self._primary("d1")}, {self._primary("d2")}
            SELECT party, pd1.v, pd2.v FROM pd1 FULL JOIN pd2 USING (party) WHERE pd1.v IS DISTINCT FROM pd2.v
        """,
            {"s": subject, "d1": d1, "d2": d2},
        ).fetchall()

    def native_all(self, day):
        return self.con.execute(
            f"""
            WITH q AS (SELECT subject, party, $d * 32 + 31 AS qk FROM pairs),
            {self._ON.format(where="")}
            SELECT DISTINCT subject, party FROM (SELECT * FROM asof_ UNION ALL SELECT * FROM open_) WHERE value = 'member'
        """,
            {"d": day},
        ).fetchnumpy()

    def canon_all(self, native):
        return tuple(sorted(zip(native["subject"].tolist(), native["party"].tolist())))


# -- Python peers: one shared fold of tuples into spells -------------------------------------
def _standing_after(kind, status, state, resume):
    if kind == "joined":
        return "member", None
    if kind == "granted":
        return status, None
    if kind == "suspended":
        return "suspended", state
    if kind == "resumed":
        return resume, None
    return None, None


def _spells_of(transitions):
    """[(lo, hi, before, after)] of one party in replay order → [(pf, cf, ct, pt, value)]."""
    out = []
    for i, (lo, hi, _, after) in enumerate(transitions):
        if after is None:
            continue
        if i + 1 < len(transitions):
            out.append((lo, hi, transitions[i + 1][0], transitions[i + 1][1], after))
        else:
            out.append((lo, hi, FOREVER, FOREVER, after))
    return out


def _per_year(spells_by_pair, first, last):
    counts = {}
    jan1 = {y: date(y, 1, 1).toordinal() for y in range(first, last + 2)}
    for (subject, _), spells in spells_by_pair.items():
        any_years, whole_years = set(), set()
        for pf, cf, ct, pt, v in spells:
            if v != "member":
                continue
            for y in range(max(first, date.fromordinal(pf).year), last + 1):
                if jan1[y] >= pt:
                    break
                any_years.add(y)
                if cf <= jan1[y] and ct >= jan1[y + 1]:
                    whole_years.add(y)
        for y in any_years:
            a, w = counts.get((subject, y), (0, 0))
            counts[(subject, y)] = (a + 1, w + (y in whole_years))
    return counts


class TupleFold(Method):
    """A plain Python fold over (subject, party, lo, hi, kind, status) tuples: no validation."""

    name, label = "fold", "plain Python fold over tuples"

    def load(self, parquet: str) -> dict:
        con = duckdb.connect()
        t0 = time.perf_counter()
        rows = con.execute(
            f"SELECT subject, party, lo, rank, seq, hi, kind, status FROM ({_EVENTS_SQL})", [parquet]
        ).fetchall()
        t1 = time.perf_counter()
        rows.sort()  # (subject, party, lo, rank, seq) is replay order per party
        # the fold itself: one pass, a dict of per-party transitions
        pairs: dict[tuple, list] = {}
        key, state, resume, trans = None, None, None, None
        for subject, party, lo, _, _, hi, kind, status in rows:
            if (subject, party) != key:
                key, state, resume, trans = (subject, party), None, None, []
                pairs[key] = trans
            after, r = _standing_after(kind, status, state, resume)
            if kind == "suspended":
                resume = r
            trans.append((lo, hi, state, after))
            state = after
        t2 = time.perf_counter()
        self.spells = {k: _spells_of(v) for k, v in pairs.items()}
        self.by_subject: dict[str, list] = {}
        for (s, p), sp in self.spells.items():
            reach, best = [], 0
            for x in sp:
                best = max(best, x[3])
                reach.append(best)
            self.by_subject.setdefault(s, []).append((p, [x[0] for x in sp], reach, sp))
        return {"load_s": t1 - t0, "replay_s": t2 - t1, "events": len(rows)}

    @staticmethod
    def _covering(froms, reach, spells, day):
        j = bisect_right(froms, day) - 1
        while j >= 0 and reach[j] > day:
            if spells[j][3] > day:
                yield spells[j]
            j -= 1

    def native_members(self, subject, day):
        return [
            p
            for p, froms, reach, spells in self.by_subject.get(subject, ())
            if any(s[4] == "member" for s in self._covering(froms, reach, spells, day))
        ]

    def _primary(self, froms, reach, spells, day):
        for s in self._covering(froms, reach, spells, day):
            return s[4]
        return None

    def native_diff(self, subject, d1, d2):
        out = []
        for p, froms, reach, spells in self.by_subject.get(subject, ()):
            a, b = self._primary(froms, reach, spells, d1), self._primary(froms, reach, spells, d2)
            if a != b:
                out.append((p, a, b))
        return out

    def native_all(self, day):
        return [
            (s, p)
            for s, lst in self.by_subject.items()
            for p, froms, reach, spells in lst
            if any(x[4] == "member" for x in self._covering(froms, reach, spells, day))
        ]

    def native_per_year(self, first, last):
        return _per_year(self.spells, first, last)


class EventSourcing(Method):
    """The ``eventsourcing`` library: one aggregate per subject, events applied in replay order;
    an as-of question reconstructs the aggregate at the version in force on that day."""

    name, label = "eventsourcing", "eventsourcing library"

    def load(self, parquet: str, max_subjects: int | None = None) -> dict:
        from uuid import NAMESPACE_URL, uuid5

        from eventsourcing.application import Application
        from eventsourcing.domain import Aggregate, event

        class Organization(Aggregate):
            @event("Founded")
            def __init__(self, sid: str):
                self.sid = sid
                self.parties: dict = {}

            @classmethod
            def create_id(cls, sid: str):
                return uuid5(NAMESPACE_URL, f"timeline/{sid}")

            @event("Changed")
            def change(self, party: str, kind: str, status: str | None, lo: int, hi: int) -> None:
                state, resume, hist = self.parties.get(party, (None, None, []))
                after, r = _standing_after(kind, status, state, resume)
                hist.append((lo, hi, state, after))
                self.parties[party] = (after, r if kind == "suspended" else resume, hist)

        con = duckdb.connect()
        limit = (
            f"WHERE subject IN (SELECT DISTINCT subject FROM ({_EVENTS_SQL}) ORDER BY subject LIMIT ?)"
            if max_subjects
            else ""
        )
        params = [parquet, parquet, max_subjects] if max_subjects else [parquet]
        rows = con.execute(
            f"SELECT subject, party, kind, status, lo, hi FROM ({_EVENTS_SQL}) {limit} ORDER BY subject, lo, rank, seq",
            params,
        ).fetchall()
        self.app = Application()
        self.ids, self.los = {}, {}
        t0 = time.perf_counter()
        current, agg = None, None
        for subject, party, kind, status, lo, hi in rows:
            if subject != current:
                if agg is not None:
                    self.app.save(agg)
                current, agg = subject, Organization(subject)
                self.ids[subject] = agg.id
                self.los[subject] = []
            agg.change(party, kind, status, lo, hi)
            self.los[subject].append(lo)
        if agg is not None:
            self.app.save(agg)
        t1 = time.perf_counter()
        for sid in self.ids.values():
            self.app.repository.get(sid)
        t2 = time.perf_counter()
        return {"store_s": t1 - t0, "replay_s": t2 - t1, "events": len(rows), "subjects": len(self.ids)}

    def _at(self, subject, day):
        version = bisect_right(self.los[subject], day) + 1
        return self.app.repository.get(self.ids[subject], version=version)

    @staticmethod
    def _holds(entry, day):
        after, _, hist = entry
        yield after
        for _lo, hi, before, _ in reversed(hist):
            if hi > day and before is not None:
                yield before

    def native_members(self, subject, day):
        agg = self._at(subject, day)
        return [p for p, entry in agg.parties.items() if "member" in self._holds(entry, day)]

    def _primary(self, agg, day):
        out = {}
        for p, entry in agg.parties.items():
            for v in self._holds(entry, day):
                if v is not None:
                    out[p] = v
                    break
        return out

    def native_diff(self, subject, d1, d2):
        a, b = self._primary(self._at(subject, d1), d1), self._primary(self._at(subject, d2), d2)
        return [(p, a.get(p), b.get(p)) for p in set(a) | set(b) if a.get(p) != b.get(p)]

    def native_all(self, day):
        return [(s, p) for s in self.ids for p in self.native_members(s, day)]

    def native_per_year(self, first, last):
        spells = {}
        for s, sid in self.ids.items():
            agg = self.app.repository.get(sid)
            for p, (_, _, hist) in agg.parties.items():
                spells[(s, p)] = _spells_of(hist)
        return _per_year(spells, first, last)


class Library(Method):
    """The engine's Python library: ``Timeline`` over event objects (the reference semantics)."""

    name, label = "library", "engine library (Timeline, Python replay)"

    def load(self, parquet: str) -> dict:
        from timeline_engine.engine import Timeline
        from timeline_engine.engine.exports import read_parquet

        t0 = time.perf_counter()
        problems: list = []
        events = read_parquet(parquet, problems)
        t1 = time.perf_counter()
        self.tl = Timeline(events)
        t2 = time.perf_counter()
        return {"load_s": t1 - t0, "replay_s": t2 - t1, "events": len(events)}

    def native_members(self, subject, day):
        return [r.party for r in self.tl.members(subject, on=date.fromordinal(day).isoformat(), standing="member").rows]

    def native_diff(self, subject, d1, d2):
        d = self.tl.diff(subject, date.fromordinal(d1 + 1).isoformat(), date.fromordinal(d2).isoformat())
        return (
            [(r["party"], None, r["standing"]) for r in d.joined]
            + [(r["party"], r["standing"], None) for r in d.left]
            + [(r["party"], r["from"], r["to"]) for r in d.changed]
        )

    def native_all(self, day):
        return [(s, p) for s in self.tl.subjects_by_id for p in self.native_members(s, day)]

    def native_per_year(self, first, last):
        from timeline_engine.engine.aggregates import members_per_period

        out = {}
        for s in self.tl.subjects_by_id:
            for r in members_per_period(self.tl, s, "year", first, last, standing="member"):
                out[(s, r["period"])] = (r["any_time"], r["whole_period"])
        return out

    def canon_per_year(self, native):
        return {k: v for k, v in native.items() if v[0] or v[1]}


METHODS = {m.name: m for m in (Engine, Library, SpanTable, AsofJoin, EventSourcing, TupleFold)}


def available() -> list[str]:
    """The methods whose libraries are installed (``eventsourcing`` is an optional benchmark extra)."""
    import importlib.util

    return [name for name in METHODS if name != "eventsourcing" or importlib.util.find_spec("eventsourcing")]
