"""Transitions as columns: each (subject, party), (subject, office) or (subject, body) is a group
of events in replay order, and each event is checked against the standing (or holder, or body)
the group's earlier events leave.

:func:`steps` computes, for events sorted by group and replay order, the value after each event
and whether it is allowed, assuming every earlier event of its group applied. :func:`settle`
turns that into the replay's meaning — a refused event is reported and skipped, the group goes
on from the value before it — by taking out the first refused event of each group and checking
those groups again, until none is refused. Each round takes out at least one event per group
that still has a refused one.
"""

from __future__ import annotations

import numpy as np

from .codes import AFTER, ALLOWED, FAMILY, IS_PLAIN, OFFICE, PARTY, STANDINGS, K
from .columns import Columns

__all__ = ["group_order", "settle", "steps"]

_AFTER_FLAT = AFTER.reshape(-1)  # [kind * 2 + subject kind]
_ALLOWED_FLAT = ALLOWED.reshape(-1)  # [(kind * 2 + subject kind) * len(STANDINGS) + standing]


def group_order(g: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    if n:
        ks = key[o]
        back = ks[1:] < ks[:-1]
        back &= gs[1:] == gs[:-1]
        if back.any():
            bad_groups = np.unique(gs[1:][back])
            pos = np.flatnonzero(np.isin(gs, bad_groups))
            sub = o[pos]
            o[pos] = sub[np.lexsort((sub, key[sub], g[sub]))]
    return o, gs


def steps(cols: Columns, o: np.ndarray, g: np.ndarray, skind: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value after, allowed, value before) for each event of ``o`` (sorted by group ``g`` and
    replay order), every earlier event of its group taken as applied. Values: a standing code
    for parties, a holder or body name code for offices and bodies; -1 is none."""
    m = len(o)
    k = cols.kind[o]
    fam = FAMILY[k]
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
    granted = k == K["granted"]
    status = cols.status[o]
    np.copyto(after, status, where=granted)
    # resumed: the standing before the suspension, i.e. after the group's last plain event
    plain = IS_PLAIN[k]
    plain &= party
    last = np.where(plain, idx, -1)
    del plain
    np.maximum.accumulate(last, out=last)
    resumed = k == K["resumed"]
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
        value[r] = np.where((kr == K["appointed"]) | (kr == K["established"]), cols.holder[o[r]], -1)
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
        ok_office = np.where(kr == K["left-office"], (pr >= 0) & ((hr < 0) | (hr == pr)), True)
        ok_body = np.where(kr == K["established"], pr < 0, pr >= 0)
        ok[r] = np.where(fam[r] == OFFICE, ok_office, ok_body)
    return value, ok, prev


def settle(
    cols: Columns, o: np.ndarray, g: np.ndarray, skind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """(events applied, their groups, their values, refused) where refused lists
    (log position, value before it) for each refused event, in the replay's meaning."""
    value, ok, _before = steps(cols, o, g, skind)
    if ok.all():
        return o, g, value, []
    refused: list[tuple[int, int]] = []
    flagged = np.isin(g, np.unique(g[~ok]))
    keep = np.ones(len(o), dtype=bool)
    sub = np.flatnonzero(flagged)  # positions (into o) of the events of groups with a refusal
    while True:
        _v, okay, prev = steps(cols, o[sub], g[sub], skind)
        bad = np.flatnonzero(~okay)
        if not len(bad):
            break
        # the first refused event of each group is refused; the rest are checked again
        _, firsts = np.unique(g[sub][bad], return_index=True)
        out = bad[firsts]
        refused += [(int(o[sub][j]), int(prev[j])) for j in out.tolist()]
        keep[sub[out]] = False
        sub = np.delete(sub, out)
    o, g = o[keep], g[keep]
    value, ok, _ = steps(cols, o, g, skind)
    return o, g, value, refused
