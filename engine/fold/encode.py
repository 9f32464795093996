"""A DuckDB relation of interchange records as :class:`Columns`: texts as integer codes.

Text columns become codes into small dictionaries (DuckDB ENUMs; dates and ids as hashes,
looked up and checked in numpy), and the codes come out as numpy arrays. Repeated ids and the
links of retractions and corrections are resolved to log positions in SQL; what they mean is the
fold's (``resolve``).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterable
from datetime import date

import duckdb
import numpy as np

from ...events.codec import FIELD_ORDER
from ...events.dates import parse_date
from ...events.errors import BadDate, Problem, TimelineError
from ...events.rules import BODY_KINDS, GRANTABLE, KINDS, PARTICIPATION_KINDS
from ..duck import one_row
from .checks import sql_list
from .codes import BODY, FAMILY, LIFE, OFFICE, RECORD, K, V
from .columns import NONE, UNKNOWN, WORD_FIELDS, Columns, Places
from .heap import heap_reuse

__all__ = ["TEXT_COLUMNS", "IdLookup", "NotBulkReadable", "encode"]

# the interchange fields that are text (all but the list of sources), in their order
TEXT_COLUMNS = tuple(c for c in FIELD_ORDER if c != "sources")


class NotBulkReadable(TimelineError):
    """A log the bulk path cannot read as columns (unknown fields, values of the wrong type):
    the Python reader (``events.io``) says exactly what is wrong, line by line."""


class IdLookup:
    """Event ids by log position, read from DuckDB only when asked for."""

    def __init__(self, con: duckdb.DuckDBPyConnection, relation: str):
        self.con, self.relation = con, relation

    def __call__(self, seqs: Iterable[int]) -> list[str | None]:
        seqs = [int(s) for s in seqs]
        if not seqs:
            return []
        rows = dict(
            self.con.execute(
                f"SELECT seq, id FROM {self.relation} WHERE seq IN (SELECT unnest(?::BIGINT[]))", [seqs]
            ).fetchall()
        )
        return [rows.get(s) for s in seqs]

    def link(self, seq: int, field: str) -> str | None:
        rows = self.con.execute(f"SELECT {field} FROM {self.relation} WHERE seq = ?", [int(seq)]).fetchall()
        return rows[0][0] if rows else None


def _create_enum(con: duckdb.DuckDBPyConnection, name: str, values: list[str]) -> np.ndarray:
    """An ENUM type of ``values`` (distinct), codes in their order; returns them as an array."""
    values = values or [""]
    con.execute(f"DROP TYPE IF EXISTS {name}")
    con.execute("CREATE OR REPLACE TEMP TABLE bulk_enum_values AS SELECT unnest(?::VARCHAR[]) AS v", [values])
    con.execute(f"CREATE TEMP TYPE {name} AS ENUM (SELECT v FROM bulk_enum_values)")
    con.execute("DROP TABLE bulk_enum_values")
    first, last, size = one_row(
        con, f"SELECT enum_first(NULL::{name}), enum_last(NULL::{name}), len(enum_range(NULL::{name}))"
    )
    if (first, last, size) != (values[0], values[-1], len(values)):  # pragma: no cover - DuckDB keeps the order
        raise TimelineError(f"DuckDB did not keep the order of the {name} dictionary")
    return np.array(values, dtype=object)


def _raw(column: str, enum: str, cast: str = "CAST") -> str:
    return f"enum_code({cast}({column} AS {enum}))::INTEGER"


def _code(column: str, enum: str, cast: str = "CAST") -> str:
    return f"COALESCE({_raw(column, enum, cast)}, -1)"


@functools.lru_cache(maxsize=4)
def _calendar(first: int, last: int) -> tuple[list[str], list[int], list[int]]:
    """Every plain EDTF day, month and year text of the years [first, last], with their days."""
    texts, lo, hi = [], [], []
    for y in range(first, last + 1):
        start = date(y, 1, 1).toordinal()
        end = date(y, 12, 31).toordinal()
        texts.append(f"{y:04d}")
        lo.append(start)
        hi.append(end)
        for m in range(1, 13):
            m0 = date(y, m, 1).toordinal()
            texts.append(f"{y:04d}-{m:02d}")
            lo.append(m0)
            hi.append(m0 + calendar.monthrange(y, m)[1] - 1)
        for d in range(start, end + 1):
            texts.append(date.fromordinal(d).isoformat())
            lo.append(d)
            hi.append(d)
    return texts, lo, hi


def _whens(con: duckdb.DuckDBPyConnection, rel: str, parquet: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dictionary of date texts: a calendar of the log's years (from the Parquet column
    statistics when there are some, else from a scan), or the log's own texts when the range is
    very wide."""
    lo_t = hi_t = None
    if parquet is not None:
        try:
            lo_t, hi_t = one_row(
                con,
                "SELECT min(stats_min_value), max(stats_max_value) FROM parquet_metadata(?) "
                "WHERE path_in_schema IN ('date', 'effective')",
                [parquet],
            )
        except duckdb.Error:
            lo_t = hi_t = None
    if lo_t is None or hi_t is None:
        lo_t, hi_t = one_row(
            con, f"SELECT least(min(date), min(effective)), greatest(max(date), max(effective)) FROM {rel}"
        )
    texts: list[str] = []
    lo: list[int] = []
    hi: list[int] = []
    if lo_t and hi_t and lo_t[:4].isdigit() and hi_t[:4].isdigit() and 0 < int(hi_t[:4]) - int(lo_t[:4]) < 400:
        texts, lo, hi = _calendar(max(int(lo_t[:4]), 1), min(int(hi_t[:4]), 9999))
    else:
        rows = con.execute(
            f"SELECT DISTINCT COALESCE(effective, date) FROM {rel} WHERE COALESCE(effective, date) IS NOT NULL"
        ).fetchall()
        for (t,) in rows:
            try:
                w = parse_date(t)
            except BadDate:
                continue
            texts.append(t)
            lo.append(w.lo.toordinal())
            hi.append(w.hi.toordinal())
    order = _create_enum(con, "bulk_whens_t", texts)
    by_text = {t: (a, b) for t, a, b in zip(texts, lo, hi)}
    return (
        order,
        np.array([by_text[t][0] if t in by_text else 0 for t in order], dtype=np.int32),
        np.array([by_text[t][1] if t in by_text else 0 for t in order], dtype=np.int32),
    )


_CODE_BITS = 24  # subject and party codes packed two to a 64-bit column
_BODY = f"kind IN ({sql_list(BODY_KINDS)})"  # a body's name is a word, in its holder column


def _main_query(rel: str, cast: str) -> str:
    """One row per event, in log order: the columns every event has.

    Fetching a column costs about as much as computing it, so codes are packed: kind + 32 *
    status + 1024 * (subject kind + 1) in ``small``, (subject + 2, party + 2) in ``sp``; dates and
    ids come as hashes (looked up in numpy, and checked for repeats)."""
    status = "CASE status " + " ".join(f"WHEN '{s}' THEN {V[s]}" for s in GRANTABLE) + " ELSE 0 END"
    w = "bulk_words_t"
    small = (
        f"(COALESCE(enum_code(TRY_CAST(kind AS bulk_kinds_t))::INTEGER, 31) + 32 * ({status}) + 1024 * "
        "(CASE subject_kind WHEN 'organization' THEN 1 WHEN 'treaty' THEN 2 ELSE 0 END))::SMALLINT AS small"
    )
    sp = f"(({_code('subject', w, cast)} + 2)::BIGINT << {_CODE_BITS}) | ({_code('party', w, cast)} + 2)::BIGINT AS sp"
    return f"SELECT {small}, {sp}, hash(date) AS date_hash, hash(id) AS id_hash FROM {rel}"


def _rare_query(rel: str, cast: str) -> str:
    """The fields few events have (offices, bodies, lifecycle, ``effective``), with positions."""
    w = "bulk_words_t"
    label = (
        f"COALESCE({_raw('holder', w, cast)}, CASE WHEN {_BODY} THEN COALESCE({_raw('name', w, cast)}, "
        f"{_raw('body', w, cast)}) END, {_raw('predecessor', w, cast)}, {_raw('parties', w, cast)}, -1)"
    )
    effective = (
        f"CASE WHEN effective IS NULL THEN -1 ELSE COALESCE({_raw('effective', 'bulk_whens_t', 'TRY_CAST')}, -2) END"
    )
    return f"""
        SELECT seq, COALESCE({_raw("office", w, cast)}, {_raw("body", w, cast)}, -1) AS thing, {label} AS label,
               {_code("nationality", w, cast)} AS nationality, {effective} AS effective
        FROM {rel}
        WHERE kind IS NULL OR kind NOT IN ({sql_list(PARTICIPATION_KINDS)}) OR effective IS NOT NULL
              OR holder IS NOT NULL OR nationality IS NOT NULL OR office IS NOT NULL OR body IS NOT NULL
    """


def _hash_lookup(con: duckdb.DuckDBPyConnection, texts: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Codes of ``hashes`` (DuckDB's ``hash()`` of a text) in the dictionary ``texts``.

    A direct table on the low bits of the hash (16 slots per text), checked against the whole
    hash; the few slots that two texts share are resolved by a binary search. -1: NULL; -2: a
    text outside the dictionary."""
    con.execute("CREATE OR REPLACE TEMP TABLE bulk_dict AS SELECT unnest(?::VARCHAR[]) AS v", [texts.tolist()])
    dh = np.asarray(con.execute("SELECT hash(v) AS h FROM bulk_dict").fetchnumpy()["h"], dtype=np.uint64)
    null = np.uint64(one_row(con, "SELECT hash(NULL::VARCHAR)")[0])
    con.execute("DROP TABLE bulk_dict")
    bits = max(int(len(texts) * 16).bit_length(), 12)
    mask = np.uint64((1 << bits) - 1)
    slot = (dh & mask).astype(np.intp)
    table = np.full(1 << bits, -2, dtype=np.int32)
    full = np.zeros(1 << bits, dtype=np.uint64)
    used, counts = np.unique(slot, return_counts=True)
    single = np.isin(slot, used[counts == 1])
    table[slot[single]] = np.flatnonzero(single)
    full[slot[single]] = dh[single]
    table[used[counts > 1]] = -3
    order = np.argsort(dh)
    sorted_dh = dh[order]
    code = np.empty(len(hashes), dtype=np.int32)
    step = 1 << 20  # in blocks: small temporaries, reused, stay in cache
    for i in range(0, len(hashes), step):
        h = hashes[i : i + step]
        idx = (h & mask).astype(np.intp)
        c = table[idx]
        c[(c >= 0) & (full[idx] != h)] = -2
        shared = np.flatnonzero(c == -3)
        if len(shared):
            pos = np.minimum(np.searchsorted(sorted_dh, h[shared]), len(dh) - 1)
            c[shared] = np.where(sorted_dh[pos] == h[shared], order[pos], -2)
        c[h == null] = -1
        code[i : i + step] = c
    return code


def encode(con: duckdb.DuckDBPyConnection, rel: str, label: str, parquet: str | None = None) -> Columns:
    with heap_reuse():
        return _encode_columns(con, rel, label, parquet)


def _encode_columns(con: duckdb.DuckDBPyConnection, rel: str, label: str, parquet: str | None) -> Columns:
    con.execute("SET enable_progress_bar = false")
    words = sorted(
        r[0]
        for r in con.execute(
            " UNION ".join(f"SELECT DISTINCT {c} AS v FROM {rel} WHERE {c} IS NOT NULL" for c in WORD_FIELDS)
            + f" UNION SELECT DISTINCT name AS v FROM {rel} WHERE {_BODY} AND name IS NOT NULL"
        ).fetchall()
    )
    words_arr = _create_enum(con, "bulk_words_t", words)
    whens, lo, hi = _whens(con, rel, parquet)
    con.execute("DROP TYPE IF EXISTS bulk_kinds_t")
    con.execute(f"CREATE TEMP TYPE bulk_kinds_t AS ENUM ({sql_list(KINDS)})")
    if len(words_arr) + 2 >= (1 << _CODE_BITS):
        raise NotBulkReadable(f"{label}: more than {1 << _CODE_BITS} distinct texts; the bulk path cannot code them")
    # Every text is in its dictionary by construction, so a plain CAST (faster than TRY_CAST)
    # cannot fail; if it does all the same, the query runs again with TRY_CAST.
    try:
        a = con.execute(_main_query(rel, "CAST")).fetchnumpy()
        rare = con.execute(_rare_query(rel, "CAST")).fetchnumpy()
    except duckdb.ConversionException:
        a = con.execute(_main_query(rel, "TRY_CAST")).fetchnumpy()
        rare = con.execute(_rare_query(rel, "TRY_CAST")).fetchnumpy()
    small = np.asarray(a.pop("small"), dtype=np.int16)
    kind = (small & 31).astype(np.int8)
    kind[kind == 31] = -1
    status = ((small >> 5) & 31).astype(np.int8)
    skind = ((small >> 10) - 1).astype(np.int8)
    del small
    sp = np.asarray(a.pop("sp"))
    subject = (sp >> _CODE_BITS).astype(np.int32)
    subject -= 2
    sp &= (1 << _CODE_BITS) - 1
    thing = sp.astype(np.int32)
    thing -= 2
    del sp
    n = len(kind)
    when = _hash_lookup(con, whens, np.asarray(a.pop("date_hash"), dtype=np.uint64))
    holder = np.full(n, -1, dtype=np.int32)
    nationality = np.full(n, -1, dtype=np.int32)
    predecessor = np.full(n, -1, dtype=np.int32)
    at = np.asarray(rare["seq"], dtype=np.int64)
    if len(at):
        fam_at = FAMILY[kind[at]]
        r_thing = np.asarray(rare["thing"], dtype=np.int32)
        other = (fam_at == OFFICE) | (fam_at == BODY)
        thing[at[other]] = r_thing[other]
        label_code = np.asarray(rare["label"], dtype=np.int32)
        holder[at] = np.where(fam_at == LIFE, -1, label_code)
        predecessor[at] = np.where(fam_at == LIFE, label_code, -1)
        nationality[at] = np.asarray(rare["nationality"], dtype=np.int32)
        eff = np.asarray(rare["effective"], dtype=np.int32)
        when[at] = np.where(eff == -1, when[at], eff)
    del rare
    ids = IdLookup(con, rel)
    cols = Columns(
        kind=kind,
        subject=subject,
        thing=thing,
        status=status,
        holder=holder,
        nationality=nationality,
        skind=skind,
        predecessor=predecessor,
        when=when,
        live=np.ones(n, dtype=bool),
        words=words_arr,
        whens=whens,
        when_lo=lo,
        when_hi=hi,
        places=Places(ids, lambda seq: (label, int(seq) + 1), ids.link),
    )
    odd = cols.when == -2
    if odd.any():
        _odd_dates(con, rel, cols, np.flatnonzero(odd))
    fam = FAMILY[kind]
    bad = (kind < 0) | (cols.subject < 0)
    bad |= (cols.when < 0) & (kind != K["retracted"])
    bad |= (fam != LIFE) & (fam != RECORD) & (cols.thing < 0)
    for s in np.flatnonzero(bad)[:100]:
        cols.record_problems.append(Problem(label, int(s) + 1, "malformed record (kind, subject or date)"))
    hashes = np.asarray(a.pop("id_hash"))
    del a
    _links(con, rel, cols, hashes)
    return cols


def _odd_dates(con: duckdb.DuckDBPyConnection, rel: str, cols: Columns, rows: np.ndarray) -> None:
    """Dates outside the calendar (seasons, qualified, unspecified digits): parsed one distinct
    text at a time by ``events.dates`` and appended to the dictionary."""
    con.execute("CREATE OR REPLACE TEMP TABLE bulk_odd AS SELECT unnest(?::BIGINT[]) AS seq", [rows.tolist()])
    found = con.execute(
        f"SELECT r.seq, COALESCE(r.effective, r.date) FROM {rel} r JOIN bulk_odd USING (seq)"
    ).fetchall()
    cols.when[rows] = -1
    con.execute("DROP TABLE bulk_odd")
    extra: dict[str, int] = {}
    texts, lo, hi = list(cols.whens), list(cols.when_lo), list(cols.when_hi)
    for s, text in found:
        if text not in extra:
            try:
                w = parse_date(text)
            except BadDate:
                extra[text] = -1
                continue
            extra[text] = len(texts)
            texts.append(text)
            lo.append(w.lo.toordinal())
            hi.append(w.hi.toordinal())
        cols.when[s] = extra[text]
    cols.whens = np.array(texts, dtype=object)
    cols.when_lo, cols.when_hi = np.array(lo, dtype=np.int32), np.array(hi, dtype=np.int32)


def _links(con: duckdb.DuckDBPyConnection, rel: str, cols: Columns, hashes: np.ndarray) -> None:
    """Repeated ids (the first record of each, and those that differ from it), the positions that
    retractions and corrections point to, and recording times."""
    n = len(cols)
    cols.first = np.arange(n, dtype=np.int64)
    hashes.sort()
    dup = (
        bool((hashes[1:] == hashes[:-1]).any()) and one_row(con, f"SELECT count(*) - count(DISTINCT id) FROM {rel}")[0]
    )
    if dup:
        content = "concat_ws(chr(31), " + ", ".join(f"COALESCE({c}, chr(0))" for c in TEXT_COLUMNS) + ")"
        rows = con.execute(f"""
            SELECT seq, first_seq, same FROM (
                SELECT seq, first_value(seq) OVER w AS first_seq,
                       {content} = first_value({content}) OVER w AS same
                FROM {rel} WINDOW w AS (PARTITION BY id ORDER BY seq)
            ) WHERE seq <> first_seq""").fetchall()
        for seq, head, same in rows:
            cols.first[seq] = head
            cols.live[seq] = False
            if not same:
                cols.conflicts.append((int(seq), int(head)))
    kind = cols.kind
    if (kind == K["retracted"]).any() or one_row(con, f"SELECT count(*) FROM {rel} WHERE corrects IS NOT NULL")[0]:
        cols.retracts = np.full(n, NONE, dtype=np.int64)
        cols.corrects = np.full(n, NONE, dtype=np.int64)
        for field, target in (("retracts", cols.retracts), ("corrects", cols.corrects)):
            found = con.execute(f"""
                SELECT a.seq, COALESCE(b.first_seq, {UNKNOWN}) FROM {rel} a
                LEFT JOIN (SELECT id, min(seq) AS first_seq FROM {rel} GROUP BY id) b ON a.{field} = b.id
                WHERE a.{field} IS NOT NULL""").fetchnumpy()
            seqs = np.asarray(found["seq"], dtype=np.int64)
            target[seqs] = np.asarray(list(found.values())[1], dtype=np.int64)
    if one_row(con, f"SELECT count(*) FROM {rel} WHERE recorded IS NOT NULL")[0]:
        micros = con.execute(
            f"SELECT COALESCE(epoch_us(TRY_CAST(recorded AS TIMESTAMPTZ)), -1) AS us FROM {rel} ORDER BY seq"
        ).fetchnumpy()["us"]
        cols.recorded = np.asarray(micros, dtype=np.int64)
