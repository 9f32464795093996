"""Where a timeline's answers come from: a record, in memory or in a store.

A record gives the subjects, the change points of every party, office and body (tracks), the
events in force and the log as known at one instant. :class:`MemoryRecord` replays events held
in memory (the bundled catalog, event files); :class:`StoreRecord` reads a store's compiled
spells, only those of the subject asked about. :class:`engine.timeline.Timeline` asks its
questions of either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol

import attrs

from ..events.codec import event_from_record
from ..events.errors import ValidationFailed
from ..events.model import Entry, Event, Origin
from ..events.parties import PartyNames
from ..events.vocabulary import LIFECYCLE_KINDS
from .coverage import Coverage, coverages, read_coverage
from .fold import fold, from_events, in_replay_order
from .spell_index import SpellIndex
from .store import Store
from .store_index import open_index
from .subjects import Subject, subjects_of
from .tracks import Track
from .validation import validate_events

__all__ = ["MemoryRecord", "Record", "StoreRecord"]


class Record(Protocol):
    """What a timeline asks of its record."""

    as_known: datetime | None
    origin: str
    parties: PartyNames
    store: Store | None

    @property
    def index(self) -> SpellIndex: ...

    @property
    def raw(self) -> tuple[Entry, ...]: ...

    @property
    def subjects(self) -> Mapping[str, Subject]: ...

    def subject_names(self) -> list[tuple[str, str]]: ...

    def tracks(self, family: str, sid: str) -> dict[str, Track]: ...

    def events_in_force(
        self, subject: str | None = None, party: str | None = None, after: int | None = None, until: int | None = None
    ) -> list[Event]: ...

    def log(self, subject: str | None = None) -> list[Entry]: ...

    def taken_out(self, subject: str) -> dict[str, Entry]: ...

    def coverage(self, subject: str) -> Coverage | None: ...

    def as_of(self, as_known: datetime | None) -> Record: ...


class MemoryRecord:
    """Events held in memory, replayed once; refused with every problem when any is found."""

    store: Store | None = None

    def __init__(self, events: Sequence[Entry], as_known: datetime | None = None, origin: str = "events"):
        self.events = tuple(events)
        self.as_known = as_known
        self.origin = origin
        self.parties = PartyNames()
        folded, problems = validate_events(self.events, as_known)
        if problems:
            raise ValidationFailed(problems)
        self._subjects = subjects_of(folded, self.events)  # type: ignore[arg-type]
        self.index = SpellIndex.of(folded)
        self.index.ids = lambda positions: [self.events[i].id for i in positions]
        self._in_force = [self.events[i] for i in folded.replay_order().tolist()]
        self._known = folded.columns.known_by(as_known)
        self._taken_out = {self.events[t].id: self.events[e] for t, e in folded.taken_out.items()}
        self._coverage = coverages(folded)

    def coverage(self, subject: str) -> Coverage | None:
        """How far the record speaks for ``subject`` (None: not attested, so not bounded)."""
        return self._coverage.get(subject)

    @property
    def raw(self) -> tuple[Entry, ...]:
        return self.events

    @property
    def subjects(self) -> Mapping[str, Subject]:
        return self._subjects

    def subject_names(self) -> list[tuple[str, str]]:
        return [(s.id, n) for s in self._subjects.values() for n in s.names]

    def tracks(self, family: str, sid: str) -> dict[str, Track]:
        return self.index.tracks(family, sid)

    def events_in_force(
        self, subject: str | None = None, party: str | None = None, after: int | None = None, until: int | None = None
    ) -> list[Event]:
        """The events in force in replay order (of one subject or party; with ``after``/``until``,
        those whose window opens after day ``after`` and by day ``until``)."""
        return [
            e
            for e in self._in_force
            if (subject is None or e.subject == subject)
            and (party is None or getattr(e, "party", None) == party)
            and _within(e, after, until)
        ]

    def log(self, subject: str | None = None) -> list[Entry]:
        return [
            e
            for e, known in zip(self.events, self._known.tolist(), strict=True)
            if known and (subject is None or e.subject == subject)
        ]

    def taken_out(self, subject: str) -> dict[str, Entry]:
        """Event id -> the retraction in force or the correction that took it out of force."""
        return {i: e for i, e in self._taken_out.items() if e.subject == subject}

    def as_of(self, as_known: datetime | None) -> MemoryRecord:
        return MemoryRecord(self.events, as_known, self.origin)


def _within(e: Event, after: int | None, until: int | None) -> bool:
    if after is None and until is None:
        return True
    lo = e.when.lo.toordinal()
    return (after is None or lo > after) and (until is None or lo <= until)


_LOOKUPS_BEFORE_ALL = 64  # separate reads of event ids before a record reads them all


class StoreRecord:
    """A store's compiled spells, read subject by subject: no replay of the log.

    Only the spells of the subject asked about are read, so a question costs about the same
    whether the store holds a thousand events or a million. ``as_known`` compiles the spells of
    that edition of the record into a temporary table first.
    """

    def __init__(self, store: Store, as_known: datetime | None = None):
        self.store: Store | None = store
        self._store = store
        self.as_known = as_known
        self.origin = str(store.path or "store")
        self._spells = "spells"
        self._index: SpellIndex | None = None  # opened at the first question (``sql`` needs none)
        if as_known is not None:
            folded = store.compile(as_known, target="known_spells", temp=True)
            assert store.compiled is not None
            self._index = SpellIndex.of(folded, store.compiled[1])
            self._index.ids = self._ids
            self._spells = "known_spells"
        self._coverages: dict[str, Coverage] | None = None
        self._id_of: dict[int, str] = {}
        self._lookups = 0
        self.parties = PartyNames(store.party_names())  # names of user-assigned codes (COW-only states)
        self._named: list[tuple[str, str, str]] | None = None
        self._subjects = _LazySubjects(self)

    @property
    def index(self) -> SpellIndex:
        """The store's spell index (saved beside it; folded again when missing or stale)."""
        if self._index is None:
            self._index = open_index(self._store)
            self._index.ids = self._ids
        return self._index

    def _records(self, where: str, params: list | None = None) -> list[Event]:
        rows = self._store.con.execute(
            f"SELECT seq, record FROM event_log WHERE seq IN (SELECT seq FROM {self._spells}_in_force) "
            f"AND {where} ORDER BY seq",
            params or [],
        ).fetchall()
        entries = [event_from_record(json.loads(r), Origin(self.origin, seq)) for seq, r in rows]
        return [e for e in entries if isinstance(e, Event)]  # nothing in force is a retraction

    def coverage(self, subject: str) -> Coverage | None:
        """How far the record speaks for ``subject``, as the store keeps it beside its spells (read
        once for every subject)."""
        if self._coverages is None:
            self._coverages = read_coverage(self._store.con, self._spells)
        return self._coverages.get(subject)

    @property
    def raw(self) -> tuple[Entry, ...]:
        return tuple(self._store.events())

    @property
    def subjects(self) -> Mapping[str, Subject]:
        return self._subjects

    def subject_names(self) -> list[tuple[str, str]]:
        """Names from the store's founding and renaming events, without building subjects."""
        return [(subject, name) for subject, _, name in self._namings()]

    def _namings(self) -> list[tuple[str, str, str]]:
        """(subject, kind, name) of every founding and renaming in force, in log order: one pass
        over the log when the store is opened, for the subjects' ids and their names."""
        if self._named is None:
            self._named = self._store.con.execute(
                f"SELECT e.subject, e.kind, e.name FROM event_log e JOIN {self._spells}_in_force f ON f.seq = e.seq "
                "WHERE e.kind IN ('founded', 'renamed') ORDER BY e.seq"
            ).fetchall()
        return self._named

    def tracks(self, family: str, sid: str) -> dict[str, Track]:
        return self.index.tracks(family, sid)

    def _ids(self, seqs: Sequence[int]) -> list[str | None]:
        """The ids of events by seq, kept once read; a reader that keeps asking (a panel, a chart,
        an export walking every subject) gets every id of the log read at once."""
        known = self._id_of
        missing = [s for s in seqs if s not in known]
        if missing:
            self._lookups += 1
            con = self._store.con
            if self._lookups > _LOOKUPS_BEFORE_ALL:
                known.update(con.execute("SELECT seq, id FROM event_log").fetchall())
            else:
                known.update(
                    con.execute(
                        "SELECT seq, id FROM event_log WHERE seq IN (SELECT unnest(?::BIGINT[]))", [missing]
                    ).fetchall()
                )
        return [known.get(s) for s in seqs]

    def events_in_force(
        self, subject: str | None = None, party: str | None = None, after: int | None = None, until: int | None = None
    ) -> list[Event]:
        where: list[str] = ["TRUE"]
        params: list[object] = []
        if after is not None:
            where.append("eff_lo > ?")
            params.append(date.fromordinal(after))
        if until is not None:
            where.append("eff_lo <= ?")
            params.append(date.fromordinal(until))
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        if party is not None:
            where.append("party = ?")
            params.append(party)
        return in_replay_order(self._records(" AND ".join(where), params))

    def log(self, subject: str | None = None) -> list[Entry]:
        where, params = [], []
        if self.as_known is not None:
            where.append("recorded <= CAST(? AS TIMESTAMPTZ)")
            params.append(self.as_known.isoformat())
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        return self._store.events(" AND ".join(where), params)

    def taken_out(self, subject: str) -> dict[str, Entry]:
        """Event id -> the retraction in force or the correction that took it out of force (the
        subject's log, as known, folded again: edits are few)."""
        events = self.log(subject)
        folded = fold(from_events(events), self.as_known)
        return {events[t].id: events[e] for t, e in folded.taken_out.items()}

    def as_of(self, as_known: datetime | None) -> StoreRecord:
        return StoreRecord(self._store, as_known)


class _LazySubjects(Mapping[str, Subject]):
    """Subjects of a store, each built from its lifecycle events the first time it is asked for."""

    def __init__(self, record: StoreRecord):
        self._record = record
        self._ids = sorted(subject for subject, kind, _ in record._namings() if kind == "founded")
        self._known = set(self._ids)
        self._built: dict[str, Subject] = {}

    def __getitem__(self, sid: str) -> Subject:
        if sid not in self._known:
            raise KeyError(sid)
        if sid not in self._built:
            lifecycle = ", ".join(f"'{k}'" for k in LIFECYCLE_KINDS)
            events = self._record._records(f"subject = ? AND kind IN ({lifecycle})", [sid])
            alone = subjects_of(fold(from_events(events)), events)[sid]
            # folded alone, a subject cannot see its predecessor declared: its founding event names it
            # (the store refused any log whose predecessors were undeclared or in a cycle)
            self._built[sid] = attrs.evolve(alone, predecessor=alone.founded.predecessor)
        return self._built[sid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, sid: object) -> bool:
        return sid in self._known
