"""``timeline chart``: the membership chart of one or more subjects, written as PNG, SVG or PDF."""

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
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write: FILE.png, FILE.svg or FILE.pdf.")],
    start: Annotated[
        str | None,
        typer.Option("--from", help="Start the time axis on the first day of this date (default: the earliest event)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="End the time axis on the last day of this date (default: the end of the year of the last event, "
            "or of --on when later; never today).",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Mark the date of a question: a line for a day, a band for a month or a year."),
    ] = None,
    parties: Annotated[
        list[str] | None,
        typer.Option(
            "--parties", help="Only these parties: codes or names, repeated or comma-separated (KAZ,Uzbekistan)."
        ),
    ] = None,
    standing: Annotated[
        list[str] | None,
        typer.Option(
            "--standing", help="Only these standings, repeated or comma-separated (member,observer); default all."
        ),
    ] = None,
    width: Annotated[float | None, typer.Option("--width", help="Width in inches (default 11).")] = None,
    height: Annotated[
        float | None, typer.Option("--height", help="Height in inches (default: as tall as the rows need).")
    ] = None,
    dpi: Annotated[float, typer.Option("--dpi", help="Dots per inch of a PNG (default 150).")] = 150,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
) -> None:
    """Draw every party's standings in SUBJECT over time: one bar per party, standings coloured,
    uncertain windows hatched, one panel per subject, the sources named in a caption.

    Example: timeline chart CSTO SCO --on 2013 --out csto-sco.png

    For a paper: timeline chart SCO --parties IND,PAK --standing member,observer --width 6.5 --out sco.pdf
    """
    check_chart_path(out)  # a bad file name fails before any event is read
    tl = load_timeline(ctx, events, store, as_known)
    membership_chart(
        tl,
        subjects,
        start=start,
        end=end,
        on=on,
        out=out,
        parties=parties or None,
        standing=standing or None,
        width=width,
        height=height,
        dpi=dpi,
    )
    typer.echo(f"wrote {out}")
