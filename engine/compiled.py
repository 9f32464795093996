"""Reading a compiled log (``timeline compile LOG --out DIR``) as a read-only store.

:func:`open_compiled` opens an in-memory DuckDB connection whose ``event_log``, ``spells`` and
``spells_in_force`` are views over the partitions' Parquet files, with the same ``events``,
``spans`` and ``office_terms`` views a store has, and wraps it as a read-only
:class:`~engine.store.Store`: every question a store answers, the directory answers the same
way (``Timeline.load(store=DIR)``, ``timeline members X --on D --store DIR``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from ..events.codec import FIELD_ORDER
from ..events.errors import StoreError
from . import remote
from .partitions import FORMAT_VERSION, MANIFEST
from .remote import as_location
from .spells_table import VIEWS_SQL
from .staging import record_json
from .store import CONFIG, SCHEMA_VERSION, Store

__all__ = ["is_compiled", "open_compiled", "read_manifest"]

_TEXT = [c for c in FIELD_ORDER if c not in ("sources", "recorded")]
# a store's ``events`` view (docs/data-dictionary.md), over the partitions' event_log
_NO_COVERAGE = (
    "CREATE TABLE spells_coverage (subject VARCHAR, attested_until DATE, attested VARCHAR, event_id VARCHAR, "
    "parties VARCHAR)"
)
_EVENTS_VIEW = f"""
CREATE VIEW events AS
SELECT seq, {", ".join(_TEXT)}, CAST(sources AS JSON) AS sources,
       CASE WHEN isinf(recorded) THEN NULL ELSE recorded AT TIME ZONE 'UTC' END AS recorded,
       eff_lo AS effective_from, eff_hi AS effective_to
FROM event_log
"""


def is_compiled(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder written by ``timeline compile`` (or a URL of one)."""
    p = as_location(path)
    if isinstance(p, str):
        return remote.exists(remote.join(p, MANIFEST))
    return p.is_dir() and (p / MANIFEST).is_file()


def read_manifest(path: str | os.PathLike[str]) -> dict:
    """The manifest of a compiled log, checked: its format and a version this program reads."""
    p = Path(path)
    try:
        manifest = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{p}: not a compiled log (no {MANIFEST}); write one with `timeline compile`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise StoreError(f"{p / MANIFEST}: not a compiled log's manifest ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "timeline-compiled":
        raise StoreError(f"{p / MANIFEST}: not a compiled log's manifest")
    version = manifest.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise StoreError(
            f"{p}: compiled log version {version!r}, this program reads version {FORMAT_VERSION}: "
            "compile the log again or upgrade timeline-engine"
        )
    return manifest


def _files(root: Path, parts: list[str], name: str) -> list[str]:
    paths = []
    for part in parts:
        f = root / part / name
        if not f.is_file():
            raise StoreError(f"{root}: compiled log is incomplete ({part}/{name} is missing)")
        paths.append(str(f.resolve()))
    return paths


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def open_compiled(path: str | os.PathLike[str]) -> Store:
    """A compiled log as a read-only store (nothing is read into memory until asked); one at a
    URL is read from a local copy (``engine.remote.fetch_folder``)."""
    at = as_location(path)
    root = remote.fetch_folder(at, MANIFEST) if isinstance(at, str) else at
    manifest = read_manifest(root)
    parts = [p["name"] for p in manifest.get("partitions", [])]
    con = duckdb.connect(":memory:", config=CONFIG)
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?), ('compiled_from', ?)",
            [str(SCHEMA_VERSION), json.dumps(manifest.get("source"))],
        )
        con.execute("CREATE TABLE party_names (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL)")
        con.execute(
            "CREATE TABLE side_records (dataset VARCHAR NOT NULL, part VARCHAR NOT NULL, pos BIGINT NOT NULL, "
            "record VARCHAR NOT NULL)"
        )
        if parts:
            views = {
                view: _files(root, parts, name)
                for view, name in (
                    ("event_log", "events.parquet"),
                    ("spells", "spells.parquet"),
                    ("spells_in_force", "spells_in_force.parquet"),
                    ("spells_coverage", "spells_coverage.parquet"),
                )
            }
            if not all(Path(p).exists() for p in views["spells_coverage"]):  # compiled before coverage was kept
                del views["spells_coverage"]
                con.execute(_NO_COVERAGE)
            # ``Timeline.sql`` turns external access off: these files (and no other) stay readable
            con.execute(f"SET allowed_paths = {_sql_list([p for paths in views.values() for p in paths])}")
            for view, paths in views.items():
                # a record that does not say when it was recorded was always known (as in the fold)
                # and its interchange record is made when read (a question reads few rows)
                extra = (
                    f" REPLACE (COALESCE(recorded, '-infinity'::TIMESTAMPTZ) AS recorded), {record_json()} AS record"
                    if view == "event_log"
                    else ""
                )
                con.execute(f"CREATE VIEW {view} AS SELECT *{extra} FROM read_parquet({_sql_list(paths)})")
        else:  # an empty log: the tables of an empty store
            con.execute(
                "CREATE TABLE event_log (seq BIGINT, "
                + ", ".join(f"{c} VARCHAR" for c in _TEXT)
                + ", sources VARCHAR, recorded TIMESTAMPTZ, recorded_text VARCHAR, when_text VARCHAR, "
                "eff_lo DATE, eff_hi DATE, v VARCHAR, record VARCHAR)"
            )
            con.execute(
                "CREATE TABLE spells (family VARCHAR, subject VARCHAR, thing VARCHAR, value VARCHAR, "
                "value2 VARCHAR, since VARCHAR, until VARCHAR, event_id VARCHAR, next_event_id VARCHAR, "
                "possible_from DATE, certain_from DATE, certain_to DATE, possible_to DATE, pos BIGINT)"
            )
            con.execute("CREATE TABLE spells_in_force (seq BIGINT)")
            con.execute(_NO_COVERAGE)
        con.execute(_EVENTS_VIEW)
        for sql in VIEWS_SQL():
            con.execute(sql)
    except duckdb.Error as e:
        con.close()
        raise StoreError(f"{root}: cannot read the compiled log ({str(e).splitlines()[0]})") from None
    except BaseException:
        con.close()
        raise
    return Store(con, root, read_only=True)
