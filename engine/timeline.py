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

import attrs
import duckdb

from ..events.codec import event_to_record
from ..events.dates import When, parse_instant, parse_period
from ..events.errors import BadArgument, Problem, UnknownParty, UnknownSubject, ValidationFailed
from ..events.io import catalog_paths, read_paths
from ..events.model import Entry, Event, OfficeEvent, ParticipationEvent, Retraction
from ..events.parties import normalize_name as _norm
from ..events.vocabulary import FULL_STANDING, KIND_ORDER, LIFECYCLE_KINDS, ORGANIZATION_STANDINGS, TREATY_STANDINGS
from .aggregates import readonly_relation
from .answers import BodyRow, Diff, Explanation, MemberRow, Members, MembershipRow, Memberships, OfficeRow, State
from .compiled import is_compiled, open_compiled
from .duck import one_row
from .fold import in_replay_order
from .frames import Events
from .records import MemoryRecord, Record, StoreRecord
from .spells_table import VIEWS_SQL
from .store import Store
from .subjects import Subject
from .tracks import Track, day_window

__all__ = ["Timeline", "subject_lookup"]

# Names people write besides a subject's own: transliterated and native abbreviations, official names in
# Russian and Chinese (the CSTO's and the SCO's working languages), and the spellings the seeds use.
_ALIASES = {
    "ODKB": "CSTO",
    "CSCE": "OSCE",
    "SHOS": "SCO",
    "KSTO": "CSTO",
    "DKB": "CST",
    # Russian
    "ОДКБ": "CSTO",
    "Организация Договора о коллективной безопасности": "CSTO",
    "ДКБ": "CST",
    "Договор о коллективной безопасности": "CST",
    "Ташкентский договор": "CST",
    "ШОС": "SCO",
    "Шанхайская организация сотрудничества": "SCO",
    "ОБСЕ": "OSCE",
    "Организация по безопасности и сотрудничеству в Европе": "OSCE",
    "СБСЕ": "OSCE",
    "Совещание по безопасности и сотрудничеству в Европе": "OSCE",
    # Chinese
    "上海合作组织": "SCO",
    "上海合作組織": "SCO",
    "上合组织": "SCO",
    "集体安全条约组织": "CSTO",
    "集體安全條約組織": "CSTO",
    "集体安全条约": "CST",
    "欧洲安全与合作组织": "OSCE",
    "欧安组织": "OSCE",
    # English, as the seeds and others write them
    "Tashkent Treaty": "CST",
    "Organization for Cooperation and Security in Europe": "OSCE",
    "Convention on the Rights of the Children": "CRC",
    "Optional Protocol of the Convention against Torture": "OP-CAT",
    "Commonwealth of Independent States Convention on Human Rights and Fundamental Freedoms": "CIS-HRC",
}


def _spellings(key: str) -> set[str]:
    """A normalised name in both spellings, Organisation and Organization (Co-operation and Cooperation)."""
    out = {key}
    for a, b in (("organisation", "organization"), ("co operation", "cooperation")):
        out |= {k.replace(a, b) for k in out} | {k.replace(b, a) for k in out}
    return out


def subject_lookup(ids, names) -> dict[str, str]:
    """Normalised id, name or alias -> subject id, from the subject ids and (id, name) pairs."""
    lookup = {_norm(sid): sid for sid in ids}
    for sid, name in names:
        if name:
            for key in sorted(_spellings(_norm(name))):
                lookup.setdefault(key, sid)
    for alias, sid in _ALIASES.items():
        if sid in ids:
            for key in sorted(_spellings(_norm(alias))):
                lookup.setdefault(key, sid)
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
        self._raw_by_id: dict[str, Entry] | None = None

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
        """The bundled catalog by default; or event files/folders; or a DuckDB store, or a folder
        written by ``timeline compile`` (as ``store`` or as the one path)."""
        one = events if isinstance(events, (str, os.PathLike)) else events[0] if events and len(events) == 1 else None
        if store is None and one is not None and is_compiled(one):
            store = one  # a folder written by ``timeline compile``
        if store is not None:
            opened = open_compiled(store) if is_compiled(store) else Store.open(store, read_only=True)
            return cls.from_store(opened, as_known=as_known)
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
    def records_transaction_times(self) -> bool:
        """Whether any event of the record says when it was recorded (a store always does; the
        bundled catalog does not, so ``as_known`` changes nothing there)."""
        return self.store is not None or any(e.recorded is not None for e in self.raw)

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

    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        """A DuckDB relation for one read-only SELECT over this record's views ``events``,
        ``spans`` and ``office_terms`` (as known), whatever holds the record: the catalog, event
        files or a store. ``.df()``, ``.pl()``, ``.arrow()`` or ``.fetchall()`` give the rows;
        anything but a SELECT is refused (``TimelineError``), and the connection cannot reach
        files, attached databases or extensions.

        >>> Timeline.load().sql("SELECT count(DISTINCT party) FROM spans WHERE subject = 'SCO'").fetchall()
        [(18,)]
        """
        return readonly_relation(self, query)

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
    def _rows(self, tracks: dict[str, Track], period: When, make, keep=lambda value: True, cite: bool = True) -> list:
        """One row per thing and value in force on the day, or over the period. ``make`` gets
        (thing, value, first spell, last spell, certainty, during, window, held) where ``held``
        is (held_certainly, held_possibly) for a period and None for a day. With ``cite``, each
        row gets the sources of its event."""
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
                    certainty = "certain" if certain else "uncertain"
                    rows.append(make(thing, spell.value, spell, spell, certainty, None, day_window(spell, lo), None))
            else:
                for cov in track.over(lo, hi):
                    if keep(cov.value):
                        held = (cov.held_certainly, cov.held_possibly)
                        rows.append(
                            make(thing, cov.value, cov.first, cov.last, cov.certainty, cov.during, cov.window, held)
                        )
        return self._with_sources(rows) if cite else rows

    def _events_by_id(self, ids: set[str]) -> dict[str, Entry]:
        """The events with these ids, as written (an id names one event in every edition)."""
        if not ids:
            return {}
        if self.store is not None:
            found = self.store.events("id IN (SELECT unnest(CAST(? AS VARCHAR[])))", [sorted(ids)])
            return {e.id: e for e in found}
        if self._raw_by_id is None:
            self._raw_by_id = {e.id: e for e in self.raw}
        return {i: self._raw_by_id[i] for i in ids if i in self._raw_by_id}

    def _with_sources(self, rows: list) -> list:
        """The rows, each with the sources of the event behind it (looked up once for all rows)."""
        found = self._events_by_id({r.event_id for r in rows if r.event_id})
        return [attrs.evolve(r, sources=_cite([found[r.event_id]])) if r.event_id in found else r for r in rows]

    @staticmethod
    def _cited(first, last, certainty, during, window, held) -> dict[str, Any]:
        """The fields every row shares: dates, certainty, period wording and the event behind it
        (its sources are added by :meth:`_with_sources`)."""
        return {
            "since": first.since,
            "until": last.until,
            "certainty": certainty,
            "during": during,
            "window": window,
            "held_certainly": held[0] if held else None,
            "held_possibly": held[1] if held else None,
            "event_id": first.event_id,
        }

    def _member_row(self, party, standing, *rest) -> MemberRow:
        return MemberRow(party=party, name=self.party_name(party), standing=standing, **self._cited(*rest))

    def _office_row(self, office, value, *rest) -> OfficeRow:
        return OfficeRow(office=office, holder=value[0], nationality=value[1], **self._cited(*rest))

    def _body_row(self, body, name, *rest) -> BodyRow:
        return BodyRow(body=body, name=name, **self._cited(*rest))

    def _membership_row(self, s: Subject):
        def make(_party, standing, *rest) -> MembershipRow:
            return MembershipRow(
                subject=s.id,
                name=s.names[-1],
                kind=s.kind,
                standing=standing,
                continues=_predecessor(s),
                **self._cited(*rest),
            )

        return make

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

    def memberships(self, party: str, on: str | When, standing: str | None = None) -> Memberships:
        """Every subject a party stood in on a day or over a period (any standing by default; or
        ``standing="full"`` for member/party, or one standing such as ``"observer"``). A row of a
        subject that continues another (CSTO) names it in ``continues``."""
        period = _period(on)
        code = self.resolve_party(party)
        keep = _membership_filter(standing)
        rows: list[MembershipRow] = []
        for sid in self._subjects_of_party(code, period):
            track = self.party_tracks(sid).get(code)
            if track is None:
                continue
            s = self.subjects_by_id[sid]
            make, kept = self._membership_row(s), (lambda v, s=s: keep(s, v))
            rows.extend(self._rows({code: track}, period, make, kept, cite=False))
        rows = self._with_sources(rows)
        notes = [] if rows else [f"{code} had no standing{_what(standing)} in any subject on {period.text}"]
        return Memberships(party=code, name=self.party_name(code), on=period.text, rows=tuple(rows), notes=tuple(notes))

    def _subjects_of_party(self, code: str, period: When) -> list[str]:
        """The subjects to look at for a party: on a store, only those where the ``spans`` view
        shows it with a standing possibly held in the period (one query, not one per subject)."""
        if self.store is None:
            return sorted(self.subjects_by_id)
        con, _ = self.connection()
        found = con.execute(
            "SELECT DISTINCT subject FROM spans WHERE party = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?) ORDER BY subject",
            [code, period.hi, period.lo],
        ).fetchall()
        return [sid for (sid,) in found if sid in self.subjects_by_id]

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

    def _ancestry(self, sid: str) -> list[str]:
        """The subject and its predecessors, newest first (CSTO, CST); a cycle stops the walk."""
        chain = [sid]
        pred = _predecessor(self.subjects_by_id[sid])
        while pred and pred in self.subjects_by_id and pred not in chain:
            chain.append(pred)
            pred = _predecessor(self.subjects_by_id[pred])
        return chain

    def _lineage_events(self, sids: list[str]) -> list[Event]:
        """The events in force of these subjects (a subject and its predecessors), in replay order."""
        return in_replay_order([e for sid in reversed(sids) for e in self.events_in_force(sid)])

    def diff(self, subject: str, start: str | When, end: str | When) -> Diff:
        """What changed from the moment just before ``start`` began to the end of ``end``.

        One rule for every date form: ``diff("SCO", "2017-06-09", "2017-06-09")`` is what changed
        on that day, ``diff("SCO", "2007", "2007")`` what changed during 2007. Each end answers for
        the subject that existed then (its predecessor before it was founded). A transition whose
        date is uncertain counts from the first day it may have happened. Every row carries the
        ``date`` of the last event that changed it, the ``event_ids`` of the events between and
        their ``sources``; ``steps`` lists all those events in replay order.
        """
        s = self.subject(subject)
        a, b = _period(start), _period(end)
        first = date.fromordinal(a.lo.toordinal() - 1)
        da, db = first.toordinal(), b.hi.toordinal()
        _, ta, _, notes_a = self._lineage(s.id, When(first.isoformat(), first, first))
        _, tb, _, notes_b = self._lineage(s.id, When(b.hi.isoformat(), b.hi, b.hi))
        lo, hi = min(da, db), max(da, db)
        sids = [ta.id] if ta.id == tb.id else list(dict.fromkeys([*self._ancestry(tb.id), ta.id]))
        steps = [e for e in self._lineage_events(sids) if e.when is not None and lo < e.when.lo.toordinal() <= hi]
        notes = list(dict.fromkeys([*notes_a, *notes_b]))
        if db < da:
            notes.append(f"{b.text} ends before {a.text} begins: the diff runs backwards in time")

        def dated(row: dict, found: list[Event]) -> dict:
            if not found:  # no event of its own: a change of subject along the lineage, a dissolution
                found = [e for e in steps if e.kind in LIFECYCLE_KINDS]
            row["date"] = found[-1].when.text if found else None
            row["event_ids"] = [e.id for e in found]
            row["sources"] = [dict(x) for x in _cite(found)]
            return row

        joined, left, changed, offices = [], [], [], []
        before, after = self.party_tracks(ta.id), self.party_tracks(tb.id)
        for party in sorted(set(before) | set(after)):
            x = self._primary(before[party], da) if party in before else None
            y = self._primary(after[party], db) if party in after else None
            if x == y:
                continue
            mine = [e for e in steps if getattr(e, "party", None) == party]
            if x is None:
                joined.append(dated({"party": party, "standing": y}, mine))
            elif y is None:
                left.append(dated({"party": party, "standing": x}, mine))
            else:
                changed.append(dated({"party": party, "from": x, "to": y}, mine))
        obefore, oafter = self.office_tracks(ta.id), self.office_tracks(tb.id)
        for office in sorted(set(obefore) | set(oafter)):
            x = self._primary(obefore[office], da) if office in obefore else None
            y = self._primary(oafter[office], db) if office in oafter else None
            if x != y:
                mine = [e for e in steps if getattr(e, "office", None) == office]
                offices.append(dated({"office": office, "from": x[0] if x else None, "to": y[0] if y else None}, mine))
        return Diff(
            subject=s.id,
            from_=a.text,
            to=b.text,
            joined=tuple(joined),
            left=tuple(left),
            changed=tuple(changed),
            offices=tuple(offices),
            steps=tuple(event_to_record(e) for e in steps),
            compared=(first.isoformat(), b.hi.isoformat()),
            notes=tuple(notes),
        )

    def explain(self, subject: str, party: str, on: str | When) -> Explanation:
        """A party's standing and the chain of events and sources behind it.

        The chain runs through the subject's predecessors (a question about the CSTO shows the
        Collective Security Treaty events that led to it) and names, as the record was known, the
        events that corrections and retractions took out (role ``corrected by …``/``retracted by
        …``, each retraction after the event it retracts, role ``retracts …``).
        """
        period = _period(on)
        asked, target, _, notes = self._lineage(subject, period)
        code = self.resolve_party(party)
        track = self.party_tracks(target.id).get(code)
        rows = self._rows({code: track}, period, self._member_row) if track else []
        end = period.hi.toordinal()
        used = {r.event_id for r in rows}
        chain: list[tuple[tuple, dict]] = []
        for sid in self._ancestry(target.id):
            where = "" if sid == target.id else f" (in {sid}, predecessor of {target.id})"
            for e in self.events_in_force(sid, code):
                if e.when.lo.toordinal() <= end:
                    rec = event_to_record(e)
                    rec["role"] = ("produces the standing" if e.id in used else "earlier") + where
                    chain.append((_order_key(e), rec))
            chain.extend(self._taken_out(sid, code, end, where))
        if not rows:
            notes.append(f"{code} had no standing in {target.id} on {period.text}")
        return Explanation(
            subject=asked.id,
            answered_for=target.id,
            party=code,
            name=self.party_name(code),
            on=period.text,
            rows=tuple(rows),
            chain=tuple(rec for _, rec in sorted(chain, key=lambda t: t[0])),
            notes=tuple(notes),
        )

    def _taken_out(self, sid: str, party: str, end: int, where: str) -> list[tuple[tuple, dict]]:
        """Events of ``party`` in ``sid`` up to day ``end`` that the log as known took out of force,
        each with the correction or retraction that did it (and that retraction itself)."""
        raw = self.record.log(sid)
        live = {e.id for e in self.events_in_force(sid, party)}
        taken = self.record.taken_out(sid)
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

    def history(self, who: str, subject: str | None = None) -> Events:
        """Every event in force about a party (by code or name) or a person (office holder);
        with ``subject``, the events of that subject and of its predecessors."""
        sid = self.subject(subject).id if subject else None
        events = self._lineage_events(self._ancestry(sid)) if sid else self.events_in_force(None)
        try:
            code = self.resolve_party(who)
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

    def log(self, subject: str | None = None) -> list[Entry]:
        """The raw events as recorded (as known), corrections and retractions included."""
        sid = self.subject(subject).id if subject else None
        return self.record.log(sid)


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


def _predecessor(s: Subject) -> str | None:
    """The subject ``s`` continues, as its founding event declares it (a store's subject built
    alone does not know its predecessor: the founding event does)."""
    return s.predecessor or s.founded.predecessor


def _cite(events: Sequence[Entry]) -> tuple[dict, ...]:
    """The sources of these events, each once: ``{"ref", "title"}`` and ``url`` where known."""
    out: dict[tuple[str, str], dict] = {}
    for e in events:
        for src in e.sources:
            row = {"ref": src.ref, "title": src.title}
            if src.url:
                row["url"] = src.url
            out.setdefault((src.ref, src.title), row)
    return tuple(out.values())


def _order_key(e: Event) -> tuple:
    """How an event sorts in a chain: the replay's order (day, then kind)."""
    return (e.when.lo.toordinal(), KIND_ORDER[e.kind])


def _membership_filter(standing: str | None):
    if standing is None or standing == "all":
        return lambda subject, value: True
    if standing == "full":
        return lambda subject, value: value == FULL_STANDING[subject.kind]
    known = list(dict.fromkeys((*ORGANIZATION_STANDINGS, *TREATY_STANDINGS)))
    if standing not in known:
        raise BadArgument(f"unknown standing {standing!r} (expected all, full, {', '.join(known)})")
    return lambda subject, value: value == standing


def _what(standing: str | None) -> str:
    return "" if standing in (None, "all") else f" {standing!r}"


_NOTED_HOPS = 4  # of a lineage longer than twice this, the notes show this many steps at each end


def _instant(as_known: datetime | str | None) -> datetime | None:
    return parse_instant(as_known) if isinstance(as_known, str) else as_known
