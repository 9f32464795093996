"""``timeline chart``: the membership chart of one or more subjects, written as PNG or SVG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..engine.chart import check_chart_path, membership_chart
from .common import AsKnownOpt, EventsOpt, Room, StoreOpt, load_timeline

__all__ = ["COMMANDS", "chart_cmd"]

COMMANDS = Room()


@COMMANDS("chart")
def chart_cmd(
    ctx: typer.Context,
    subjects: Annotated[list[str], typer.Argument(help="One or more subjects (CSTO SCO); one panel each.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write: FILE.png or FILE.svg.")],
    start: Annotated[
        str | None,
        typer.Option("--from", help="Start the time axis on the first day of this date (default: the earliest event)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="End the time axis on the last day of this date (default: today).")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Mark the date of a question: a line for a day, a band for a month or a year."),
    ] = None,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
) -> None:
    """Draw every party's standings in SUBJECT over time: one bar per party, standings coloured,
    uncertain windows hatched, one panel per subject.

    Example: timeline chart CSTO SCO --on 2013 --out csto-sco.png
    """
    check_chart_path(out)  # a bad file name fails before any event is read
    tl = load_timeline(ctx, events, store, as_known)
    membership_chart(tl, subjects, start=start, end=end, on=on, out=out)
    typer.echo(f"wrote {out}")
