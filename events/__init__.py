"""Events: the value objects, the vocabulary, EDTF dates, codecs, validation, the catalog."""

from .codec import event_from_record, event_to_record, read_jsonl, write_jsonl
from .dates import When, parse_date, parse_instant, parse_period
from .errors import (
    BadDate,
    BadEvent,
    Problem,
    StoreBusy,
    StoreError,
    TimelineError,
    UnknownParty,
    UnknownSubject,
    ValidationFailed,
)
from .io import catalog_paths, load_events, read_paths
from .model import BodyEvent, Entry, Event, OfficeEvent, Origin, ParticipationEvent, Retraction, Source, SubjectEvent
from .parties import party_name, resolve_party

__all__ = [
    "BadDate",
    "BadEvent",
    "BodyEvent",
    "Entry",
    "Event",
    "OfficeEvent",
    "Origin",
    "ParticipationEvent",
    "Problem",
    "Retraction",
    "Source",
    "StoreBusy",
    "StoreError",
    "SubjectEvent",
    "TimelineError",
    "UnknownParty",
    "UnknownSubject",
    "ValidationFailed",
    "When",
    "catalog_paths",
    "event_from_record",
    "event_to_record",
    "load_events",
    "parse_date",
    "parse_instant",
    "parse_period",
    "party_name",
    "read_jsonl",
    "read_paths",
    "resolve_party",
    "write_jsonl",
]
