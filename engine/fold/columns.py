"""A log as columns: one entry per record in log order, text as integer codes.

The fold reads nothing else. Columns come from events held in memory (:func:`from_events`: the
bundled catalog, event files, a small import) or straight from DuckDB (``engine.fold.duck``:
JSON lines, Parquet, a store's log) without a Python object per event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import attrs
import numpy as np

from ...events.dates import parse_instant
from ...events.errors import Problem
from ...events.model import BodyEvent, CoverageEvent, Event, OfficeEvent, ParticipationEvent, Retraction, SubjectEvent
from ...events.rules import SUBJECT_KINDS
from .codes import K, V

__all__ = ["NONE", "UNKNOWN", "WORD_FIELDS", "Columns", "Places", "from_events", "text_ranks"]

NONE = -1  # no value / no link
UNKNOWN = -2  # a link to an id the log does not hold (yet)
# The record fields whose texts are words (codes into ``Columns.words``), whichever reader codes
# them; a body's ``name`` too (``established``/``abolished``: the body's holder column).
WORD_FIELDS = ("subject", "party", "office", "body", "holder", "nationality", "predecessor", "parties")


class Places:
    """Where each record came from, and its id: for problems only, looked up when needed."""

    def __init__(
        self,
        ids: Callable[[Sequence[int]], list[str | None]],
        where: Callable[[int], tuple[str, int]],
        link: Callable[[int, str], str | None],
    ):
        self.ids = ids
        self.where = where
        self.link = link  # (position, "retracts" or "corrects") -> the id written there

    def problem(self, seq: int, message: str, with_id: bool = True) -> Problem:
        file, line = self.where(seq)
        eid = self.ids([seq])[0] if with_id else None
        return Problem(file, line, message, eid)


@attrs.define
class Columns:
    """Records in log order. Codes: ``words`` for subjects, parties, offices, bodies, holders,
    names; ``whens`` for EDTF texts (with their first and last day as ordinals)."""

    kind: np.ndarray  # int8 index into KINDS (-1: not a kind)
    subject: np.ndarray  # int32 code into words
    thing: np.ndarray  # int32: party, office or body (code into words; -1 none)
    status: np.ndarray  # int8 standing code of ``granted`` (0 none)
    holder: np.ndarray  # int32 holder (office events) or body name (body events), -1 none
    nationality: np.ndarray  # int32 code into words, -1 none
    skind: np.ndarray  # int8 subject kind of ``founded`` events (0 organization, 1 treaty, -1 none)
    predecessor: np.ndarray  # int32 code into words, -1 none; of an ``attested`` event: its parties text
    when: np.ndarray  # int32 code into whens (effective, else date); -1 none
    live: np.ndarray  # bool: the first record of its id, well formed
    words: np.ndarray  # the text dictionary (object array)
    whens: np.ndarray  # EDTF texts (object array)
    when_lo: np.ndarray  # int32 per when code
    when_hi: np.ndarray
    places: Places
    recorded: np.ndarray | None = None  # int64 microseconds since 1970 UTC; None: no record says
    retracts: np.ndarray | None = None  # int64 position of the retracted record, -1 none, -2 unknown
    corrects: np.ndarray | None = None  # int64 position of the corrected record, -1 none, -2 unknown
    first: np.ndarray | None = None  # int64 position of the first record with the same id
    # (position, position of the first record with its id) of records that reuse an id with
    # other content: a problem once both are known
    conflicts: list[tuple[int, int]] = attrs.field(factory=list)
    record_problems: list[Problem] = attrs.field(factory=list)
    _codes: dict[str, int] = attrs.field(factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def lo(self) -> np.ndarray:
        return _per_record(self.when_lo, self.when)

    @property
    def hi(self) -> np.ndarray:
        return _per_record(self.when_hi, self.when)

    def code(self, word: str) -> int:
        """The code of a subject, party, office or holder (-1 when the log does not hold it)."""
        if not self._codes:
            self._codes = {w: i for i, w in enumerate(self.words.tolist())}
        return self._codes.get(word, -1)

    def known_by(self, as_known: datetime | None) -> np.ndarray:
        """Which records had been recorded by ``as_known`` (a record without a time always had)."""
        if as_known is None or self.recorded is None:
            return np.ones(len(self), dtype=bool)
        limit = int(as_known.timestamp() * 1_000_000)
        return (self.recorded < 0) | (self.recorded <= limit)


def _micros(text: str | None) -> int:
    return -1 if text is None else int(parse_instant(text).timestamp() * 1_000_000)


def from_events(events: Sequence[Event | Retraction]) -> Columns:
    """Columns of events held in memory (their origins give the problems' file and line)."""
    events = list(events)
    n = len(events)
    words: dict[str, int] = {}
    whens: dict[str, int] = {}
    when_lo: list[int] = []
    when_hi: list[int] = []

    def word(text: str | None) -> int:
        if text is None:
            return -1
        code = words.get(text)
        if code is None:
            code = words[text] = len(words)
        return code

    kind = np.full(n, -1, dtype=np.int8)
    subject = np.full(n, -1, dtype=np.int32)
    thing = np.full(n, -1, dtype=np.int32)
    status = np.zeros(n, dtype=np.int8)
    holder = np.full(n, -1, dtype=np.int32)
    nationality = np.full(n, -1, dtype=np.int32)
    skind = np.full(n, -1, dtype=np.int8)
    predecessor = np.full(n, -1, dtype=np.int32)
    when = np.full(n, -1, dtype=np.int32)
    recorded = np.full(n, -1, dtype=np.int64)
    retracts = np.full(n, NONE, dtype=np.int64)
    corrects = np.full(n, NONE, dtype=np.int64)
    first = np.arange(n, dtype=np.int64)
    by_id: dict[str, int] = {}
    for i, e in enumerate(events):
        kind[i] = K[e.kind]
        subject[i] = word(e.subject)
        seen = by_id.setdefault(e.id, i)
        first[i] = seen
        if e.recorded is not None:
            recorded[i] = _micros(e.recorded)
        if isinstance(e, Retraction):
            continue
        w = e.when
        if w is not None:
            code = whens.get(w.text)
            if code is None:
                code = whens[w.text] = len(whens)
                when_lo.append(w.lo.toordinal())
                when_hi.append(w.hi.toordinal())
            when[i] = code
        if isinstance(e, ParticipationEvent):
            thing[i] = word(e.party)
            if e.status is not None:
                status[i] = V[e.status]
        elif isinstance(e, OfficeEvent):
            thing[i] = word(e.office)
            holder[i] = word(e.holder)
            nationality[i] = word(e.nationality)
        elif isinstance(e, BodyEvent):
            thing[i] = word(e.body)
            holder[i] = word(e.name or e.body)
        elif isinstance(e, SubjectEvent):
            if e.subject_kind is not None:
                skind[i] = SUBJECT_KINDS.index(e.subject_kind)
            predecessor[i] = word(e.predecessor)
        elif isinstance(e, CoverageEvent):
            predecessor[i] = word(e.parties)
    for i, e in enumerate(events):
        if isinstance(e, Retraction):
            retracts[i] = by_id.get(e.retracts, UNKNOWN)
        if e.corrects is not None:
            corrects[i] = by_id.get(e.corrects, UNKNOWN)
    live = first == np.arange(n)

    def ids(seqs: Sequence[int]) -> list[str | None]:
        return [events[int(s)].id for s in seqs]

    def where(seq: int) -> tuple[str, int]:
        o = events[int(seq)].origin
        return (o.file, o.line) if o else ("<events>", 0)

    def link(seq: int, field: str) -> str | None:
        return getattr(events[int(seq)], field, None)

    cols = Columns(
        kind=kind,
        subject=subject,
        thing=thing,
        status=status,
        holder=holder,
        nationality=nationality,
        skind=skind,
        predecessor=predecessor,
        when=when,
        live=live,
        words=np.array(list(words), dtype=object),
        whens=np.array(list(whens), dtype=object),
        when_lo=np.array(when_lo, dtype=np.int32),
        when_hi=np.array(when_hi, dtype=np.int32),
        places=Places(ids, where, link),
        recorded=recorded,
        retracts=retracts,
        corrects=corrects,
        first=first,
    )
    # Two different records under one id (the same record twice counts once).
    cols.conflicts = [(i, int(first[i])) for i in np.flatnonzero(~live).tolist() if events[i] != events[int(first[i])]]
    return cols


def _per_record(days: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Each record's day from its date's code, as the fold reads it; in a log with no dated
    record at all (only retractions) there is no day to read."""
    return days[when] if len(days) else np.zeros(len(when), dtype=days.dtype)


def text_ranks(texts) -> np.ndarray:
    """The place of each code's text in text order (as DuckDB orders VARCHAR: by code point), one
    longer than ``texts`` so that the code -1 (no text) ranks after every text."""
    order = np.argsort(np.asarray(texts, dtype=object), kind="stable")
    ranks = np.empty(len(order) + 1, dtype=np.int64)
    ranks[order] = np.arange(len(order))
    ranks[-1] = len(order)
    return ranks
