"""Writing a log out (JSON lines, CSV, Parquet, catalog) and reading Parquet back, losslessly."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ..events.catalog_format import write_catalog
from ..events.codec import FIELD_ORDER, event_from_record, event_to_record, write_jsonl
from ..events.csvio import write_csv
from ..events.errors import Problem, TimelineError
from ..events.model import Entry, Origin

__all__ = ["check_out_path", "export_events", "read_parquet"]


def check_out_path(out: Path, protect: Sequence[Path | None] = ()) -> None:
    """Refuse an output path that writing would destroy or could not hold: a store being read
    (``protect``, the same file under any path or link), a folder, a device, a FIFO, a socket, a
    symlink. Only a regular file is replaced, and only a missing file in an existing folder made."""
    out = Path(out)
    if out.is_symlink():
        raise TimelineError(f"{out}: is a symbolic link; give the path of a regular file to write")
    if out.exists():
        mode = out.stat().st_mode
        if stat.S_ISDIR(mode):
            raise TimelineError(f"{out}: is a folder; give the path of a file to write")
        if not stat.S_ISREG(mode):
            kind = (
                "a named pipe (FIFO)"
                if stat.S_ISFIFO(mode)
                else "a device"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file"
            )
            raise TimelineError(f"{out}: is {kind}; give the path of a regular file to write")
        for kept in protect:
            if kept is not None and Path(kept).exists() and os.path.samefile(out, kept):
                raise TimelineError(f"{out}: is the store being read ({kept}); write the export to another file")
    elif not out.parent.is_dir():
        raise TimelineError(f"{out}: folder {out.parent} does not exist")


def export_events(events: Sequence[Entry], to: str, out: Path | None, protect: Sequence[Path | None] = ()) -> int:
    if out is not None:
        check_out_path(out, protect)
    if to == "parquet":
        if out is None:
            raise TimelineError("--to parquet needs --out FILE")
        return _write_parquet(events, out)
    writer = {"jsonl": write_jsonl, "csv": write_csv, "catalog": write_catalog}[to]
    if out is None:
        return writer(events, sys.stdout)
    # a fresh file of our own beside the output (never one that is there: it may be a link)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            n = writer(events, f)
        tmp.replace(out)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise TimelineError(f"{out}: cannot write ({e.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _write_parquet(events: Sequence[Entry], out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="timeline-") as tmp:
        src = Path(tmp) / "events.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for e in events:
                rec = event_to_record(e)
                rec["sources"] = json.dumps(rec["sources"], ensure_ascii=False)
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in FIELD_ORDER) + "}"
        partial = out.with_name(out.name + ".partial")
        con = duckdb.connect()
        try:
            con.execute(
                f"COPY (SELECT * FROM read_json(?, format='newline_delimited', columns={spec})) "
                f"TO '{str(partial).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)",
                [str(src)],
            )
        except duckdb.Error as e:
            raise TimelineError(f"{out}: cannot write Parquet ({str(e).splitlines()[0]})") from None
        finally:
            con.close()
        partial.replace(out)
    return len(events)


def read_parquet(path: Path, problems: list[Problem]) -> list[Entry]:
    label = str(path)
    con = duckdb.connect()
    try:
        cur = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as e:
        problems.append(Problem(label, 0, f"not a readable Parquet file ({str(e).splitlines()[0]})"))
        return []
    finally:
        con.close()
    unknown = [c for c in cols if c not in FIELD_ORDER]
    if unknown:
        problems.append(Problem(label, 0, f"unknown column {unknown[0]!r} (expected the interchange fields)"))
        return []
    events = []
    for i, row in enumerate(rows, 1):
        rec = {c: v for c, v in zip(cols, row) if v is not None}
        try:
            if "sources" in rec:
                rec["sources"] = json.loads(rec["sources"])
            events.append(event_from_record(rec, Origin(label, i)))
        except json.JSONDecodeError as e:
            problems.append(Problem(label, i, f"column 'sources' is not JSON ({e.msg})", rec.get("id")))
        except TimelineError as e:
            problems.append(Problem(label, i, str(e), rec.get("id")))
    return events
