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
import stat
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs
import duckdb
import numpy as np

from ..events.codec import FIELD_ORDER, event_from_record, event_to_record
from ..events.dates import parse_instant
from ..events.errors import Problem, StoreBusy, StoreError, ValidationFailed
from ..events.model import Entry, Origin, SubjectEvent
from .duck import one_row
from .fold import Folded, fold, from_events
from .fold.duck import load_store
from .spells_table import VIEWS_SQL, write_spells
from .store_index import generation, update_index
from .validation import validate_events

__all__ = ["SCHEMA_VERSION", "AppendResult", "Store"]

SCHEMA_VERSION = 3

_COLUMNS = [c for c in FIELD_ORDER if c not in ("sources",)]
_MIN_OBJECT = 1 << 20  # read_json's object size for rows of ordinary length (1 MiB)
_MAX_OBJECT = 2**31 - 1  # read_json's largest: an event is as long as its note and sources
_SCHEMA = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE event_log (
    seq BIGINT PRIMARY KEY,
    {", ".join(f"{c} VARCHAR" for c in _COLUMNS if c not in ("date", "recorded"))},
    date VARCHAR,
    sources VARCHAR NOT NULL,
    recorded TIMESTAMPTZ NOT NULL,
    recorded_text VARCHAR NOT NULL,
    when_text VARCHAR,
    eff_lo DATE,
    eff_hi DATE,
    record VARCHAR NOT NULL
);
CREATE UNIQUE INDEX event_log_id ON event_log (id);
CREATE TABLE party_names (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
"""
# Side records: what an imported data set holds besides membership facts (the COW panel's
# missing cells, column order, row metadata), kept so that an export can give it back whole.
_SIDE = """
CREATE TABLE side_records (dataset VARCHAR NOT NULL, part VARCHAR NOT NULL, pos BIGINT NOT NULL,
                           record VARCHAR NOT NULL);
"""
_EVENTS_VIEW = f"""
CREATE OR REPLACE VIEW events AS
SELECT seq, {", ".join(c for c in _COLUMNS if c != "recorded")}, CAST(sources AS JSON) AS sources,
       recorded AT TIME ZONE 'UTC' AS recorded, eff_lo AS effective_from, eff_hi AS effective_to
FROM event_log
"""
# Upgrades from each older schema version to the next: {from_version: [statements]}.
_UPGRADES: dict[int, list[str]] = {
    1: [_SIDE],
    # the parties an `attested` event covers; the views that say `unattested`
    2: [
        "ALTER TABLE event_log ADD COLUMN IF NOT EXISTS parties VARCHAR",
        _EVENTS_VIEW,
        *VIEWS_SQL(),
    ],
}


def _problem(event: Entry, message: str) -> Problem:
    o = event.origin
    return Problem(o.file if o else "<events>", o.line if o else 0, message, event.id)


class _Refused(Exception):
    """The fold of the log after a write found problems: the write is undone."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _in_subjects(subjects: Sequence[str] | None) -> str:
    """A condition on ``event_log`` selecting the events of ``subjects`` (ids are upper-case slugs,
    checked on the way in, so they are safe to write into SQL; quotes are doubled all the same)."""
    if not subjects:
        return "FALSE"
    return "subject IN (" + ", ".join("'" + s.replace("'", "''") + "'" for s in subjects) + ")"


class AppendResult(tuple):
    """(added, already stored)."""

    @property
    def added(self) -> int:
        return self[0]

    @property
    def unchanged(self) -> int:
        return self[1]


# A store never loads extensions: opening a foreign file must not reach for the network.
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only, config=CONFIG)
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            raise StoreBusy(
                f"store is busy: another process is using {path}; try again when it has finished "
                "(--wait SECONDS waits longer)"
            ) from None
        if (
            "not a valid DuckDB database" in text
            or "database file" in text.lower()
            or "header" in text.lower()
            or "extension" in text.lower()
        ):
            raise StoreError(f"{path} is not a timeline store (not a DuckDB database file)") from None
        if "Permission denied" in text or "read-only" in text.lower() or "Operation not permitted" in text:
            raise StoreError(
                f"{path}: permission denied (cannot open the store for {'reading' if read_only else 'writing'})"
            ) from None
        low = text.lower()
        if "corrupt" in low or "checksum" in low or "could not read enough bytes" in low:
            raise StoreError(f"the store is damaged or cut short ({text.splitlines()[0]})") from None
        raise StoreError(f"{path}: cannot open the store ({text.splitlines()[0]})") from None
    except duckdb.Error as e:
        text = str(e)
        if "extension" in text.lower() or "in-memory database" in text.lower():  # e.g. a .jsonl path
            raise StoreError(f"{path} is not a timeline store (not a DuckDB database file)") from None
        low = text.lower()
        if "corrupt" in low or "checksum" in low or "could not read enough bytes" in low:
            raise StoreError(f"the store is damaged or cut short ({text.splitlines()[0]})") from None
        raise StoreError(f"{path}: cannot open the store ({text.splitlines()[0]})") from None


def _regular(path: Path) -> None:
    """A store is a regular file: a FIFO, a device or a socket would hang DuckDB or be destroyed."""
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise StoreError(f"{path} is {kind}, not a store file")


def _connect_waiting(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """``_connect``, retried while another process holds the store, for up to ``wait`` seconds."""
    deadline = time.monotonic() + max(wait, 0.0)
    pause = 0.02
    while True:
        try:
            return _connect(path, read_only)
        except StoreBusy:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.25)


def _row(event: Entry, seq: int, recorded: str) -> dict:
    rec = event_to_record(event)
    if event.recorded is None:
        rec["recorded"] = recorded
    row = {c: rec.get(c) for c in _COLUMNS}
    row["seq"] = seq
    row["sources"] = json.dumps(rec["sources"], ensure_ascii=False)
    row["recorded_text"] = rec["recorded"]
    row["recorded_utc"] = parse_instant(rec["recorded"]).isoformat()
    row["when_text"] = event.when.text if event.when else None
    row["eff_lo"] = event.when.lo.isoformat() if event.when else None
    row["eff_hi"] = event.when.hi.isoformat() if event.when else None
    row["record"] = json.dumps(rec, ensure_ascii=False)
    return row


def _same(stored_record: dict, event: Entry) -> bool:
    incoming = event_to_record(event)
    if "recorded" not in incoming:
        stored_record = {k: v for k, v in stored_record.items() if k != "recorded"}
    return stored_record == incoming


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
        con = _connect(path, read_only=False)
        try:
            con.execute("BEGIN")
            con.execute(_SCHEMA + _SIDE)
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('created', ?)",
                [str(SCHEMA_VERSION), datetime.now(UTC).isoformat()],
            )
            con.execute(_EVENTS_VIEW)
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
        _regular(path)
        con = _connect_waiting(path, read_only, wait)
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
        con.execute(_SCHEMA + _SIDE)
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute(_EVENTS_VIEW)
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
                for sql in _UPGRADES[version]:
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
                *[c for c in _COLUMNS if c != "recorded"],
                "sources",
                "recorded_text",
                "when_text",
                "eff_lo",
                "eff_hi",
                "record",
            ]
        }
        columns.update(seq="BIGINT", eff_lo="DATE", eff_hi="DATE")
        self._rows_into(
            "event_log",
            columns,
            (_row(e, start + i, recorded) for i, e in enumerate(events)),
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
        recorded = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
        recorded = recorded.replace("+00:00", "Z")
        problems: list[Problem] = []
        fresh: list[Entry] = []
        batch: dict[str, Entry] = {}
        for e in events:
            if e.id in batch:
                if batch[e.id] != e:
                    problems.append(
                        _problem(
                            e,
                            f"id {e.id!r} is used twice in this input with different "
                            f"content (also at {batch[e.id].where()})",
                        )
                    )
                continue
            batch[e.id] = e
        stored = self._stored_records(list(batch))
        unchanged = 0
        for eid, e in batch.items():
            if eid in stored:
                seq, rec = stored[eid]
                if _same(rec, e):
                    unchanged += 1
                else:
                    problems.append(
                        _problem(
                            e,
                            f"id {eid!r} is already in the store (event #{seq}) with different "
                            "content; to change it, add an event that `corrects` it",
                        )
                    )
            else:
                fresh.append(e)
        if problems:
            raise ValidationFailed(problems)

        def extras() -> None:
            self._put_side(side or {})
            self._put_names(party_names or {})

        if not fresh:
            if side or party_names:
                self._write(extras, subjects=[])
            return AppendResult((0, unchanged))
        touched = self._partition(fresh)
        try:

            def insert_all() -> None:
                self._insert(fresh, recorded)
                extras()

            self._write(insert_all, subjects=touched)
        except _Refused as refused:
            # Nothing was written. Check the events again as they were read, so that each problem
            # names its file and line: the touched subjects' stored events and the new ones.
            existing = self.events(_in_subjects(touched))
            stamped = [e if e.recorded is not None else _with_recorded(e, recorded) for e in fresh]
            _, problems = validate_events(existing + stamped)
            raise ValidationFailed(problems or refused.problems) from None
        return AppendResult((len(fresh), unchanged))

    def _partition(self, events: Sequence[Entry]) -> list[str]:
        """The subjects a write must fold again: those of the new events and of the events they
        correct or retract, with every subject joined to one of them by a predecessor (either way,
        transitively: a lineage is checked whole). The rest of the log keeps its spells."""
        subjects = {e.subject for e in events}
        links = [x for e in events for x in (getattr(e, "retracts", None), e.corrects) if x]
        if links:
            subjects |= {
                r[0]
                for r in self.con.execute(
                    "SELECT DISTINCT subject FROM event_log WHERE id IN (SELECT unnest(?::VARCHAR[]))", [links]
                ).fetchall()
            }
        pairs = self.con.execute(
            "SELECT subject, predecessor FROM event_log WHERE kind = 'founded' AND predecessor IS NOT NULL"
        ).fetchall()
        pairs += [(e.subject, e.predecessor) for e in events if isinstance(e, SubjectEvent) and e.predecessor]
        linked: dict[str, set[str]] = {}
        for a, b in pairs:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        todo = list(subjects)
        while todo:
            for s in linked.get(todo.pop(), ()):
                if s not in subjects:
                    subjects.add(s)
                    todo.append(s)
        return sorted(subjects)

    def fold_log(
        self, as_known: datetime | None = None, subjects: Sequence[str] | None = None
    ) -> tuple[Folded, np.ndarray]:
        """The fold of the stored log (as known by ``as_known``; only ``subjects`` when given) and
        the store's ``seq`` of each of its log positions."""
        where = _in_subjects(subjects) if subjects is not None else ""
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
    ) -> Folded:
        """Fold the stored log (as known by ``as_known``) into the table ``target`` and
        ``{target}_in_force``; the fold, with its problems. With ``subjects``, only their events
        are folded and only their spells replaced (a partition: whole lineages)."""
        folded, seq = self.fold_log(as_known, subjects)
        write_spells(self.con, folded, target, temp, store_seq=seq, subjects=subjects)
        self.compiled = (folded, seq)
        return folded

    def _rows_into(
        self,
        table: str,
        columns: dict[str, str],
        rows: Iterable[dict],
        computed: dict[str, str] | None = None,
        helpers: dict[str, str] | None = None,
    ) -> None:
        """Insert many rows through a JSON-lines file: fast for DuckDB, and no per-row SQL.

        ``columns`` are copied as they are; ``computed`` columns are SQL over the row's fields,
        which may read ``helpers`` (fields of the file that are not columns of the table).
        """
        computed = computed or {}
        fields = {**columns, **(helpers or {})}
        with tempfile.TemporaryDirectory(prefix="timeline-") as tmp:
            path = Path(tmp) / "rows.jsonl"
            longest = 0
            with path.open("wb") as f:
                for r in rows:
                    line = (json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8")
                    longest = max(longest, len(line))
                    f.write(line)
            # read_json reserves buffers of twice its maximum object size: sized by the longest
            # line, never by a constant of gigabytes
            size = min(max(longest + 1024, _MIN_OBJECT), _MAX_OBJECT)
            spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in fields.items()) + "}"
            self.con.execute(
                f"INSERT INTO {table} ({', '.join([*columns, *computed])}) "
                f"SELECT {', '.join([*columns, *computed.values()])} "
                f"FROM read_json(?, format='newline_delimited', columns={spec}, maximum_object_size={size})",
                [str(path)],
            )

    def _put_side(self, side: dict[str, dict[str, list[dict]]]) -> None:
        for dataset, parts in side.items():
            self.con.execute("DELETE FROM side_records WHERE dataset = ?", [dataset])
            self._rows_into(
                "side_records",
                {"dataset": "VARCHAR", "part": "VARCHAR", "pos": "BIGINT", "record": "VARCHAR"},
                (
                    {"dataset": dataset, "part": part, "pos": i, "record": json.dumps(r, ensure_ascii=False)}
                    for part, rows in parts.items()
                    for i, r in enumerate(rows)
                ),
            )

    def _put_names(self, names: dict[str, str]) -> None:
        for code, name in names.items():
            self.con.execute("INSERT OR REPLACE INTO party_names VALUES (?, ?)", [code, name])

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

    # The store file is only ever stat'ed or truncated by path here, never opened: closing any
    # descriptor of a file releases every fcntl lock the process holds on it, DuckDB's included.
    def _footprint(self) -> int | None:
        """The size of the store file before a write, to give back what a failed one took."""
        if self.path is None:
            return None
        try:
            return os.stat(self.path).st_size
        except OSError:
            return None

    def _shrink(self, before: int | None) -> None:
        """After a failed write: DuckDB keeps the blocks it wrote for the transaction (a write that
        filled the disk leaves the disk full). No checkpoint happens inside a transaction, so
        those blocks lie past the old end of the file and nothing on disk refers to them: cut
        the file back to its old size (DuckDB writes them again when it reuses them)."""
        if before is None or self.path is None:
            return
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_size > before:
                os.truncate(self.path, before)

    def _write(self, step, subjects: Sequence[str] | None = None) -> None:
        """Run ``step`` and fold the log again (only ``subjects`` when given) in one transaction:
        all of it, or nothing (``_Refused`` when the fold finds problems), and the store file no
        larger than before."""
        before = self._footprint()
        stamp = generation(self)
        try:
            self.con.execute("BEGIN TRANSACTION")
            step()
            folded = self.compile(subjects=subjects)
            if folded.problems:
                raise _Refused(folded.problems)
            for sql in VIEWS_SQL():
                self.con.execute(sql)
            self.con.execute("COMMIT")
        except duckdb.Error as e:
            # the transaction may never have begun or be gone already: then nothing was written
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            self._shrink(before)
            if isinstance(e, duckdb.InterruptException):
                raise KeyboardInterrupt from None  # SIGINT while DuckDB wrote: nothing was changed
            raise StoreError(
                f"{self.path}: cannot write to the store, nothing was changed ({str(e).splitlines()[0]})"
            ) from None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            self._shrink(before)
            raise
        assert self.compiled is not None  # set by compile()
        update_index(self, stamp, folded, self.compiled[1], subjects)

    def _stored_records(self, ids: list[str]) -> dict[str, tuple[int, dict]]:
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT e.id, e.seq, e.record FROM event_log e JOIN (SELECT unnest(?) AS id) i USING (id)", [ids]
        ).fetchall()
        return {i: (seq, json.loads(r)) for i, seq, r in rows}


def _with_recorded(event: Entry, recorded: str) -> Entry:
    return attrs.evolve(event, recorded=recorded)
