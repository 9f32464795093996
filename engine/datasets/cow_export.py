"""The COW IGO-year panel back from events and the panel record.

Every state cell of every row is a cell the panel record kept (missing: ``-9``, ``-1``, empty;
or in a row COW marks imputed) or the standing the events give its party on the cell's observation day (see
``engine.datasets.cow``): no standing ``0``, ``member`` ``1``, ``associate`` ``2``,
``observer`` ``3``. The IGO columns come back as the panel record kept them. Events imported
from a panel give that panel back value for value.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ...events.dates import parse_date
from ...events.errors import TimelineError
from ..timeline import Timeline
from .cow_panel import CowPanel

__all__ = [
    "CODE_OF_STANDING",
    "CowExportError",
    "export_cow_igo_year",
    "standings_after",
    "write_cow_igo_year",
]

CODE_OF_STANDING = {None: "0", "member": "1", "associate": "2", "observer": "3"}


class CowExportError(TimelineError, ValueError):
    """The events cannot be written as the COW panel (a subject missing, a standing COW has no code for)."""


def standings_after(track, days: Sequence[int], dissolution: str | None = None) -> list:
    """For each day, the standing on it once every transition that may have happened by then
    has: the certain one outside uncertainty windows, the latest possible one inside them. A
    spell that only the subject's ``dissolution`` (an event id) ends is still held while the
    subject is. Many days of one track are searched at once (``Track.latest_on``)."""
    if track is None:
        return [None] * len(days)
    return [
        None if spell is None else _after(spell, day, dissolution)
        for spell, day in zip(track.latest_on(days), days, strict=True)
    ]


def _after(spell, day: int, dissolution: str | None):
    """The standing ``spell`` (the latest possibly in force on ``day``) gives that day."""
    certain = spell.certain_on(day)
    if dissolution is not None and not certain and spell.until is not None:
        if spell.next_event_id == dissolution:
            return spell.value
        # The dissolution's window also cut the spell's certain end: the next event's own date says it.
        certain = spell.certain_from <= day < parse_date(spell.until).lo.toordinal()
    if certain or day < spell.certain_from:
        return spell.value
    return None  # inside the window of the transition that ends this spell, with no spell after it


def export_cow_igo_year(source, panel: CowPanel) -> Iterator[list[str]]:
    """The panel's rows (without the header: ``panel.header``), each a list of cells as text.

    ``source`` is an ``engine.Timeline`` (or a store-backed one) or the events themselves.
    """
    tl = source if hasattr(source, "party_tracks") else Timeline(list(source))
    system = panel.system
    missing = panel.missing_by_igo()
    imputed = {(i.ioname, i.year): i.cells.split(",") for i in panel.imputed}
    states = set(panel.state_columns)
    igo_columns = panel.igo_columns
    row_index = 0
    rows = panel.rows
    while row_index < len(rows):
        first = rows[row_index]
        end = row_index
        while end < len(rows) and rows[end].ioname == first.ioname:
            end += 1
        group = rows[row_index:end]
        row_index = end
        sid = first.subject
        if sid not in tl.subjects_by_id:
            raise CowExportError(
                f"subject {sid} (COW {first.ioname}) is not in the events: export the panel from the events it was imported with"
            )
        tracks = tl.party_tracks(sid)
        gone = tl.subject(sid).dissolved
        # A cell describes the IGO while it existed: in its death year, the last day it may have existed.
        last_day = gone.when.hi.toordinal() - 1 if gone is not None else None
        gone_id = gone.id if gone is not None else None
        cells: dict[str, list[str]] = {}
        years = [r.year for r in group]
        for c in panel.state_columns:
            out: list[str] = []
            runs = missing.get(first.ioname, {}).get(c, [])
            r = 0
            asked: dict[str, list[tuple[int, int]]] = {}  # party -> [(row, day)], searched at once
            for y in years:
                while r < len(runs) and runs[r].last_year < y:
                    r += 1
                if (first.ioname, y) in imputed:
                    out.append("")  # the row comes back as kept, below
                    continue
                if r < len(runs) and runs[r].first_year <= y:
                    out.append(runs[r].value)
                    continue
                day, party = system.observed_day(c, y)
                if last_day is not None:
                    day = min(day, last_day)
                asked.setdefault(party, []).append((len(out), day))
                out.append("")  # its code, below
            standing: dict[int, tuple[str, Any]] = {}
            for party, wanted in asked.items():
                found = standings_after(tracks.get(party), [d for _, d in wanted], gone_id)
                standing.update((k, (party, v)) for (k, _), v in zip(wanted, found, strict=True))
            for k in sorted(standing):
                party, value = standing[k]
                code = CODE_OF_STANDING.get(value)
                if code is None:
                    raise CowExportError(
                        f"{sid} {years[k]}: {party} ({c}) has standing {value!r}, which the COW panel cannot code "
                        "(0 none, 1 member, 2 associate, 3 observer)"
                    )
                out[k] = code
            cells[c] = out
        for k, row in enumerate(group):
            fields = dict(zip(igo_columns, row.values))
            kept = imputed.get((row.ioname, row.year))
            if kept is not None:
                if len(kept) != len(panel.state_columns):
                    raise CowExportError(
                        f"{row.ioname} {row.year}: the imputed row kept has {len(kept)} cells, "
                        f"expected {len(panel.state_columns)}"
                    )
                by_column = dict(zip(panel.state_columns, kept))
                yield [by_column[c] if c in states else fields.get(c, "") for c in panel.header]
                continue
            yield [cells[c][k] if c in states else fields.get(c, "") for c in panel.header]


def write_cow_igo_year(source, panel: CowPanel, out: str | Path | IO[str]) -> int:
    """Write the panel as CSV (gzip-compressed when the path ends in ``.gz``); the number of rows."""

    def write(f) -> int:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(panel.header)
        n = 0
        for row in export_cow_igo_year(source, panel):
            w.writerow(row)
            n += 1
        return n

    if isinstance(out, (str, Path)):
        path = Path(out)
        opener = (
            (lambda: io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8", newline=""))  # noqa: SIM115 - opened in the with below
            if path.suffix == ".gz"
            else (lambda: open(path, "w", encoding="utf-8", newline=""))  # noqa: SIM115 - opened in the with below
        )
        with opener() as f:
            return write(f)
    return write(out)
