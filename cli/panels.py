"""Panels keyed the way the field keys them: ``timeline panel`` (state-year, dyad-year and
IGO-year frames with the Correlates of War codes), from any record."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..engine.panel import SHAPES, panel
from ..engine.panel_files import csv_text, output_format
from .common import AsKnownOpt, EventsOpt, Room, StoreOpt, load_timeline, print_notes

COMMANDS = Room()

Shape = Enum("Shape", {s.replace("-", "_"): s for s in SHAPES}, type=str)  # type: ignore[misc]


class PanelBy(str, Enum):
    year = "year"


@COMMANDS("panel")
def panel_cmd(
    ctx: typer.Context,
    subjects: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SUBJECT]...", help="Subjects (default: every subject of the record)."),
    ] = None,
    shape: Annotated[Shape, typer.Option("--shape", help="state-year, dyad-year or igo-year.")] = Shape.state_year,  # type: ignore[attr-defined]
    by: Annotated[PanelBy, typer.Option("--by", help="year (the only step a panel has).")] = PanelBy.year,
    start: Annotated[int | None, typer.Option("--from", help="First year (default: the first founding).")] = None,
    end: Annotated[
        int | None, typer.Option("--to", help="Last year (default: the last year the record covers).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write to FILE: .csv, .csv.gz, .parquet or .jsonl (CSV on standard output if omitted)."
        ),
    ] = None,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """The record as a state-year, dyad-year or IGO-year panel with iso3, COW ccode and stateabb.

    Cells are COW codes (1 full member, 2 associate, 3 observer, 0 none) on the last day of each year.

    A year after the last one the record covers for a subject is missing (empty), never 0.

    Example: timeline panel CSTO SCO --shape state-year --by year --out panel.parquet
    """

    if out is not None:
        output_format(out)  # an unknown type is refused before the work
    tl = load_timeline(ctx, events, store, as_known)
    result = panel(tl, subjects or None, shape=shape.value, by=by.value, start=start, end=end)
    print_notes(result.notes)
    if out is None:
        sys.stdout.write(csv_text(result.table))
        return
    n = result.write(out)
    typer.echo(f"wrote {n} {shape.value} row(s) to {out}", err=True)
