"""What an event is: frozen, keyword-only value objects.

Every entry of the log (an ``Entry``) is either an :class:`Event` (a dated fact; its
``date`` is never missing) or a :class:`Retraction` (withdraws an earlier event; needs no date).
The domain does not know any file format; codecs (``events.codec``) build events through
named constructors and turn them back into records.
"""

from __future__ import annotations

import attrs

from .dates import When

__all__ = [
    "BodyEvent",
    "CoverageEvent",
    "Entry",
    "EntryFields",
    "Event",
    "OfficeEvent",
    "Origin",
    "ParticipationEvent",
    "Retraction",
    "Source",
    "SubjectEvent",
]


@attrs.frozen
class Origin:
    """Where an event was read from: not part of the event, kept for error messages."""

    file: str
    line: int


@attrs.frozen(kw_only=True)
class Source:
    """A citation: a document in the bundled sources, a data set, or a named public record.

    ``ref`` says where the text is checked (a seed file, a data file, ``public-record:...``); the
    bibliographic fields say what the document is, for a reader: ``title``, ``author`` (a person or
    the issuing body), ``publisher`` (publisher, agency or web site), ``issued`` (the document's
    date, EDTF, no more precise than known) and ``url``.
    """

    title: str
    ref: str
    quote: str | None = None
    url: str | None = None
    page: str | int | None = None
    author: str | None = None
    publisher: str | None = None
    issued: str | None = None


@attrs.frozen(kw_only=True)
class EntryFields:
    """What every entry of the log has: an id, a kind, a subject, its sources and its
    bookkeeping. Entries are never edited: an event is corrected or retracted."""

    id: str
    kind: str
    subject: str
    sources: tuple[Source, ...]
    recorded: str | None = None
    corrects: str | None = None
    note: str | None = None
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def where(self) -> str:
        return f"{self.origin.file}:{self.origin.line}" if self.origin else "<no file>"


@attrs.frozen(kw_only=True)
class Event(EntryFields):
    """One dated fact about a subject, with its sources."""

    date: When
    effective: When | None = None

    @property
    def when(self) -> When:
        """The date from which the event takes effect."""
        return self.effective or self.date


@attrs.frozen(kw_only=True)
class SubjectEvent(Event):
    """A subject's lifecycle: founded, renamed, entered-into-force, dissolved."""

    name: str | None = None
    subject_kind: str | None = None
    predecessor: str | None = None


@attrs.frozen(kw_only=True)
class ParticipationEvent(Event):
    """A party's standing changes: signed, joined, granted, suspended, withdrew, …"""

    party: str
    status: str | None = None


@attrs.frozen(kw_only=True)
class OfficeEvent(Event):
    """Someone takes or leaves an office."""

    office: str
    holder: str | None = None
    nationality: str | None = None


@attrs.frozen(kw_only=True)
class BodyEvent(Event):
    """An organ of a subject is established or abolished."""

    body: str
    name: str | None = None


@attrs.frozen(kw_only=True)
class CoverageEvent(Event):
    """How far the record speaks for a subject (kind ``attested``): ``date`` is the last day it
    covers (the latest day of a month or a year); ``parties``, when the roster is partial, names
    the parties it covers (ISO codes separated by spaces, as written)."""

    parties: str | None = None

    @property
    def party_codes(self) -> tuple[str, ...] | None:
        """The parties covered, or None when the record covers every party."""
        return None if self.parties is None else tuple(self.parties.split())


@attrs.frozen(kw_only=True)
class Retraction(EntryFields):
    """An earlier event is withdrawn from the record: a log entry, not a dated fact, so its
    dates are optional (kept as written, for the record's round trip)."""

    retracts: str
    date: When | None = None
    effective: When | None = None

    @property
    def when(self) -> When | None:
        """The date the retraction gives itself, if any (it needs none)."""
        return self.effective or self.date


Entry = Event | Retraction
"""One entry of the log, as read and stored: an event or a retraction."""
