"""``Timeline.explain`` and ``Timeline.history``: the chain of events and sources behind a
standing, through the subject's predecessors and the edits that took events out of force."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..events.codec import event_to_record
from ..events.dates import When, period_of
from ..events.errors import UnknownParty
from ..events.model import Event, OfficeEvent, ParticipationEvent, Retraction
from ..events.parties import normalize_name as _norm
from ..events.vocabulary import KIND_ORDER
from .answers import Explanation
from .frames import Events

if TYPE_CHECKING:
    from .timeline import Timeline

__all__ = ["explain", "history"]


def explain(tl: Timeline, subject: str, party: str, on: str | When) -> Explanation:
    """A party's standing and the chain of events and sources behind it.

    The chain runs through the subject's predecessors (a question about the CSTO shows the
    Collective Security Treaty events that led to it) and names, as the record was known, the
    events that corrections and retractions took out (role ``corrected by …``/``retracted by
    …``, each retraction after the event it retracts, role ``retracts …``).
    """
    period = period_of(on)
    asked, target, _, notes = tl._lineage(subject, period)
    code = tl.resolve_party(party)
    g = tl.record.index.group_of(target, "party", code)
    rows = list(tl._rows(target, "party", period, tl._member_row, groups=(g, g + 1))) if g >= 0 else []
    end = period.hi.toordinal()
    used = {r.event_id for r in rows}
    chain: list[tuple[tuple, dict]] = []
    for sid in tl._ancestry(target):
        where = "" if sid == target else f" (in {sid}, predecessor of {target})"
        for e in tl.events_in_force(sid, code):
            if e.when.lo.toordinal() <= end:
                rec = event_to_record(e)
                rec["role"] = ("produces the standing" if e.id in used else "earlier") + where
                chain.append((_order_key(e), rec))
        chain.extend(_taken_out(tl, sid, code, end, where))
    if not rows:
        notes.append(f"{code} had no standing in {target} on {period.text}")
    return Explanation(
        subject=asked,
        answered_for=target,
        party=code,
        name=tl.party_name(code),
        on=period.text,
        rows=tuple(rows),
        chain=tuple(rec for _, rec in sorted(chain, key=lambda t: t[0])),
        notes=tuple(notes),
    )


def _taken_out(tl: Timeline, sid: str, party: str, end: int, where: str) -> list[tuple[tuple, dict]]:
    """Events of ``party`` in ``sid`` up to day ``end`` that the log as known took out of force,
    each with the correction or retraction that did it (and that retraction itself)."""
    raw = tl.record.log(sid)
    live = {e.id for e in tl.events_in_force(sid, party)}
    taken = tl.record.taken_out(sid)
    out: list[tuple[tuple, dict]] = []
    seen: set[str] = set()
    for e in raw:
        if e.id in live or e.id in seen or getattr(e, "party", None) != party or isinstance(e, Retraction):
            continue
        if e.when.lo.toordinal() > end or e.id not in taken:
            continue
        seen.add(e.id)
        key = _order_key(e)
        rec = event_to_record(e)
        by = taken[e.id]
        if isinstance(by, Retraction):
            rec["role"] = f"retracted by {by.id}{where}"
            out.append((key, rec))
            retraction = event_to_record(by)
            retraction["role"] = f"retracts {e.id}{where}"
            out.append(((*key, 1), retraction))
        else:
            rec["role"] = f"corrected by {by.id}{where}"
            out.append((key, rec))
    return out


def history(tl: Timeline, who: str, subject: str | None = None) -> Events:
    """Every event in force about a party (by code or name) or a person (office holder);
    with ``subject``, the events of that subject and of its predecessors."""
    sid = tl.subject(subject).id if subject else None
    events = tl._lineage_events(tl._ancestry(sid)) if sid else tl.events_in_force(None)
    try:
        code = tl.resolve_party(who)
    except UnknownParty as unknown:
        holders = sorted({e.holder for e in events if isinstance(e, OfficeEvent) and e.holder})
        named = _people_named(who, holders)
        if len(named) > 1:
            raise UnknownParty(
                f"{who!r} could be {len(named)} office holders: {', '.join(named[:-1])} or {named[-1]}"
                " — give more of the name"
            ) from None
        if named:
            found = [e for e in events if isinstance(e, OfficeEvent) and e.holder == named[0]]
            return Events(found, caption=f"history of {named[0]}")
        close = difflib.get_close_matches(str(who), holders, n=2, cutoff=0.6)
        if close:
            raise UnknownParty(f"no party or office holder {who!r} — did you mean {' or '.join(close)}?") from None
        raise unknown
    about = [
        e
        for e in events
        if (isinstance(e, ParticipationEvent) and e.party == code)
        or (isinstance(e, OfficeEvent) and (e.holder == code))
    ]
    return Events(about, caption=f"history of {code}" + (f" in {sid}" if sid else ""))


def _people_named(who: str, holders: Sequence[str]) -> list[str]:
    """The office holders a name as typed can mean: the one whose whole name it is, else those with a word
    starting with each word typed ("Bordyuzha", "Nikolai Bord"), else those whose name contains it."""
    needle = _norm(who)
    if not needle:
        return []
    exact = [h for h in holders if _norm(h) == needle]
    if exact:
        return exact
    typed = needle.split()
    by_words = [h for h in holders if all(any(w.startswith(t) for w in _norm(h).split()) for t in typed)]
    return by_words or [h for h in holders if needle in _norm(h)]


def _order_key(e: Event) -> tuple:
    """How an event sorts in a chain: the replay's order (day, then kind)."""
    return (e.when.lo.toordinal(), KIND_ORDER[e.kind])
