"""Subjects as a record declares them: founded, renamed, entered into force, dissolved."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..events.model import Event, SubjectEvent
from ..events.rules import SUBJECT_KINDS
from .fold import Folded

__all__ = ["Subject", "subjects_of"]


@attrs.frozen
class Subject:
    """A subject as declared by its ``founded`` event, with its later lifecycle events."""

    id: str
    kind: str
    name: str
    founded: SubjectEvent
    predecessor: str | None
    renamed: tuple[SubjectEvent, ...] = ()
    entered_into_force: SubjectEvent | None = None
    dissolved: SubjectEvent | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + tuple(str(r.name) for r in self.renamed)


def subjects_of(folded: Folded, events: Sequence[Event]) -> dict[str, Subject]:
    """The subjects of a folded log, built from its lifecycle ``events`` (indexed by log position)."""
    lc, cols = folded.lifecycle, folded.columns
    out: dict[str, Subject] = {}
    for code, seq in enumerate(lc.founded.tolist()):
        if seq < 0:
            continue
        f = events[seq]
        assert isinstance(f, SubjectEvent)
        renamed = tuple(events[i] for i in lc.renamed.get(code, []))
        eif, gone, pred = int(lc.entered_into_force[code]), int(lc.dissolved[code]), int(lc.predecessor[code])
        sid = str(cols.words[code])
        out[sid] = Subject(
            id=sid,
            kind=SUBJECT_KINDS[int(lc.skind[code])],
            name=str(f.name),
            founded=f,
            predecessor=str(cols.words[pred]) if pred >= 0 else None,
            renamed=renamed,  # type: ignore[arg-type]
            entered_into_force=events[eif] if eif >= 0 else None,  # type: ignore[arg-type]
            dissolved=events[gone] if gone >= 0 else None,  # type: ignore[arg-type]
        )
    return dict(sorted(out.items()))
