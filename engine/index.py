"""The party spells of a fold, indexed for as-of questions: one group per (subject, party),
searched with ``np.searchsorted`` — members of one subject on a day, the diff of one subject
between two days, every subject's members on a day, members per year for every subject.
"""

from __future__ import annotations

import numpy as np

from .fold.codes import FOREVER, PARTY, TREATY, V
from .fold.spells import Spells

__all__ = ["PartyIndex"]

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
        self._full = np.where(kinds == TREATY, V["party"], V["member"]).astype(np.int32)
        self._by_length: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._years: tuple[np.ndarray, ...] | None = None

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
