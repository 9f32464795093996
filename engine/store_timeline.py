"""A timeline answered from a store's compiled spells: no replay of the log.

Only the spells of the subject asked about are read, so a question costs about the same
whether the store holds a thousand events or a million. ``--as-known`` compiles the spells
of that edition of the record into a temporary table first.
"""

from __future__ import annotations

import json
from datetime import datetime
from collections.abc import Mapping
from itertools import groupby

from engine.replay import Subject, replay, replay_order
from engine.spans_sql import compile_spells
from engine.store import Store
from engine.timeline import Timeline
from engine.tracks import FOREVER, Spell, Track
from events.codec import event_from_record
from events.dates import parse_instant
from events.model import Event, Origin
from events.vocabulary import LIFECYCLE_KINDS

__all__ = ["StoreTimeline"]


def _ord(d) -> int:
    return FOREVER if d is None else d.toordinal()


class StoreTimeline(Timeline):
    """The same questions as :class:`Timeline`, answered from a :class:`Store`."""

    def __init__(self, store: Store, as_known: datetime | str | None = None):
        if isinstance(as_known, str):
            as_known = parse_instant(as_known)
        self.store = store
        self.as_known = as_known
        self.origin = str(store.path or "store")
        self._spells = "spells"
        if as_known is not None:
            compile_spells(store.con, as_known=as_known.isoformat(), target="known_spells", temp=True)
            self._spells = "known_spells"
        self._cache: dict[tuple[str, str], dict[str, Track]] = {}
        from events.parties import register_party

        for code, name in store.party_names().items():  # names of user-assigned codes (COW-only states)
            register_party(code, name)
        self._subjects = _LazySubjects(self)
        self._lookup = self._subject_lookup()

    def _records(self, where: str, params: list | None = None) -> list[Event]:
        rows = self.store.con.execute(
            f"SELECT seq, record FROM event_log WHERE seq IN (SELECT seq FROM {self._spells}_in_force) "
            f"AND {where} ORDER BY seq", params or []
        ).fetchall()
        return [event_from_record(json.loads(r), Origin(self.origin, seq)) for seq, r in rows]

    def _subject_lookup(self) -> dict[str, str]:
        """Ids and names from the store's founding and renaming events, without building subjects."""
        from engine.timeline import subject_lookup

        names = self.store.con.execute(
            f"SELECT subject, name FROM event_log WHERE kind IN ('founded', 'renamed') "
            f"AND seq IN (SELECT seq FROM {self._spells}_in_force) ORDER BY seq"
        ).fetchall()
        return subject_lookup(self._subjects, names)

    @property
    def raw(self) -> tuple[Event, ...]:
        return tuple(self.store.events())

    @property
    def subjects_by_id(self) -> dict[str, Subject]:
        return self._subjects

    def _tracks(self, family: str, sid: str) -> dict[str, Track]:
        key = (family, sid)
        if key not in self._cache:
            rows = self.store.con.execute(
                f"""SELECT thing, value, value2, since, until, event_id, next_event_id,
                           possible_from, certain_from, certain_to, possible_to
                    FROM {self._spells} WHERE family = ? AND subject = ? ORDER BY thing, pos""",
                [family, sid],
            ).fetchall()
            tracks = {}
            for thing, group in groupby(rows, key=lambda r: r[0]):
                spells = [
                    Spell((v, v2) if family == "office" else v, since, until, eid, nid,
                          _ord(pf), _ord(cf), _ord(ct), _ord(pt))
                    for _, v, v2, since, until, eid, nid, pf, cf, ct, pt in group
                ]
                tracks[thing] = Track(spells)
            self._cache[key] = tracks
        return self._cache[key]

    def party_tracks(self, sid: str) -> dict[str, Track]:
        return self._tracks("party", sid)

    def office_tracks(self, sid: str) -> dict[str, Track]:
        return self._tracks("office", sid)

    def body_tracks(self, sid: str) -> dict[str, Track]:
        return self._tracks("body", sid)

    def events_in_force(self, subject: str | None = None, party: str | None = None) -> list[Event]:
        where, params = ["TRUE"], []
        if subject is not None:
            where.append("subject = ?")
            params.append(subject)
        if party is not None:
            where.append("party = ?")
            params.append(party)
        return replay_order(self._records(" AND ".join(where), params))

    def log(self, subject: str | None = None) -> list[Event]:
        sid = self.subject(subject).id if subject else None
        where, params = [], []
        if self.as_known is not None:
            where.append("recorded <= CAST(? AS TIMESTAMPTZ)")
            params.append(self.as_known.isoformat())
        if sid is not None:
            where.append("subject = ?")
            params.append(sid)
        return self.store.events(" AND ".join(where), params)

    def as_of_knowledge(self, as_known):
        return StoreTimeline(self.store, as_known)


class _LazySubjects(Mapping):
    """Subjects of a store, each built from its lifecycle events the first time it is asked for."""

    def __init__(self, timeline: StoreTimeline):
        self._tl = timeline
        self._ids = [r[0] for r in timeline.store.con.execute(
            f"SELECT subject FROM event_log WHERE kind = 'founded' "
            f"AND seq IN (SELECT seq FROM {timeline._spells}_in_force) ORDER BY subject"
        ).fetchall()]
        self._known = set(self._ids)
        self._built: dict[str, Subject] = {}

    def __getitem__(self, sid: str) -> Subject:
        if sid not in self._known:
            raise KeyError(sid)
        if sid not in self._built:
            lifecycle = ", ".join(f"'{k}'" for k in LIFECYCLE_KINDS)
            events = self._tl._records(f"subject = ? AND kind IN ({lifecycle})", [sid])
            self._built[sid] = replay(events).subjects[sid]
        return self._built[sid]

    def __iter__(self):
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, sid) -> bool:
        return sid in self._known
