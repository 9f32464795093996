"""``Timeline.diff``: what changed in a subject between two dates, each change dated and sourced."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..events.codec import event_to_record
from ..events.dates import When, period_of
from ..events.model import Event
from ..events.vocabulary import LIFECYCLE_KINDS
from .answers import Diff
from .coverage import beyond_note
from .rows import Deferred, changed, primary
from .sources import cite

if TYPE_CHECKING:
    from .timeline import Timeline

__all__ = ["diff"]


def diff(tl: Timeline, subject: str, start: str | When, end: str | When) -> Diff:
    """``Timeline.diff`` (its docstring says what a diff compares and what each row carries)."""
    sid = tl._sid(subject)
    a, b = period_of(start), period_of(end)
    first = date.fromordinal(a.lo.toordinal() - 1)
    da, db = first.toordinal(), b.hi.toordinal()
    _, ta, _, notes_a = tl._lineage(sid, When(first.isoformat(), first, first))
    _, tb, _, notes_b = tl._lineage(sid, When(b.hi.isoformat(), b.hi, b.hi))
    lo, hi = min(da, db), max(da, db)
    sids = [ta] if ta == tb else list(dict.fromkeys([*tl._ancestry(tb), ta]))
    notes = list(dict.fromkeys([*notes_a, *notes_b]))
    if db < da:
        notes.append(f"{b.text} ends before {a.text} begins: the diff runs backwards in time")
    notes += [n for n in [beyond_note(tl.record.coverage(tb), b.hi)] if n]
    # what changed is read off the index now; the events between, their dates and sources
    # when the answer is read
    changes: dict[str, list[tuple[dict, str, str]]] = {"joined": [], "left": [], "changed": [], "offices": []}
    for party, x, y in _changed(tl, ta, tb, "party", da, db):
        name, row = (
            ("joined", {"party": party, "standing": y})
            if x is None
            else ("left", {"party": party, "standing": x})
            if y is None
            else ("changed", {"party": party, "from": x, "to": y})
        )
        changes[name].append((row, "party", party))
    for office, x, y in _changed(tl, ta, tb, "office", da, db):
        row = {"office": office, "from": x[0] if x else None, "to": y[0] if y else None}
        changes["offices"].append((row, "office", office))
    read: list[list[Event]] = []

    def steps() -> list[Event]:
        if not read:
            events = tl._lineage_events(sids, lo, hi)
            read.append([e for e in events if e.when is not None and lo < e.when.lo.toordinal() <= hi])
        return read[0]

    def dated(name: str) -> Deferred:
        def make() -> list[dict]:
            between = steps()
            out = []
            for row, attr, key in changes[name]:
                found = [e for e in between if getattr(e, attr, None) == key]
                if not found:  # no event of its own: a change of subject along the lineage, a dissolution
                    found = [e for e in between if e.kind in LIFECYCLE_KINDS]
                dates = {"date": found[-1].when.text if found else None, "event_ids": [e.id for e in found]}
                out.append({**row, **dates, "sources": [dict(x) for x in cite(found)]})
            return out

        return Deferred(make)

    return Diff(
        subject=sid,
        from_=a.text,
        to=b.text,
        joined=dated("joined"),
        left=dated("left"),
        changed=dated("changed"),
        offices=dated("offices"),
        steps=Deferred(lambda: [event_to_record(e) for e in steps()]),
        compared=(first.isoformat(), b.hi.isoformat()),
        notes=tuple(notes),
    )


def _changed(tl: Timeline, ta: str, tb: str, family: str, da: int, db: int) -> list[tuple[str, Any, Any]]:
    """(thing, value before, value after) for the things whose value differs: one subject's
    groups compared as arrays; across a lineage (``ta`` before, ``tb`` after), by name."""
    ix = tl.record.index
    if ta == tb:
        return changed(ix, *ix.groups(ta, family), da, db)
    before, after = primary(ix, *ix.groups(ta, family), da), primary(ix, *ix.groups(tb, family), db)
    return [(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
