"""Spells: what holds between two transitions of one thing, as packed arrays.

A spell of a (subject, party), (subject, office) or (subject, body) is possibly in force from
its transition's earliest day to the day before the next transition's latest day, and certainly
in force from its transition's latest day to the day before the next transition's earliest day
(``*_to`` exclusive; FOREVER is open). A dissolution ends every spell of its subject on some day
of its window. Beyond the last day the record covers for a subject (its coverage) nothing is
certain: a spell in force then is certain at most until that day and possible after it (the
queries call that ``unattested``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import numpy as np

from .codes import BODY, FAMILY, FOREVER, OFFICE, PARTY, STANDINGS
from .columns import Columns

__all__ = ["FAMILY_NAMES", "Spells"]

FAMILY_NAMES = {PARTY: "party", OFFICE: "office", BODY: "body"}


@attrs.define
class Spells:
    """Every spell of a log, sorted by (family, subject, thing, replay order).

    ``value`` is a standing code (``codes.STANDINGS``) for parties and a code into
    ``columns.words`` for office holders and body names; ``value2`` the holder's nationality;
    ``event``/``next_event`` are log positions (-1: none)."""

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
    subject_kind: np.ndarray  # per subject code: 0 organization, 1 treaty

    @classmethod
    def build(
        cls,
        cols: Columns,
        o: np.ndarray,
        g: np.ndarray,
        value: np.ndarray,
        dissolved: np.ndarray,
        subject_kind: np.ndarray,
        covered: np.ndarray | None = None,
    ) -> Spells:
        """From the applied events ``o`` (sorted by group ``g`` and replay order) and their values."""
        lo, hi = cols.lo, cols.hi
        m = len(o)
        nxt = np.empty(m, dtype=np.int64)
        nxt[:-1] = o[1:]
        nxt[-1:] = -1
        nxt[:-1][g[1:] != g[:-1]] = -1
        keep = value >= 0
        ev, nx = o[keep].astype(np.int64), nxt[keep]
        has_next = nx >= 0
        nxs = np.where(has_next, nx, 0)
        fam = FAMILY[cols.kind[ev]]
        value2 = np.full(len(ev), -1, dtype=np.int32)
        office = np.flatnonzero(fam == OFFICE)
        value2[office] = cols.nationality[ev[office]]
        ct, pt = lo[nxs].astype(np.int32), hi[nxs].astype(np.int32)
        ct[~has_next] = FOREVER
        pt[~has_next] = FOREVER
        subject = cols.subject[ev]
        if (dissolved >= 0).any():
            # every standing, office and body ends with its subject's dissolution
            end = dissolved[subject]
            cut = np.flatnonzero(end >= 0)
            e = end[cut]
            e_lo, e_hi = lo[e], hi[e]
            late = pt[cut] > e_hi
            pt[cut[late]] = e_hi[late]
            nx[cut[late]] = e[late]
            early = ct[cut] > e_lo
            ct[cut[early]] = e_lo[early]
        if covered is not None and len(covered) and (covered < FOREVER).any():
            # beyond the coverage, a spell in force is no longer certain
            np.minimum(ct, covered[subject] + 1, out=ct, where=covered[subject] < FOREVER)
        return cls(
            columns=cols,
            family=fam,
            subject=subject,
            thing=cols.thing[ev],
            value=value[keep],
            value2=value2,
            event=ev,
            next_event=nx,
            possible_from=lo[ev].astype(np.int32),
            certain_from=hi[ev].astype(np.int32),
            certain_to=ct,
            possible_to=pt,
            subject_kind=subject_kind,
        )

    def __len__(self) -> int:
        return len(self.event)

    def value_of(self, j: int) -> Any:
        """The value of spell ``j`` as the queries show it: a standing, (holder, nationality), a body's name."""
        c = self.columns
        f = int(self.family[j])
        if f == PARTY:
            return STANDINGS[self.value[j]]
        if f == OFFICE:
            return (c.words[self.value[j]], c.words[self.value2[j]] if self.value2[j] >= 0 else None)
        return c.words[self.value[j]]

    def records(self) -> Iterator[dict[str, Any]]:
        """One plain record per spell (family, subject, thing, value, value2, since, until, event_id,
        next_event_id, the four days as ordinals, pos): what a store keeps and a track is made of."""
        c = self.columns
        seqs = np.unique(np.r_[self.event, self.next_event[self.next_event >= 0]])
        ids = dict(zip(seqs.tolist(), c.places.ids(seqs.tolist()), strict=True))
        pos = 0
        prev_group = None
        for j in range(len(self)):
            f = int(self.family[j])
            group = (f, int(self.subject[j]), int(self.thing[j]))
            pos = pos + 1 if group == prev_group else 1
            prev_group = group
            e, nx = int(self.event[j]), int(self.next_event[j])
            value = self.value_of(j)
            yield {
                "family": FAMILY_NAMES[f],
                "subject": str(c.words[self.subject[j]]),
                "thing": str(c.words[self.thing[j]]),
                "value": value[0] if f == OFFICE else value,
                "value2": value[1] if f == OFFICE else None,
                "since": str(c.whens[c.when[e]]),
                "until": str(c.whens[c.when[nx]]) if nx >= 0 else None,
                "event_id": ids[e],
                "next_event_id": ids[nx] if nx >= 0 else None,
                "event_seq": e,
                "possible_from": int(self.possible_from[j]),
                "certain_from": int(self.certain_from[j]),
                "certain_to": int(self.certain_to[j]),
                "possible_to": int(self.possible_to[j]),
                "pos": pos,
            }
