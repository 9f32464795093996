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

from ..events.dates import When, parse_instant, parse_period, period_of
from ..events.errors import BadArgument, Problem, UnknownSubject, ValidationFailed
from ..events.io import catalog_paths, read_paths
from ..events.model import Entry, Event
from ..events.parties import normalize_name as _norm
from . import changes, explaining, standings
from .aggregates import readonly_relation
from .answers import BodyRow, Diff, Explanation, MemberRow, Members, Memberships, OfficeRow, State
from .compiled import is_compiled, open_compiled
from .counts import PerYear, Rosters
from .duck import one_row
from .fold import in_replay_order
from .frames import Events
from .lineage import ancestry, answering
from .records import MemoryRecord, Record, StoreRecord
from .rows import Deferred, make_rows, primary
from .sources import cite
from .spells_table import VIEWS_SQL
from .store import Store
from .subject_names import subject_lookup
from .subjects import Subject
from .tracks import Track

__all__ = ["Timeline", "subject_lookup"]


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
    def _sid(self, text: str) -> str:
        """A subject's id from its id, alias or name (an unknown one is refused with a hint)."""
        sid = self._lookup.get(_norm(str(text)))
        return sid if sid is not None else self.subject(text).id

    def _lineage(self, subject: str, period: When) -> tuple[str, str, bool, list[str]]:
        """(asked, answered-for, asked exists, notes): before a subject existed, its predecessor answers."""
        asked = self._sid(subject)
        return (asked, *answering(self.record.index, self.subjects_by_id, asked, period))

    # -- rows ----------------------------------------------------------------------------
    def _rows(
        self,
        sid: str,
        family: str,
        period: When,
        make,
        keep: frozenset[str] | None = None,
        cite: bool = True,
        groups: tuple[int, int] | None = None,
    ) -> Deferred:
        """One row per thing and value in force on the day, or over the period (only the values
        in ``keep`` when given), searched now and made when read. ``make`` gets (thing, value,
        first spell, last spell, certainty, during, window, held) where ``held`` is
        (held_certainly, held_possibly) for a period and None for a day. With ``cite``, each row
        gets the sources of its event."""
        ix = self.record.index
        g0, g1 = groups if groups is not None else ix.groups(sid, family)
        rows, things = make_rows(ix, g0, g1, period.lo.toordinal(), period.hi.toordinal(), make, keep)
        return Deferred(lambda: self._with_sources(rows()) if cite else rows(), things)

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
        return [attrs.evolve(r, sources=cite([found[r.event_id]])) if r.event_id in found else r for r in rows]

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

    # -- queries -------------------------------------------------------------------------
    def members(self, subject: str, on: str | When, standing: str | None = None) -> Members:
        """Who held a standing (full participation by default) on a day or over a period."""
        return standings.members(self, subject, on, standing)

    def memberships(self, party: str, on: str | When, standing: str | None = None) -> Memberships:
        """Every subject a party stood in on a day or over a period (any standing by default; or
        ``standing="full"`` for member/party, or one standing such as ``"observer"``). A row of a
        subject that continues another (CSTO) names it in ``continues``."""
        return standings.memberships(self, party, on, standing)

    def state(self, subject: str, on: str | When) -> State:
        """Every party with any standing, the office holders and the bodies, on a day or over a period."""
        return standings.state(self, subject, on)

    def rosters(self, on: str | date) -> Rosters:
        """Every subject's full participants possibly on one day, {subject: [parties]}: the
        question ``members`` answers for one subject (without predecessors), for all at once."""
        return Rosters(self.record.index, self._day(on))

    def members_per_year(self, first: int, last: int) -> PerYear:
        """For every subject and year from ``first`` to ``last``: the parties that held its full
        standing at some time in the year and certainly all of it (``stats`` counts the same way)."""
        return PerYear(self.record.index, first, last)

    def _day(self, on: str | date) -> int:
        period = period_of(on.isoformat() if isinstance(on, date) else on)
        if period.lo != period.hi:
            raise BadArgument(f"{period.text!r} is not one day: give a day such as 2005-06-01")
        return period.lo.toordinal()

    def _primary(self, sid: str, family: str, day: int) -> dict[str, Any]:
        """{thing: the value in force on a day}, taking every transition that may have happened as done."""
        ix = self.record.index
        return primary(ix, *ix.groups(sid, family), day)

    def standing_on(self, subject: str, party: str, on: str | date) -> str | None:
        """The standing of one party on one day (the latest possible one inside an uncertainty window);
        before the subject existed, its standing in the predecessor."""
        when = on if isinstance(on, When) else parse_period(on.isoformat() if isinstance(on, date) else str(on))
        day = When(when.text, when.lo, when.lo)
        _, target, _, _ = self._lineage(subject, day)
        return self._primary(target, "party", day.lo.toordinal()).get(self.resolve_party(party))

    def _ancestry(self, sid: str) -> list[str]:
        """The subject and its predecessors, newest first (CSTO, CST); a cycle stops the walk."""
        return ancestry(self.record.index, self.subjects_by_id, sid)

    def _lineage_events(self, sids: list[str], after: int | None = None, until: int | None = None) -> list[Event]:
        """The events in force of these subjects (a subject and its predecessors), in replay order;
        only those taking effect after day ``after`` and by day ``until`` when given."""
        return in_replay_order(
            [e for sid in reversed(sids) for e in self.record.events_in_force(sid, None, after, until)]
        )

    def diff(self, subject: str, start: str | When, end: str | When) -> Diff:
        """What changed from the moment just before ``start`` began to the end of ``end``.

        One rule for every date form: ``diff("SCO", "2017-06-09", "2017-06-09")`` is what changed
        on that day, ``diff("SCO", "2007", "2007")`` what changed during 2007. Each end answers for
        the subject that existed then (its predecessor before it was founded). A transition whose
        date is uncertain counts from the first day it may have happened. Every row carries the
        ``date`` of the last event that changed it, the ``event_ids`` of the events between and
        their ``sources``; ``steps`` lists all those events in replay order.
        """
        return changes.diff(self, subject, start, end)

    def explain(self, subject: str, party: str, on: str | When) -> Explanation:
        """A party's standing and the chain of events and sources behind it (see
        ``engine.explaining.explain``)."""
        return explaining.explain(self, subject, party, on)

    def history(self, who: str, subject: str | None = None) -> Events:
        """Every event in force about a party (by code or name) or a person (office holder);
        with ``subject``, the events of that subject and of its predecessors."""
        return explaining.history(self, who, subject)

    def log(self, subject: str | None = None) -> list[Entry]:
        """The raw events as recorded (as known), corrections and retractions included."""
        sid = self.subject(subject).id if subject else None
        return self.record.log(sid)


def _instant(as_known: datetime | str | None) -> datetime | None:
    return parse_instant(as_known) if isinstance(as_known, str) else as_known
