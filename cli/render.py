"""Rendering answers as a table (rich), JSON or CSV. No queries here."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["emit", "flatten"]


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """One level of keys for tables and CSV: ``window`` becomes ``window_from``/``window_to``;
    lists (sources) become JSON text."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k == "window" and isinstance(v, dict):
            out["window_from"], out["window_to"] = v["from"], v["to"]
        elif isinstance(v, (list, dict)):
            out[k] = json.dumps(v, ensure_ascii=False)
        else:
            out[k] = v
    return out


def _columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def _table(rows: Sequence[dict[str, Any]], title: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(soft_wrap=False, width=max(100, Console().width))
    flat = [flatten(r) for r in rows]
    table = Table(title=escape(title) if title else None, show_lines=False, title_justify="left")
    cols = _columns(flat)
    for c in cols:
        table.add_column(escape(c), overflow="fold")
    for r in flat:
        table.add_row(*("" if r.get(c) is None else escape(str(r.get(c))) for c in cols))
    if not flat:
        console.print(f"{title + ': ' if title else ''}(none)", markup=False)
    else:
        console.print(table)


def _csv(rows: Sequence[dict[str, Any]]) -> None:
    flat = [flatten(r) for r in rows]
    cols = _columns(flat)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in flat:
        w.writerow({c: "" if r.get(c) is None else r.get(c) for c in cols})
    sys.stdout.write(buf.getvalue())


def emit(payload: Any, fmt: str, tables: dict[str, Sequence[dict]] | None = None, title: str | None = None) -> None:
    """Print ``payload`` as JSON, or its rows as a table or CSV.

    ``tables`` names the row lists to show for table and CSV output (several tables for
    ``state``); by default ``payload`` itself is the list of rows.
    """
    if fmt == "json":
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    sections = tables if tables is not None else {title or "": payload}
    if fmt == "csv":
        if len(sections) == 1:
            _csv(next(iter(sections.values())))
        else:
            rows = [{"section": name, **r} for name, rs in sections.items() for r in rs]
            _csv(rows)
        return
    for name, section in sections.items():
        _table(section, name or None)
