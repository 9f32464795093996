"""Checking a log: every problem in it, from reading records to refused transitions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime

from ..events.errors import Problem
from ..events.io import read_paths
from ..events.model import Entry
from .fold import Folded, fold, from_events

__all__ = ["validate_events", "validate_paths"]


def validate_events(events: Sequence[Entry], as_known: datetime | None = None) -> tuple[Folded, list[Problem]]:
    """The fold of ``events`` (as known by ``as_known``) and every problem found on the way."""
    folded = fold(from_events(events), as_known)
    return folded, folded.problems


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
    """Every problem in these event files: reading, records, references and transitions."""
    problems: list[Problem] = []
    events = read_paths(paths, problems)
    _, more = validate_events(events)
    seen = set()
    out = []
    for p in problems + more:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return sorted(out, key=lambda p: (p.file, p.line))
