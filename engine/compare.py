"""Two records of one subject, side by side: every party and period where their standings differ.

On each day each side says what standing a party may have: one standing when it is certain,
two or more inside the uncertainty window of a transition (``member`` or none while a ``1993``
accession may or may not have happened yet). The sides

* agree on a day when they allow the same standings;
* disagree for certain when no standing is allowed by both (they cannot both be right);
* may disagree when they allow different but overlapping standings (one side's window
  is wider, or placed elsewhere: whether they differ depends on the day the change fell).

Days are compared only while the subject exists in both records; the result's notes say
when that is. Each disagreement carries the events (with their sources) that each side's
standing rests on over that period.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import attrs

from ..events.codec import event_to_record
from ..events.dates import When, parse_period
from ..events.model import Event
from ..events.parties import party_name, resolve_party
from .frames import ComparisonFrames
from .tracks import FOREVER, Track

__all__ = ["Comparison", "Disagreement", "compare_standings", "possible_standings"]

NONE = "none"


def possible_standings(track: Track | None, day: int) -> frozenset[str]:
    """The standings a track allows on a day (``"none"`` for no standing)."""
    if track is None:
        return frozenset({NONE})
    hits = track.on(day)
    if any(certain for _, certain in hits):
        return frozenset(s.value for s, certain in hits if certain)
    values = {s.value for s, _ in hits}
    if len(hits) < 2:  # one spell in a window: before it began, or after it ended
        values.add(NONE)
    return frozenset(values)


@attrs.frozen(kw_only=True)
class Disagreement:
    """One party, one period (first and last day), and what each side allows then."""

    subject: str
    party: str
    start: date
    end: date
    a: tuple[str, ...]
    b: tuple[str, ...]
    certainty: str  # "certain": no standing is allowed by both; "uncertain": they may differ
    a_events: tuple[Event, ...] = attrs.field(eq=False, repr=False)
    b_events: tuple[Event, ...] = attrs.field(eq=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "party": self.party,
            "name": party_name(self.party),
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "a": list(self.a),
            "b": list(self.b),
            "certainty": self.certainty,
            "a_events": [event_to_record(e) for e in self.a_events],
            "b_events": [event_to_record(e) for e in self.b_events],
        }


@attrs.frozen(kw_only=True)
class Comparison(ComparisonFrames):
    """Every disagreement on a subject between two records, and the days compared."""

    subject: str
    start: date | None
    end: date | None
    disagreements: tuple[Disagreement, ...]
    notes: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Disagreement]:
        return iter(self.disagreements)

    def __len__(self) -> int:
        return len(self.disagreements)

    def certain(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.certainty == "certain"]

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "disagreements": [d.to_json() for d in self.disagreements],
            "notes": list(self.notes),
        }


def _life(tl, sid: str) -> tuple[int, int]:
    s = tl.subjects_by_id[sid]
    lo = s.founded.when.lo.toordinal()
    hi = s.dissolved.when.hi.toordinal() if s.dissolved else FOREVER - 1
    covered = tl.record.coverage(sid)  # a record says nothing after the last day it covers
    return lo, min(hi, covered.until.toordinal()) if covered is not None else hi


def _bounds(track: Track | None, start: int, end: int) -> set[int]:
    """Days on which what a track allows may change, inside [start, end + 1]."""
    out = set()
    for s in track.spells if track is not None else ():
        for d in (s.possible_from, s.certain_from, s.certain_to, s.possible_to):
            if start < d <= end:
                out.add(d)
    return out


def _resting_on(tl, sid: str, party: str, start: int, end: int) -> tuple[Event, ...]:
    """The events a side's standing rests on over [start, end]: those whose window reaches into it,
    and the last one before it."""
    events = tl.events_in_force(sid, party)
    inside = [e for e in events if e.when.lo.toordinal() <= end and e.when.hi.toordinal() >= start]
    before = [e for e in events if e.when.hi.toordinal() < start]
    return tuple(before[-1:] + inside)


def compare_standings(
    timeline_a,
    timeline_b,
    subject: str,
    parties: Iterable[str] | None = None,
    within: str | When | None = None,
) -> Comparison:
    """Every party and period where two records disagree on a subject's standings.

    ``timeline_a`` and ``timeline_b`` are ``engine.Timeline`` objects (or store-backed ones);
    ``subject`` is looked up in each; ``parties`` (codes or names) limits the comparison, and
    ``within`` (a date or period such as ``2002/2014``) the days compared: a data set that ends
    in 2014 says nothing about 2015.
    """
    sa, sb = timeline_a.subject(subject), timeline_b.subject(subject)
    (alo, ahi), (blo, bhi) = _life(timeline_a, sa.id), _life(timeline_b, sb.id)
    start, end = max(alo, blo), min(ahi, bhi)
    notes = []
    if alo != blo or ahi != bhi:

        def life(s) -> str:
            return f"founded {s.founded.when.text}" + (f", dissolved {s.dissolved.when.text}" if s.dissolved else "")

        notes.append(f"{sa.id} in A: {life(sa)}; in B: {life(sb)}")
    if within is not None:
        period = within if isinstance(within, When) else parse_period(str(within))
        start, end = max(start, period.lo.toordinal()), min(end, period.hi.toordinal())
    if start > end:
        notes.append(
            f"{sa.id} never exists in both records{' within ' + str(within) if within else ''}: nothing compared"
        )
        return Comparison(subject=sa.id, start=None, end=None, disagreements=(), notes=tuple(notes))
    last = None if end >= FOREVER - 1 else date.fromordinal(end)
    notes.append(
        f"compared from {date.fromordinal(start).isoformat()}" + (f" to {last.isoformat()}" if last else " on")
    )
    ta, tb = timeline_a.party_tracks(sa.id), timeline_b.party_tracks(sb.id)
    wanted = sorted(set(ta) | set(tb)) if parties is None else sorted({resolve_party(p) for p in parties})
    found: list[Disagreement] = []
    for party in wanted:
        a, b = ta.get(party), tb.get(party)
        days = sorted({start, end + 1} | _bounds(a, start, end) | _bounds(b, start, end))
        runs: list[list] = []  # [first day, last day, a, b]
        for x, y in itertools.pairwise(days):
            pa, pb = possible_standings(a, x), possible_standings(b, x)
            if pa == pb:
                continue
            if runs and runs[-1][1] == x - 1 and runs[-1][2] == pa and runs[-1][3] == pb:
                runs[-1][1] = y - 1
            else:
                runs.append([x, y - 1, pa, pb])
        for x, y, pa, pb in runs:
            found.append(
                Disagreement(
                    subject=sa.id,
                    party=party,
                    start=date.fromordinal(x),
                    end=date.fromordinal(min(y, date.max.toordinal())),
                    a=tuple(sorted(pa)),
                    b=tuple(sorted(pb)),
                    certainty="uncertain" if pa & pb else "certain",
                    a_events=_resting_on(timeline_a, sa.id, party, x, y),
                    b_events=_resting_on(timeline_b, sb.id, party, x, y),
                )
            )
    return Comparison(
        subject=sa.id, start=date.fromordinal(start), end=last, disagreements=tuple(found), notes=tuple(notes)
    )
