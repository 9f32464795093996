"""Rendering answers as a table, JSON, JSON lines, CSV or TSV. No queries here.

* Every value has a plain form: nested values (lists, structs, maps) are JSON in JSON output and
  text in tables, CSV and TSV; decimals, UUIDs, intervals, times and blobs are text; JSON never
  holds ``NaN`` or ``Infinity`` (they are ``null``).
* No printed value can drive a terminal: control characters (ESC, the C1 controls, …) are shown
  as ``\\xNN`` in tables, CSV and TSV, and as ``\\u00NN`` in JSON.
* A table on a terminal is drawn by rich; piped, it is plain aligned rows at full width.
* CSV and TSV cells: a list of plain values is joined with ``;``; a cell that a spreadsheet would
  run as a formula (it starts with ``=``, ``+``, ``-`` or ``@`` and is not a plain number) is
  prefixed with ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
import sys
import uuid
from collections.abc import Sequence
from typing import Any

from .common import visible

__all__ = ["cell_text", "emit", "flatten", "plain"]


def plain(value: Any) -> Any:
    """A value as JSON holds it: lists, dicts with text keys, text, finite numbers, booleans, null."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value():
            return int(value)
        f = float(value)  # a number when a float holds it exactly, else its exact text
        return f if decimal.Decimal(repr(f)) == value else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02X}" for b in bytes(value))
    if isinstance(value, (uuid.UUID, dt.timedelta)):
        return str(value)
    return str(value)


def cell_text(value: Any, joiner: str = ";") -> str:
    """A value as one cell's text: lists of plain values joined, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) and all(
        v is None or isinstance(v, (str, int, float, decimal.Decimal)) for v in value
    ):
        return joiner.join(cell_text(v) for v in value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return json.dumps(plain(value), ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, decimal.Decimal):
        return str(value)
    p = plain(value)
    return p if isinstance(p, str) else str(p)


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One level of keys for tables, CSV and TSV: ``window`` becomes ``window_from``/``window_to``."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k == "window" and isinstance(v, dict):
            out["window_from"], out["window_to"] = v["from"], v["to"]
        else:
            out[k] = v
    return out


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: dict[str, None] = {}
    for r in rows:
        for k in r:
            cols.setdefault(k, None)
    return list(cols)


def _text_rows(rows: Sequence[dict[str, Any]], joiner: str) -> tuple[list[str], list[list[str]]]:
    flat = [flatten(r) for r in rows]
    cols = _columns(flat)
    return [visible(c) for c in cols], [[visible(cell_text(r.get(c), joiner)) for c in cols] for r in flat]


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _defused(text: str) -> str:
    """A cell a spreadsheet would run as a formula, prefixed with ``'``; plain numbers as they are."""
    if text[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _table(rows: Sequence[dict[str, Any]], title: str | None, out) -> None:
    title = visible(title) if title else None
    # what a partial record covers is a note line above a table (``print_notes``), not a column
    rows = [{k: v for k, v in r.items() if not (k == "coverage" and isinstance(v, dict))} for r in rows]
    if not rows:
        out.write(f"{title + ': ' if title else ''}(none)\n")
        return
    cols, cells = _text_rows(rows, "; ")
    if out.isatty():
        _rich_table(cols, cells, title)
    else:
        _plain_table(cols, cells, title, out)


def _rich_table(cols: list[str], cells: list[list[str]], title: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=False, width=max(100, Console().width))
    table = Table(title=escape(title) if title else None, show_lines=False, title_justify="left")
    for c in cols:
        table.add_column(escape(c), overflow="fold")
    for r in cells:
        table.add_row(*(escape(v) for v in r))
    console.print(table)


def _plain_table(cols: list[str], cells: list[list[str]], title: str | None, out) -> None:
    """Aligned rows at full width (nothing cut, nothing folded), two spaces between columns."""
    from rich.cells import cell_len

    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values: list[str]) -> str:
        padded = [v + " " * (w - cell_len(v)) for v, w in zip(values, widths)]
        return "  ".join(padded).rstrip() + "\n"

    if title:
        out.write(title + "\n")
    out.write(line(cols))
    out.write(line(["-" * w for w in widths]))
    for r in cells:
        out.write(line(r))


def _csv(rows: Sequence[dict[str, Any]], out) -> None:
    cols, cells = _text_rows(rows, ";")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in cells:
        w.writerow([_defused(v) for v in r])
    out.write(buf.getvalue())


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _tsv_cell(text: str) -> str:
    return "".join(_TSV_ESCAPES.get(ch, ch) for ch in text)


def _tsv(rows: Sequence[dict[str, Any]], out) -> None:
    """Tab-separated: one line per row; tab, line break and backslash written as ``\\t``, ``\\n``,
    ``\\r``, ``\\\\``."""
    cols, cells = _text_rows(rows, ";")
    out.write("\t".join(_tsv_cell(c) for c in cols) + "\n")
    for r in cells:
        out.write("\t".join(_defused(_tsv_cell(v)) for v in r) + "\n")


_C1 = re.compile("[\x7f-\x9f]")


def _json_text(value: Any, indent: int | None) -> str:
    text = json.dumps(plain(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # C0 controls are escaped by json


def emit(payload: Any, fmt: str, tables: dict[str, Sequence[dict]] | None = None, title: str | None = None) -> None:
    """Print ``payload`` as JSON, or its rows as a table, JSON lines, CSV or TSV.

    ``tables`` names the row lists to show for the row formats (several tables for ``state``);
    by default ``payload`` itself is the list of rows. Several tables become one list of rows
    with a ``section`` column in JSON lines, CSV and TSV.
    """
    out = sys.stdout
    if fmt == "json":
        out.write(_json_text(payload, 2) + "\n")
        return
    sections = tables if tables is not None else {title or "": payload}
    if fmt in ("csv", "tsv", "jsonl"):
        if len(sections) == 1:
            rows = list(next(iter(sections.values())))
        else:
            rows = [{"section": name, **r} for name, rs in sections.items() for r in rs]
        if fmt == "jsonl":
            for r in rows:
                out.write(_json_text(r, None) + "\n")
        else:
            (_csv if fmt == "csv" else _tsv)(rows, out)
        return
    for name, section in sections.items():
        _table(section, name or None, out)
