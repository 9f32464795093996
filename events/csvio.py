"""Events as CSV: one row per event, the interchange fields as columns, ``sources`` as a
JSON list in its cell. Empty cells are absent fields. Reads back what it writes.

Each event is one line: a cell whose text holds a line break or starts with ``"`` is
written as a JSON string, and a cell that reads as a JSON string is decoded. Cells that span lines the usual CSV way (quoted, as spreadsheets write
them) are read too, with ``\\n`` between their lines.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .codec import FIELD_ORDER, event_from_record, event_to_record, json_line, loads_strict
from .errors import Problem, TimelineError
from .model import Entry, Origin

__all__ = ["CSV_COLUMNS", "read_csv", "write_csv"]

CSV_COLUMNS = FIELD_ORDER


def _needs_json(text: str) -> bool:
    return text.startswith('"') or text.splitlines() != [text]


def _cell(value: str) -> Any:
    """A cell's value: a JSON string when it reads as one, else the text itself."""
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            return value
        if isinstance(decoded, str):
            return decoded
    return value


_DELIMITERS = (",", ";", "\t")


def _delimiter(first: str) -> str:
    """The delimiter of a file whose header row is ``first``: the one of ``,`` ``;`` and tab
    that splits it into interchange columns (a spreadsheet in a comma-decimal locale writes
    ``;``); a comma when none does."""
    best, best_known = ",", 0
    for d in _DELIMITERS:
        try:
            cells = next(csv.reader([first], delimiter=d))
        except (csv.Error, StopIteration):
            continue
        known = sum(c.strip() in CSV_COLUMNS for c in cells)
        if known > best_known:
            best, best_known = d, known
    return best


def read_csv(lines: Iterable[str], file: str, problems: list[Problem]) -> Iterator[Entry]:
    lines = list(lines)
    delimiter = _delimiter(lines[0]) if lines else ","
    reader = csv.reader(io.StringIO("\n".join(lines) + "\n", newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(file, 1, "empty CSV: expected a header row"))
        return
    except csv.Error as e:
        problems.append(Problem(file, 1, f"not valid CSV ({e})"))
        return
    unknown = [c for c in header if c not in CSV_COLUMNS]
    missing = [c for c in ("id", "kind", "subject", "sources") if c not in header]
    if unknown or missing:
        what = []
        if unknown:
            what.append(f"unknown column {unknown[0]!r}")
        if missing:
            what.append(f"missing column {missing[0]!r}")
        problems.append(Problem(file, 1, "; ".join(what) + f" (columns are {', '.join(CSV_COLUMNS)})"))
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(Problem(file, start, f"not valid CSV ({e})"))
            return
        number = start
        if not row or all(not c for c in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(file, number, f"expected {len(header)} columns, found {len(row)}"))
            continue
        rec = {k: v if k == "sources" else _cell(v) for k, v in zip(header, row) if v != ""}
        if "sources" in rec:
            try:
                rec["sources"] = loads_strict(rec["sources"])
            except (ValueError, RecursionError) as e:
                if isinstance(e, json.JSONDecodeError):
                    msg = e.msg
                else:
                    msg = str(e) if isinstance(e, ValueError) and str(e) else type(e).__name__
                problems.append(Problem(file, number, f"column 'sources' is not a JSON list ({msg})", rec.get("id")))
                continue
        try:
            yield event_from_record(rec, Origin(file, number))
        except TimelineError as e:
            eid = rec.get("id") if isinstance(rec.get("id"), str) else None
            problems.append(Problem(file, number, str(e), eid))


def write_csv(events: Iterable[Entry], out) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for e in events:
        rec = event_to_record(e)
        row = []
        for c in CSV_COLUMNS:
            v = rec.get(c)
            if c == "sources" or (isinstance(v, str) and _needs_json(v)):
                v = json_line(v)
            row.append("" if v is None else v)
        writer.writerow(row)
        n += 1
    return n
