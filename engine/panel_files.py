"""A panel's table written to a file: CSV (``.csv``, ``.csv.gz``), Parquet or JSON lines, by the
file's suffix; CSV with missing cells empty."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import IO, Any

from ..events.errors import BadArgument, TimelineError
from .lazy import LazyModule

# pyarrow takes ~0.15 s to import: only a panel written pays for it
pa: Any = LazyModule("pyarrow")
pq: Any = LazyModule("pyarrow.parquet")

__all__ = ["FORMATS", "csv_text", "output_format", "write_csv", "write_panel"]

FORMATS = {".csv": "csv", ".gz": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def output_format(path: str | Path) -> str:
    """``csv``, ``parquet`` or ``jsonl`` by a file's suffix; a BadArgument for any other."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None or (path.suffix.lower() == ".gz" and not path.name.lower().endswith(".csv.gz")):
        raise BadArgument(f"{path}: unknown output type; expected .csv, .csv.gz, .parquet or .jsonl")
    return kind


def write_panel(table: pa.Table, out: str | Path) -> int:
    """Write a table as CSV, Parquet or JSON lines by the file's suffix; the number of rows."""
    path = Path(out)
    kind = output_format(path)
    try:
        if kind == "parquet":
            pq.write_table(table, path)
        elif kind == "jsonl":
            with open(path, "w", encoding="utf-8") as f:
                for batch in table.to_batches(10_000):
                    for row in batch.to_pylist():
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif path.suffix.lower() == ".gz":
            with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
                write_csv(table, f)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                write_csv(table, f)
    except OSError as e:
        raise TimelineError(f"{path}: cannot write ({e.strerror or e})") from None
    return table.num_rows


def write_csv(table: pa.Table, out: IO[str]) -> None:
    """CSV with a header, missing cells empty, quotes only where needed (to a text file)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(table.column_names)
    for batch in table.to_batches(10_000):
        columns = [c.to_pylist() for c in batch.columns]
        for row in zip(*columns):
            w.writerow(["" if v is None else v for v in row])


def csv_text(table: pa.Table) -> str:
    buf = io.StringIO()
    write_csv(table, buf)
    return buf.getvalue()
