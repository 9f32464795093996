"""A batch of events offered to a store: which of them are new (an id already stored with the same
content adds nothing; with other content, or twice in the batch with other content, it is refused,
naming both), and which subjects the write must fold again."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ..events.errors import Problem, ValidationFailed
from ..events.model import Entry, SubjectEvent
from .store_import import lineage_closure
from .store_rows import same_record, stored_records

__all__ = ["Refused", "new_events", "touched_subjects"]


def _problem(event: Entry, message: str) -> Problem:
    o = event.origin
    return Problem(o.file if o else "<events>", o.line if o else 0, message, event.id)


class Refused(Exception):
    """The fold of the log after a write found problems: the write is undone."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def new_events(con: duckdb.DuckDBPyConnection, events: Sequence[Entry]) -> tuple[list[Entry], int]:
    """(the events of the batch not yet stored, how many are stored already as they are); a
    ``ValidationFailed`` naming every id reused with other content."""
    problems: list[Problem] = []
    fresh: list[Entry] = []
    batch: dict[str, Entry] = {}
    for e in events:
        if e.id in batch:
            if batch[e.id] != e:
                problems.append(
                    _problem(
                        e,
                        f"id {e.id!r} is used twice in this input with different "
                        f"content (also at {batch[e.id].where()})",
                    )
                )
            continue
        batch[e.id] = e
    stored = stored_records(con, list(batch))
    unchanged = 0
    for eid, e in batch.items():
        if eid in stored:
            seq, rec = stored[eid]
            if same_record(rec, e):
                unchanged += 1
            else:
                problems.append(
                    _problem(
                        e,
                        f"id {eid!r} is already in the store (event #{seq}) with different "
                        "content; to change it, add an event that `corrects` it",
                    )
                )
        else:
            fresh.append(e)
    if problems:
        raise ValidationFailed(problems)
    return fresh, unchanged


def touched_subjects(con: duckdb.DuckDBPyConnection, events: Sequence[Entry]) -> list[str]:
    """The subjects a write must fold again: those of the new events and of the events they
    correct or retract, with every subject joined to one of them by a predecessor (either way,
    transitively: a lineage is checked whole). The rest of the log keeps its spells."""
    subjects = {e.subject for e in events}
    links = [x for e in events for x in (getattr(e, "retracts", None), e.corrects) if x]
    if links:
        subjects |= {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT subject FROM event_log WHERE id IN (SELECT unnest(?::VARCHAR[]))", [links]
            ).fetchall()
        }
    pairs = con.execute(
        "SELECT subject, predecessor FROM event_log WHERE kind = 'founded' AND predecessor IS NOT NULL"
    ).fetchall()
    pairs += [(e.subject, e.predecessor) for e in events if isinstance(e, SubjectEvent) and e.predecessor]
    return lineage_closure(subjects, pairs)
