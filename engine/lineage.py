"""Lineage: before a subject existed, its predecessor answers for it (the CSTO for the Collective
Security Treaty before 2002). Both walks stop at a subject seen twice, so a cycle of predecessors
cannot hang a question."""

from __future__ import annotations

from collections.abc import Mapping

from ..events.dates import When
from .spell_index import SpellIndex
from .subjects import Subject

__all__ = ["ancestry", "answering"]

_NOTED_HOPS = 4  # of a lineage longer than twice this, the notes show this many steps at each end


def answering(ix: SpellIndex, subjects: Mapping[str, Subject], asked: str, period: When) -> tuple[str, bool, list[str]]:
    """(the subject that answers for ``asked`` over ``period``, whether ``asked`` existed then,
    notes on each step back to a predecessor, or on why there is none)."""
    lo, hi = period.lo.toordinal(), period.hi.toordinal()
    exists = ix.exists(asked, lo, hi)
    notes: list[str] = []
    target = asked
    seen = {asked}  # a cycle of predecessors stops at the first subject seen twice
    while not ix.exists(target, lo, hi):
        founded, dissolved = ix.lifetime(target)
        when = f"founded {founded}"
        if dissolved is not None and ix.exists(target, -1, hi):  # founded by then: it had been dissolved
            notes.append(f"{target} did not exist on {period.text} (dissolved {dissolved})")
            break
        pred = ix.predecessor(target)
        if pred is None or pred not in subjects:
            notes.append(f"{target} did not exist on {period.text} ({when})")
            break
        if pred in seen:
            notes.append(
                f"{target} did not exist on {period.text} ({when}); its predecessors form a cycle through {pred}"
            )
            break
        seen.add(pred)
        name = subjects[pred].name
        notes.append(f"{target} did not exist on {period.text} ({when}); answering for its predecessor {pred} ({name})")
        target = pred
    if len(notes) > 2 * _NOTED_HOPS:  # a long lineage: its first and last steps, and a count
        skipped = len(notes) - 2 * _NOTED_HOPS
        notes[_NOTED_HOPS:-_NOTED_HOPS] = [
            f"… and {skipped} more predecessors that did not exist on {period.text} either"
        ]
    return target, exists, notes


def ancestry(ix: SpellIndex, subjects: Mapping[str, Subject], sid: str) -> list[str]:
    """The subject and its predecessors, newest first (CSTO, CST); a cycle stops the walk."""
    chain = [sid]
    pred = ix.predecessor(sid)
    while pred and pred in subjects and pred not in chain:
        chain.append(pred)
        pred = ix.predecessor(pred)
    return chain
