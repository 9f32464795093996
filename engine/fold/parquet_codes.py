"""The fold's columns kept in a Parquet export, beside the interchange columns.

``timeline export --to parquet`` writes, besides the interchange fields, the columns the fold
reads — kinds, subjects, parties, holders as integer codes, each record's date as a code into a
dictionary of EDTF texts with their first and last day (day ordinals), the positions that
retractions and corrections point to — and the two dictionaries in the file's key-value metadata
(``timeline.fold``). :func:`load_coded` reads them back as :class:`Columns` as they are: no text
is looked up, no date parsed. A file whose metadata is missing or does not match its rows (written
again by another tool) is read from its interchange columns instead.
"""

from __future__ import annotations

import json

import duckdb
import numpy as np

from .columns import NONE, Columns, Places
from .encode import IdLookup

__all__ = ["CODE_COLUMNS", "CODE_TYPES", "FOLD_KEY", "code_frame", "code_metadata", "load_coded"]

FOLD_KEY = "timeline.fold"
FORMAT = 1
# (column, Columns attribute, numpy type)
_CODES = (
    ("fold_kind", "kind", np.int8),
    ("fold_subject", "subject", np.int32),
    ("fold_thing", "thing", np.int32),
    ("fold_status", "status", np.int8),
    ("fold_holder", "holder", np.int32),
    ("fold_nationality", "nationality", np.int32),
    ("fold_skind", "skind", np.int8),
    ("fold_predecessor", "predecessor", np.int32),
    ("fold_when", "when", np.int32),
    ("fold_retracts", "retracts", np.int64),
    ("fold_corrects", "corrects", np.int64),
    ("fold_first", "first", np.int64),
)
CODE_COLUMNS = tuple(c for c, _, _ in _CODES)
CODE_TYPES = tuple((c, t) for c, _, t in _CODES)


def code_frame(cols: Columns) -> dict[str, np.ndarray]:
    """The fold's columns of ``cols`` as arrays to write beside the interchange columns."""
    n = len(cols)
    out = {}
    for column, attr, typ in _CODES:
        value = getattr(cols, attr)
        if value is None:
            value = np.arange(n) if attr == "first" else np.full(n, NONE)
        out[column] = np.asarray(value, dtype=typ)
    return out


def code_metadata(cols: Columns) -> str:
    """The dictionaries (and what else the codes need) as the JSON text of ``timeline.fold``."""
    return json.dumps(
        {
            "format": FORMAT,
            "rows": len(cols),
            "words": cols.words.tolist(),
            "whens": cols.whens.tolist(),
            "when_lo": cols.when_lo.tolist(),
            "when_hi": cols.when_hi.tolist(),
            "conflicts": [[int(a), int(b)] for a, b in cols.conflicts],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _metadata(con: duckdb.DuckDBPyConnection, path: str) -> dict | None:
    try:
        rows = con.execute("SELECT key, value FROM parquet_kv_metadata(?)", [path]).fetchall()
    except duckdb.Error:
        return None
    for key, value in rows:
        if bytes(key) == FOLD_KEY.encode():
            try:
                meta = json.loads(bytes(value).decode("utf-8"))
            except ValueError:
                return None
            return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None
    return None


def load_coded(con: duckdb.DuckDBPyConnection, path: str, label: str, columns: list[str]) -> Columns | None:
    """The fold's columns of a Parquet export as :class:`Columns`, or None when the file does not
    carry them whole (then its interchange columns are read). ``bulk_log`` is left a view of the
    file (seq, id, retracts, corrects) for the ids problems name."""
    if not set(CODE_COLUMNS) <= set(columns):
        return None
    meta = _metadata(con, path)
    if meta is None:
        return None
    p = path.replace("'", "''")
    recorded = "recorded" in columns
    stamp = ", COALESCE(epoch_us(recorded), -1) AS fold_recorded" if recorded else ""
    a = con.execute(f"SELECT {', '.join(CODE_COLUMNS)}{stamp} FROM read_parquet('{p}')").fetchnumpy()
    n = len(a["fold_kind"])
    if n != meta.get("rows"):
        return None
    arrays = {attr: np.asarray(a[column], dtype=typ) for column, attr, typ in _CODES}
    words = np.array(meta["words"], dtype=object)
    whens = np.array(meta["whens"], dtype=object)
    for attr in ("subject", "thing", "holder", "nationality", "predecessor"):
        if n and int(arrays[attr].max(initial=-1)) >= len(words):
            return None
    if n and int(arrays["when"].max(initial=-1)) >= len(whens):
        return None
    first = arrays.pop("first")
    retracts, corrects = arrays.pop("retracts"), arrays.pop("corrects")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW bulk_log AS SELECT file_row_number AS seq, id, retracts, corrects "
        f"FROM read_parquet('{p}', file_row_number = true)"
    )
    ids = IdLookup(con, "bulk_log")
    cols = Columns(
        kind=arrays["kind"],
        subject=arrays["subject"],
        thing=arrays["thing"],
        status=arrays["status"],
        holder=arrays["holder"],
        nationality=arrays["nationality"],
        skind=arrays["skind"],
        predecessor=arrays["predecessor"],
        when=arrays["when"],
        live=first == np.arange(n),
        words=words,
        whens=whens,
        when_lo=np.array(meta["when_lo"], dtype=np.int32),
        when_hi=np.array(meta["when_hi"], dtype=np.int32),
        places=Places(ids, lambda seq: (label, int(seq) + 1), ids.link),
        retracts=retracts if (retracts != NONE).any() else None,
        corrects=corrects if (corrects != NONE).any() else None,
        first=first,
    )
    if recorded and (a["fold_recorded"] >= 0).any():
        cols.recorded = np.asarray(a["fold_recorded"], dtype=np.int64)
    cols.conflicts = [(int(x), int(y)) for x, y in meta.get("conflicts", [])]
    return cols
