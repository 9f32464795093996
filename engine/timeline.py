"""The public face of the engine: load events, then ask questions.

>>> tl = Timeline.load()                      # the bundled catalog
>>> tl.members("CSTO", on="2005").parties
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
"""

from __future__ import annotations

import difflib
import os
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from engine.answers import BodyRow, Diff, Explanation, MemberRow, Members, OfficeRow, State
from engine.log import known_by, resolve_log
from engine.replay import Replayed, Subject, replay
from engine.tracks import Track, day_window
from events.codec import event_to_record
from events.dates import When, parse_instant, parse_period
from events.errors import BadArgument, Problem, UnknownParty, UnknownSubject, ValidationFailed
from events.io import catalog_paths, read_paths
from events.model import Event, OfficeEvent, ParticipationEvent
from events.parties import normalize_name as _norm, party_name, resolve_party
from events.vocabulary import FULL_STANDING, ORGANIZATION_STANDINGS, TREATY_STANDINGS

__all__ = ["Timeline", "validate_events", "validate_paths"]

_ALIASES = {"ODKB": "CSTO", "CSCE": "OSCE", "SHOS": "SCO", "KSTO": "CSTO", "DKB": "CST"}


def subject_lookup(ids, names) -> dict[str, str]:
    """Normalised id, name or alias -> subject id, from the subject ids and (id, name) pairs."""
    lookup = {_norm(sid): sid for sid in ids}
    for sid, name in names:
        if name:
            lookup.setdefault(_norm(name), sid)
    for alias, sid in _ALIASES.items():
        if sid in ids:
            lookup.setdefault(_norm(alias), sid)
    return lookup


def _period(on: str | When) -> When:
    return on if isinstance(on, When) else parse_period(str(on))


def validate_events(events: Sequence[Event], as_known: datetime | None = None) -> tuple[Replayed, list[Problem]]:
    live, problems = resolve_log(events, as_known)
    replayed = replay(live)
    return replayed, problems + list(replayed.problems)


def validate_paths(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """Every problem in these event files: reading, records, references and transitions."""
    problems: list[Problem] = []
    events = read_paths(paths, problems)
    _, more = validate_events(events)
    seen = set()
    out = []
    for p in problems + more:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return sorted(out, key=lambda p: (p.file, p.line))


class Timeline:
    """A log of events, replayed; every query answers from the index of change points."""

    def __init__(self, events: Sequence[Event], as_known: datetime | str | None = None, origin: str = "events"):
        if isinstance(as_known, str):
            as_known = parse_instant(as_known)
        self.raw = tuple(events)
        self.as_known = as_known
        self.origin = origin
        self.index, problems = validate_events(self.raw, as_known)
        if problems:
            raise ValidationFailed(problems)
        self._lookup = self._subject_lookup()

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        events: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
        *,
        store: str | os.PathLike | None = None,
        as_known: datetime | str | None = None,
    ) -> "Timeline":
        """The bundled catalog by default; or event files/folders; or a DuckDB store."""
        if store is not None:
            from engine.store import Store
            from engine.store_timeline import StoreTimeline

            return StoreTimeline(Store.open(store, read_only=True), as_known=as_known)
        if events is None:
            paths: list = list(catalog_paths())
            origin = "catalog"
        else:
            paths = [events] if isinstance(events, (str, os.PathLike)) else list(events)
            origin = ", ".join(str(p) for p in paths)
        problems: list[Problem] = []
        evs = read_paths(paths, problems)
        if problems:
            raise ValidationFailed(problems)
        return cls(evs, as_known=as_known, origin=origin)

    def as_of_knowledge(self, as_known: datetime | str | None) -> "Timeline":
        """The same record as it was known at ``as_known``."""
        return Timeline(self.raw, as_known=as_known, origin=self.origin)

    # -- the index: overridden by a store-backed timeline ---------------------------------
    @property
    def subjects_by_id(self) -> dict[str, Subject]:
        return self.index.subjects

    def party_tracks(self, sid: str) -> dict[str, Track]:
        return self.index.parties.get(sid, {})

    def office_tracks(self, sid: str) -> dict[str, Track]:
        return self.index.offices.get(sid, {})

    def body_tracks(self, sid: str) -> dict[str, Track]:
        return self.index.bodies.get(sid, {})

    def events_in_force(self, subject: str | None = None, party: str | None = None) -> list[Event]:
        """The events in force (after corrections and retractions), in replay order."""
        return [
            e for e in self.index.events
            if (subject is None or e.subject == subject)
            and (party is None or getattr(e, "party", None) == party)
        ]

    # -- subjects ------------------------------------------------------------------------
    def _subject_lookup(self) -> dict[str, str]:
        return subject_lookup(self.subjects_by_id, ((s.id, n) for s in self.subjects_by_id.values() for n in s.names))

    def subject(self, text: str) -> Subject:
        """A subject by id (any case), alias or name; unknown ones suggest the closest."""
        key = _norm(str(text))
        sid = self._lookup.get(key)
        if sid is None:
            ids = sorted(self.subjects_by_id)
            close = difflib.get_close_matches(str(text).upper(), ids, n=3, cutoff=0.5)
            close += [self._lookup[c] for c in difflib.get_close_matches(key, list(self._lookup), n=3, cutoff=0.6)]
            close = list(dict.fromkeys(close))[:3]
            if close:
                hint = f" — did you mean {' or '.join(close)}?"
            elif ids:
                hint = f" (known: {', '.join(ids[:12])}{'…' if len(ids) > 12 else ''})"
            else:
                known = f" as known on {self.as_known.date().isoformat()}" if self.as_known else ""
                hint = f": no subject is recorded{known}"
            raise UnknownSubject(f"unknown subject {text!r}{hint}")
        return self.subjects_by_id[sid]

    def subjects(self) -> list[dict[str, Any]]:
        out = []
        for s in sorted(self.subjects_by_id.values(), key=lambda s: s.id):
            row = {"id": s.id, "kind": s.kind, "name": s.names[-1], "founded": s.founded.date.text,
                   "predecessor": s.predecessor}
            row["entered_into_force"] = s.entered_into_force.when.text if s.entered_into_force else None
            row["dissolved"] = s.dissolved.when.text if s.dissolved else None
            out.append(row)
        return out

    # -- lineage -------------------------------------------------------------------------
    def _exists(self, s: Subject, lo: int, hi: int) -> bool:
        if s.founded.when.lo.toordinal() > hi:
            return False
        return not (s.dissolved and s.dissolved.when.hi.toordinal() < lo)

    def _lineage(self, subject: str, period: When) -> tuple[Subject, Subject, bool, list[str]]:
        """(asked, answered-for, asked exists, notes): before a subject existed, its predecessor answers."""
        asked = self.subject(subject)
        lo, hi = period.lo.toordinal(), period.hi.toordinal()
        exists = self._exists(asked, lo, hi)
        notes: list[str] = []
        target = asked
        while not self._exists(target, lo, hi):
            when = f"founded {target.founded.when.text}"
            if target.dissolved and target.dissolved.when.hi.toordinal() < lo:
                notes.append(f"{target.id} did not exist on {period.text} (dissolved {target.dissolved.when.text})")
                break
            pred = self.subjects_by_id.get(target.predecessor) if target.predecessor else None
            if pred is None:
                notes.append(f"{target.id} did not exist on {period.text} ({when})")
                break
            notes.append(f"{target.id} did not exist on {period.text} ({when}); answering for its predecessor {pred.id} ({pred.name})")
            target = pred
        return asked, target, exists, notes

    # -- rows ----------------------------------------------------------------------------
    @staticmethod
    def _rows(tracks: dict[str, Track], period: When, make, keep=lambda value: True) -> list:
        lo, hi = period.lo.toordinal(), period.hi.toordinal()
        rows = []
        for thing in sorted(tracks):
            track = tracks[thing]
            if lo == hi:
                seen = set()
                for spell, certain in track.on(lo):
                    if spell.value in seen or not keep(spell.value):
                        continue
                    seen.add(spell.value)
                    rows.append(make(thing, spell.value, spell, spell,
                                     "certain" if certain else "uncertain", None, day_window(spell, lo)))
            else:
                for cov in track.over(lo, hi):
                    if keep(cov.value):
                        rows.append(make(thing, cov.value, cov.first, cov.last,
                                         cov.certainty, cov.during, cov.window))
        return rows

    @staticmethod
    def _member_row(party, standing, first, last, certainty, during, window) -> MemberRow:
        return MemberRow(party=party, name=party_name(party), standing=standing, since=first.since,
                         until=last.until, certainty=certainty, during=during,
                         window=window, event_id=first.event_id)

    @staticmethod
    def _office_row(office, value, first, last, certainty, during, window) -> OfficeRow:
        return OfficeRow(office=office, holder=value[0], nationality=value[1], since=first.since,
                         until=last.until, certainty=certainty, during=during,
                         window=window, event_id=first.event_id)

    @staticmethod
    def _body_row(body, name, first, last, certainty, during, window) -> BodyRow:
        return BodyRow(body=body, name=name, since=first.since, until=last.until,
                       certainty=certainty, during=during, window=window, event_id=first.event_id)

    def _standing_filter(self, subject: Subject, standing: str | None):
        if standing is None:
            full = FULL_STANDING[subject.kind]
            return lambda v: v == full
        if standing == "all":
            return lambda v: True
        allowed = ORGANIZATION_STANDINGS if subject.kind == "organization" else TREATY_STANDINGS
        if standing not in allowed:
            article = "an" if subject.kind[0] in "aeiou" else "a"
            raise BadArgument(f"unknown standing {standing!r} for {article} {subject.kind} "
                              f"(expected all, {', '.join(allowed)})")
        return lambda v: v == standing

    # -- queries -------------------------------------------------------------------------
    def members(self, subject: str, on: str | When, standing: str | None = None) -> Members:
        """Who held a standing (full participation by default) on a day or over a period."""
        period = _period(on)
        asked, target, exists, notes = self._lineage(subject, period)
        rows = self._rows(self.party_tracks(target.id), period, self._member_row,
                          self._standing_filter(target, standing))
        return Members(subject=asked.id, answered_for=target.id, on=period.text, exists=exists,
                       rows=tuple(rows), notes=tuple(notes))

    def state(self, subject: str, on: str | When) -> State:
        """Every party with any standing, the office holders and the bodies, on a day or over a period."""
        period = _period(on)
        asked, target, exists, notes = self._lineage(subject, period)
        sid = target.id
        return State(
            subject=asked.id, answered_for=sid, on=period.text, exists=exists,
            members=tuple(self._rows(self.party_tracks(sid), period, self._member_row)),
            offices=tuple(self._rows(self.office_tracks(sid), period, self._office_row)),
            bodies=tuple(self._rows(self.body_tracks(sid), period, self._body_row)),
            notes=tuple(notes),
        )

    @staticmethod
    def _primary(track: Track, day: int) -> Any:
        """The value in force on a day, taking every transition that may have happened as done."""
        on = track.on(day)
        return on[0][0].value if on else None

    def standing_on(self, subject: str, party: str, on: str | date) -> str | None:
        """The standing of one party on one day (the latest possible one inside an uncertainty window);
        before the subject existed, its standing in the predecessor."""
        when = on if isinstance(on, When) else parse_period(on.isoformat() if isinstance(on, date) else str(on))
        day = When(when.text, when.lo, when.lo)
        _, target, _, _ = self._lineage(subject, day)
        track = self.party_tracks(target.id).get(resolve_party(party))
        return self._primary(track, day.lo.toordinal()) if track else None

    def diff(self, subject: str, start: str | When, end: str | When) -> Diff:
        """What changed from ``start`` to the last day of ``end``.

        A day ``start`` compares the state on that day; a month or a year compares the state just
        before it began, so that ``diff("SCO", "2007", "2007")`` is what changed during 2007. Each end
        answers for the subject that existed then (its predecessor before it was founded).
        """
        s = self.subject(subject)
        a, b = _period(start), _period(end)
        first = a.lo if a.is_day else date.fromordinal(a.lo.toordinal() - 1)
        da, db = first.toordinal(), b.hi.toordinal()
        _, ta, _, _ = self._lineage(s.id, When(a.text, first, first))
        _, tb, _, _ = self._lineage(s.id, When(b.text, b.hi, b.hi))
        joined, left, changed, offices = [], [], [], []
        before, after = self.party_tracks(ta.id), self.party_tracks(tb.id)
        for party in sorted(set(before) | set(after)):
            x = self._primary(before[party], da) if party in before else None
            y = self._primary(after[party], db) if party in after else None
            if x == y:
                continue
            if x is None:
                joined.append({"party": party, "standing": y})
            elif y is None:
                left.append({"party": party, "standing": x})
            else:
                changed.append({"party": party, "from": x, "to": y})
        obefore, oafter = self.office_tracks(ta.id), self.office_tracks(tb.id)
        for office in sorted(set(obefore) | set(oafter)):
            x = self._primary(obefore[office], da) if office in obefore else None
            y = self._primary(oafter[office], db) if office in oafter else None
            if x != y:
                offices.append({"office": office, "from": x[0] if x else None, "to": y[0] if y else None})
        return Diff(subject=s.id, from_=a.text, to=b.text, joined=tuple(joined), left=tuple(left),
                    changed=tuple(changed), offices=tuple(offices))

    def explain(self, subject: str, party: str, on: str | When) -> Explanation:
        """A party's standing and the chain of events and sources behind it."""
        period = _period(on)
        asked, target, _, notes = self._lineage(subject, period)
        code = resolve_party(party)
        track = self.party_tracks(target.id).get(code)
        rows = self._rows({code: track}, period, self._member_row) if track else []
        end = period.hi.toordinal()
        used = {r.event_id for r in rows}
        chain = []
        for e in self.events_in_force(target.id, code):
            if e.when.lo.toordinal() <= end:
                rec = event_to_record(e)
                rec["role"] = "produces the standing" if e.id in used else "earlier"
                chain.append(rec)
        if not rows:
            notes.append(f"{code} had no standing in {target.id} on {period.text}")
        return Explanation(subject=asked.id, answered_for=target.id, party=code, name=party_name(code),
                           on=period.text, rows=tuple(rows), chain=tuple(chain), notes=tuple(notes))

    def history(self, who: str, subject: str | None = None) -> list[Event]:
        """Every event in force about a party (by code or name) or a person (office holder)."""
        sid = self.subject(subject).id if subject else None
        events = self.events_in_force(sid)
        try:
            code = resolve_party(who)
        except UnknownParty as unknown:
            needle = _norm(who)
            found = [e for e in events if isinstance(e, OfficeEvent) and e.holder and needle in _norm(e.holder)]
            if found:
                return found
            holders = sorted({e.holder for e in events if isinstance(e, OfficeEvent) and e.holder})
            close = difflib.get_close_matches(str(who), holders, n=2, cutoff=0.6)
            if close:
                raise UnknownParty(f"no party or office holder {who!r} — did you mean {' or '.join(close)}?") from None
            raise unknown
        return [
            e for e in events
            if (isinstance(e, ParticipationEvent) and e.party == code)
            or (isinstance(e, OfficeEvent) and (e.holder == code))
        ]

    def log(self, subject: str | None = None) -> list[Event]:
        """The raw events as recorded (as known), corrections and retractions included."""
        sid = self.subject(subject).id if subject else None
        return [e for e in self.raw if known_by(e, self.as_known) and (sid is None or e.subject == sid)]
