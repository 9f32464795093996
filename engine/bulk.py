"""The bulk path: millions of events as columns, never as millions of Python objects.

A log in Parquet (the interchange columns, as ``timeline export --to parquet`` writes them), in
JSON lines, or in a store's ``event_log`` is read by DuckDB; text columns become integer codes
into small dictionaries (DuckDB ENUMs; dates and ids as hashes, looked up and checked in numpy),
and the codes come out as numpy arrays. JSON lines are held to the record rules of
``events.codec`` as columns (:func:`load_jsonl`). Then:

* :func:`replay_columns` is a *validated* replay in numpy, with the meaning of
  :func:`engine.replay.replay`: events sorted by (subject, party, effective day, kind rank, log
  order); each transition checked with a state × kind lookup table; the standing before a
  suspension forward-filled for ``resumed``; lifecycle checks (founded once, nothing before
  the founding or after the dissolution, entered into force and dissolved once, predecessors
  declared); repeated records, retractions and corrections resolved as ``engine.log`` does.
  It finds the same invalid events as the Python replay: the first refused transition of each
  (subject, thing) is found in the vectorised pass, and the few groups holding one are
  replayed exactly, one event at a time, as the Python fold does. For the exact
  ``file:line`` messages a caller runs the Python validator (``Store.append`` does).
* :class:`Spells` holds the spells of a valid log as packed arrays (parties first, per subject
  contiguous, sorted by party and ``possible_from``; a dissolution ends them all), and
  :class:`PartyIndex` searches them with a vectorised binary search (``np.searchsorted``):
  members of one subject on a day, the diff of one subject between two days, every subject's
  members on a day, members per year for every subject.

Days are ordinals (``date.toordinal()``); ``*_to`` are exclusive and ``FOREVER`` is open.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import json
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import attrs
import duckdb
import numpy as np

from ..events.dates import parse_date
from ..events.errors import BadDate, Problem, TimelineError, ValidationFailed
from ..events.parties import is_party_code
from ..events.vocabulary import (
    BODY_KINDS,
    GRANTABLE,
    KIND_ORDER,
    KINDS,
    LIFECYCLE_KINDS,
    OFFICE_KINDS,
    PARTICIPATION_KINDS,
)
from .duck import one_row
from .spans_sql import resolve_in_sql
from .tracks import FOREVER

__all__ = [
    "STANDINGS",
    "Columns",
    "NotBulkReadable",
    "Replay",
    "Spells",
    "compile_spells",
    "load_jsonl",
    "load_parquet",
    "load_records",
    "replay_columns",
    "replay_store",
]

# -- codes ---------------------------------------------------------------------------------
STANDINGS = (
    None,
    "member",
    "associate",
    "observer",
    "dialogue-partner",
    "partner",
    "candidate",
    "suspended",
    "signatory",
    "party",
)
_V = {s: i for i, s in enumerate(STANDINGS)}
_K = {k: i for i, k in enumerate(KINDS)}
_RANK = np.array([KIND_ORDER[k] for k in KINDS], dtype=np.int8)
LIFE, PARTY, OFFICE, BODY, RECORD = 0, 1, 2, 3, 4
_FAMILY = np.array(
    [
        LIFE
        if k in LIFECYCLE_KINDS
        else PARTY
        if k in PARTICIPATION_KINDS
        else OFFICE
        if k in OFFICE_KINDS
        else BODY
        if k in BODY_KINDS
        else RECORD
        for k in KINDS
    ],
    dtype=np.int8,
)
ORG, TREATY = 0, 1
_NONE = -1

# after[kind, subject kind]: the standing a participation event leads to (granted: its status;
# resumed: the standing before the suspension, filled in later; leaving: none).
_AFTER = np.zeros((len(KINDS), 2), dtype=np.int8)
# allowed[kind, subject kind, standing before]
_ALLOWED = np.zeros((len(KINDS), 2, len(STANDINGS)), dtype=bool)


def _table() -> None:
    grant = tuple(_V[g] for g in GRANTABLE)
    none, sig = _V[None], _V["signatory"]
    for sk, full in ((ORG, _V["member"]), (TREATY, _V["party"])):
        rules = {
            "signed": ((none,) if sk == TREATY else (), _V["signatory"]),
            "ratified": ((none, sig), full),
            "acceded": ((none, sig) + grant, full),
            "succeeded": ((none, sig), full),
            "joined": ((none,) + grant if sk == ORG else (), _V["member"]),
            "granted": ((none,) + grant if sk == ORG else (), 0),
            "suspended": ((_V["member"], _V["party"], _V["associate"]), _V["suspended"]),
            "resumed": ((_V["suspended"],), 0),
            "withdrew": (tuple(range(1, len(STANDINGS))), 0),
            "expelled": (tuple(range(1, len(STANDINGS))), 0),
            "ceased": (tuple(range(1, len(STANDINGS))), 0),
        }
        for kind, (allowed, after) in rules.items():
            _ALLOWED[_K[kind], sk, list(allowed)] = True
            _AFTER[_K[kind], sk] = after


_table()


@attrs.define
class Columns:
    """A log as columns: one entry per event in log order; text as codes into ``words``/``whens``."""

    kind: np.ndarray  # int8 index into KINDS (-1: not a kind)
    subject: np.ndarray  # int32 code into words
    thing: np.ndarray  # int32: party, office or body (code into words; -1 none)
    status: np.ndarray  # int8 standing code of ``granted`` (0 none)
    holder: np.ndarray  # int32 holder (office events) or body name (body events), -1 none
    nationality: np.ndarray  # int32 code into words, -1 none
    skind: np.ndarray  # int8 subject kind of ``founded`` events (0 organization, 1 treaty, -1 none)
    predecessor: np.ndarray  # int32 code into words, -1 none
    when: np.ndarray  # int32 code into whens (effective, else date)
    live: np.ndarray  # bool: in force (not retracted, corrected, or a repeated record)
    words: np.ndarray  # the text dictionary (object array, sorted)
    whens: np.ndarray  # EDTF texts (object array)
    when_lo: np.ndarray  # int32 per when code
    when_hi: np.ndarray
    ids: IdLookup
    record_problems: list[Problem] = attrs.field(factory=list)
    _codes: dict = attrs.field(factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def lo(self) -> np.ndarray:
        return self.when_lo[self.when]

    @property
    def hi(self) -> np.ndarray:
        return self.when_hi[self.when]

    def code(self, word: str) -> int:
        """The code of a subject, party, office or holder (-1 when the log does not hold it)."""
        return self._codes.get(word, -1)


class IdLookup:
    """Event ids by log position, read from DuckDB only when asked for."""

    def __init__(self, con: duckdb.DuckDBPyConnection, relation: str, label: str):
        self.con, self.relation, self.label = con, relation, label

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


# -- memory ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:  # pragma: no cover - not glibc
        return None


@contextlib.contextmanager
def _heap_reuse():
    """Keep freed arrays for reuse during a bulk step (glibc only; elsewhere a no-op).

    glibc gives every array above 32 MB its own mapping and returns it to the system when it is
    freed, so each 10M-element temporary touches fresh pages; on a virtual machine a page fault
    costs more than the arithmetic (about 2.7 ms per MB here). For the step's duration arrays
    come from the heap, which keeps freed memory; at the end the heap is trimmed again."""
    libc = _libc()
    if libc is None:
        yield
        return
    m_trim_threshold, m_mmap_max = -1, -4
    libc.mallopt(m_mmap_max, 0)
    libc.mallopt(m_trim_threshold, 2**31 - 1)
    try:
        yield
    finally:
        libc.mallopt(m_mmap_max, 65536)
        libc.mallopt(m_trim_threshold, 128 * 1024)
        libc.malloc_trim(0)


# -- loading -------------------------------------------------------------------------------
_TEXT_COLUMNS = (
    "id",
    "date",
    "subject",
    "kind",
    "party",
    "status",
    "office",
    "holder",
    "nationality",
    "body",
    "name",
    "subject_kind",
    "predecessor",
    "effective",
    "retracts",
    "corrects",
    "recorded",
    "note",
)


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def load_parquet(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A Parquet log (the interchange columns) as :class:`Columns`; the file stays on disk."""
    con = con or duckdb.connect()
    p = str(path).replace("'", "''")
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{p}')").fetchall()]
    except duckdb.Error as e:
        raise TimelineError(f"{path}: not a readable Parquet file ({str(e).splitlines()[0]})") from None
    missing = [c for c in ("id", "date", "subject", "kind") if c not in cols]
    if missing:
        raise TimelineError(f"{path}: column {missing[0]!r} is missing (expected the interchange columns)")
    present = ", ".join(c if c in cols else f"NULL::VARCHAR AS {c}" for c in _TEXT_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT file_row_number AS seq, {present} "
        f"FROM read_parquet('{p}', file_row_number = true)"
    )
    return _encode(con, "bulk_log", str(path), parquet=str(path))


class NotBulkReadable(TimelineError):
    """A log the bulk path cannot read as columns (unknown fields, values of the wrong type):
    the Python reader (``events.io``) says exactly what is wrong, line by line."""


_SOURCE_FIELDS = ("title", "ref", "quote", "url", "page")


def load_jsonl(path: str | os.PathLike, con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """A JSON-lines log as :class:`Columns`, held in a DuckDB table ``bulk_raw`` (seq = record order).

    DuckDB's own ``read_json`` reads the file; a field that is not an interchange field, or a
    value of the wrong type, raises :class:`NotBulkReadable`."""
    con = con or duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        # formats no date has, so that dates stay the text they are
        con.execute(
            "CREATE OR REPLACE TEMP TABLE bulk_raw AS SELECT * FROM read_json(?, format = 'newline_delimited', "
            "dateformat = '%d!!%m', timestampformat = '%d!!%m')",
            [str(path)],
        )
    except duckdb.Error as e:
        raise NotBulkReadable(
            f"{path}: not readable as columns ({str(e).splitlines()[0][:200]}); "
            "validate it with `timeline validate` for the exact problems"
        ) from None
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'bulk_raw'"
        ).fetchall()
    )
    for col, typ in types.items():
        if col == "sources":
            fields = re.findall(r'"?(\w+)"? (?:VARCHAR|BIGINT|DOUBLE|JSON|BOOLEAN|UBIGINT)', typ)
            if not typ.startswith("STRUCT(") or not typ.endswith("[]") or not set(fields) <= set(_SOURCE_FIELDS):
                raise NotBulkReadable(
                    f"{path}: 'sources' is not a list of {{title, ref, quote?, url?, page?}} "
                    f"in every record ({typ}); validate it with `timeline validate`"
                )
        elif col == "v":
            continue
        elif col not in _TEXT_COLUMNS:
            raise NotBulkReadable(f"{path}: field {col!r} is not an event field; validate it with `timeline validate`")
        elif typ != "VARCHAR":
            raise NotBulkReadable(
                f"{path}: field {col!r} holds {typ} values, expected text; validate it with `timeline validate`"
            )
    present = ", ".join(c if c in types else f"NULL::VARCHAR AS {c}" for c in _TEXT_COLUMNS)
    sources = "sources" if "sources" in types else "NULL::STRUCT(title VARCHAR, ref VARCHAR)[] AS sources"
    version = "v" if "v" in types else "NULL AS v"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT rowid AS seq, {present}, {sources}, {version} FROM bulk_raw"
    )
    cols = _encode(con, "bulk_log", str(path))
    _check_records(con, cols, str(path), "sources" in types)
    return cols


_SUBJECT_ID = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,63}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _check_records(con: duckdb.DuckDBPyConnection, cols: Columns, label: str, has_sources: bool) -> None:
    """The record rules of ``events.codec.event_from_record``, as columns: fields that a kind needs
    or must not have, ids, slugs and codes, sources. Texts held in the dictionary are checked once
    each, in Python; the rest in one SQL pass. The first rule a record breaks is reported
    (``record N``); the Python validator gives the exact message."""
    families = {
        "lifecycle": LIFECYCLE_KINDS,
        "participation": PARTICIPATION_KINDS,
        "office": OFFICE_KINDS,
        "body": BODY_KINDS,
        "record": ("retracted",),
    }
    allowed = {
        "name": ("lifecycle", "body"),
        "subject_kind": ("lifecycle",),
        "predecessor": ("lifecycle",),
        "party": ("participation",),
        "status": ("participation",),
        "office": ("office",),
        "holder": ("office",),
        "nationality": ("office",),
        "body": ("body",),
        "retracts": ("record",),
    }
    rules = [
        (
            f"{c} IS NOT NULL AND kind NOT IN ({_sql_list(k for f in fs for k in families[f])})",
            f"field {c!r} does not apply to this kind",
        )
        for c, fs in allowed.items()
    ]
    rules += [
        (
            "id IS NULL OR NOT regexp_full_match(id, '[A-Za-z0-9][A-Za-z0-9._:~+-]{0,199}')",
            "id is missing or not a slug",
        ),
        ("kind = 'founded' AND (name IS NULL OR subject_kind IS NULL)", "founded needs name and subject_kind"),
        ("kind = 'renamed' AND name IS NULL", "renamed needs a name"),
        (
            "subject_kind IS NOT NULL AND subject_kind NOT IN ('organization', 'treaty')",
            "subject_kind must be organization or treaty",
        ),
        (f"kind IN ({_sql_list(PARTICIPATION_KINDS)}) AND party IS NULL", "missing party"),
        (
            f"kind = 'granted' AND (status IS NULL OR status NOT IN ({_sql_list(GRANTABLE)}))",
            "granted needs a grantable status",
        ),
        ("kind <> 'granted' AND status IS NOT NULL", "status applies only to granted"),
        (f"kind IN ({_sql_list(OFFICE_KINDS)}) AND office IS NULL", "missing office"),
        ("kind = 'appointed' AND holder IS NULL", "appointed needs a holder"),
        (f"kind IN ({_sql_list(BODY_KINDS)}) AND body IS NULL", "missing body"),
        ("kind = 'retracted' AND retracts IS NULL", "retracted needs retracts"),
        ("recorded IS NOT NULL AND TRY_CAST(recorded AS TIMESTAMPTZ) IS NULL", "recorded is not a date-time"),
        ("v IS NOT NULL AND CAST(v AS VARCHAR) <> '1'", "interchange version is not 1"),
        (
            " OR ".join(f"trim({c}) = ''" for c in ("name", "retracts", "corrects", "note", "recorded")),
            "a text field is empty",
        ),
    ]
    source_ok = (
        "len(sources) > 0 AND list_bool_and(list_transform(sources, lambda x: x.title IS NOT NULL "
        "AND trim(x.title) <> '' AND x.ref IS NOT NULL AND trim(x.ref) <> ''))"
    )
    if not has_sources:
        rules.append(("TRUE", "missing sources"))
    elif one_row(
        con,
        f"SELECT count(*) FROM (SELECT DISTINCT sources FROM bulk_log) WHERE sources IS NULL OR NOT ({source_ok})",
    )[0]:
        rules.append((f"sources IS NULL OR NOT ({source_ok})", "sources must be a non-empty list of {title, ref}"))
    case = "CASE " + " ".join(f"WHEN {cond} THEN '{msg.replace(chr(39), chr(39) * 2)}'" for cond, msg in rules) + " END"
    found = con.execute(
        f"SELECT seq, problem FROM (SELECT seq, {case} AS problem FROM bulk_log) "
        "WHERE problem IS NOT NULL ORDER BY seq LIMIT 100"
    ).fetchall()
    # texts in the dictionary: each distinct one checked once
    words = cols.words.tolist()
    n = len(words) + 1

    def flags(test) -> np.ndarray:
        return np.array([not test(w) for w in words] + [False], dtype=bool)

    not_code = flags(is_party_code)
    not_subject = flags(lambda w: _SUBJECT_ID.fullmatch(w) is not None)
    not_slug = flags(lambda w: _SLUG.fullmatch(w) is not None)
    blank = flags(lambda w: w.strip() != "")
    fam = _FAMILY[cols.kind]
    wrong = not_subject[cols.subject]
    wrong |= (fam == PARTY) & not_code[cols.thing]
    wrong |= not_code[cols.nationality]
    wrong |= ((fam == OFFICE) | (fam == BODY)) & not_slug[cols.thing]
    wrong |= not_subject[cols.predecessor] | blank[cols.holder]
    assert len(not_code) == n
    found += [
        (int(i), "a subject id, party code, office or body slug is not valid") for i in np.flatnonzero(wrong)[:100]
    ]
    for seq, msg in sorted(found)[:100]:
        cols.record_problems.append(Problem(label, int(seq) + 1, msg))


def replay_store(con: duckdb.DuckDBPyConnection, label: str = "store") -> Replay:
    """The validated replay of a store's ``event_log``, read in place through the store's own
    connection (temporary types and tables only; nothing is written to the store)."""
    n, first, last = one_row(con, "SELECT count(*), min(seq), max(seq) FROM event_log")
    if n and last - first + 1 != n:
        position = "row_number() OVER (ORDER BY seq) - 1"
    else:
        position = f"seq - {first or 0}"
    fields = ", ".join("recorded_text AS recorded" if c == "recorded" else c for c in _TEXT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT {position} AS seq, {fields} FROM event_log")
    return replay_columns(_encode(con, "bulk_log", label))


def load_records(records: list[dict], con: duckdb.DuckDBPyConnection | None = None) -> Columns:
    """Interchange records already in memory (tests, small logs) as :class:`Columns`."""
    with tempfile.TemporaryDirectory(prefix="timeline-bulk-") as tmp:
        path = Path(tmp) / "log.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return load_jsonl(path, con)


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


def _main_query(rel: str, cast: str) -> str:
    """One row per event, in log order: the columns every event has.

    Fetching a column costs about as much as computing it, so codes are packed: kind + 32 *
    status + 1024 * (subject kind + 1) in ``small``, (subject + 2, party + 2) in ``sp``; dates and
    ids come as hashes (looked up in numpy, and checked for repeats)."""
    status = "CASE status " + " ".join(f"WHEN '{s}' THEN {_V[s]}" for s in GRANTABLE) + " ELSE 0 END"
    w = "bulk_words_t"
    small = (
        f"(COALESCE(enum_code(TRY_CAST(kind AS bulk_kinds_t))::INTEGER, 31) + 32 * ({status}) + 1024 * "
        "(CASE subject_kind WHEN 'organization' THEN 1 WHEN 'treaty' THEN 2 ELSE 0 END))::SMALLINT AS small"
    )
    sp = f"(({_code('subject', w, cast)} + 2)::BIGINT << {_CODE_BITS}) | ({_code('party', w, cast)} + 2)::BIGINT AS sp"
    return f"SELECT {small}, {sp}, hash(date) AS date_hash, hash(id) AS id_hash FROM {rel}"


def _rare_query(rel: str, cast: str) -> str:
    """The fields few events have (offices, bodies, lifecycle, ``effective``), with positions."""
    body = "kind IN ('established', 'abolished')"
    w = "bulk_words_t"
    label = (
        f"COALESCE({_raw('holder', w, cast)}, CASE WHEN {body} THEN COALESCE({_raw('name', w, cast)}, "
        f"{_raw('body', w, cast)}) END, {_raw('predecessor', w, cast)}, -1)"
    )
    effective = (
        f"CASE WHEN effective IS NULL THEN -1 ELSE COALESCE({_raw('effective', 'bulk_whens_t', 'TRY_CAST')}, -2) END"
    )
    return f"""
        SELECT seq, COALESCE({_raw("office", w, cast)}, {_raw("body", w, cast)}, -1) AS thing, {label} AS label,
               {_code("nationality", w, cast)} AS nationality, {effective} AS effective
        FROM {rel}
        WHERE kind IS NULL OR kind NOT IN ({_sql_list(PARTICIPATION_KINDS)}) OR effective IS NOT NULL
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


def _encode(con: duckdb.DuckDBPyConnection, rel: str, label: str, parquet: str | None = None) -> Columns:
    with _heap_reuse():
        return _encode_columns(con, rel, label, parquet)


def _encode_columns(con: duckdb.DuckDBPyConnection, rel: str, label: str, parquet: str | None) -> Columns:
    con.execute("SET enable_progress_bar = false")
    body = "kind IN ('established', 'abolished')"
    words = sorted(
        r[0]
        for r in con.execute(
            " UNION ".join(
                f"SELECT DISTINCT {c} AS v FROM {rel} WHERE {c} IS NOT NULL"
                for c in ("subject", "party", "office", "body", "holder", "nationality", "predecessor")
            )
            + f" UNION SELECT DISTINCT name AS v FROM {rel} WHERE {body} AND name IS NOT NULL"
        ).fetchall()
    )
    words_arr = _create_enum(con, "bulk_words_t", words)
    whens, lo, hi = _whens(con, rel, parquet)
    con.execute("DROP TYPE IF EXISTS bulk_kinds_t")
    con.execute(f"CREATE TEMP TYPE bulk_kinds_t AS ENUM ({_sql_list(KINDS)})")
    # Every text is in its dictionary by construction, so a plain CAST (faster than TRY_CAST)
    # cannot fail; if it does all the same, the query runs again with TRY_CAST.
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
        fam_at = _FAMILY[kind[at]]
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
        ids=IdLookup(con, rel, label),
    )
    cols._codes = {w: i for i, w in enumerate(words_arr.tolist())}
    odd = cols.when == -2
    if odd.any():
        _odd_dates(con, rel, cols, np.flatnonzero(odd))
    fam = _FAMILY[kind]
    bad = (kind < 0) | (cols.subject < 0)
    bad |= (cols.when < 0) & (kind != _K["retracted"])
    bad |= (fam != LIFE) & (fam != RECORD) & (cols.thing < 0)
    for s in np.flatnonzero(bad)[:100]:
        cols.record_problems.append(Problem(label, int(s) + 1, "malformed record (kind, subject or date)"))
    hashes = np.asarray(a.pop("id_hash"))
    del a
    edits = bool((kind == _K["retracted"]).any()) or bool(
        one_row(con, f"SELECT count(*) FROM {rel} WHERE corrects IS NOT NULL")[0]
    )
    _resolve(con, rel, cols, hashes, edits, label)
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


def _resolve(
    con: duckdb.DuckDBPyConnection, rel: str, cols: Columns, hashes: np.ndarray, edits: bool, label: str
) -> None:
    """Drop repeated records, retracted and corrected events (the meaning of engine.log.resolve_log)."""
    hashes.sort()
    dup = (
        bool((hashes[1:] == hashes[:-1]).any()) and one_row(con, f"SELECT count(*) - count(DISTINCT id) FROM {rel}")[0]
    )
    if dup:
        content = "concat_ws(chr(31), " + ", ".join(f"COALESCE({c}, chr(0))" for c in _TEXT_COLUMNS) + ")"
        rows = con.execute(f"""
            SELECT seq, first_seq, same FROM (
                SELECT seq, first_value(seq) OVER w AS first_seq,
                       {content} = first_value({content}) OVER w AS same
                FROM {rel} WINDOW w AS (PARTITION BY id ORDER BY seq)
            ) WHERE seq <> first_seq""").fetchall()
        for seq, first, same in rows:
            cols.live[seq] = False
            if not same:
                cols.record_problems.append(
                    Problem(label, int(seq) + 1, f"id is already used by a different event (row {first + 1})")
                )
    if not edits:
        return
    chains = con.execute(f"""
        SELECT count(*) FROM {rel} a JOIN {rel} b ON a.retracts = b.id AND b.kind = 'retracted'
        UNION ALL SELECT count(*) FROM {rel} a JOIN {rel} b ON a.corrects = b.id AND b.corrects IS NOT NULL
        UNION ALL SELECT count(*) FROM {rel} WHERE corrects = id OR retracts = id""").fetchall()
    if any(c for (c,) in chains):
        raise NotBulkReadable(
            f"{label}: retractions of retractions or chains of corrections; the Python validator resolves them"
        )

    con.execute(
        f"CREATE OR REPLACE TEMP TABLE bulk_first AS SELECT * FROM {rel} "
        f"WHERE seq IN (SELECT min(seq) FROM {rel} GROUP BY id)"
    )
    for seq, what in con.execute("""
            SELECT seq, 'retracts' FROM bulk_first WHERE kind = 'retracted'
                   AND (retracts NOT IN (SELECT id FROM bulk_first) OR retracts = id)
            UNION ALL
            SELECT seq, 'corrects' FROM bulk_first WHERE corrects IS NOT NULL
                   AND (corrects NOT IN (SELECT id FROM bulk_first) OR kind = 'retracted'
                        OR corrects IN (SELECT id FROM bulk_first WHERE kind = 'retracted'))""").fetchall():
        cols.record_problems.append(Problem(label, int(seq) + 1, f"{what} an unknown or a retraction event"))
    resolve_in_sql(con, "bulk_first", None, "bulk_")
    live = con.execute("SELECT seq FROM bulk_live").fetchnumpy()["seq"]
    cols.live[:] = False
    cols.live[np.asarray(live, dtype=np.int64)] = True
    for t in ("known", "retr", "live"):
        con.execute(f"DROP TABLE IF EXISTS bulk_{t}")
    con.execute("DROP TABLE IF EXISTS bulk_first")


# -- the validated replay ------------------------------------------------------------------
@attrs.define
class Replay:
    """The outcome of :func:`replay_columns`: problems (log position, message) and the spells."""

    columns: Columns
    problems: list[tuple[int, str]]
    spells: Spells

    @property
    def invalid(self) -> np.ndarray:
        """Log positions of the events refused by the replay or malformed, sorted."""
        seqs = {s for s, _ in self.problems} | {p.line - 1 for p in self.columns.record_problems}
        return np.array(sorted(seqs), dtype=np.int64)

    def as_problems(self, label: str = "<log>") -> list[Problem]:
        """The problems as :class:`Problem` (line = log position + 1), with event ids."""
        seqs = [s for s, _ in self.problems]
        ids = self.columns.ids(seqs)
        return list(self.columns.record_problems) + [
            Problem(label, s + 1, m, i) for (s, m), i in zip(self.problems, ids)
        ]


def _group_order(g: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions into ``g`` sorted by (group, key, position), their groups).

    One sort of packed 64-bit values (group, position) orders the log by group and log order —
    numpy sorts values with SIMD, far faster than an argsort. Most logs are written in time
    order, so a group's events then already follow ``key``; only groups where they do not are
    sorted again."""
    n = len(g)
    bits = max(int(n - 1).bit_length(), 1)
    if n and int(g.max()) < (1 << (63 - bits)):
        packed = g.astype(np.int64)
        packed <<= bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        o = packed & ((1 << bits) - 1)
        packed >>= bits
        gs = packed
    else:
        o = np.argsort(g, kind="stable")
        gs = g[o].astype(np.int64)
    ks = key[o]
    back = ks[1:] < ks[:-1]
    back &= gs[1:] == gs[:-1]
    if back.any():
        bad_groups = np.unique(gs[1:][back])
        pos = np.flatnonzero(np.isin(gs, bad_groups))
        sub = o[pos]
        o[pos] = sub[np.lexsort((sub, key[sub], g[sub]))]
    return o, gs


def replay_columns(cols: Columns) -> Replay:
    """Validated replay of a log held as columns (see the module's docstring)."""
    with _heap_reuse():
        return _replay(cols)


def _replay(cols: Columns) -> Replay:
    len(cols)
    kind = cols.kind
    fam = _FAMILY[kind]  # kind -1 (not a kind) reads as 'retracted': not replayed
    live = cols.live & (kind >= 0) & (fam != RECORD) & (cols.subject >= 0) & (cols.when >= 0)
    lo, hi = cols.lo, cols.hi
    problems: dict[int, str] = {}
    nw = len(cols.words)

    # Lifecycle: few events, replayed in Python in replay order.
    life = np.flatnonzero(live & (fam == LIFE))
    life = life[np.lexsort((life, _RANK[kind[life]], lo[life]))]
    f_seq = np.full(nw + 1, -1, dtype=np.int64)
    for i in life.tolist():
        if kind[i] == _K["founded"]:
            s = cols.subject[i]
            if f_seq[s] >= 0:
                problems.setdefault(i, f"already founded (row {f_seq[s] + 1})")
            else:
                f_seq[s] = i
    has = f_seq >= 0
    f_lo = np.where(has, lo[np.maximum(f_seq, 0)], 0).astype(np.int32)
    skind = np.where(has, cols.skind[np.maximum(f_seq, 0)], 0).astype(np.int8)
    undeclared = ~has[cols.subject]
    undeclared &= live
    early = hi < f_lo[cols.subject]
    early &= live
    early &= ~undeclared
    early[f_seq[has]] = False
    for i in np.flatnonzero(undeclared).tolist():
        problems.setdefault(i, "subject is not declared: no 'founded' event for it")
    for i in np.flatnonzero(early).tolist():
        problems.setdefault(i, "dated before its subject was founded")
    applied = live
    applied &= ~undeclared
    applied &= ~early
    del undeclared, early
    # A dissolution (the first one replayed) ends its subject: later events are refused.
    gone = np.full(nw + 1, -1, dtype=np.int64)
    for i in life.tolist():
        if applied[i] and kind[i] == _K["dissolved"] and gone[cols.subject[i]] < 0:
            gone[cols.subject[i]] = i
    if (gone >= 0).any():
        gone_hi = np.where(gone >= 0, hi[np.maximum(gone, 0)], np.iinfo(np.int32).max).astype(np.int32)
        late = lo > gone_hi[cols.subject]
        late &= applied
        for i in np.flatnonzero(late).tolist():
            problems.setdefault(i, "dated after its subject was dissolved")
        applied &= ~late
        del late
    once: dict[tuple[int, int], int] = {}
    for i in life.tolist():
        if applied[i] and kind[i] in (_K["entered-into-force"], _K["dissolved"]):
            pair = (int(cols.subject[i]), int(kind[i]))
            if pair in once:
                problems.setdefault(i, f"{KINDS[kind[i]]} already (row {once[pair] + 1})")
            else:
                once[pair] = i
    for s in np.flatnonzero(has).tolist():
        p = cols.predecessor[f_seq[s]]
        if p >= 0 and not has[p]:
            problems.setdefault(int(f_seq[s]), "predecessor is not a declared subject")

    # Transitions: one group per (subject, family, thing), in replay order.
    applied &= fam != LIFE
    sel = np.flatnonzero(applied)
    del applied
    # group key, family first: the party spells come out as one block
    g = fam[sel].astype(np.int64)
    g -= PARTY
    g *= nw + 1
    g += cols.subject[sel]
    g *= nw + 2
    g += cols.thing[sel]
    g += 1
    key = lo[sel].astype(np.int64)
    key *= 32
    key += _RANK[kind[sel]]
    order, g = _group_order(g, key)
    del key
    o = sel[order]
    del sel, order
    value, bad = _transitions(cols, o, g, fam[o], skind)
    if bad.any():
        flagged = np.isin(g, np.unique(g[bad]))
        keep = _exact(cols, o[flagged], g[flagged], fam[o[flagged]], skind, problems)
        ok = np.ones(len(o), dtype=bool)
        ok[np.flatnonzero(flagged)] = keep
        o, g = o[ok], g[ok]
        value, _ = _transitions(cols, o, g, fam[o], skind)
    spells = Spells.build(cols, o, g, value, lo, hi, gone)
    spells.subject_kind = skind
    return Replay(cols, sorted(problems.items()), spells)


_AFTER_FLAT = _AFTER.reshape(-1)  # [kind * 2 + subject kind]
_ALLOWED_FLAT = _ALLOWED.reshape(-1)  # [(kind * 2 + subject kind) * len(STANDINGS) + standing]
_IS_PLAIN = np.array([k not in ("suspended", "resumed") for k in KINDS] + [False], dtype=bool)


def _transitions(cols: Columns, o, g, fam, skind) -> tuple[np.ndarray, np.ndarray]:
    """(value after each event, refused) for events sorted by group and replay order.

    Exact up to the first refused event of each group; later events of such a group are
    replayed again by :func:`_exact`. Values: a standing code for parties, a holder or body
    name code for offices and bodies; -1 is none."""
    m = len(o)
    k = cols.kind[o]
    party = fam == PARTY
    first = np.ones(m, dtype=bool)
    np.not_equal(g[1:], g[:-1], out=first[1:])
    idx = np.arange(m, dtype=np.int32)
    start = np.where(first, idx, 0)
    np.maximum.accumulate(start, out=start)
    ks = k.astype(np.int16)
    ks *= 2
    ks += skind[cols.subject[o]]
    after = _AFTER_FLAT[ks]  # int8 standing code (0 none)
    granted = k == _K["granted"]
    status = cols.status[o]
    np.copyto(after, status, where=granted)
    # resumed: the standing before the suspension, i.e. after the group's last plain event
    plain = _IS_PLAIN[k]
    plain &= party
    last = np.where(plain, idx, -1)
    del plain
    np.maximum.accumulate(last, out=last)
    resumed = k == _K["resumed"]
    if resumed.any():
        r = np.flatnonzero(resumed)
        lp = last[r]
        after[r] = np.where(lp >= start[r], after[np.maximum(lp, 0)], 0)
    del last, start, resumed
    value = after.astype(np.int32)
    value[value == 0] = -1
    other = ~party
    if other.any():
        r = np.flatnonzero(other)
        kr = k[r]
        value[r] = np.where((kr == _K["appointed"]) | (kr == _K["established"]), cols.holder[o[r]], -1)
    prev = np.empty(m, dtype=np.int32)
    prev[:1] = -1
    prev[1:] = value[:-1]
    prev[first] = -1
    before = np.maximum(prev, 0).astype(np.int16)
    np.minimum(before, len(STANDINGS) - 1, out=before)
    ks *= len(STANDINGS)
    ks += before
    ok = _ALLOWED_FLAT[ks]
    del ks
    np.copyto(ok, ok & (status != before), where=granted)
    if other.any():
        r = np.flatnonzero(other)
        kr, pr, hr = k[r], prev[r], cols.holder[o[r]]
        ok_office = np.where(kr == _K["left-office"], (pr >= 0) & ((hr < 0) | (hr == pr)), True)
        ok_body = np.where(kr == _K["established"], pr < 0, pr >= 0)
        ok[r] = np.where(fam[r] == OFFICE, ok_office, ok_body)
    return value, ~ok


def _exact(cols: Columns, o, g, fam, skind, problems: dict[int, str]) -> np.ndarray:
    """Replay groups holding a refused event one event at a time (the Python fold's meaning):
    a refused event is reported and skipped. Returns which events were applied."""
    k, sk = cols.kind[o].astype(np.int64), skind[cols.subject[o]]
    keep = np.ones(len(o), dtype=bool)
    status, holder = cols.status[o], cols.holder[o]
    cur_g, state, resume = None, 0, 0
    names = STANDINGS
    for j in range(len(o)):
        if g[j] != cur_g:
            cur_g, state, resume = g[j], (0 if fam[j] == PARTY else -1), 0
        kj, why = int(k[j]), None
        if fam[j] == PARTY:
            before = state
            if not _ALLOWED[kj, sk[j], before] or (kj == _K["granted"] and status[j] == before):
                why = f"cannot {KINDS[kj]}: its standing is {names[before] or 'none'}"
            elif kj == _K["suspended"]:
                state, resume = _V["suspended"], before
            elif kj == _K["resumed"]:
                state = resume
            elif kj == _K["granted"]:
                state = int(status[j])
            else:
                state = int(_AFTER[kj, sk[j]])
        elif fam[j] == OFFICE:
            if kj == _K["appointed"]:
                state = int(holder[j])
            elif state < 0:
                why = "the office is vacant: nobody can leave it"
            elif holder[j] >= 0 and holder[j] != state:
                why = "the holder leaving is not the office's holder"
            else:
                state = -1
        elif kj == _K["established"]:
            if state >= 0:
                why = "the body already exists"
            else:
                state = int(holder[j])
        elif state < 0:
            why = "the body does not exist: it cannot be abolished"
        else:
            state = -1
        if why is not None:
            keep[j] = False
            problems.setdefault(int(o[j]), why)
    return keep


def compile_spells(cols: Columns) -> Spells:
    """The spells of a valid log, or ``ValidationFailed`` naming the refused events."""
    r = replay_columns(cols)
    if r.problems or cols.record_problems:
        raise ValidationFailed(r.as_problems())
    return r.spells


# -- spells as packed arrays ---------------------------------------------------------------
_SHIFT = np.int64(1 << 32)


@attrs.define
class Spells:
    """Every spell of a valid log, in (family, subject, thing, replay order), as arrays.

    ``value`` is a standing code (``STANDINGS``) for parties and a code into ``columns.words``
    for office holders and body names; ``event``/``next_event`` are log positions (-1: none).
    The party spells are indexed for as-of queries by :attr:`parties`.
    """

    columns: Columns
    family: np.ndarray
    subject: np.ndarray
    thing: np.ndarray
    value: np.ndarray
    value2: np.ndarray
    event: np.ndarray
    next_event: np.ndarray
    possible_from: np.ndarray
    certain_from: np.ndarray
    certain_to: np.ndarray
    possible_to: np.ndarray
    subject_kind: np.ndarray | None = None  # per subject code: 0 organization, 1 treaty
    _parties: PartyIndex | None = None

    @classmethod
    def build(cls, cols: Columns, o, g, value, lo, hi, gone: np.ndarray | None = None) -> Spells:
        m = len(o)
        nxt = np.empty(m, dtype=np.int32)
        nxt[:-1] = o[1:]
        nxt[-1:] = -1
        nxt[:-1][g[1:] != g[:-1]] = -1
        keep = value >= 0
        ev, nx = o[keep].astype(np.int32), nxt[keep]
        del nxt
        has_next = nx >= 0
        nxs = np.where(has_next, nx, 0)
        fam = _FAMILY[cols.kind[ev]]
        value2 = np.full(len(ev), -1, dtype=np.int32)
        office = np.flatnonzero(fam == OFFICE)
        value2[office] = cols.nationality[ev[office]]
        ct, pt = lo[nxs], hi[nxs]
        ct[~has_next] = FOREVER
        pt[~has_next] = FOREVER
        subject = cols.subject[ev]
        if gone is not None and (gone >= 0).any():
            # every standing, office and body ends with its subject's dissolution
            end = gone[subject]
            cut = np.flatnonzero(end >= 0)
            e = end[cut]
            e_lo, e_hi = lo[e], hi[e]
            late = pt[cut] > e_hi
            pt[cut[late]] = e_hi[late]
            nx[cut[late]] = e[late]
            early = ct[cut] > e_lo
            ct[cut[early]] = e_lo[early]
        return cls(
            columns=cols,
            family=fam,
            subject=subject,
            thing=cols.thing[ev],
            value=value[keep],
            value2=value2,
            event=ev,
            next_event=nx,
            possible_from=lo[ev],
            certain_from=hi[ev],
            certain_to=ct,
            possible_to=pt,
        )

    def __len__(self) -> int:
        return len(self.event)

    @property
    def parties(self) -> PartyIndex:
        if self._parties is None:
            self._parties = PartyIndex(self)
        return self._parties

    def as_tuples(self) -> dict[tuple[str, str], dict[str, list[tuple]]]:
        """{(family, subject): {thing: [(value, since, until, event id, next event id, possible_from,
        certain_from, certain_to, possible_to)]}}: the shape of the Python replay's tracks (for tests
        and small logs: it makes Python objects for every spell)."""
        c = self.columns
        ids = c.ids(np.r_[self.event, self.next_event[self.next_event >= 0]])
        by_seq = dict(zip(np.r_[self.event, self.next_event[self.next_event >= 0]].tolist(), ids))
        fams = {PARTY: "party", OFFICE: "office", BODY: "body"}
        out: dict[tuple[str, str], dict[str, list[tuple]]] = {}
        for j in range(len(self)):
            f = int(self.family[j])
            v: object
            if f == PARTY:
                v = STANDINGS[self.value[j]]
            elif f == OFFICE:
                v = (c.words[self.value[j]], c.words[self.value2[j]] if self.value2[j] >= 0 else None)
            else:
                v = c.words[self.value[j]]
            e, nx = int(self.event[j]), int(self.next_event[j])
            out.setdefault((fams[f], c.words[self.subject[j]]), {}).setdefault(c.words[self.thing[j]], []).append(
                (
                    v,
                    c.whens[c.when[e]],
                    c.whens[c.when[nx]] if nx >= 0 else None,
                    by_seq[e],
                    by_seq[nx] if nx >= 0 else None,
                    int(self.possible_from[j]),
                    int(self.certain_from[j]),
                    int(self.certain_to[j]),
                    int(self.possible_to[j]),
                )
            )
        return out


_OPEN = 31  # the length class of open-ended spells (finite ones are < 2**23 days)


class PartyIndex:
    """The party spells, one group per (subject, party), searched with ``np.searchsorted``.

    ``key`` is ``group << 32 | possible_from``, ascending; ``reach`` is the running maximum of
    ``possible_to`` inside a group (as ``engine.tracks.Track``), so that a search walks back only
    over spells that can still cover the day. The arrays are views of the spells' party block.
    """

    def __init__(self, spells: Spells):
        n = int(np.searchsorted(spells.family, PARTY + 1)) if len(spells) else 0
        fam_ok = n == 0 or spells.family[n - 1] == PARTY
        assert fam_ok
        self.pf = spells.possible_from[:n]
        self.cf = spells.certain_from[:n]
        self.ct = spells.certain_to[:n]
        self.pt = spells.possible_to[:n]
        self.value = spells.value[:n]
        subject, thing = spells.subject[:n], spells.thing[:n]
        first = np.ones(n, dtype=bool)
        first[1:] = (subject[1:] != subject[:-1]) | (thing[1:] != thing[:-1])
        starts = np.flatnonzero(first)
        self.group_start = np.append(starts, n)  # with the end as a sentinel
        self.group_subject = subject[starts]
        self.group_party = thing[starts]
        group = np.cumsum(first, dtype=np.int64)
        group -= 1
        del first
        self.group = group.astype(np.int32)
        self.key = group << 32
        self.key |= self.pf
        base = group * np.int64(FOREVER + 1)
        del group
        reach = base + self.pt
        np.maximum.accumulate(reach, out=reach)
        reach -= base
        del base
        self.reach = reach.astype(np.int32)
        del reach
        # the reach of the spells before each one in its group (0 for a group's first spell)
        self.reach_before = np.zeros(n, dtype=np.int32)
        self.reach_before[1:] = self.reach[:-1]
        self.reach_before[starts] = 0
        self.qbase = np.arange(len(starts), dtype=np.int64) << 32
        nsub = len(spells.columns.words)
        self.subject_groups = np.searchsorted(self.group_subject, np.arange(nsub + 1)).tolist()
        self.words = spells.columns.words
        kinds = spells.subject_kind if spells.subject_kind is not None else np.zeros(len(self.words) + 1, np.int8)
        self._full = np.where(kinds == TREATY, _V["party"], _V["member"]).astype(np.int32)
        self._by_length: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._years: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _first_search(self, g0: int, g1: int, day: int):
        """(latest spell with possible_from <= day per group, whether it belongs to the group)."""
        a = self.group_start[g0]
        j = self.key[a : self.group_start[g1]].searchsorted(self.qbase[g0:g1] + day, side="right")
        j += a - 1
        return j, j >= self.group_start[g0:g1]

    def members(self, subject: int, day: int, standing: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(party codes, certain) of the parties holding ``standing`` (full standing by default)
        possibly on ``day`` in one subject; certainty of the latest such spell, as ``Timeline``."""
        want = self._full[subject] if standing is None else standing
        g0, g1 = self.subject_groups[subject], self.subject_groups[subject + 1]
        j, valid = self._first_search(g0, g1, day)
        hit = valid & (self.pt[j] > day) & (self.value[j] == want)
        spell = np.where(hit, j, -1)
        # walk back where an earlier spell may still cover the day (uncertain transitions)
        more = np.flatnonzero(valid & ~hit & (self.reach_before[j] > day))
        while len(more):
            jm = j[more] - 1
            h = (self.pt[jm] > day) & (self.value[jm] == want)
            spell[more[h]] = jm[h]
            j[more] = jm
            more = more[~h & (self.reach_before[jm] > day)]
        rows = np.flatnonzero(spell >= 0)
        js = spell[rows]
        return self.group_party[g0:g1][rows], (self.cf[js] <= day) & (day < self.ct[js])

    def primary(self, subject: int, day: int) -> np.ndarray:
        """Per party group of the subject: the standing of the latest spell possibly in force on
        ``day`` (0 none)."""
        g0, g1 = self.subject_groups[subject], self.subject_groups[subject + 1]
        j, valid = self._first_search(g0, g1, day)
        cover = valid & (self.pt[j] > day)
        out = np.where(cover, self.value[j], 0)
        more = np.flatnonzero(valid & ~cover & (self.reach_before[j] > day))
        while len(more):
            jm = j[more] - 1
            h = self.pt[jm] > day
            out[more[h]] = self.value[jm[h]]
            j[more] = jm
            more = more[~h & (self.reach_before[jm] > day)]
        return out

    def diff(self, subject: int, day_from: int, day_to: int):
        """Parties whose standing differs between two days: (party codes, standing before, after)
        (0 is none: a 0 before is a party that joined, a 0 after one that left)."""
        a, b = self.primary(subject, day_from), self.primary(subject, day_to)
        rows = np.flatnonzero(a != b)
        return self.group_party[self.subject_groups[subject] :][rows], a[rows], b[rows]

    # -- every subject at once -----------------------------------------------------------
    def _full_of_spell(self) -> np.ndarray:
        return self.value == self._full[self.group_subject[self.group]]

    def _length_classes(self):
        """Full-standing spells in classes by length (powers of two, open-ended apart), each sorted
        by possible_from: a spell of class c covers ``day`` only if it starts after day - 2**c."""
        if self._by_length is None:
            sel = np.flatnonzero(self._full_of_spell())
            pf, pt = self.pf[sel].astype(np.int64), self.pt[sel].astype(np.int64)
            length = np.maximum(pt - pf, 1)
            cls = np.where(pt >= FOREVER, _OPEN, np.ceil(np.log2(length)).astype(np.int64))
            packed = (cls << 58) | (pf << 26) | np.arange(len(sel), dtype=np.int64) if len(sel) < (1 << 26) else None
            if packed is not None:
                packed.sort()
                order = packed & ((1 << 26) - 1)
            else:
                order = np.lexsort((pf, cls))
            sel, cls = sel[order], cls[order]
            bounds = np.searchsorted(cls, np.arange(_OPEN + 2))
            classes = []
            for c in range(_OPEN + 1):
                a, b = bounds[c], bounds[c + 1]
                if a < b:
                    classes.append((c, self.pf[sel[a:b]], self.pt[sel[a:b]], self.group[sel[a:b]]))
            self._by_length = classes
        return self._by_length

    def members_all(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Every subject's full participants possibly on ``day``: (subject codes, party codes),
        sorted by subject and party."""
        mark = np.zeros(len(self.group_subject), dtype=bool)
        for c, pf, pt, grp in self._length_classes():
            b = pf.searchsorted(day, side="right")
            if c == _OPEN:
                mark[grp[:b]] = True
                continue
            a = pf.searchsorted(day - (1 << c), side="right")
            mark[grp[a:b][pt[a:b] > day]] = True
        groups = np.flatnonzero(mark)
        return self.group_subject[groups], self.group_party[groups]

    def _year_spans(self):
        """Per full-standing spell: subject, the years it may cover (clipped so that a party counts
        once a year), and the years it certainly covers whole."""
        if self._years is None:
            sel = np.flatnonzero(self._full_of_spell())
            g = self.group[sel].astype(np.int64)
            pf, pt, cf, ct = self.pf[sel], self.pt[sel], self.cf[sel], self.ct[sel]
            a_lo = _year(pf)
            a_hi = np.where(pt >= FOREVER, 9999, _year(np.minimum(pt, FOREVER - 1) - 1))
            big = np.int64(1 << 20)
            reach = np.maximum.accumulate(g * big + a_hi) - g * big
            prev = np.empty_like(reach)
            prev[:1] = -1
            prev[1:] = reach[:-1]
            new = np.ones(len(g), dtype=bool)
            new[1:] = g[1:] != g[:-1]
            prev[new] = -1
            a_lo = np.maximum(a_lo, prev + 1)
            y_cf = _year(cf)
            w_lo = np.where(cf == _jan1(y_cf), y_cf, y_cf + 1)
            w_hi = np.where(ct >= FOREVER, 9999, _year(np.minimum(ct, FOREVER - 1)) - 1)
            self._years = (
                self.group_subject[g].astype(np.int64),
                a_lo.astype(np.int16),
                a_hi.astype(np.int16),
                w_lo.astype(np.int16),
                w_hi.astype(np.int16),
            )
        return self._years

    def members_per_year(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """(any_time, whole_period): arrays [subject code, year - first] counting full participants
        that held the standing on some day of the year, and certainly on every day of it (as
        ``engine.aggregates.members_per_period``)."""
        subj, a_lo, a_hi, w_lo, w_hi = self._year_spans()
        nsub, _years = len(self.words), last - first + 1
        any_time = _spread(subj, a_lo, a_hi, first, last, nsub)
        whole = _spread(subj, w_lo, w_hi, first, last, nsub)
        return any_time, whole


def _spread(rows: np.ndarray, a: np.ndarray, b: np.ndarray, first: int, last: int, nrows: int) -> np.ndarray:
    """Counts per [row, year - first] of the year intervals [a, b] (clipped to [first, last])."""
    width = last - first + 1
    lo = np.maximum(a, first).astype(np.int64)
    hi = np.minimum(b, last).astype(np.int64)
    ok = lo <= hi
    base = rows[ok] * (width + 1) - first
    diff = np.bincount(base + lo[ok], minlength=nrows * (width + 1))
    diff -= np.bincount(base + hi[ok] + 1, minlength=nrows * (width + 1))
    return np.cumsum(diff.reshape(nrows, width + 1), axis=1)[:, :width]


_EPOCH = 719163  # date(1970, 1, 1).toordinal()


def _year(days: np.ndarray) -> np.ndarray:
    d = (np.asarray(days, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    return d.astype("datetime64[Y]").astype(np.int64) + 1970


def _jan1(years: np.ndarray) -> np.ndarray:
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
        np.int64
    ) + _EPOCH
