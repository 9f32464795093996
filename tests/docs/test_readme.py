"""The README's examples run: every `timeline` line of its command blocks, and its Python."""

from __future__ import annotations

import json
import re
import shlex

from typer.testing import CliRunner

from tests.conftest import ROOT
from timeline_engine.cli.app import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def commands(block: str) -> list[list[str]]:
    joined = block.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.split("  #")[0].strip()
        if line.startswith("timeline "):
            out.append(shlex.split(line)[1:])
    return out


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    first, second = blocks("sh")[:2]
    assert "pip install" in first and "timeline members CSTO --on 2005" in first
    assert "pytest" in second
    ci = (ROOT / ".ci" / "run").read_text()
    assert second.strip() in ci


def test_every_command_line_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-events").mkdir()
    export = runner.invoke(app, ["export", "--to", "jsonl", "--out", "my-events/catalog.jsonl"])
    assert export.exit_code == 0
    (tmp_path / "my-events.jsonl").write_text((tmp_path / "my-events" / "catalog.jsonl").read_text())
    for args in commands(blocks("sh")[2]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)


def test_every_store_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["export", "--to", "jsonl", "--out", "catalog.jsonl"])
    # The user's own file: here the catalog without the event the README then adds by hand.
    lines = [
        line
        for line in (tmp_path / "catalog.jsonl").read_text().splitlines()
        if not (
            json.loads(line)["subject"] == "SCO"
            and json.loads(line).get("party") == "BLR"
            and json.loads(line)["kind"] == "acceded"
        )
    ]
    (tmp_path / "events.jsonl").write_text("\n".join(lines) + "\n")
    store_block = next(b for b in blocks("sh") if "timeline init" in b)
    for args in commands(store_block):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)


def test_the_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["init", "--store", "my.duckdb"])
    runner.invoke(app, ["export", "--to", "jsonl", "--out", "c.jsonl"])
    runner.invoke(app, ["import", "c.jsonl", "--store", "my.duckdb"])
    for code in blocks("python"):
        namespace: dict = {}
        exec(compile(code, "README.md", "exec"), namespace)


def test_every_panel_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    panel_block = next(b for b in blocks("sh") if "timeline panel" in b)
    for args in commands(panel_block):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
    assert (tmp_path / "dyads.parquet").is_file() and (tmp_path / "sco.csv").is_file()


def test_the_compile_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["export", "--to", "jsonl", "--out", "my-events.jsonl"])
    compile_block = next(b for b in blocks("sh") if "timeline compile" in b)
    outputs = []
    for args in commands(compile_block):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert "ARM" in outputs[-1] and (tmp_path / "my-events.compiled" / "manifest.json").is_file()
