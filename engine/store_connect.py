"""Opening a store file: DuckDB's connection, the busy store (another process's lock), files
that are not stores, and the size of the file around a write (what a failed write took is given
back)."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

import duckdb

from ..events.errors import StoreBusy, StoreError

__all__ = ["CONFIG", "check_regular", "connect", "connect_waiting", "footprint", "shrink"]


# A store never loads extensions: opening a foreign file must not reach for the network.
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
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


def check_regular(path: Path) -> None:
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


def connect_waiting(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """``connect``, retried while another process holds the store, for up to ``wait`` seconds."""
    deadline = time.monotonic() + max(wait, 0.0)
    pause = 0.02
    while True:
        try:
            return connect(path, read_only)
        except StoreBusy:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.25)


# The store file is only ever stat'ed or truncated by path here, never opened: closing any
# descriptor of a file releases every fcntl lock the process holds on it, DuckDB's included.
def footprint(path: Path | None) -> int | None:
    """The size of the store file before a write, to give back what a failed one took."""
    if path is None:
        return None
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def shrink(path: Path | None, before: int | None) -> None:
    """After a failed write: DuckDB keeps the blocks it wrote for the transaction (a write that
    filled the disk leaves the disk full). No checkpoint happens inside a transaction, so
    those blocks lie past the old end of the file and nothing on disk refers to them: cut
    the file back to its old size (DuckDB writes them again when it reuses them)."""
    if before is None or path is None:
        return
    with contextlib.suppress(OSError):
        if os.stat(path).st_size > before:
            os.truncate(path, before)
