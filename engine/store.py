"""The DuckDB store: an append-only log of events in one file, compiled spells beside it.

* ``Store.init(path)`` creates a store; ``Store.open(path)`` opens one (upgrading an older
  schema, refusing a newer one, saying "store is busy" when another process holds it).
* ``Store.append(events)`` is atomic and idempotent: all events or none; an event already
  stored (same id, same content) adds nothing; the same id with other content is refused,
  naming both. ``recorded`` is set at import when absent. After every write the spells are
  recompiled in the same transaction, so queries never replay the log.
* The views ``events``, ``spans`` and ``office_terms`` are what ``timeline sql`` sees.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs
import duckdb
import numpy as np

from ..events.codec import event_from_record
from ..events.errors import StoreError, ValidationFailed
from ..events.model import Entry, Origin
from .duck import one_row
from .fold import Columns, Folded, fold, from_events
from .fold.duck import load_store
from .spells_table import VIEWS_SQL, write_spells
from .store_batch import Refused, new_events, touched_subjects
from .store_connect import CONFIG, check_regular, connect, connect_waiting, footprint, shrink
from .store_import import NotColumnar, drop_staging, plan_import
from .store_index import generation, update_index
from .store_rows import (
    EVENTS_VIEW,
    LOG_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    SIDE,
    UPGRADES,
    AppendResult,
    event_row,
    in_subjects,
    put_names,
    put_side,
    rows_into,
    stamp,
)
from .validation import validate_events

__all__ = ["CONFIG", "SCHEMA_VERSION", "AppendResult", "NotColumnar", "Store"]


class Store:
    """One DuckDB file holding the log. Use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, read_only: bool):
        self.compiled: tuple[Folded, np.ndarray] | None = None  # the latest fold written, with its seqs
        self.con = con
        self.path = path
        self.read_only = read_only

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def init(cls, path: str | os.PathLike, wait: float = 0.0) -> tuple[Store, bool]:
        """Create a store at ``path``; (store, created) — an existing store is opened as it is."""
        path = Path(path)
        if path.exists() or path.is_symlink():
            return cls.open(path, wait=wait), False
        if not path.parent.exists():
            raise StoreError(f"{path}: folder {path.parent} does not exist")
        con = connect(path, read_only=False)
        try:
            con.execute("BEGIN")
            con.execute(SCHEMA + SIDE)
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('created', ?)",
                [str(SCHEMA_VERSION), datetime.now(UTC).isoformat()],
            )
            con.execute(EVENTS_VIEW)
            store = cls(con, path, False)
            store.compile()
            for sql in VIEWS_SQL():
                con.execute(sql)
            con.execute("COMMIT")
        except Exception:
            con.close()
            path.unlink(missing_ok=True)
            raise
        return store, True

    @classmethod
    def open(cls, path: str | os.PathLike, read_only: bool = False, wait: float = 0.0) -> Store:
        """Open the store at ``path``; while another process writes it, retry for up to ``wait``
        seconds before saying it is busy."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"no store at {path}: create one with `timeline init --store {path}`")
        if path.is_dir():
            raise StoreError(f"{path} is a folder, not a store file")
        check_regular(path)
        con = connect_waiting(path, read_only, wait)
        store = cls(con, path, read_only)
        try:
            version = store._version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} has schema version {version}, newer than this program's {SCHEMA_VERSION}: "
                    "upgrade timeline-engine to read it"
                )
            if version < SCHEMA_VERSION:
                if read_only:
                    con.close()
                    cls.open(path, read_only=False, wait=wait).close()  # upgrade, then reopen read-only
                    return cls.open(path, read_only=True, wait=wait)
                store._upgrade(version)
        except Exception:
            con.close()
            raise
        return store

    @classmethod
    def memory(cls, events: Sequence[Entry] = ()) -> Store:
        """An in-memory store (for the bundled catalog or event files): same views, same SQL."""
        con = duckdb.connect(":memory:", config=CONFIG)
        con.execute(SCHEMA + SIDE)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute(EVENTS_VIEW)
        store = cls(con, None, False)
        events = list(events)
        store._insert(events, datetime(1970, 1, 1, tzinfo=UTC).isoformat().replace("+00:00", "Z"))
        write_spells(con, fold(from_events(events)), store_seq=np.arange(1, len(events) + 1))
        for sql in VIEWS_SQL():
            con.execute(sql)
        return store

    def _version(self) -> int:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            raise StoreError(f"{self.path} is a DuckDB database but not a timeline store (no schema version)") from None
        if row is None:
            raise StoreError(f"{self.path} is not a timeline store (no schema version)")
        if not str(row[0]).isdigit():
            raise StoreError(f"{self.path} is not a timeline store (bad schema version {str(row[0])[:40]!r})")
        if int(row[0]) < 1:
            raise StoreError(
                f"{self.path} has schema version {str(row[0])[:40]}, which no version of this "
                "program wrote: it is not a timeline store"
            )
        return int(row[0])

    def _upgrade(self, version: int) -> None:
        self.con.execute("BEGIN")
        try:
            while version < SCHEMA_VERSION:
                for sql in UPGRADES[version]:
                    self.con.execute(sql)
                version += 1
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------
    def count(self) -> int:
        return one_row(self.con, "SELECT count(*) FROM event_log")[0]

    def events(self, where: str = "", params: Sequence = ()) -> list[Entry]:
        """Stored events in log order (``where`` is a trusted SQL condition on ``event_log``)."""
        rows = self.con.execute(
            f"SELECT seq, record FROM event_log {('WHERE ' + where) if where else ''} ORDER BY seq", list(params)
        ).fetchall()
        label = str(self.path or "store")
        return [event_from_record(json.loads(r), Origin(label, seq)) for seq, r in rows]

    def records(self) -> Iterable[dict]:
        for (r,) in self.con.execute("SELECT record FROM event_log ORDER BY seq").fetchall():
            yield json.loads(r)

    # -- writing -------------------------------------------------------------------------
    def _insert(self, events: list[Entry], recorded: str) -> None:
        if not events:
            return
        start = one_row(self.con, "SELECT COALESCE(max(seq), 0) FROM event_log")[0] + 1
        columns = {
            c: "VARCHAR"
            for c in [
                "seq",
                *[c for c in LOG_COLUMNS if c != "recorded"],
                "sources",
                "recorded_text",
                "when_text",
                "eff_lo",
                "eff_hi",
                "record",
            ]
        }
        columns.update(seq="BIGINT", eff_lo="DATE", eff_hi="DATE")
        rows_into(
            self.con,
            "event_log",
            columns,
            (event_row(e, start + i, recorded) for i, e in enumerate(events)),
            computed={"recorded": "CAST(recorded_utc AS TIMESTAMPTZ)"},
            helpers={"recorded_utc": "VARCHAR"},
        )

    def append(
        self,
        events: Sequence[Entry],
        *,
        now: datetime | None = None,
        side: dict[str, dict[str, list[dict]]] | None = None,
        party_names: dict[str, str] | None = None,
    ) -> AppendResult:
        """Add events atomically: all of them or, on any problem, none (``ValidationFailed``).

        ``side`` replaces the side records of each data set it names, and ``party_names``
        records names of user-assigned party codes, in the same transaction.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        recorded = stamp(now or datetime.now(UTC))
        fresh, unchanged = new_events(self.con, events)

        def extras() -> None:
            put_side(self.con, side or {})
            put_names(self.con, party_names or {})

        if not fresh:
            if side or party_names:
                self._write(extras, subjects=[])
            return AppendResult((0, unchanged))
        touched = touched_subjects(self.con, fresh)
        try:

            def insert_all() -> None:
                self._insert(fresh, recorded)
                extras()

            self._write(insert_all, subjects=touched)
        except Refused as refused:
            # Nothing was written. Check the events again as they were read, so that each problem
            # names its file and line: the touched subjects' stored events and the new ones.
            existing = self.events(in_subjects(touched))
            stamped = [e if e.recorded is not None else attrs.evolve(e, recorded=recorded) for e in fresh]
            _, problems = validate_events(existing + stamped)
            raise ValidationFailed(problems or refused.problems) from None
        return AppendResult((len(fresh), unchanged))

    def import_file(self, path: str | os.PathLike, *, now: datetime | None = None) -> AppendResult:
        """Add the events of one file (JSON lines, CSV or a Parquet export) read as columns by
        DuckDB, atomically and idempotently as :meth:`append` does, without an event object per
        record. ``NotColumnar`` (nothing written) when the columnar path cannot decide: a record
        or the fold found a problem, or a value it does not read as columns; :meth:`append` of
        the file's events then imports it or names each problem by file and line."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        try:
            plan = plan_import(self.con, Path(path), stamp(now or datetime.now(UTC)))
            if plan.added:
                try:
                    self._write(lambda: self.con.execute(plan.insert), subjects=plan.touched, columns=plan.columns)
                except Refused:
                    raise NotColumnar(f"{path}: the fold refused the import") from None
            return AppendResult((plan.added, plan.unchanged))
        finally:
            drop_staging(self.con)

    def fold_log(
        self,
        as_known: datetime | None = None,
        subjects: Sequence[str] | None = None,
        columns: tuple[Columns, np.ndarray] | None = None,
    ) -> tuple[Folded, np.ndarray]:
        """The fold of the stored log (as known by ``as_known``; only ``subjects`` when given) and
        the store's ``seq`` of each of its log positions; ``columns``, when given, are that
        partition already read (with each record's ``seq``)."""
        where = in_subjects(subjects) if subjects is not None else ""
        if columns is not None:
            cols, seq = columns
            return fold(cols, as_known), seq
        if (
            subjects == []
            or not self.con.execute(f"SELECT count(*) FROM event_log {('WHERE ' + where) if where else ''}").fetchall()[
                0
            ][0]
        ):
            return fold(from_events([])), np.zeros(0, dtype=np.int64)
        cols, seq = load_store(self.con, str(self.path or "store"), where)
        return fold(cols, as_known), seq

    def compile(
        self,
        as_known: datetime | None = None,
        target: str = "spells",
        temp: bool = False,
        subjects: Sequence[str] | None = None,
        columns: tuple[Columns, np.ndarray] | None = None,
    ) -> Folded:
        """Fold the stored log (as known by ``as_known``) into the table ``target`` and
        ``{target}_in_force``; the fold, with its problems. With ``subjects``, only their events
        are folded and only their spells replaced (a partition: whole lineages); ``columns``, when
        given, are that partition already read (with each record's ``seq``): an import of new
        subjects folds the columns it read."""
        folded, seq = self.fold_log(as_known, subjects, columns)
        write_spells(self.con, folded, target, temp, store_seq=seq, subjects=subjects)
        self.compiled = (folded, seq)
        return folded

    def side_records(self, dataset: str) -> dict[str, list[dict]]:
        """The side records of one imported data set, part by part, in their order."""
        out: dict[str, list[dict]] = {}
        for part, record in self.con.execute(
            "SELECT part, record FROM side_records WHERE dataset = ? ORDER BY part, pos", [dataset]
        ).fetchall():
            out.setdefault(part, []).append(json.loads(record))
        return out

    def party_names(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT code, name FROM party_names").fetchall())

    def _write(
        self, step, subjects: Sequence[str] | None = None, columns: tuple[Columns, np.ndarray] | None = None
    ) -> None:
        """Run ``step`` and fold the log again (only ``subjects`` when given) in one transaction:
        all of it, or nothing (``Refused`` when the fold finds problems), and the store file no
        larger than before."""
        before = footprint(self.path)
        stamp = generation(self)
        try:
            self.con.execute("BEGIN TRANSACTION")
            step()
            folded = self.compile(subjects=subjects, columns=columns)
            if folded.problems:
                raise Refused(folded.problems)
            for sql in VIEWS_SQL():
                self.con.execute(sql)
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            # the transaction may never have begun or be gone already: then nothing was written
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            shrink(self.path, before)
            if isinstance(e, duckdb.InterruptException):
                raise KeyboardInterrupt from None  # SIGINT while DuckDB wrote: nothing was changed
            raise StoreError(
                f"{self.path}: cannot write to the store, nothing was changed ({str(e).splitlines()[0]})"
            ) from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            shrink(self.path, before)
            raise
        assert self.compiled is not None  # set by compile()
        update_index(self, stamp, folded, self.compiled[1], subjects)
