"""Replay, state on a date, diff, history, explain, the index, the DuckDB store, aggregates,
comparisons and charts.

>>> from timeline_engine.engine import Timeline
>>> Timeline.load().members("CSTO", on="2005").parties
['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK']
"""

from .aggregates import members_per_period, overlap, run_readonly_sql, tenures
from .answers import BodyRow, Diff, Explanation, MemberRow, Members, OfficeRow, State
from .compare import Comparison, Disagreement, compare_standings
from .fold import Folded, fold
from .store import Store
from .subjects import Subject
from .timeline import Timeline
from .validation import validate_events, validate_paths

__all__ = [
    "BodyRow",
    "Comparison",
    "Diff",
    "Disagreement",
    "Explanation",
    "Folded",
    "MemberRow",
    "Members",
    "OfficeRow",
    "State",
    "Store",
    "Subject",
    "Timeline",
    "compare_standings",
    "fold",
    "members_per_period",
    "overlap",
    "run_readonly_sql",
    "tenures",
    "validate_events",
    "validate_paths",
]
