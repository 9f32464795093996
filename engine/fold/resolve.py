"""From the log as written to the records in force: as-known, repeated records, retractions and
corrections.

Only records known by ``as_known`` count (a record without a ``recorded`` time has always been
known; an id with any copy not yet recorded is not yet known). The same record read twice
counts once; two different records with one id are a problem naming both places. A retraction
removes its target unless it is itself retracted by a retraction in force (chains allowed,
cycles refused); a correction replaces its target (chains allowed, cycles refused). Retractions
and corrections are few: they are walked one by one, iteratively, each walk linear in all.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from ...events.errors import Problem
from .codes import K
from .columns import NONE, Columns

__all__ = ["resolve"]


def _reaching_a_cycle(nxt: dict[int, int]) -> set[int]:
    """The nodes of a functional graph (``nxt``: node -> next node) whose path reaches a cycle."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    bad: set[int] = set()
    for start in nxt:
        if start in state:
            continue
        path = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = nxt.get(node)
        cyclic = node is not None and (state[node] == 1 or node in bad)
        for p in path:
            state[p] = 2
            if cyclic:
                bad.add(p)
    return bad


def _withdrawn(retractors: dict[int, list[int]]) -> set[int]:
    """Records withdrawn: those that a retraction in force retracts. A retraction is in force
    unless it is itself withdrawn; a cycle of retractions decides nothing (and is a problem)."""
    memo: dict[int, bool] = {}
    for root in retractors:
        if root in memo:
            continue
        on_path: set[int] = {root}
        stack: list[tuple[int, int]] = [(root, 0)]
        while stack:
            node, i = stack[-1]
            children = retractors.get(node, [])
            if i < len(children):
                stack[-1] = (node, i + 1)
                child = children[i]
                if child not in memo and child not in on_path:
                    on_path.add(child)
                    stack.append((child, 0))
                continue
            stack.pop()
            on_path.discard(node)
            # withdrawn when some retraction of it is in force (not withdrawn); one on the current
            # path (a cycle) decides nothing
            memo[node] = any(not memo.get(r, True) for r in children if r in memo)
    return {n for n, w in memo.items() if w}


def resolve(cols: Columns, as_known: datetime | None = None) -> tuple[np.ndarray, list[Problem]]:
    """(in force: bool per record, problems) — the meaning described in the module's docstring."""
    n = len(cols)
    known = cols.known_by(as_known)
    first = cols.first if cols.first is not None else np.arange(n, dtype=np.int64)
    # an id is known once every record of it is
    id_known = np.ones(n, dtype=bool)
    np.logical_and.at(id_known, first, known)
    known_first = (first == np.arange(n)) & id_known[first] & cols.live
    problems: list[Problem] = []
    for seq, head in cols.conflicts:
        if id_known[head]:
            f, line = cols.places.where(head)
            eid = cols.places.ids([seq])[0]
            problems.append(cols.places.problem(seq, f"id {eid!r} is already used by a different event at {f}:{line}"))
    retracted_kind = cols.kind == K["retracted"]
    retracts = cols.retracts if cols.retracts is not None else np.full(n, NONE, dtype=np.int64)
    corrects = cols.corrects if cols.corrects is not None else np.full(n, NONE, dtype=np.int64)

    def in_log(target: int) -> bool:
        return target >= 0 and bool(known_first[target])

    def unknown_yet(target: int) -> bool:
        """A link to an id not yet recorded in this edition: nothing to do, no problem."""
        return target >= 0 and not id_known[target]

    retractors: dict[int, list[int]] = {}
    retraction_next: dict[int, int] = {}
    for r in np.flatnonzero(known_first & retracted_kind).tolist():
        t = int(retracts[r])
        if not in_log(t):
            if not unknown_yet(t):
                problems.append(cols.places.problem(r, f"retracts unknown event {cols.places.link(r, 'retracts')!r}"))
        elif t == r:
            problems.append(cols.places.problem(r, "retracts itself"))
        else:
            retractors.setdefault(t, []).append(r)
            if retracted_kind[t]:
                retraction_next[r] = t
    withdrawn = _withdrawn(retractors)
    for r in sorted(_reaching_a_cycle(retraction_next)):
        problems.append(
            cols.places.problem(r, f"retractions form a cycle through {cols.places.ids([int(retracts[r])])[0]!r}")
        )
    corrected: set[int] = set()
    edits = np.flatnonzero(known_first & (corrects != NONE)).tolist()
    correction_next = {e: int(corrects[e]) for e in edits if in_log(int(corrects[e]))}
    cyclic = _reaching_a_cycle(correction_next)
    for e in edits:
        if e in withdrawn:
            continue
        t = int(corrects[e])
        if not in_log(t):
            if not unknown_yet(t):
                problems.append(cols.places.problem(e, f"corrects unknown event {cols.places.link(e, 'corrects')!r}"))
            continue
        if retracted_kind[t] or retracted_kind[e]:
            problems.append(
                cols.places.problem(e, "a retraction cannot correct or be corrected; retract the retraction instead")
            )
            continue
        if e in cyclic:
            problems.append(cols.places.problem(e, f"corrections form a cycle through {cols.places.ids([t])[0]!r}"))
            continue
        corrected.add(t)
    live = known_first & ~retracted_kind
    if withdrawn:
        live[list(withdrawn)] = False
    if corrected:
        live[list(corrected)] = False
    return live, problems
