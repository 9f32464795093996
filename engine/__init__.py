"""Replay, state on a date, diff, history, explain, the index, the DuckDB store."""

from engine.answers import BodyRow, Diff, Explanation, MemberRow, Members, OfficeRow, State
from engine.replay import Replayed, Subject, replay
from engine.timeline import Timeline, validate_events, validate_paths

__all__ = [
    "Timeline", "validate_events", "validate_paths", "replay", "Replayed", "Subject",
    "Members", "State", "Diff", "Explanation", "MemberRow", "OfficeRow", "BodyRow",
]
