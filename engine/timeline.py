"""The public face of the engine: load events, then ask questions.

>>> tl = Timeline.load()                      # the bundled catalog
>>> tl.members("CSTO", on="2005").parties
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import duckdb

from ..events.codec import event_to_record
from ..events.dates import When, parse_instant, parse_period
from ..events.errors import BadArgument, Problem, UnknownParty, UnknownSubject, ValidationFailed
from ..events.io import catalog_paths, read_paths
from ..events.model import Entry, Event, OfficeEvent, ParticipationEvent
from ..events.parties import normalize_name as _norm
from ..events.vocabulary import FULL_STANDING, ORGANIZATION_STANDINGS, TREATY_STANDINGS
from .answers import BodyRow, Diff, Explanation, MemberRow, Members, OfficeRow, State
from .duck import one_row
from .records import MemoryRecord, Record, StoreRecord
from .spells_table import VIEWS_SQL
from .store import Store
from .subjects import Subject
from .tracks import Track, day_window

__all__ = ["Timeline", "subject_lookup"]

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


class Timeline:
    """A record of events, replayed; every query answers from the index of change points.

    ``Timeline(events)`` replays events held in memory; :meth:`load` reads the bundled catalog,
    event files or a DuckDB store.
    """

    def __init__(self, events: Sequence[Entry] = (), as_known: datetime | str | None = None, origin: str = "events"):
        self._init(MemoryRecord(events, _instant(as_known), origin))

    def _init(self, record: Record) -> None:
        self.record = record
        self._connection: tuple[duckdb.DuckDBPyConnection, str] | None = None
        self._lookup = self._subject_lookup()

    @classmethod
    def _of(cls, record: Record) -> Timeline:
        tl = cls.__new__(cls)
        tl._init(record)
        return tl

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        events: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        store: str | os.PathLike[str] | None = None,
        as_known: datetime | str | None = None,
    ) -> Timeline:
        """The bundled catalog by default; or event files/folders; or a DuckDB store."""
        if store is not None:
            return cls.from_store(Store.open(store, read_only=True), as_known=as_known)
        if events is None:
            paths: list[str | os.PathLike[str]] = list(catalog_paths())
            origin = "catalog"
        else:
            paths = [events] if isinstance(events, (str, os.PathLike)) else list(events)
            origin = ", ".join(str(p) for p in paths)
        problems: list[Problem] = []
        evs = read_paths(paths, problems)
        if problems:
            raise ValidationFailed(problems)
        return cls(evs, as_known=as_known, origin=origin)

    @classmethod
    def from_store(cls, store: Store, as_known: datetime | str | None = None) -> Timeline:
        """The record held in an open store (answers from its compiled spells)."""
        return cls._of(StoreRecord(store, _instant(as_known)))

    def as_of_knowledge(self, as_known: datetime | str | None) -> Timeline:
        """The same record as it was known at ``as_known``."""
        return self._of(self.record.as_of(_instant(as_known)))

    # -- the record ----------------------------------------------------------------------
    @property
    def as_known(self) -> datetime | None:
        return self.record.as_known

    @property
    def origin(self) -> str:
        return self.record.origin

    @property
    def store(self) -> Store | None:
        """The store the record is read from (None for events held in memory)."""
        return self.record.store

    @property
    def raw(self) -> tuple[Entry, ...]:
        """Every event of the record as written (all editions)."""
        return self.record.raw

    @property
    def subjects_by_id(self) -> Mapping[str, Subject]:
        return self.record.subjects

    def party_tracks(self, sid: str) -> dict[str, Track]:
        return self.record.tracks("party", sid)

    def office_tracks(self, sid: str) -> dict[str, Track]:
        return self.record.tracks("office", sid)

    def body_tracks(self, sid: str) -> dict[str, Track]:
        return self.record.tracks("body", sid)

    def events_in_force(self, subject: str | None = None, party: str | None = None) -> list[Event]:
        """The events in force (after corrections and retractions), in replay order."""
        return self.record.events_in_force(subject, party)

    def party_name(self, code: str) -> str:
        return self.record.parties.name(code)

    def resolve_party(self, text: str) -> str:
        return self.record.parties.resolve(text)

    def connection(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        """(DuckDB connection, spells table) over this record: its store, or an in-memory one
        built from its events once and kept for the life of the timeline. The views ``events``,
        ``spans`` and ``office_terms`` on it show this record as known."""
        if self._connection is None:
            store = self.store if self.store is not None else Store.memory(self.raw)
            spells = "spells"
            if self.as_known is not None:
                store.compile(self.as_known, target="known_spells", temp=True)
                spells = "known_spells"
                for sql in VIEWS_SQL("known_spells", "TEMP "):
                    store.con.execute(sql)
                # A view cannot hold a parameter: the instant is written into it (an ISO string we made).
                # named with its database: ``main.events`` would be the temp view itself
                db = str(one_row(store.con, "SELECT current_database()")[0]).replace('"', '""')
                store.con.execute(
                    f'CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM "{db}".main.events '
                    f"WHERE recorded <= TIMESTAMPTZ '{self.as_known.isoformat()}'"
                )
            self._connection = (store.con, spells)
        return self._connection

    # -- subjects ------------------------------------------------------------------------
    def _subject_lookup(self) -> dict[str, str]:
        return subject_lookup(self.subjects_by_id, self.record.subject_names())

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
            row = {
                "id": s.id,
                "kind": s.kind,
                "name": s.names[-1],
                "founded": s.founded.date.text,
                "predecessor": s.predecessor,
            }
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
        seen = {asked.id}  # a cycle of predecessors stops at the first subject seen twice
        while not self._exists(target, lo, hi):
            when = f"founded {target.founded.when.text}"
            if target.dissolved and target.dissolved.when.hi.toordinal() < lo:
                notes.append(f"{target.id} did not exist on {period.text} (dissolved {target.dissolved.when.text})")
                break
            pred = self.subjects_by_id.get(target.predecessor) if target.predecessor else None
            if pred is None:
                notes.append(f"{target.id} did not exist on {period.text} ({when})")
                break
            if pred.id in seen:
                notes.append(
                    f"{target.id} did not exist on {period.text} ({when}); its predecessors form a cycle "
                    f"through {pred.id}"
                )
                break
            seen.add(pred.id)
            notes.append(
                f"{target.id} did not exist on {period.text} ({when}); answering for its predecessor {pred.id} ({pred.name})"
            )
            target = pred
        if len(notes) > 2 * _NOTED_HOPS:  # a long lineage: its first and last steps, and a count
            skipped = len(notes) - 2 * _NOTED_HOPS
            notes[_NOTED_HOPS:-_NOTED_HOPS] = [
                f"… and {skipped} more predecessors that did not exist on {period.text} either"
            ]
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
                    rows.append(
                        make(
                            thing,
                            spell.value,
                            spell,
                            spell,
                            "certain" if certain else "uncertain",
                            None,
                            day_window(spell, lo),
                        )
                    )
            else:
                for cov in track.over(lo, hi):
                    if keep(cov.value):
                        rows.append(make(thing, cov.value, cov.first, cov.last, cov.certainty, cov.during, cov.window))
        return rows

    def _member_row(self, party, standing, first, last, certainty, during, window) -> MemberRow:
        return MemberRow(
            party=party,
            name=self.party_name(party),
            standing=standing,
            since=first.since,
            until=last.until,
            certainty=certainty,
            during=during,
            window=window,
            event_id=first.event_id,
        )

    @staticmethod
    def _office_row(office, value, first, last, certainty, during, window) -> OfficeRow:
        return OfficeRow(
            office=office,
            holder=value[0],
            nationality=value[1],
            since=first.since,
            until=last.until,
            certainty=certainty,
            during=during,
            window=window,
            event_id=first.event_id,
        )

    @staticmethod
    def _body_row(body, name, first, last, certainty, during, window) -> BodyRow:
        return BodyRow(
            body=body,
            name=name,
            since=first.since,
            until=last.until,
            certainty=certainty,
            during=during,
            window=window,
            event_id=first.event_id,
        )

    def _standing_filter(self, subject: Subject, standing: str | None):
        if standing is None:
            full = FULL_STANDING[subject.kind]
            return lambda v: v == full
        if standing == "all":
            return lambda v: True
        allowed = ORGANIZATION_STANDINGS if subject.kind == "organization" else TREATY_STANDINGS
        if standing not in allowed:
            article = "an" if subject.kind[0] in "aeiou" else "a"
            raise BadArgument(
                f"unknown standing {standing!r} for {article} {subject.kind} (expected all, {', '.join(allowed)})"
            )
        return lambda v: v == standing

    # -- queries -------------------------------------------------------------------------
    def members(self, subject: str, on: str | When, standing: str | None = None) -> Members:
        """Who held a standing (full participation by default) on a day or over a period."""
        period = _period(on)
        asked, target, exists, notes = self._lineage(subject, period)
        rows = self._rows(
            self.party_tracks(target.id), period, self._member_row, self._standing_filter(target, standing)
        )
        return Members(
            subject=asked.id,
            answered_for=target.id,
            on=period.text,
            exists=exists,
            rows=tuple(rows),
            notes=tuple(notes),
        )

    def state(self, subject: str, on: str | When) -> State:
        """Every party with any standing, the office holders and the bodies, on a day or over a period."""
        period = _period(on)
        asked, target, exists, notes = self._lineage(subject, period)
        sid = target.id
        return State(
            subject=asked.id,
            answered_for=sid,
            on=period.text,
            exists=exists,
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
        track = self.party_tracks(target.id).get(self.resolve_party(party))
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
        return Diff(
            subject=s.id,
            from_=a.text,
            to=b.text,
            joined=tuple(joined),
            left=tuple(left),
            changed=tuple(changed),
            offices=tuple(offices),
        )

    def explain(self, subject: str, party: str, on: str | When) -> Explanation:
        """A party's standing and the chain of events and sources behind it."""
        period = _period(on)
        asked, target, _, notes = self._lineage(subject, period)
        code = self.resolve_party(party)
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
        return Explanation(
            subject=asked.id,
            answered_for=target.id,
            party=code,
            name=self.party_name(code),
            on=period.text,
            rows=tuple(rows),
            chain=tuple(chain),
            notes=tuple(notes),
        )

    def history(self, who: str, subject: str | None = None) -> list[Event]:
        """Every event in force about a party (by code or name) or a person (office holder)."""
        sid = self.subject(subject).id if subject else None
        events = self.events_in_force(sid)
        try:
            code = self.resolve_party(who)
        except UnknownParty as unknown:
            needle = _norm(who)
            found: list[Event] = [
                e for e in events if isinstance(e, OfficeEvent) and e.holder and needle in _norm(e.holder)
            ]
            if found:
                return found
            holders = sorted({e.holder for e in events if isinstance(e, OfficeEvent) and e.holder})
            close = difflib.get_close_matches(str(who), holders, n=2, cutoff=0.6)
            if close:
                raise UnknownParty(f"no party or office holder {who!r} — did you mean {' or '.join(close)}?") from None
            raise unknown
        return [
            e
            for e in events
            if (isinstance(e, ParticipationEvent) and e.party == code)
            or (isinstance(e, OfficeEvent) and (e.holder == code))
        ]

    def log(self, subject: str | None = None) -> list[Entry]:
        """The raw events as recorded (as known), corrections and retractions included."""
        sid = self.subject(subject).id if subject else None
        return self.record.log(sid)


_NOTED_HOPS = 4  # of a lineage longer than twice this, the notes show this many steps at each end


def _instant(as_known: datetime | str | None) -> datetime | None:
    return parse_instant(as_known) if isinstance(as_known, str) else as_known
