"""Rows as typed Arrow tables, pandas and polars frames, and HTML tables for notebooks.

:func:`arrow_table` types each declared column by its kind (:data:`Columns`): an EDTF text gets
``_day``, ``_lo`` and ``_hi`` DATE columns beside it, a window its ``_from`` and ``_to`` days, and
so on; a field no answer declared gets a type guessed from its values. The answers' frames
(``engine.frames``) declare their columns and call these. pyarrow is imported when first used;
pandas and polars come with the ``frames`` extra (``pip install 'timeline-engine[frames]'``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..events.dates import parse_date
from ..events.errors import BadDate, TimelineError
from .lazy import LazyModule

# pyarrow takes ~0.15 s to import: only a question turned into a frame pays for it
pa: Any = LazyModule("pyarrow")

__all__ = ["Columns", "MissingExtra", "arrow_table", "html_table", "to_pandas", "to_polars"]

EXTRA_HINT = "pip install 'timeline-engine[frames]'"
HTML_ROWS = 60  # rows shown by _repr_html_ before "… more rows"

# Column kinds: "text", "edtf" (EDTF text + _day/_lo/_hi), "day" (an ISO day), "int", "bool",
# "texts" (a list of text), "window" (a {from, to} object), "sources" (a list of sources),
# "json" (anything else: kept as JSON text), "instant" (a timestamp).
Columns = Sequence[tuple[str, str]]

_SOURCE_FIELDS = ("title", "ref", "quote", "url", "page")


def _source_type() -> Any:
    """The Arrow type of one source: a struct of texts."""
    return pa.struct([(f, pa.string()) for f in _SOURCE_FIELDS])


class MissingExtra(TimelineError, ImportError):
    """pandas or polars is not installed."""


@lru_cache(maxsize=65536)
def _bounds(text: str) -> tuple[date | None, date | None]:
    try:
        when = parse_date(text)
    except BadDate:
        return None, None
    return when.lo, when.hi


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _instant(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _arrays(name: str, kind: str, values: list[Any]) -> list[tuple[str, pa.Array]]:
    """The Arrow column(s) for one field of the rows."""
    if kind == "edtf":
        texts = [None if v is None else str(v) for v in values]
        bounds = [_bounds(t) if t else (None, None) for t in texts]
        return [
            (name, pa.array(texts, pa.string())),
            (f"{name}_day", pa.array([lo if lo is not None and lo == hi else None for lo, hi in bounds], pa.date32())),
            (f"{name}_lo", pa.array([lo for lo, _ in bounds], pa.date32())),
            (f"{name}_hi", pa.array([hi for _, hi in bounds], pa.date32())),
        ]
    if kind == "window":
        windows = [v if isinstance(v, Mapping) else {} for v in values]
        return [
            (f"{name}_from", pa.array([_day(w.get("from")) for w in windows], pa.date32())),
            (f"{name}_to", pa.array([_day(w.get("to")) for w in windows], pa.date32())),
        ]
    if kind == "day":
        return [(name, pa.array([_day(v) for v in values], pa.date32()))]
    if kind == "instant":
        return [(name, pa.array([_instant(v) for v in values], pa.timestamp("us", tz="UTC")))]
    if kind == "int":
        return [(name, pa.array(values, pa.int64()))]
    if kind == "float":
        return [(name, pa.array(values, pa.float64()))]
    if kind == "bool":
        return [(name, pa.array(values, pa.bool_()))]
    if kind == "texts":
        return [(name, pa.array([None if v is None else [str(x) for x in v] for v in values], pa.list_(pa.string())))]
    if kind == "sources":
        rows = [
            None
            if v is None
            else [{k: (None if s.get(k) is None else str(s.get(k))) for k in _SOURCE_FIELDS} for s in v]
            for v in values
        ]
        return [(name, pa.array(rows, pa.list_(_source_type())))]
    if kind == "json":
        return [(name, pa.array([_json_text(v) for v in values], pa.string()))]
    return [(name, pa.array([None if v is None else str(v) for v in values], pa.string()))]


def _guess(values: list[Any]) -> str:
    """The kind of a column no answer declared (a field another version added)."""
    present = [v for v in values if v is not None]
    if not present:
        return "text"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if all(isinstance(v, float | int) and not isinstance(v, bool) for v in present):
        return "float"
    if all(isinstance(v, str) for v in present):
        return "text"
    if all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        return "texts"
    return "json"


def arrow_table(records: Iterable[Mapping[str, Any]], columns: Columns = ()) -> pa.Table:
    """An Arrow table of ``records`` with the declared ``columns`` first (typed by kind), then any
    other field the records carry (its type guessed)."""
    rows = list(records)
    declared = {name for name, _ in columns}
    extra: dict[str, None] = {}
    for r in rows:
        for k in r:
            if k not in declared:
                extra.setdefault(k)
    names: list[str] = []
    arrays: list[pa.Array] = []
    for name, kind in list(columns) + [(k, "") for k in extra]:
        values = [r.get(name) for r in rows]
        for n, a in _arrays(name, kind or _guess(values), values):
            names.append(n)
            arrays.append(a)
    return pa.Table.from_arrays(arrays, names=names)


# -- pandas and polars --------------------------------------------------------------------
def _need(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(f"{module} is not installed: {EXTRA_HINT}") from None


def to_pandas(table: pa.Table):
    """A pandas frame with typed columns: datetime64 for dates, nullable Int64/boolean, strings."""
    pd = _need("pandas")
    mapping = {
        pa.int8(): pd.Int8Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
    }
    return table.to_pandas(date_as_object=False, types_mapper=mapping.get)


def to_polars(table: pa.Table):
    pl = _need("polars")
    return pl.from_arrow(table)


# -- HTML -----------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return html.escape("; ".join(_plain(v) for v in value))
    return html.escape(_plain(value))


def _plain(value: Any) -> str:
    if isinstance(value, Mapping) and set(value) == {"from", "to"}:
        return f"{value['from']}..{value['to']}"
    if isinstance(value, Mapping) and not ({"title", "ref"} & set(value)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Mapping):
        ref = value.get("ref") or ""
        return str(value.get("title") or ref) + (f" ({ref})" if value.get("title") and ref else "")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def html_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, caption: str = "", limit: int = HTML_ROWS
) -> str:
    """An HTML table of rows (the fields as text, lists joined by ``;``), at most ``limit`` rows."""
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            for k in r:
                seen.setdefault(k)
        columns = list(seen)
    out = ['<table class="timeline-engine">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr></thead><tbody>")
    for r in rows[:limit]:
        out.append("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>")
    out.append("</tbody></table>")
    if len(rows) > limit:
        out.append(f"<p>… {len(rows) - limit} more rows ({len(rows)} in all): use .to_pandas() to see them all</p>")
    elif not rows:
        out.append("<p>(no rows)</p>")
    return "".join(out)
