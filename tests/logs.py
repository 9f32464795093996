"""A small log built by each test: records in log order, read as events from one file."""

from __future__ import annotations

from typing import Any

from timeline_engine.engine.timeline import Timeline
from timeline_engine.events.codec import event_from_record
from timeline_engine.events.model import Event, Origin

SOURCE = [{"title": "Example written for a test", "ref": "test:example"}]


class Log:
    """Interchange records in log order; ``events()`` reads them as if from ``file`` (line = position)."""

    def __init__(self, file: str = "log.jsonl"):
        self.file = file
        self.records: list[dict[str, Any]] = []

    def add(self, kind: str, subject: str, date: str | None = None, **fields: Any) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": f"{subject.lower()}-{kind}-{len(self.records) + 1}",
            "subject": subject,
            "kind": kind,
        }
        if date is not None:
            rec["date"] = date
        rec["sources"] = SOURCE
        rec.update(fields)
        self.records.append(rec)
        return rec

    def organization(self, sid: str = "ORG", date: str = "1990-01-01", **fields: Any) -> dict[str, Any]:
        return self.add("founded", sid, date, name=f"Organization {sid}", subject_kind="organization", **fields)

    def treaty(self, sid: str = "TRE", date: str = "1990-01-01", **fields: Any) -> dict[str, Any]:
        return self.add("founded", sid, date, name=f"Treaty {sid}", subject_kind="treaty", **fields)

    def party(self, kind: str, subject: str, party: str, date: str, **fields: Any) -> dict[str, Any]:
        return self.add(kind, subject, date, party=party, **fields)

    def events(self) -> list[Event]:
        return [event_from_record(r, Origin(self.file, n)) for n, r in enumerate(self.records, 1)]

    def timeline(self, as_known: str | None = None) -> Timeline:
        return Timeline(self.events(), as_known=as_known)
