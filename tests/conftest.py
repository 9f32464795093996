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
