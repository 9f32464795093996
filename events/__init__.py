"""Events: the value objects, the vocabulary, EDTF dates, codecs, validation, the catalog."""

from events.codec import event_from_record, event_to_record, read_jsonl, write_jsonl
from events.dates import When, parse_date, parse_instant, parse_period
from events.errors import (
    BadDate, BadEvent, Problem, StoreBusy, StoreError, TimelineError, UnknownParty, UnknownSubject,
    ValidationFailed,
)
from events.io import catalog_paths, load_events, read_paths
from events.model import BodyEvent, Event, OfficeEvent, Origin, ParticipationEvent, Retraction, Source, SubjectEvent
from events.parties import party_name, resolve_party

__all__ = [
    "Event", "SubjectEvent", "ParticipationEvent", "OfficeEvent", "BodyEvent", "Retraction", "Source", "Origin",
    "When", "parse_date", "parse_period", "parse_instant",
    "event_from_record", "event_to_record", "read_jsonl", "write_jsonl",
    "read_paths", "load_events", "catalog_paths", "party_name", "resolve_party",
    "TimelineError", "BadDate", "BadEvent", "UnknownSubject", "UnknownParty", "ValidationFailed",
    "StoreError", "StoreBusy", "Problem",
]
