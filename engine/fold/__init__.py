"""The one fold: a log as columns in, spells, subjects and problems out.

:func:`fold` is the only replay in the product. It resolves the log (as-known, repeated
records, retractions, corrections: ``resolve``), checks every subject's lifecycle
(``lifecycle``), replays every transition of every party, office and body in replay order —
effective date, then kind, then log order — refusing what the rules of ``events.rules`` do not
allow (``transitions``), and packs what holds between transitions into spells (``spells``). How far the
record speaks for each subject (``attested`` events: ``Lifecycle.covered``) bounds what it holds:
nothing begins or ends after it, and nothing is certain beyond it.
It is a pure function of its columns, so it runs as well on one partition of a log (whole
subjects with their predecessors) as on the whole of it. Every entry path — the bundled
catalog, event files, stores, imports — reaches it through a column loader
(``columns.from_events`` for events in memory, ``duck`` for DuckDB relations).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs
import numpy as np

from ...events.errors import Problem
from ...events.model import Event
from ...events.rules import KINDS, NOT_APPLICABLE, SUBJECT_KINDS, TRANSITIONS, VERBS
from .codes import FAMILY, LIFE, OFFICE, PARTY, RANK, RECORD, STANDINGS, K
from .columns import Columns, from_events
from .lifecycle import Lifecycle, check_lifecycle
from .resolve import resolve
from .spells import Spells
from .transitions import group_order, settle

__all__ = ["Columns", "Folded", "Lifecycle", "Spells", "fold", "from_events", "in_replay_order"]


@attrs.define
class Folded:
    """The outcome of :func:`fold`."""

    columns: Columns
    live: np.ndarray  # bool per record: in force after resolution
    taken_out: dict[int, int]  # position -> the retraction in force or the correction that took it out
    applied: np.ndarray  # bool per record: in force and accepted by the replay
    lifecycle: Lifecycle
    spells: Spells
    problems: list[Problem]

    def replay_order(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Log positions of the records in force (or of ``positions``) in replay order."""
        c = self.columns
        sel = np.flatnonzero(self.live & (c.when >= 0)) if positions is None else np.asarray(positions)
        return sel[np.lexsort((sel, RANK[c.kind[sel]], c.lo[sel]))]


def in_replay_order(events: Sequence[Event]) -> list[Event]:
    """Events (in force, in log order) sorted into replay order: effective date, kind, log order."""
    if not events:
        return []
    lo = np.array([e.when.lo.toordinal() for e in events], dtype=np.int64)
    rank = RANK[[K[e.kind] for e in events]]
    return [events[i] for i in np.lexsort((np.arange(len(events)), rank, lo)).tolist()]


def _refusal(cols: Columns, seq: int, before: int, skind: int) -> str:
    """Why the replay refused the event at ``seq`` (its group's value before it was ``before``)."""
    k = KINDS[cols.kind[seq]]
    subject = cols.words[cols.subject[seq]]
    thing = cols.words[cols.thing[seq]]
    fam = FAMILY[cols.kind[seq]]
    if fam == PARTY:
        sk = SUBJECT_KINDS[skind]
        status = STANDINGS[cols.status[seq]]
        if sk not in TRANSITIONS[k]:
            reason = NOT_APPLICABLE[(k, sk)]
        else:
            what = VERBS[k].format(party=thing, status=status)
            have = STANDINGS[max(before, 0)]
            allowed = TRANSITIONS[k][sk][0]
            if k == "granted":
                allowed = tuple(a for a in allowed if a != status)
            if TRANSITIONS[k][sk][1] is None:  # a party leaving: it had to have a standing
                reason = f"cannot {what}: it has no standing"
            else:
                names = ", ".join("none" if a is None else a for a in allowed)
                reason = f"cannot {what}: its standing is {have or 'none'} (expected {names})"
    elif fam == OFFICE:
        if before < 0:
            reason = f"office {thing} is vacant: nobody can leave it"
        else:
            reason = f"{cols.words[cols.holder[seq]]} cannot leave {thing}: its holder is {cols.words[before]}"
    elif k == "established":
        reason = f"body {thing} already exists"
    else:
        reason = f"body {thing} does not exist: it cannot be abolished"
    return f"{reason} in {subject} on {cols.whens[cols.when[seq]]}"


def fold(cols: Columns, as_known: datetime | None = None) -> Folded:
    """Replay a log held as columns (as known by ``as_known``): see the module's docstring."""
    live, problems, taken_out = resolve(cols, as_known)
    problems = list(cols.record_problems) + problems
    kind = cols.kind
    fam = FAMILY[kind]
    well_formed = live & (kind >= 0) & (fam != RECORD) & (cols.subject >= 0) & (cols.when >= 0)
    placed: list[tuple[int, Problem]] = []
    lc = check_lifecycle(cols, well_formed, placed)
    applied = lc.applied & (fam != LIFE)
    nw = len(cols.words)
    sel = np.flatnonzero(applied)
    # one group per (family, subject, thing), parties first so that their spells form one block
    g = fam[sel].astype(np.int64)
    g -= PARTY
    g *= nw + 1
    g += cols.subject[sel]
    g *= nw + 2
    g += cols.thing[sel]
    g += 1
    key = cols.lo[sel].astype(np.int64)
    key *= 32
    key += RANK[kind[sel]]
    order, g = group_order(g, key)
    o, g, value, refused = settle(cols, sel[order], g, lc.skind)
    for seq, before in refused:
        skind = int(lc.skind[cols.subject[seq]])
        placed.append((seq, cols.places.problem(seq, _refusal(cols, seq, before, skind))))
        applied[seq] = False
    if placed:
        seqs = np.array([s for s, _ in placed], dtype=np.int64)
        rank = np.lexsort((np.arange(len(seqs)), seqs, RANK[kind[seqs]], cols.lo[seqs]))
        problems += [placed[i][1] for i in rank.tolist()]
    applied |= lc.applied & (fam == LIFE)
    spells = Spells.build(cols, o, g, value, lc.dissolved, lc.skind, lc.covered)
    return Folded(
        columns=cols,
        live=live,
        taken_out=taken_out,
        applied=applied,
        lifecycle=lc,
        spells=spells,
        problems=problems,
    )
