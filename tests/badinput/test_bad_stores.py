"""A store that is not one, from another version, or that cannot be written: one clear line, exit 1,
and the file left as it was.

The tests run as root, for whom ``chmod 0444`` does not stop a write. Two honest ways to a store
that cannot be written are used instead: the command run as an unprivileged user (``setpriv``
to uid 65534) on a ``chmod 0444`` file, and ``chattr +i`` (immutable, which stops root too) on
the file or on its folder. Each is skipped, with the reason, only where the system lacks it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from tests.badinput.helpers import (
    FOUNDED,
    assert_clear_error,
    assert_shape,
    invoke,
    snapshot,
    tables,
    write_jsonl,
)
from tests.conftest import ROOT


def _reads_and_writes(store: Path, events: Path) -> list[list]:
    return [
        ["import", events, "--store", store],
        [
            "add",
            "--store",
            store,
            "--id",
            "x-founded",
            "--kind",
            "founded",
            "--subject",
            "XORG",
            "--date",
            "2001",
            "--name",
            "X",
            "--subject-kind",
            "organization",
            "--source-ref",
            "test:add",
            "--source-title",
            "T",
        ],
        ["members", "CSTO", "--on", "2005", "--store", store],
        ["export", "--to", "jsonl", "--store", store],
        ["sql", "SELECT count(*) FROM events", "--store", store],
        ["init", "--store", store],
    ]


@pytest.fixture
def events_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "good.jsonl", [FOUNDED])


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"this is not a database\n", id="text"),
        pytest.param(bytes(range(256)) * 16, id="binary-noise"),
        pytest.param(b"", id="empty-file"),
    ],
)
def test_a_file_that_is_not_a_duckdb_database_is_not_a_store_and_stays_as_it_was(tmp_path, events_file, content):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(content)
    for args in _reads_and_writes(path, events_file):
        line = assert_clear_error(invoke(*args))
        assert_shape(line, "error: <store> is not a timeline store (not a DuckDB database file)", store=str(path))
        assert path.read_bytes() == content, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.jsonl", "junk.duckdb"]


def test_an_sqlite_database_is_not_a_store_and_nothing_is_downloaded(tmp_path, events_file):
    path = tmp_path / "lite.duckdb"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE event_log (id TEXT)")
    con.commit()
    con.close()
    content = path.read_bytes()
    line = assert_clear_error(invoke("import", events_file, "--store", path))
    assert_shape(line, "error: <store> is not a timeline store (<what it is>)", store=str(path))
    assert path.read_bytes() == content


def test_a_duckdb_database_without_a_schema_version_is_not_a_store(tmp_path, events_file):
    path = tmp_path / "plain.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    con.close()
    before = tables(path)
    for args in _reads_and_writes(path, events_file):
        line = assert_clear_error(invoke(*args))
        assert_shape(
            line, "error: <store> is a DuckDB database but not a timeline store (no schema version)", store=str(path)
        )
    assert tables(path) == before


def _set_version(store: Path, version: str) -> None:
    con = duckdb.connect(str(store))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()


def test_a_store_from_a_newer_schema_version_is_refused_and_left_as_it_was(store, events_file):
    _set_version(store, "99")
    before = tables(store)
    for args in _reads_and_writes(store, events_file):
        line = assert_clear_error(invoke(*args))
        assert_shape(
            line,
            "error: <store> has schema version 99, newer than this program's <n>: upgrade timeline-engine to read it",
            store=str(store),
        )
    assert tables(store) == before


@pytest.mark.parametrize("version", ["abc", "-1", ""])
def test_a_store_with_a_garbled_schema_version_is_not_a_store(store, events_file, version):
    _set_version(store, version)
    before = tables(store)
    line = assert_clear_error(invoke("import", events_file, "--store", store))
    assert_shape(line, f"error: <store> is not a timeline store (bad schema version {version!r})", store=str(store))
    assert tables(store) == before


def test_a_store_from_a_schema_version_no_upgrade_starts_from_is_refused(store, events_file):
    _set_version(store, "0")
    before = tables(store)
    line = assert_clear_error(invoke("import", events_file, "--store", store))
    assert_shape(line, "error: <store> has schema version 0, <what to do>", store=str(store))
    assert tables(store) == before


@pytest.mark.parametrize(
    "args, shape",
    [
        (["import", "{events}"], "error: no store given: pass --store PATH or set TIMELINE_STORE"),
        (
            ["import", "{events}", "--store", "{tmp}/absent.duckdb"],
            "error: no store at {tmp}/absent.duckdb: create one with `timeline init --store {tmp}/absent.duckdb`",
        ),
        (["import", "{events}", "--store", "{tmp}"], "error: {tmp} is a folder, not a store file"),
        (
            ["init", "--store", "{tmp}/no/such/folder/s.duckdb"],
            "error: {tmp}/no/such/folder/s.duckdb: folder {tmp}/no/such/folder does not exist",
        ),
    ],
    ids=["no-store-given", "no-store-there", "store-is-a-folder", "init-in-a-missing-folder"],
)
def test_a_store_path_that_leads_nowhere_says_what_to_do(tmp_path, events_file, args, shape):
    fill = {"events": str(events_file), "tmp": str(tmp_path)}
    before = sorted(p.name for p in tmp_path.iterdir())
    line = assert_clear_error(invoke(*[a.format(**fill) for a in args]))
    assert line == shape.format(**fill)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- a store that cannot be written -------------------------------------------------------------

NOBODY = 65534


@pytest.fixture
def world_readable_dir():
    """A folder every user can read (pytest's own temporary folders are root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="timeline-badinput-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_a_chmod_0444_store_refuses_writes_to_an_unprivileged_user_and_still_answers(
    world_readable_dir, catalog_store_template
):
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as an unprivileged user")
    store = world_readable_dir / "store.duckdb"
    shutil.copyfile(catalog_store_template, store)
    store.chmod(0o444)
    events = write_jsonl(world_readable_dir / "good.jsonl", [FOUNDED])
    events.chmod(0o444)
    before = snapshot(store)

    def as_nobody(*args):
        return subprocess.run(
            [
                "setpriv",
                f"--reuid={NOBODY}",
                f"--regid={NOBODY}",
                "--clear-groups",
                sys.executable,
                "-m",
                "timeline_engine",
                *map(str, args),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "HOME": str(world_readable_dir), "TIMELINE_STORE": ""},
            timeout=60,
        )

    for args in (
        ["import", events, "--store", store],
        [
            "add",
            "--store",
            store,
            "--id",
            "x-founded",
            "--kind",
            "founded",
            "--subject",
            "XORG",
            "--date",
            "2001",
            "--name",
            "X",
            "--subject-kind",
            "organization",
            "--source-ref",
            "test:add",
            "--source-title",
            "T",
        ],
    ):
        line = assert_clear_error(as_nobody(*args))
        assert line == f"error: {store}: permission denied (cannot open the store for writing)"
    read = as_nobody("members", "CSTO", "--on", "2005", "--store", store, "--format", "json")
    assert read.returncode == 0, read.stderr
    assert [m["party"] for m in json.loads(read.stdout)] == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert snapshot(store) == before


@contextmanager
def immutable(path: Path):
    """``chattr +i``: not even root may change the file or the folder while it lasts."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed: no way to make a file read-only for root")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(
            f"chattr +i is not available here ({done.stderr.strip()}): no way to make a file read-only for root"
        )
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_an_immutable_store_refuses_writes_and_still_answers(store, events_file):
    before = snapshot(store)
    with immutable(store):
        line = assert_clear_error(invoke("import", events_file, "--store", store))
        read = invoke("members", "CSTO", "--on", "2005", "--store", store)
        assert read.exit_code == 0, read.output
    assert snapshot(store) == before
    assert line == f"error: {store}: permission denied (cannot open the store for writing)"


def test_a_store_in_a_folder_that_cannot_be_written_refuses_the_import_in_one_line(
    tmp_path, catalog_store_template, events_file
):
    folder = tmp_path / "locked"
    folder.mkdir()
    store = folder / "store.duckdb"
    shutil.copyfile(catalog_store_template, store)
    before = snapshot(store)
    with immutable(folder):
        result = invoke("import", events_file, "--store", store)
    assert snapshot(store) == before
    assert_shape(assert_clear_error(result), "error: <store>: <what failed>", store=str(store))
