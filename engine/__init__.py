"""Replay, state on a date, diff, history, explain, the index, the DuckDB store."""

from engine.aggregates import members_per_period, overlap, run_readonly_sql, tenures
from engine.answers import BodyRow, Diff, Explanation, MemberRow, Members, OfficeRow, State
from engine.replay import Replayed, Subject, replay
from engine.compare import Comparison, Disagreement, compare_standings
from engine.store import Store
from engine.store_timeline import StoreTimeline
from engine.timeline import Timeline, validate_events, validate_paths

__all__ = [
    "Timeline", "validate_events", "validate_paths", "replay", "Replayed", "Subject",
    "Members", "State", "Diff", "Explanation", "MemberRow", "OfficeRow", "BodyRow",
    "Store", "StoreTimeline", "members_per_period", "overlap", "tenures", "run_readonly_sql",
    "compare_standings", "Comparison", "Disagreement",
]
