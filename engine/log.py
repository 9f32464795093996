"""From the record as written to the events in force: as-known filtering, duplicates,
corrections and retractions. Problems are collected, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..events.dates import parse_instant
from ..events.errors import Problem
from ..events.model import Entry, Event, Retraction

__all__ = ["known_by", "problem_for", "resolve_log"]


def problem_for(event: Entry, message: str) -> Problem:
    o = event.origin
    return Problem(o.file if o else "<events>", o.line if o else 0, message, event.id)


def known_by(event: Entry, as_known: datetime | None) -> bool:
    """Whether ``event`` had been recorded by ``as_known`` (an event without ``recorded`` always had)."""
    if as_known is None or event.recorded is None:
        return True
    return parse_instant(event.recorded) <= as_known


def resolve_log(events: Iterable[Entry], as_known: datetime | None = None) -> tuple[list[Event], list[Problem]]:
    """The events in force, in log order, and the problems found.

    Only events recorded by ``as_known`` count (an event with no ``recorded`` time has always
    been known). A retraction removes its target; a correction replaces its target (chains
    allowed, cycles refused). The same event read twice counts once; two different events
    with one id are a problem naming both places.
    """
    problems: list[Problem] = []
    by_id: dict[str, Entry] = {}
    ordered: list[Entry] = []
    events = list(events)
    recorded_later = {e.id for e in events if not known_by(e, as_known)}
    for e in events:
        if e.id in recorded_later:
            continue
        seen = by_id.get(e.id)
        if seen is not None:
            if seen != e:
                problems.append(problem_for(e, f"id {e.id!r} is already used by a different event at {seen.where()}"))
            continue
        by_id[e.id] = e
        ordered.append(e)

    retractors: dict[str, list[Retraction]] = {}
    for e in ordered:
        if isinstance(e, Retraction):
            if e.retracts not in by_id:
                if e.retracts not in recorded_later:  # not yet recorded in this edition: nothing to retract
                    problems.append(problem_for(e, f"retracts unknown event {e.retracts!r}"))
            elif e.retracts == e.id:
                problems.append(problem_for(e, "retracts itself"))
            else:
                retractors.setdefault(e.retracts, []).append(e)

    memo: dict[str, bool] = {}

    def withdrawn(eid: str, path: tuple[str, ...] = ()) -> bool:
        """An event is withdrawn when a retraction of it is itself in force."""
        if eid in memo:
            return memo[eid]
        if eid in path:
            return False  # a cycle of retractions: reported below, decides nothing
        result = any(not withdrawn(r.id, path + (eid,)) for r in retractors.get(eid, ()))
        memo[eid] = result
        return result

    retracted = {eid for eid in by_id if withdrawn(eid)}
    for e in ordered:
        if isinstance(e, Retraction):
            seen_ids, cur = {e.id}, by_id.get(e.retracts)
            while isinstance(cur, Retraction) and cur.id not in seen_ids:
                seen_ids.add(cur.id)
                cur = by_id.get(cur.retracts)
            if isinstance(cur, Retraction):
                problems.append(problem_for(e, f"retractions form a cycle through {e.retracts!r}"))

    corrected: set[str] = set()
    for e in ordered:
        if e.corrects is None or e.id in retracted:
            continue
        target = by_id.get(e.corrects)
        if target is None:
            if e.corrects not in recorded_later:  # not yet recorded in this edition: e stands alone
                problems.append(problem_for(e, f"corrects unknown event {e.corrects!r}"))
            continue
        if isinstance(target, Retraction) or isinstance(e, Retraction):
            problems.append(
                problem_for(e, "a retraction cannot correct or be corrected; retract the retraction instead")
            )
            continue
        chain, cur = {e.id}, target
        while cur is not None and cur.id not in chain:
            chain.add(cur.id)
            cur = by_id.get(cur.corrects) if cur.corrects else None
        if cur is not None:
            problems.append(problem_for(e, f"corrections form a cycle through {e.corrects!r}"))
            continue
        corrected.add(e.corrects)

    live = [e for e in ordered if e.id not in retracted and e.id not in corrected and not isinstance(e, Retraction)]
    return live, problems
