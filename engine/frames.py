"""Answers as data frames: Arrow tables, pandas and polars frames, and HTML tables for notebooks.

Every answer of the engine (``members``, ``state``, ``diff``, ``explain``, ``history``, the
aggregates, ``compare``, panels) mixes in :class:`Frames` and so has ``.to_arrow()``,
``.to_pandas()``, ``.to_polars()`` and ``_repr_html_``. The rows are those of the answer's JSON
(``to_json()``), with typed columns beside the text:

* an EDTF date column ``since`` (text, as written) gets ``since_day`` (DATE, set only when the
  text names one day), ``since_lo`` and ``since_hi`` (DATE: the first and last day it can mean);
* a ``window`` (the days a row covers) becomes ``window_from`` and ``window_to`` (DATE);
* ISO dates (``from``/``to`` of a comparison) are DATE, counts are integers, lists are lists.

pyarrow is a dependency; pandas and polars come with the ``frames`` extra
(``pip install 'timeline-engine[frames]'``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..events.codec import event_to_record
from ..events.dates import parse_date
from ..events.errors import BadDate, TimelineError
from .lazy import LazyModule

# pyarrow takes ~0.15 s to import: only a question turned into a frame pays for it
pa: Any = LazyModule("pyarrow")

__all__ = [
    "EDTF_FIELDS",
    "EVENT_COLUMNS",
    "ComparisonFrames",
    "DiffFrames",
    "Events",
    "ExplanationFrames",
    "Frames",
    "MembersFrames",
    "MissingExtra",
    "RowList",
    "StateFrames",
    "arrow_table",
    "html_table",
    "to_arrow",
    "to_pandas",
    "to_polars",
]

EXTRA_HINT = "pip install 'timeline-engine[frames]'"
EDTF_FIELDS = ("date", "effective", "since", "until", "founded", "dissolved", "entered_into_force")
HTML_ROWS = 60  # rows shown by _repr_html_ before "… more rows"

# Column kinds: "text", "edtf" (EDTF text + _day/_lo/_hi), "day" (an ISO day), "int", "bool",
# "texts" (a list of text), "window" (a {from, to} object), "sources" (a list of sources),
# "json" (anything else: kept as JSON text), "instant" (a timestamp).
Columns = Sequence[tuple[str, str]]

_SOURCE_FIELDS = ("title", "ref", "quote", "url", "page")


def _source_type() -> Any:
    """The Arrow type of one source: a struct of texts."""
    return pa.struct([(f, pa.string()) for f in _SOURCE_FIELDS])


EVENT_COLUMNS: Columns = (
    ("id", "text"),
    ("date", "edtf"),
    ("subject", "text"),
    ("kind", "text"),
    ("party", "text"),
    ("status", "text"),
    ("office", "text"),
    ("holder", "text"),
    ("nationality", "text"),
    ("body", "text"),
    ("name", "text"),
    ("subject_kind", "text"),
    ("predecessor", "text"),
    ("effective", "edtf"),
    ("retracts", "text"),
    ("corrects", "text"),
    ("sources", "sources"),
    ("recorded", "instant"),
    ("note", "text"),
)


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


class Frames:
    """What makes an answer a frame: a class gives :meth:`_frame` (its rows and column kinds) and
    may give :meth:`_frame_caption` and :meth:`_html_parts`."""

    __slots__ = ()

    def _frame(self, part: str | None = None) -> tuple[list[Mapping[str, Any]], Columns]:
        """By default the rows of the answer's JSON: the list itself, or the list of rows named
        ``part`` in it (the only list of rows when ``part`` is not given); columns typed by guess,
        EDTF columns among :data:`EDTF_FIELDS` typed as EDTF."""
        payload = self.to_json()  # type: ignore[attr-defined]
        if isinstance(payload, Mapping):
            lists = {k: v for k, v in payload.items() if isinstance(v, list) and all(isinstance(r, Mapping) for r in v)}
            if part is None and len(lists) == 1:
                part = next(iter(lists))
            if part not in lists:
                raise _bad_part(str(part), lists)
            payload = lists[part]
        rows: list[Mapping[str, Any]] = [dict(r) for r in payload]
        names = {k for r in rows for k in r}
        return rows, tuple((n, "edtf") for n in EDTF_FIELDS if n in names)

    def _frame_caption(self) -> str:
        return ""

    def _html_parts(self) -> list[tuple[str, list[Mapping[str, Any]], list[str]]]:
        """(caption, rows, columns) for each table the answer shows in a notebook."""
        rows, columns = self._frame()
        names = [n for n, _ in columns]
        names += [k for k in dict.fromkeys(k for r in rows for k in r) if k not in names]
        return [(self._frame_caption(), list(rows), names)]

    def to_arrow(self, part: str | None = None) -> pa.Table:
        """The answer as an Arrow table (typed date columns beside each EDTF text)."""
        rows, columns = self._frame(part)
        return arrow_table(rows, columns)

    def to_pandas(self, part: str | None = None):
        """The answer as a pandas frame (needs the ``frames`` extra)."""
        return to_pandas(self.to_arrow(part))

    def to_polars(self, part: str | None = None):
        """The answer as a polars frame (needs the ``frames`` extra)."""
        return to_polars(self.to_arrow(part))

    def _repr_html_(self) -> str:
        parts = []
        for caption, rows, columns in self._html_parts():
            if columns:
                present = {k for r in rows for k in r}
                columns = [c for c in columns if c in present or not rows]
            parts.append(html_table(rows, columns, caption))
        return "".join(parts)


class RowList(list, Frames):
    """A list of rows (dicts) that is also a frame: the aggregates' answers. It is the list the
    JSON output prints (``to_json()``), with typed columns declared by ``columns``."""

    def __init__(self, rows: Iterable[Mapping[str, Any]] = (), columns: Columns = (), caption: str = ""):
        super().__init__(rows)
        self.columns = tuple(columns)
        self.caption = caption

    def to_json(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self]

    def _frame(self, part: str | None = None):
        return list(self), self.columns

    def _frame_caption(self) -> str:
        return self.caption


class Events(list, Frames):
    """Events (``history``, ``log``) as a list that is also a frame, one row per event."""

    def __init__(self, events: Iterable[Any] = (), caption: str = ""):
        super().__init__(events)
        self.caption = caption

    def to_json(self) -> list[dict[str, Any]]:
        return [event_to_record(e) for e in self]

    def _frame(self, part: str | None = None):
        return self.to_json(), EVENT_COLUMNS

    def _frame_caption(self) -> str:
        return self.caption

    def _html_parts(self):
        return [
            (
                self.caption,
                self.to_json(),
                ["id", "date", "subject", "kind", "party", "status", "office", "holder", "sources"],
            )
        ]


def to_arrow(answer: Any, part: str | None = None) -> pa.Table:
    """Any answer as an Arrow table; also a plain list of events (``Timeline.history``) or of rows."""
    if isinstance(answer, Frames):
        return answer.to_arrow(part)
    items = list(answer)
    if items and all(hasattr(e, "kind") and hasattr(e, "sources") for e in items):
        return Events(items).to_arrow()
    return arrow_table([dict(r) for r in items])


# -- the answers' frames: rows and column kinds of each answer class in engine.answers -------
MEMBER_COLUMNS: Columns = (
    ("party", "text"),
    ("name", "text"),
    ("standing", "text"),
    ("since", "edtf"),
    ("until", "edtf"),
    ("certainty", "text"),
    ("during", "text"),
    ("window", "window"),
)
OFFICE_COLUMNS: Columns = (
    ("office", "text"),
    ("holder", "text"),
    ("nationality", "text"),
    ("since", "edtf"),
    ("until", "edtf"),
    ("certainty", "text"),
    ("during", "text"),
    ("window", "window"),
)
BODY_COLUMNS: Columns = (
    ("body", "text"),
    ("name", "text"),
    ("since", "edtf"),
    ("until", "edtf"),
    ("certainty", "text"),
    ("during", "text"),
    ("window", "window"),
)
DIFF_COLUMNS: Columns = (("change", "text"), ("party", "text"), ("office", "text"), ("from", "text"), ("to", "text"))
CHAIN_COLUMNS: Columns = (*EVENT_COLUMNS, ("role", "text"))
_STATE_PARTS = {"members": MEMBER_COLUMNS, "offices": OFFICE_COLUMNS, "bodies": BODY_COLUMNS}


def _with_until(rows) -> list[dict[str, Any]]:
    """Rows as in JSON, with ``until`` (which the JSON of an office row leaves out) for the frame."""
    return [{**r.to_json(), "until": r.until} for r in rows]


def _names(columns: Columns) -> list[str]:
    return [n for n, _ in columns]


def _bad_part(part: str, expected: Iterable[str]) -> TimelineError:
    return TimelineError(f"part {part!r}: expected {' or '.join(expected)}")


class MembersFrames(Frames):
    """``Members``: one row per party (the rows of its JSON)."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        return _with_until(self.rows), MEMBER_COLUMNS  # type: ignore[attr-defined]

    def _frame_caption(self) -> str:
        return f"{self.answered_for} on {self.on}" + "".join(f" — {n}" for n in self.notes)  # type: ignore[attr-defined]


MEMBERSHIP_COLUMNS: Columns = (
    ("subject", "text"),
    ("name", "text"),
    ("standing", "text"),
    ("since", "edtf"),
    ("until", "edtf"),
    ("certainty", "text"),
)


class MembershipsFrames(Frames):
    """``Memberships``: one row per subject the party stood in (the rows of its JSON)."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        return _with_until(self.rows), MEMBERSHIP_COLUMNS  # type: ignore[attr-defined]

    def _frame_caption(self) -> str:
        return f"{self.name} ({self.party}) on {self.on}"  # type: ignore[attr-defined]


class StateFrames(Frames):
    """``State``: its ``members`` by default; ``part="offices"`` or ``"bodies"`` for the others."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        part = part or "members"
        if part not in _STATE_PARTS:
            raise _bad_part(part, _STATE_PARTS)
        return _with_until(getattr(self, part)), _STATE_PARTS[part]

    def _html_parts(self):
        head = f"{self.answered_for} on {self.on}"  # type: ignore[attr-defined]
        return [(f"{head}: {part}", self._frame(part)[0], _names(cols)) for part, cols in _STATE_PARTS.items()]


class DiffFrames(Frames):
    """``Diff``: one row per change (``joined``, ``left``, ``changed``, ``office``), ``from`` and ``to``."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        rows: list[dict[str, Any]] = []
        rows += [{"change": "joined", "party": r["party"], "to": r["standing"]} for r in self.joined]  # type: ignore[attr-defined]
        rows += [{"change": "left", "party": r["party"], "from": r["standing"]} for r in self.left]  # type: ignore[attr-defined]
        rows += [{"change": "changed", "party": r["party"], "from": r["from"], "to": r["to"]} for r in self.changed]  # type: ignore[attr-defined]
        rows += [{"change": "office", "office": r["office"], "from": r["from"], "to": r["to"]} for r in self.offices]  # type: ignore[attr-defined]
        return rows, DIFF_COLUMNS

    def _frame_caption(self) -> str:
        return f"{self.subject}: {self.from_} → {self.to}"  # type: ignore[attr-defined]


class ExplanationFrames(Frames):
    """``Explanation``: the chain of events (one row per event, sources as a list); ``part="standing"``
    for the standing rows."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        part = part or "chain"
        if part == "standing":
            return _with_until(self.rows), MEMBER_COLUMNS  # type: ignore[attr-defined]
        if part != "chain":
            raise _bad_part(part, ("chain", "standing"))
        return [dict(r) for r in self.chain], CHAIN_COLUMNS  # type: ignore[attr-defined]

    def _html_parts(self):
        head = f"{self.answered_for} / {self.party} ({self.name}) on {self.on}"  # type: ignore[attr-defined]
        return [
            (head, self._frame("standing")[0], _names(MEMBER_COLUMNS)),
            (
                "chain of events",
                self._frame("chain")[0],
                ["id", "date", "kind", "status", "effective", "role", "sources"],
            ),
        ]


COMPARISON_COLUMNS: Columns = (
    ("subject", "text"),
    ("party", "text"),
    ("name", "text"),
    ("from", "day"),
    ("to", "day"),
    ("a", "texts"),
    ("b", "texts"),
    ("certainty", "text"),
    ("a_events", "texts"),
    ("b_events", "texts"),
)


class ComparisonFrames(Frames):
    """``Comparison``: one row per disagreement, the events each side rests on by id."""

    __slots__ = ()

    def _frame(self, part: str | None = None):
        rows = []
        for d in self.disagreements:  # type: ignore[attr-defined]
            row = d.to_json()
            row["a_events"] = [e.id for e in d.a_events]
            row["b_events"] = [e.id for e in d.b_events]
            rows.append(row)
        return rows, COMPARISON_COLUMNS

    def _frame_caption(self) -> str:
        return f"{self.subject}: " + "; ".join(self.notes)  # type: ignore[attr-defined]
