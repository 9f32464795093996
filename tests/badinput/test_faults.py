"""Faults: an import killed while it writes, and two imports into one store at once.

Nothing is lost and nothing is doubled: a killed import leaves the store exactly as it was; of two
concurrent imports one wins and the other is told "store is busy", and running the loser again
afterwards adds its events once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.generate import generate_records
from tests.badinput.helpers import FOUNDED, assert_clear_error, exported, invoke, snapshot
from tests.conftest import ROOT

KILL_EVENTS = 200_000


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_STORE"}
    env.update(extra)
    return env


def _cli(*args, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "timeline_engine", *map(str, args)],
        cwd=ROOT,
        env=_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _ids(jsonl: str) -> list[str]:
    return [json.loads(line)["id"] for line in jsonl.splitlines()]


def _stored_ids(store: Path) -> list[str]:
    """The ids in the store's event_log, in log order (read directly: quicker than an export)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT id FROM event_log ORDER BY seq").fetchall()]
    finally:
        con.close()


def _writing(store: Path, size: int, scratch: Path) -> bool:
    """Has the import begun its write transaction? It stages its rows in $TMPDIR, DuckDB spills
    beside the store, or the store file grows (DuckDB writes a large insert before it commits)."""
    staged = [p for p in scratch.rglob("*") if p.is_file()]
    return bool(staged) or store.with_name(store.name + ".tmp").exists() or store.stat().st_size > size


def _staged_size(scratch: Path) -> int:
    return sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())


def test_an_import_killed_while_it_writes_leaves_the_store_exactly_as_it_was(store, tmp_path):
    big = tmp_path / "big.jsonl"
    made = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--events", str(KILL_EVENTS), "--out", str(big)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    before = snapshot(store)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    size = store.stat().st_size
    started = time.monotonic()
    proc = _cli("import", big, "--store", store, TMPDIR=str(scratch))
    try:
        # Wait until the import has validated everything and begun its write transaction, then
        # until the staged rows stop growing (DuckDB is inserting them): kill it there. Not at the
        # first sight of the .wal file: DuckDB writes it as it commits, and an import killed then
        # is already whole (measured: all 200 000 events stored).
        while not _writing(store, size, scratch):
            assert proc.poll() is None, f"the import ended before it began to write: {proc.communicate()}"
            assert time.monotonic() - started < 240, "the import did not begin to write within 240 s"
            time.sleep(0.01)
        staged = -1
        while _staged_size(scratch) != staged:
            staged = _staged_size(scratch)
            time.sleep(0.05)
        assert proc.poll() is None, f"the import finished before it could be killed: {proc.communicate()}"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    shutil.rmtree(scratch)  # the staged rows a killed process cannot remove
    big.unlink()

    assert snapshot(store) == before
    # The store is not left locked or half-written: the next write goes through.
    added = invoke("import", _one_event(tmp_path), "--store", store)
    assert added.exit_code == 0, added.output
    assert _ids(exported(store)) == _ids(before[0]) + [FOUNDED["id"]]


def _one_event(folder: Path) -> Path:
    path = folder / "one.jsonl"
    path.write_text(json.dumps(FOUNDED) + "\n", encoding="utf-8")
    return path


def _synthetic(path: Path, prefix: str, n: int) -> list[str]:
    """``n`` valid events on subjects of their own (ids and subject ids start with ``prefix``)."""
    ids = []
    with path.open("w", encoding="utf-8") as f:
        for rec in generate_records(n, seed=11, subjects=n // 100):
            rec["id"] = f"{prefix}-{rec['id']}"
            rec["subject"] = f"{prefix.upper()}{rec['subject']}"
            ids.append(rec["id"])
            f.write(json.dumps(rec) + "\n")
    return ids


def test_two_imports_at_once_without_waiting_one_wins_the_other_is_told_the_store_is_busy_and_nothing_is_lost(
    store, tmp_path
):
    files = {name: tmp_path / f"{name}.jsonl" for name in ("a", "b")}
    ids = {name: _synthetic(path, name, 8_000) for name, path in files.items()}
    before = _stored_ids(store)

    procs = {name: _cli("import", path, "--store", store, "--wait", "0") for name, path in files.items()}
    outcomes = {name: (p.wait(timeout=120), *p.communicate()) for name, p in procs.items()}
    won = [n for n, (code, _, _) in outcomes.items() if code == 0]
    lost = [n for n, (code, _, _) in outcomes.items() if code != 0]
    assert len(won) == 1 and len(lost) == 1, outcomes
    winner, loser = won[0], lost[0]
    assert (
        outcomes[winner][1] == f"imported 8000 new event(s), 0 already stored; the store holds {len(before) + 8000}\n"
    )
    code, out, err = outcomes[loser]
    assert_clear_error(
        subprocess.CompletedProcess([], code, out, err),
        f"error: store is busy: another process is using {store}; try again when it has finished "
        "(--wait SECONDS waits longer)",
    )

    assert _stored_ids(store) == before + ids[winner]

    again = subprocess.run(
        [sys.executable, "-m", "timeline_engine", "import", str(files[loser]), "--store", str(store)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"imported 8000 new event(s), 0 already stored; the store holds {len(before) + 16000}\n"
    final = _stored_ids(store)
    assert final == before + ids[winner] + ids[loser]
    assert len(set(final)) == len(final)


def test_two_imports_at_once_that_wait_both_go_through_one_after_the_other(store, tmp_path):
    files = {name: tmp_path / f"{name}.jsonl" for name in ("a", "b")}
    ids = {name: _synthetic(path, name, 2_000) for name, path in files.items()}
    before = _stored_ids(store)

    procs = {name: _cli("import", path, "--store", store, "--wait", "240") for name, path in files.items()}
    outcomes = {name: (p.wait(timeout=300), *p.communicate()) for name, p in procs.items()}
    assert all(code == 0 for code, _, _ in outcomes.values()), outcomes
    final = _stored_ids(store)
    assert sorted(final) == sorted(before + ids["a"] + ids["b"])
    assert len(set(final)) == len(final)
