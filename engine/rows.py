"""The rows of an answer, read off the spell index: one row per thing and value in force on a
day, or over a period.

A question finds its spells with one vectorized search over the subject's groups
(:meth:`engine.spell_index.SpellIndex.candidates`); the rows themselves — texts, event ids and
sources — are made only when the answer is read (:class:`Deferred`), so a question that is only
counted or filtered costs the search alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np

from .fold.codes import PARTY, STANDINGS
from .spell_index import SpellIndex
from .tracks import Spell, coverage, day_window

__all__ = ["Deferred", "found", "make_rows", "primary"]

T = TypeVar("T")

# (thing, value, first spell, last spell, certainty, during, window, held) -> a row
Make = Callable[..., Any]


class Deferred(Sequence[T], Generic[T]):
    """A sequence made the first time it is read."""

    __slots__ = ("_items", "_make", "keys")

    def __init__(self, make: Callable[[], Sequence[T]], keys: Sequence[str] | None = None):
        self._make: Callable[[], Sequence[T]] | None = make
        self._items: tuple[T, ...] = ()
        self.keys = keys  # the thing of each item, when known before the items are made

    def _get(self) -> tuple[T, ...]:
        if self._make is not None:
            self._items, self._make = tuple(self._make()), None
        return self._items

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i):
        return self._get()[i]

    def __len__(self) -> int:
        return len(self._get())

    def __iter__(self) -> Iterator[T]:
        return iter(self._get())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (Sequence, Deferred)) else other)

    def __hash__(self) -> int:
        return hash(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


def found(index: SpellIndex, g0: int, g1: int, start: int, end: int, keep: frozenset[str] | None):
    """(rows, groups) of the spells of groups [g0, g1) possibly in force in [start, end] whose
    value is kept (``keep``: standings; None keeps all), latest first within a group."""
    rows, groups = index.candidates(g0, g1, start, end)
    if keep is not None and len(rows):
        codes = [STANDINGS.index(k) for k in keep if k in STANDINGS]
        values = index.value[rows]
        mask = values == codes[0] if len(codes) == 1 else np.isin(values, codes)
        mask &= index.family[rows] == PARTY
        rows, groups = rows[mask], groups[mask]
    return rows, groups


def _first_per_value(index: SpellIndex, rows: np.ndarray, groups: np.ndarray):
    """The latest spell of each (group, value): the rows a day's answer shows."""
    if len(groups) < 2 or not (groups[1:] == groups[:-1]).any():
        return rows, groups
    keys = np.stack([groups, index.value[rows], index.value2[rows]], axis=1)
    _, first = np.unique(keys, axis=0, return_index=True)
    first.sort()
    return rows[first], groups[first]


def make_rows(
    index: SpellIndex, g0: int, g1: int, start: int, end: int, make: Make, keep: frozenset[str] | None
) -> tuple[Callable[[], list], list[str] | None]:
    """The search for the rows of groups [g0, g1) on the day ``start`` (= ``end``) or over the
    period [start, end], done now; a function that makes the rows from what it found, and the
    thing of each row when a day's answer knows them already."""
    rows, groups = found(index, g0, g1, start, end, keep)
    if start == end:
        rows, groups = _first_per_value(index, rows, groups)
        certain = (index.cf[rows] <= start) & (start < index.ct[rows])

        def day() -> list:
            spells = index.spells(rows) if len(rows) else []
            return [
                make(
                    index.thing_name(g),
                    s.value,
                    s,
                    s,
                    "certain" if c else "uncertain",
                    None,
                    day_window(s, start),
                    None,
                )
                for g, s, c in zip(groups.tolist(), spells, certain.tolist(), strict=True)
            ]

        texts = index.words.texts
        return day, [texts[c] for c in index.group_thing[groups].tolist()]

    def period() -> list:
        spells = index.spells(rows) if len(rows) else []
        by_group: dict[int, list[Spell]] = {}
        for g, s in zip(groups.tolist(), spells, strict=True):
            by_group.setdefault(g, []).append(s)
        out = []
        for g, candidates in by_group.items():
            for cov in coverage(candidates, start, end):
                held = (cov.held_certainly, cov.held_possibly)
                out.append(
                    make(
                        index.thing_name(g), cov.value, cov.first, cov.last, cov.certainty, cov.during, cov.window, held
                    )
                )
        return out

    return period, None


def primary_rows(index: SpellIndex, g0: int, g1: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """(groups, rows): for each group of [g0, g1) with a spell possibly in force on ``day``, the
    latest such spell (every transition that may have happened by then taken as done)."""
    rows, groups = index.candidates(g0, g1, day, day)
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    return groups[first], rows[first]


def primary(index: SpellIndex, g0: int, g1: int, day: int) -> dict[str, Any]:
    """{thing: the value in force on ``day``} for groups [g0, g1) (see :func:`primary_rows`)."""
    groups, rows = primary_rows(index, g0, g1, day)
    return {index.thing_name(g): index.value_of(r) for g, r in zip(groups.tolist(), rows.tolist(), strict=True)}


def changed(index: SpellIndex, g0: int, g1: int, a: int, b: int) -> list[tuple[str, Any, Any]]:
    """(thing, value on day ``a``, value on day ``b``) for the things of groups [g0, g1) whose
    value differs between the days (None: nothing in force), in the order of their names: what
    :func:`primary` on both days would show apart, with Python objects made only for those."""
    ga, ra = primary_rows(index, g0, g1, a)
    gb, rb = primary_rows(index, g0, g1, b)
    groups = np.union1d(ga, gb)
    key_a, key_b = np.full(len(groups), -1, dtype=np.int64), np.full(len(groups), -1, dtype=np.int64)
    row_a, row_b = np.full(len(groups), -1, dtype=np.int64), np.full(len(groups), -1, dtype=np.int64)
    for g, r, key, row in ((ga, ra, key_a, row_a), (gb, rb, key_b, row_b)):
        at = groups.searchsorted(g)
        key[at] = (index.value[r].astype(np.int64) << 32) | (index.value2[r].astype(np.int64) + 1)
        row[at] = r
    out = []
    for i in np.flatnonzero(key_a != key_b).tolist():
        x, y = int(row_a[i]), int(row_b[i])
        out.append(
            (
                index.thing_name(int(groups[i])),
                index.value_of(x) if x >= 0 else None,
                index.value_of(y) if y >= 0 else None,
            )
        )
    return out
