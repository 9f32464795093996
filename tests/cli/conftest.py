"""The CLI through its real entry point, typer's CliRunner.

In this typer (0.29, click vendored as ``typer._click``), a result keeps ``stdout`` and
``stderr`` apart and ``output`` holds both interleaved, as a user would see them; there is no
``mix_stderr`` switch. ``TIMELINE_STORE`` is removed so that the bundled catalog answers.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from timeline_engine.cli.app import app


@pytest.fixture
def invoke():
    runner = CliRunner(env={"TIMELINE_STORE": None, "COLUMNS": "120"})

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return run


@pytest.fixture
def ok(invoke):
    """Run a command that must succeed with nothing on stderr but notes; return its stdout."""

    def run(*args: str) -> str:
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        assert all(line.startswith("note: ") for line in result.stderr.splitlines()), result.stderr
        return result.stdout

    return run


@pytest.fixture
def ok_json(ok):
    def run(*args: str):
        return json.loads(ok(*args, "--format", "json"))

    return run
