"""Subjects: founded once, nothing before the founding or after the dissolution, entered into
force and dissolved once, predecessors declared and never in a cycle; and how far the record
speaks for each subject (its coverage).

Coverage: the ``attested`` events of a subject say up to which day the record speaks for it. The
latest one (the latest last day; on the same day, the last in replay order) gives the subject's
coverage: ``covered`` (the last day covered, an ordinal) and ``attested`` (its log position, whose
``parties`` say which parties a partial roster covers). Beyond that day nothing begins or ends: an
event dated wholly after it is refused, as an event after a dissolution is, until a later
``attested`` event extends the coverage (so a dissolution after it is refused too). An
``attested`` event may follow a dissolution (the record speaks for a subject that is gone). A
subject without an ``attested`` event is not bounded.

Lifecycle events are few (a handful per subject): they are replayed one by one, in replay order.
The rules for everything else are checked here as columns: an event of an undeclared subject,
one dated wholly before its subject's founding, or one after its dissolution is refused.
"""

from __future__ import annotations

import attrs
import numpy as np

from ...events.errors import Problem
from ...events.rules import KINDS
from .codes import FAMILY, FOREVER, IS_COVERAGE, LIFE, RANK, K
from .columns import Columns

__all__ = ["Lifecycle", "check_lifecycle"]


@attrs.define
class Lifecycle:
    """Per subject code: its founding, entry into force and dissolution (log positions, -1 none),
    its renamings, its kind (0 organization, 1 treaty) and its predecessor (a code, -1 none)."""

    founded: np.ndarray
    entered_into_force: np.ndarray
    dissolved: np.ndarray
    skind: np.ndarray
    renamed: dict[int, list[int]]
    predecessor: np.ndarray
    applied: np.ndarray  # bool per record: replayed (not refused for a lifecycle reason)
    # per subject code: the last day the record covers (an ordinal; FOREVER: not bounded) and the
    # log position of the ``attested`` event that says so (-1: none)
    covered: np.ndarray = attrs.field(factory=lambda: np.zeros(0, dtype=np.int32))
    attested: np.ndarray = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))


def _at(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``values[positions]``, reading 0 where a position is -1 (none)."""
    return np.append(values, np.zeros(1, dtype=values.dtype))[positions]


def _text(cols: Columns, seq: int) -> str:
    return str(cols.whens[cols.when[seq]])


def check_lifecycle(cols: Columns, live: np.ndarray, problems: list[tuple[int, Problem]]) -> Lifecycle:
    """Check the lifecycle of every subject; ``problems`` gains (log position, problem)."""
    nw = len(cols.words)
    kind = cols.kind
    fam = FAMILY[kind]
    lo, hi = cols.lo, cols.hi
    places = cols.places

    def refuse(seq: int, message: str) -> None:
        problems.append((seq, places.problem(seq, message)))

    life = np.flatnonzero(live & (fam == LIFE))
    life = life[np.lexsort((life, RANK[kind[life]], lo[life]))]
    founded = np.full(nw + 1, -1, dtype=np.int64)
    for i in life.tolist():
        if kind[i] == K["founded"]:
            s = cols.subject[i]
            if founded[s] >= 0:
                f = int(founded[s])
                file, line = places.where(f)
                refuse(i, f"{cols.words[s]} is already founded by {places.ids([f])[0]} at {file}:{line}")
            else:
                founded[s] = i
    has = founded >= 0
    f_lo = np.where(has, _at(lo, founded), 0).astype(np.int32)
    skind = np.where(has, _at(cols.skind, founded), 0).astype(np.int8)
    applied = live.copy()
    undeclared = ~has[cols.subject] & live
    early = (hi < f_lo[cols.subject]) & live & ~undeclared
    early[founded[has]] = False
    for i in np.flatnonzero(undeclared).tolist():
        refuse(i, f"subject {cols.words[cols.subject[i]]} is not declared: no 'founded' event for it")
    for i in np.flatnonzero(early).tolist():
        s = cols.subject[i]
        refuse(i, f"dated {_text(cols, i)}, before {cols.words[s]} was founded ({_text(cols, int(founded[s]))})")
    applied &= ~undeclared & ~early
    covered, attested = _coverage(cols, applied, life, refuse)
    # A dissolution (the first one replayed) ends its subject: later events are refused.
    dissolved = np.full(nw + 1, -1, dtype=np.int64)
    for i in life.tolist():
        if applied[i] and kind[i] == K["dissolved"] and dissolved[cols.subject[i]] < 0:
            dissolved[cols.subject[i]] = i
    if (dissolved >= 0).any():
        gone_hi = np.where(dissolved >= 0, _at(hi, dissolved), np.iinfo(np.int32).max).astype(np.int32)
        late = (lo > gone_hi[cols.subject]) & applied & ~IS_COVERAGE[kind]
        for i in np.flatnonzero(late).tolist():
            s = cols.subject[i]
            refuse(i, f"dated {_text(cols, i)}, after {cols.words[s]} was dissolved ({_text(cols, int(dissolved[s]))})")
        applied &= ~late
    entered = np.full(nw + 1, -1, dtype=np.int64)
    renamed: dict[int, list[int]] = {}
    for i in life.tolist():
        if not applied[i]:
            continue
        s, k = int(cols.subject[i]), int(kind[i])
        if k == K["renamed"]:
            renamed.setdefault(s, []).append(i)
        elif k in (K["entered-into-force"], K["dissolved"]):
            table = entered if k == K["entered-into-force"] else dissolved
            if table[s] >= 0 and table[s] != i:
                refuse(i, f"{cols.words[s]} already {KINDS[k]} ({places.ids([int(table[s])])[0]})")
                applied[i] = False
            else:
                table[s] = i
    predecessor = np.full(nw + 1, -1, dtype=np.int64)
    for s in np.flatnonzero(has).tolist():
        p = int(cols.predecessor[founded[s]])
        if p < 0:
            continue
        if not has[p]:
            refuse(int(founded[s]), f"predecessor {cols.words[p]} is not a declared subject")
        else:
            predecessor[s] = p
    _refuse_cycles(cols, founded, predecessor, refuse)
    return Lifecycle(founded, entered, dissolved, skind, renamed, predecessor, applied, covered, attested)


def _coverage(cols: Columns, applied: np.ndarray, life: np.ndarray, refuse) -> tuple[np.ndarray, np.ndarray]:
    """(covered, attested) per subject code, from the ``attested`` events in force (``life`` is in
    replay order); events dated wholly after their subject's coverage are refused (``applied``
    loses them)."""
    nw = len(cols.words)
    covered = np.full(nw + 1, FOREVER, dtype=np.int32)
    attested = np.full(nw + 1, -1, dtype=np.int64)
    att = life[applied[life] & IS_COVERAGE[cols.kind[life]]]
    if not len(att):
        return covered, attested
    hi = cols.hi
    # the latest last day; on the same day the last in replay order (a stable sort keeps it last)
    order = att[np.lexsort((np.arange(len(att)), hi[att], cols.subject[att]))]
    subj = cols.subject[order]
    last = np.r_[subj[1:] != subj[:-1], True]
    attested[subj[last]] = order[last]
    has = attested >= 0
    covered[has] = hi[attested[has]]
    late = (cols.lo > covered[cols.subject]) & applied & ~IS_COVERAGE[cols.kind]
    for i in np.flatnonzero(late).tolist():
        s = int(cols.subject[i])
        a = int(attested[s])
        refuse(
            i,
            f"dated {_text(cols, i)}, after the last day the record covers for {cols.words[s]} "
            f"({_text(cols, a)}, attested by {cols.places.ids([a])[0]}); a later 'attested' event extends it",
        )
    applied &= ~late
    return covered, attested


def _refuse_cycles(cols: Columns, founded: np.ndarray, predecessor: np.ndarray, refuse) -> None:
    """Subjects whose predecessors lead back to themselves: each founding in the cycle is a problem,
    and the cycle is cut (every lineage walk then ends)."""
    state = np.zeros(len(predecessor), dtype=np.int8)  # 1 on the current path, 2 done
    for start in np.flatnonzero(predecessor >= 0).tolist():
        if state[start]:
            continue
        path: list[int] = []
        s = start
        while s >= 0 and not state[s]:
            state[s] = 1
            path.append(s)
            s = int(predecessor[s])
        if s >= 0 and state[s] == 1:  # a new cycle, from s on
            cycle = path[path.index(s) :]
            names = " → ".join(str(cols.words[c]) for c in [*cycle, s])
            for c in cycle:
                refuse(int(founded[c]), f"predecessors form a cycle: {names}")
            for c in cycle:
                predecessor[c] = -1
        for p in path:
            state[p] = 2
