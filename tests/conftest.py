import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.logs import Log

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def catalog():
    from timeline_engine.engine import Timeline

    return Timeline.load()


@pytest.fixture
def write_events(tmp_path):
    """Write JSON-lines records to a file and return its path."""
    import json

    def write(records, name="events.jsonl"):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write


@pytest.fixture
def log() -> Log:
    """A small log built by the test: records in log order, read as events from one file."""
    return Log()


# The slowest test files, with how long their slow tests took (seconds, on two busy cores) in a
# run of the whole suite. They run first, slowest first, so that pytest-xdist's workers share
# them from the start: a long test handed out last leaves one core idle while the other finishes
# it. A file keeps its tests together and in their order (its module fixtures are made once).
# Only the order changes: a file missing here (or renamed) still runs, after these.
SLOWEST_FILES_FIRST = {
    "tests/datasets/test_cow_real_panel.py": 328,
    "tests/datasets/test_cli_data_sets.py": 211,
    "tests/engine/test_store_import.py": 155,
    "tests/engine/test_conformance.py": 137,
    "tests/docs/test_habits.py": 111,
    "tests/benchmarks/test_harness.py": 108,
    "tests/engine/test_store_incremental.py": 108,
    "tests/engine/test_store_spans.py": 90,
    "tests/badinput/test_faults.py": 70,
    "tests/badinput/test_parser_fuzzing.py": 65,
    "tests/docs/test_notebooks.py": 51,
    "tests/engine/test_conformance_partitions.py": 47,
    "tests/badinput/test_attacks.py": 44,
    "tests/events/test_interchange_properties.py": 26,
    "tests/benchmarks/test_scale.py": 16,
    "tests/engine/test_parquet_codes.py": 15,
    "tests/badinput/test_bad_event_files.py": 15,
    "tests/badinput/test_enormous_lines.py": 13,
}


def pytest_collection_modifyitems(config, items):
    """The slowest files first (a stable sort: every other file keeps its place, after them)."""
    items.sort(key=lambda item: -SLOWEST_FILES_FIRST.get(item.nodeid.split("::")[0], 0))
