"""What every bad input must get, and how a store is compared before and after.

A bad input gets exactly one line on stderr that starts with ``error: `` and is short enough
to read, nothing on stdout, exit code 1, and no traceback; the store it was aimed at is left
exactly as it was: the same rows in every table (``event_log``, ``meta``, the compiled spells)
and, where a test can afford it, the same ``timeline export --to jsonl``.
"""

from __future__ import annotations

import functools
import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from tests.conftest import ROOT
from timeline_engine.cli.app import app

__all__ = [
    "DOC",
    "FOUNDED",
    "MAX_ERROR_LENGTH",
    "SOURCE",
    "assert_clear_error",
    "assert_documented",
    "assert_shape",
    "doc_shapes",
    "event_log_count",
    "exported",
    "invoke",
    "joined",
    "run_process",
    "shape_regex",
    "snapshot",
    "tables",
    "write_jsonl",
]

SOURCE = [{"title": "Example written for a bad-input test", "ref": "test:badinput"}]
FOUNDED = {
    "id": "x-founded",
    "date": "2001-06-15",
    "subject": "XORG",
    "kind": "founded",
    "name": "Example Organization",
    "subject_kind": "organization",
    "sources": SOURCE,
}
# An error line a person can read at a glance: a file name, a line, an id and what to do fit.
MAX_ERROR_LENGTH = 600

_runner = CliRunner(env={"TIMELINE_STORE": None, "COLUMNS": "120"})


def joined(eid: str, party: str = "KAZ", date: str = "2002-03-04", subject: str = "XORG", **extra: Any) -> dict:
    return {"id": eid, "date": date, "subject": subject, "kind": "joined", "party": party, "sources": SOURCE, **extra}


def write_jsonl(path: Path, records: list) -> Path:
    """Records (dicts as JSON, strings as they are) one per line."""
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8")
    return path


def invoke(*args: Any):
    """Run ``timeline ARGS`` in this process; any store it opened is closed before returning."""
    result = _runner.invoke(app, [str(a) for a in args])
    gc.collect()  # a store timeline holds a cycle; close its DuckDB connection now, not later
    return result


def run_process(*args: Any, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m timeline_engine ARGS`` as a real process from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "timeline_engine", *[str(a) for a in args]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def assert_clear_error(result, *fragments: str, code: int = 1) -> str:
    """Exit ``code``, nothing on stdout, one short ``error:`` line on stderr, no traceback, a shape
    that docs/bad-input.md shows; that line."""
    if isinstance(result, subprocess.CompletedProcess):
        exit_code, stdout, stderr, exception = result.returncode, result.stdout, result.stderr, None
    else:
        exit_code, stdout, stderr, exception = result.exit_code, result.stdout, result.stderr, result.exception
    shown = (stdout + stderr)[:2000]
    assert "Traceback" not in stdout + stderr, shown
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert exit_code == code, f"exit {exit_code}: {shown}"
    assert stdout == "", shown
    lines = stderr.splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {shown}"
    line = lines[0]
    assert line.startswith("error: "), line[:2000]
    assert "internal error" not in line, line[:2000]
    assert len(line) <= MAX_ERROR_LENGTH, f"{len(line)} characters: {line[:300]}…"
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    assert_documented(line)
    return line


def event_log_count(store: Path) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM event_log").fetchone()[0]
    finally:
        con.close()


def tables(store: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a store (event_log, meta, spells, …), each value as text."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary "
                "ORDER BY table_name"
            ).fetchall()
        ]
        # as text: a TIMESTAMPTZ value would need pytz on the Python side
        return {n: con.execute(f'SELECT COLUMNS(*)::VARCHAR FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


def exported(store: Path) -> str:
    """``timeline export --to jsonl --store STORE``."""
    result = invoke("export", "--to", "jsonl", "--store", store)
    assert result.exit_code == 0, result.output
    return result.stdout


def snapshot(store: Path) -> tuple[str, dict[str, list[tuple]]]:
    """(the JSON-lines export, every row of every table) of a store."""
    return exported(store), tables(store)


def shape_regex(shape: str, **known: str) -> str:
    """A regular expression for a message shape as the docs write it: ``<file>:<line>: …``.

    ``<line>`` and ``<n>`` are numbers, a placeholder named in ``known`` is that exact text,
    any other ``<placeholder>`` is some text.
    """
    import re

    out = []
    for part in re.split(r"(<[^<>]+>)", shape):
        if part.startswith("<") and part.endswith(">"):
            name = part[1:-1]
            if name in known:
                out.append(re.escape(known[name]))
            elif name in ("line", "n"):
                out.append(r"\d+")
            else:
                out.append(r".*?")
        else:
            # a quoted value is quoted as Python's repr quotes it: "it's" as well as 'it'
            out.append(re.escape(part).replace("'", "['\"]"))
    return "".join(out)


def assert_shape(line: str, shape: str, **known: str) -> None:
    import re

    pattern = shape_regex(shape, **known)
    assert re.fullmatch(pattern, line, flags=re.S), f"{line[:400]!r} does not have the shape {shape!r}"


DOC = ROOT / "docs" / "bad-input.md"


@functools.lru_cache(maxsize=1)
def doc_shapes() -> tuple[str, ...]:
    """Every error shape in the tables of docs/bad-input.md (code spans that start with ``error: ``)."""
    import re

    shapes = []
    for row in DOC.read_text(encoding="utf-8").splitlines():
        if not row.startswith("|"):
            continue
        for double, single in re.findall(r"``(.+?)``|`([^`]+)`", row):
            span = (double[1:-1] if double.startswith(" ") and double.endswith(" ") else double) or single
            if span.startswith("error: "):
                shapes.append(span)
    return tuple(shapes)


def assert_documented(line: str) -> None:
    """The line has one of the shapes that docs/bad-input.md shows."""
    import re

    assert any(re.fullmatch(shape_regex(s), line, flags=re.S) for s in doc_shapes()), (
        f"no shape in {DOC.name} fits {line[:300]!r}"
    )
