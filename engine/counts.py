"""Questions about every subject at once, over the spell index's party rows: each subject's
parties on a day, and how many parties held a standing per year or decade.

"Possibly on a day" is the index's meaning (``possible_from <= day < possible_to``); "at some
time in a period" is possibly on some day of it; "the whole period" is certainly on every day of
it (by one spell). ``engine.aggregates`` (``stats``) and ``Timeline.members_per_year`` count
with :func:`per_period`; ``Timeline.rosters`` lists with :func:`on_day`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs
import numpy as np

from .fold.codes import FOREVER, PARTY, TREATY, V
from .spell_index import SpellIndex
from .tracks import EPOCH

__all__ = ["PerYear", "Periods", "Rosters", "on_day", "per_period", "shared_per_period", "standings_of"]

_OPEN = 31  # the length class of open-ended spells (finite ones are < 2**23 days)


class _Parties:
    """The party rows of an index with their group, and the full standing of each row's subject."""

    def __init__(self, index: SpellIndex):
        rows = np.flatnonzero(np.asarray(index.family) == PARTY)
        group = np.repeat(np.arange(len(index.group_start) - 1), np.diff(np.asarray(index.group_start)))
        self.rows, self.group = rows, group[rows]
        kind = np.asarray(index.life)[:, 3]
        full = np.where(kind == TREATY, V["party"], V["member"])
        self.subject = np.asarray(index.subject)[rows].astype(np.int64)
        self.full = full[self.subject]
        self.value = np.asarray(index.value)[rows]
        self.pf, self.pt = np.asarray(index.pf)[rows], np.asarray(index.pt)[rows]
        self.cf, self.ct = np.asarray(index.cf)[rows], np.asarray(index.ct)[rows]
        self.classes: list | None = None


def _parties(index: SpellIndex) -> _Parties:
    found = index.cache.get("parties")
    if not isinstance(found, _Parties):
        found = index.cache["parties"] = _Parties(index)
    return found


def on_day(index: SpellIndex, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Every subject's full participants possibly on ``day``: (subject codes, party codes), one
    pair per (subject, party), sorted by group."""
    p = _parties(index)
    if p.classes is None:
        # full-standing spells in classes by length (powers of two, open-ended apart), each sorted
        # by possible_from: a spell of class c can cover a day only if it began after day - 2**c
        sel = np.flatnonzero(p.value == p.full)
        pf, pt = p.pf[sel].astype(np.int64), p.pt[sel].astype(np.int64)
        cls = np.where(pt >= FOREVER, _OPEN, np.ceil(np.log2(np.maximum(pt - pf, 1))).astype(np.int64))
        order = np.lexsort((pf, cls))
        sel, cls = sel[order], cls[order]
        bounds = np.searchsorted(cls, np.arange(_OPEN + 2))
        p.classes = [
            (c, p.pf[sel[a:b]], p.pt[sel[a:b]], p.group[sel[a:b]])
            for c, a, b in zip(range(_OPEN + 1), bounds[:-1].tolist(), bounds[1:].tolist(), strict=False)
            if a < b
        ]
    mark = np.zeros(len(index.group_start) - 1, dtype=bool)
    for c, pf, pt, grp in p.classes:
        b = pf.searchsorted(day, side="right")
        if c == _OPEN:
            mark[grp[:b]] = True
            continue
        a = pf.searchsorted(day - (1 << c), side="right")
        mark[grp[a:b][pt[a:b] > day]] = True
    groups = np.flatnonzero(mark)
    first = np.asarray(index.group_start)[groups]
    return np.asarray(index.subject)[first], np.asarray(index.group_thing)[groups]


@attrs.frozen
class Periods:
    """Periods of ``step`` years from ``first`` to ``last`` (``first`` as given: a caller that
    wants decades aligns it), cut at ``until`` (the day after the last day the record covers: a
    period beginning after it is left out, the one running past it ends there). Days as ordinals;
    ``ends`` exclusive."""

    years: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, first: int, last: int, step: int = 1, until: int = FOREVER) -> Periods:
        years = np.arange(first, last + 1, step, dtype=np.int64)
        starts = _jan1(years)
        keep = starts < until
        years, starts = years[keep], starts[keep]
        ends = np.minimum(_jan1(years + step), until)
        return cls(years, starts, ends)

    def __len__(self) -> int:
        return len(self.years)

    def touched(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The first and last period (indices, inclusive) that the intervals [lo, hi) meet."""
        return self.ends.searchsorted(lo, side="right"), self.starts.searchsorted(hi, side="left") - 1

    def within(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The first and last period (indices, inclusive) wholly inside the intervals [lo, hi)."""
        return self.starts.searchsorted(lo, side="left"), self.ends.searchsorted(hi, side="right") - 1


def per_period(
    index: SpellIndex,
    periods: Periods,
    subject: str | None = None,
    standing: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(any_time, whole_period), arrays [subject code, period]: the parties that held the
    standing (its code; by default each subject's full standing) possibly on some day of the
    period, and certainly on every day of it (by one spell). With ``subject``, only its rows
    count, and the arrays have that one row."""
    p = _parties(index)
    a, b = 0, len(p.subject)
    if subject is not None:  # rows are sorted by subject
        code = index.subject_code(subject)
        a, b = int(p.subject.searchsorted(code)), int(p.subject.searchsorted(code, side="right"))
    want = p.full[a:b] if standing is None else standing
    sel = np.flatnonzero(p.value[a:b] == want) + a
    g = p.group[sel].astype(np.int64)
    pf, pt, cf, ct = p.pf[sel], p.pt[sel], p.cf[sel], p.ct[sel]
    width = len(periods)
    # at some time: the periods a spell may touch, from the first one after the periods its
    # group's earlier spells touched (a party counts once a period; a group's spells are in order)
    a_lo, a_hi = periods.touched(pf, pt)
    big = np.int64(1 << 24)
    reach = np.maximum.accumulate(g * big + a_hi) - g * big if len(g) else a_hi
    prev = np.full(len(g), -(1 << 30), dtype=np.int64)
    prev[1:] = reach[:-1]
    new = np.ones(len(g), dtype=bool)
    new[1:] = g[1:] != g[:-1]
    prev[new] = -(1 << 30)
    a_lo = np.maximum(a_lo, prev + 1)
    w_lo, w_hi = periods.within(cf, ct)
    nsub = len(index.words.texts) if subject is None else 1
    rows = p.subject[sel].astype(np.int64) if subject is None else np.zeros(len(sel), dtype=np.int64)
    return _spread(rows, a_lo, a_hi, width, nsub), _spread(rows, w_lo, w_hi, width, nsub)


def shared_per_period(index: SpellIndex, periods: Periods, a: str, b: str) -> tuple[list[list[str]], np.ndarray]:
    """Per period: the parties that were possibly full participants of both ``a`` and ``b`` on a
    common day of it (names, sorted), and how many certainly were (on a common day)."""
    p = _parties(index)

    def full_rows(sid: str) -> np.ndarray:
        code = index.subject_code(sid)
        lo, hi = p.subject.searchsorted(code), p.subject.searchsorted(code, side="right")
        return np.flatnonzero(p.value[lo:hi] == p.full[lo:hi]) + lo

    xs, ys = full_rows(a), full_rows(b)
    tx, ty = np.asarray(index.group_thing)[p.group[xs]], np.asarray(index.group_thing)[p.group[ys]]
    order = np.argsort(ty, kind="stable")
    ys, ty = ys[order], ty[order]
    first, stop = ty.searchsorted(tx), ty.searchsorted(tx, side="right")
    n = stop - first
    # every pair (x, y) of spells of the same party
    xi = np.repeat(xs, n)
    yi = ys[np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + np.repeat(first, n)]
    thing = np.repeat(tx, n)
    names, local = np.unique(thing, return_inverse=True)
    width = len(periods)

    def marks(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        ok = lo < hi
        f, last = periods.touched(lo[ok], hi[ok])
        return _spread(local[ok].astype(np.int64), f, last, width, len(names)) > 0

    possible = marks(np.maximum(p.pf[xi], p.pf[yi]), np.minimum(p.pt[xi], p.pt[yi]))
    certain = marks(np.maximum(p.cf[xi], p.cf[yi]), np.minimum(p.ct[xi], p.ct[yi]))
    texts = sorted((index.words.texts[c], i) for i, c in enumerate(names.tolist()))
    parties = [[t for t, i in texts if possible[i, k]] for k in range(width)]
    return parties, certain.sum(axis=0)


def standings_of(index: SpellIndex, subject: str) -> list[int]:
    """The standing codes that ``subject``'s parties ever held."""
    p = _parties(index)
    code = index.subject_code(subject)
    a, b = p.subject.searchsorted(code), p.subject.searchsorted(code, side="right")
    return np.unique(p.value[a:b]).tolist()


class Rosters(Mapping[str, list[str]]):
    """Every subject's full participants possibly on one day, {subject: [parties]}, made from two
    arrays (subject and party codes) as subjects are asked for."""

    def __init__(self, index: SpellIndex, day: int):
        self._index = index
        self.subject_codes, self.party_codes = on_day(index, day)
        self._subjects = np.unique(self.subject_codes)

    def __getitem__(self, sid: str) -> list[str]:
        code = self._index.subject_code(sid)
        a, b = self.subject_codes.searchsorted(code), self.subject_codes.searchsorted(code, side="right")
        if a == b:
            raise KeyError(sid)
        return sorted(self._index.words.texts[c] for c in self.party_codes[a:b].tolist())

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._index.words.texts[c] for c in self._subjects.tolist()))

    def __len__(self) -> int:
        return len(self._subjects)


class PerYear:
    """Per subject and year: how many parties held its full standing at some time in the year
    (``any_time``) and certainly all of it (``whole_year``), arrays [subject, year - first]."""

    def __init__(self, index: SpellIndex, first: int, last: int):
        self.first, self.last = first, last
        counts, whole = per_period(index, Periods.of(first, last))
        held = np.flatnonzero(counts.any(axis=1))
        self.subjects = [index.words.texts[c] for c in held.tolist()]
        self.any_time, self.whole_year = counts[held], whole[held]

    def rows(self) -> Iterator[dict[str, object]]:
        """One row per subject and year with any party: subject, year, any_time, whole_year."""
        for i, sid in enumerate(self.subjects):
            for y in np.flatnonzero(self.any_time[i]).tolist():
                a, w = int(self.any_time[i, y]), int(self.whole_year[i, y])
                yield {"subject": sid, "year": self.first + y, "any_time": a, "whole_year": w}


def _spread(rows: np.ndarray, a: np.ndarray, b: np.ndarray, width: int, nrows: int) -> np.ndarray:
    """Counts per [row, period] of the period intervals [a, b] (clipped to [0, width))."""
    lo = np.maximum(a, 0).astype(np.int64)
    hi = np.minimum(b, width - 1).astype(np.int64)
    ok = lo <= hi
    base = rows[ok] * (width + 1)
    diff = np.bincount(base + lo[ok], minlength=nrows * (width + 1))
    diff -= np.bincount(base + hi[ok] + 1, minlength=nrows * (width + 1))
    return np.cumsum(diff.reshape(nrows, width + 1), axis=1)[:, :width]


def _jan1(years: np.ndarray) -> np.ndarray:
    """The ordinal of 1 January of each year."""
    return (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(
        np.int64
    ) + EPOCH
