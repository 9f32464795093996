"""A store's spell index, kept beside the store file (``STORE.index/``) so that a store opens
for questions without folding its log again.

The index is stamped with the store's *generation* — the program's version, the log's last
``seq`` and its count: the log only grows, so any write that changes it changes the stamp. A
write folds the subjects it touched and splices them into the saved index; a reader whose index
is missing, stale or unreadable folds the whole log once and saves what it built when it can.
Nothing here is the record: deleting the folder loses nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np

from .fold import Folded
from .spell_index import INDEX_VERSION, SpellIndex

__all__ = ["generation", "index_folder", "open_index", "update_index"]


class _Store(Protocol):
    con: duckdb.DuckDBPyConnection
    path: Path | None

    def fold_log(
        self, as_known: datetime | None = None, subjects: Sequence[str] | None = None
    ) -> tuple[Folded, np.ndarray]: ...


def _program() -> str:
    try:
        return version("timeline-engine")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without metadata
        return "unknown"


_PROGRAM = _program()


def generation(store: _Store) -> str:
    """The stamp of the store's log as it stands (see the module's text)."""
    last, count = store.con.execute("SELECT coalesce(max(seq), 0), count(*) FROM event_log").fetchall()[0]
    return f"{_PROGRAM}/{INDEX_VERSION}/{last}/{count}"


def index_folder(store: _Store) -> Path | None:
    """Where the store's index lives: beside a store file, inside a compiled folder (None for a
    store held in memory)."""
    if store.path is None:
        return None
    path = Path(store.path)
    return path / "index" if path.is_dir() else Path(str(path) + ".index")


def open_index(store: _Store) -> SpellIndex:
    """The store's index: the saved one when it is current, else folded from the log (and saved)."""
    folder, stamp = index_folder(store), generation(store)
    found = SpellIndex.load(folder, stamp) if folder is not None else None
    if found is None:
        folded, seq = store.fold_log()
        found = SpellIndex.of(folded, seq)
        if folder is not None:
            with contextlib.suppress(OSError):  # a folder we may not write to: fold again next time
                found.save(folder, stamp)
    return found


def update_index(store: _Store, before: str, folded: Folded, seq: np.ndarray, subjects: Sequence[str] | None) -> None:
    """After a committed write: splice the subjects folded again (``subjects``) into the index of
    the store as it was (stamped ``before``), or fold it whole when that index is not at hand."""
    folder = index_folder(store)
    if folder is None:
        return
    stamp = generation(store)
    if stamp == before and (folder / "index.json").exists():
        return
    old = SpellIndex.load(folder, before) if subjects is not None else None
    if old is not None and subjects is not None:
        index = old.replace(folded, seq, subjects)
    elif subjects is None or before.endswith("/0"):  # the whole log was folded, or it was empty
        index = SpellIndex.of(folded, seq)
    else:
        whole, whole_seq = store.fold_log()
        index = SpellIndex.of(whole, whole_seq)
    with contextlib.suppress(OSError):
        index.save(folder, stamp)
