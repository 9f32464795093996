"""Change points of one thing over time, and what they say on a day or over a period.

A *track* is the sequence of transitions of one (subject, party), (subject, office) or
(subject, body), in replay order. Each transition happened on some day between ``lo`` and
``hi`` (its EDTF interval, as day numbers). Between two transitions a value holds: that is a
*spell*. A spell is possibly in force from its transition's ``lo`` to the day before the
next transition's ``hi``, and certainly in force from its transition's ``hi`` to the day
before the next transition's ``lo``. The spells live packed in ``engine.spell_index``; a track is one
thing's view of them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

if TYPE_CHECKING:
    from .spell_index import SpellIndex

__all__ = ["EPOCH", "FOREVER", "Coverage", "Spell", "Track", "coverage"]

# Days are ordinals (``date.toordinal``); a spell's ``*_to`` is exclusive and FOREVER means open.
# DuckDB's and numpy's day numbers count from 1970-01-01: ``ordinal - EPOCH``.
FOREVER = date(9999, 12, 31).toordinal() + 1
EPOCH = date(1970, 1, 1).toordinal()


@attrs.frozen
class Spell:
    """A value in force between two transitions (days as ordinals; ``*_to`` exclusive)."""

    value: Any
    since: str
    until: str | None
    event_id: str
    next_event_id: str | None
    possible_from: int
    certain_from: int
    certain_to: int
    possible_to: int

    def certain_on(self, day: int) -> bool:
        return self.certain_from <= day < self.certain_to


@attrs.frozen
class Coverage:
    """How one value covers a period: ``during`` all or part, ``certainty``, first and last spell."""

    value: Any
    during: str
    certainty: str
    first: Spell
    last: Spell
    window: tuple[int, int] | None
    held_certainly: str = "none"  # all, part or none of the period's days certainly
    held_possibly: str = "part"  # all or part of them possibly


class Track:
    """The spells of one thing (a group of a :class:`engine.spell_index.SpellIndex`), searched there."""

    __slots__ = ("_made", "group", "index")

    def __init__(self, index: SpellIndex, group: int):
        self.index = index
        self.group = group
        self._made: dict[int, Spell] = {}  # spells made from the index, by row: asked again, reused

    @property
    def spells(self) -> list[Spell]:
        """Every spell of the thing, in replay order."""
        gs = self.index.group_start
        return self.index.spells(np.arange(int(gs[self.group]), int(gs[self.group + 1])))

    def _candidates(self, start: int, end: int) -> list[Spell]:
        """Spells possibly in force on some day of [start, end], latest first."""
        rows, _ = self.index.candidates(self.group, self.group + 1, start, end)
        made = self._made
        missing = [r for r in rows.tolist() if r not in made]
        if missing:
            made.update(zip(missing, self.index.spells(missing), strict=True))
        return [made[r] for r in rows.tolist()]

    def latest_on(self, days: np.ndarray | Sequence[int]) -> list[Spell | None]:
        """For each day, the latest spell possibly in force on it (the first of :meth:`on`), or
        None: many days searched at once."""
        rows = self.index.latest_on(self.group, np.asarray(days, dtype=np.int64)).tolist()
        made = self._made
        missing = sorted({r for r in rows if r >= 0 and r not in made})
        if missing:
            made.update(zip(missing, self.index.spells(missing), strict=True))
        return [made[r] if r >= 0 else None for r in rows]

    def on(self, day: int) -> list[tuple[Spell, bool]]:
        """(spell, certain) for each value possibly in force on ``day``, latest first."""
        return [(s, s.certain_on(day)) for s in self._candidates(day, day)]

    def over(self, start: int, end: int) -> list[Coverage]:
        """How each value covers the period [start, end] (inclusive day numbers)."""
        return coverage(self._candidates(start, end), start, end)


def coverage(candidates: list[Spell], start: int, end: int) -> list[Coverage]:
    """How each value of one thing covers the period [start, end], from the spells possibly in
    force in it (latest first): ``during`` all or part, certainty, the days held for certain and
    possibly, and the window of the transitions that make it uncertain."""
    by_value: dict[Hashable, list[Spell]] = {}
    for s in candidates:
        by_value.setdefault(s.value, []).insert(0, s)
    out = []
    length = end - start + 1
    for spells in by_value.values():
        possible = _union([(max(s.possible_from, start), min(s.possible_to, end + 1)) for s in spells])
        certain = _union([(max(s.certain_from, start), min(s.certain_to, end + 1)) for s in spells])
        n_possible = sum(b - a for a, b in possible)
        n_certain = sum(b - a for a, b in certain)
        if n_certain == length:
            during, certainty = "all", "certain"
        elif n_certain > 0 and n_possible < length:
            during, certainty = "part", "certain"
        elif n_possible == length:
            during, certainty = "all", "uncertain"
        else:
            during, certainty = "part", "uncertain"
        window = None
        if certainty == "uncertain" or (during == "part" and n_possible != n_certain):
            window = _uncertain_window(spells, start, end)
        held_certainly = "all" if n_certain == length else "part" if n_certain > 0 else "none"
        held_possibly = "all" if n_possible == length else "part"
        out.append(
            Coverage(spells[0].value, during, certainty, spells[0], spells[-1], window, held_certainly, held_possibly)
        )
    return out


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(i for i in intervals if i[0] < i[1]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _uncertain_window(spells: list[Spell], start: int, end: int) -> tuple[int, int] | None:
    """The first and last day of the transitions whose uncertainty touches [start, end]
    (each transition's EDTF interval, ends included)."""
    parts = []
    for s in spells:
        if s.possible_from < s.certain_from:
            parts.append((s.possible_from, s.certain_from))
        if s.certain_to < s.possible_to and s.possible_to < FOREVER:
            parts.append((s.certain_to, s.possible_to))
        if s.certain_from >= s.certain_to:
            parts.append((s.possible_from, min(s.possible_to, FOREVER - 1)))
    parts = [(a, b) for a, b in parts if a <= end and b >= start]
    if not parts:
        return None
    return min(a for a, _ in parts), max(b for _, b in parts)


def day_window(spell: Spell, day: int) -> tuple[int, int] | None:
    """The interval of the transition that makes ``day`` uncertain for this spell, ends included."""
    if spell.certain_on(day):
        return None
    if day < spell.certain_from:
        return spell.possible_from, spell.certain_from
    return spell.certain_to, spell.possible_to
