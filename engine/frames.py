"""Answers as data frames: Arrow tables, pandas and polars frames, and HTML tables for notebooks.

Every answer of the engine (``members``, ``state``, ``diff``, ``explain``, ``history``, the
aggregates, ``compare``, panels) mixes in :class:`Frames` and so has ``.to_arrow()``,
``.to_pandas()``, ``.to_polars()`` and ``_repr_html_``. The rows are those of the answer's JSON
(``to_json()``), with typed columns beside the text (made by ``engine.arrow_tables``):

* an EDTF date column ``since`` (text, as written) gets ``since_day`` (DATE, set only when the
  text names one day), ``since_lo`` and ``since_hi`` (DATE: the first and last day it can mean);
* a ``window`` (the days a row covers) becomes ``window_from`` and ``window_to`` (DATE);
* ISO dates (``from``/``to`` of a comparison) are DATE, counts are integers, lists are lists.

pyarrow is a dependency; pandas and polars come with the ``frames`` extra
(``pip install 'timeline-engine[frames]'``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..events.codec import event_to_record
from ..events.errors import TimelineError
from .arrow_tables import Columns, arrow_table, html_table, to_pandas, to_polars
from .lazy import LazyModule

pa: Any = LazyModule("pyarrow")

__all__ = [
    "EDTF_FIELDS",
    "EVENT_COLUMNS",
    "Columns",  # the column kinds an answer declares (engine.arrow_tables); aggregates take it from here
    "ComparisonFrames",
    "DiffFrames",
    "Events",
    "ExplanationFrames",
    "Frames",
    "MembersFrames",
    "RowList",
    "StateFrames",
    "to_arrow",
]

EDTF_FIELDS = ("date", "effective", "since", "until", "founded", "dissolved", "entered_into_force")


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
