"""Events as CSV: one row per event, the interchange fields as columns, ``sources`` as a
JSON list in its cell. Empty cells are absent fields. Reads back what it writes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from events.codec import FIELD_ORDER, event_from_record, event_to_record
from events.errors import Problem, TimelineError
from events.model import Event, Origin

__all__ = ["CSV_COLUMNS", "read_csv", "write_csv"]

CSV_COLUMNS = FIELD_ORDER


def read_csv(lines: Iterable[str], file: str, problems: list[Problem]) -> Iterator[Event]:
    lines = list(lines)
    reader = csv.reader(lines)
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
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(Problem(file, reader.line_num, f"not valid CSV ({e})"))
            return
        number = reader.line_num
        if not row or all(not c for c in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(file, number, f"expected {len(header)} columns, found {len(row)}"))
            continue
        rec = {k: v for k, v in zip(header, row) if v != ""}
        if "sources" in rec:
            try:
                rec["sources"] = json.loads(rec["sources"])
            except json.JSONDecodeError as e:
                problems.append(Problem(file, number, f"column 'sources' is not a JSON list ({e.msg})", rec.get("id")))
                continue
        try:
            yield event_from_record(rec, Origin(file, number))
        except TimelineError as e:
            problems.append(Problem(file, number, str(e), rec.get("id")))


def write_csv(events: Iterable[Event], out) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    for e in events:
        rec = event_to_record(e)
        row = []
        for c in CSV_COLUMNS:
            v = rec.get(c)
            if c == "sources":
                v = json.dumps(v, ensure_ascii=False)
            row.append("" if v is None else v)
        writer.writerow(row)
        n += 1
    return n
