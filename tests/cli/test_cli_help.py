"""Every command has help with an example, and the examples of the query commands run."""

from __future__ import annotations

import shlex

import pytest

from timeline_engine.cli.app import app

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
# Examples that answer from the bundled catalog, with no file or store to set up first.
RUNNABLE = ("subjects", "members", "state", "diff", "history", "explain", "log")


def example_of(help_text: str) -> str:
    lines = [line.strip(" │") for line in help_text.splitlines() if "Example:" in line]
    assert len(lines) == 1, help_text
    return lines[0].split("Example:", 1)[1].strip()


def test_the_query_commands_of_the_contract_are_registered():
    assert set(RUNNABLE) | {"validate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example_of_itself(invoke, name):
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert example_of(result.stdout).startswith(f"timeline {name}")


@pytest.mark.parametrize("name", COMMANDS)
def test_help_is_also_dash_h(invoke, name):
    assert invoke(name, "-h").stdout == invoke(name, "--help").stdout


def test_the_program_help_has_an_example(invoke):
    result = invoke("--help")
    assert result.exit_code == 0
    assert example_of(result.stdout) == "timeline members CSTO --on 2005"


@pytest.mark.parametrize("name", RUNNABLE)
def test_the_example_in_a_query_commands_help_runs(invoke, name):
    example = example_of(invoke(name, "--help").stdout)
    result = invoke(*shlex.split(example)[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
