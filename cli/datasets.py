"""Public data sets: reading the Correlates of War panel and the UN treaty status tables for
``timeline import --from``, and ``timeline compare`` between two records."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..engine.compare import compare_standings
from ..engine.datasets import import_cow_igo_year
from ..engine.datasets.un_status import read_un_status, read_un_status_folder
from ..engine.timeline import Timeline
from ..events.errors import TimelineError
from ..events.model import Event
from .common import AsKnownOpt, EventsOpt, Format, FormatOpt, Room, StoreOpt, load_timeline
from .render import emit

COMMANDS = Room()


class Source(str, Enum):
    events = "events"
    cow_igo = "cow-igo"
    un_treaty_status = "un-treaty-status"


def read_data_set(source: Source, files: list[Path], states: Path | None) -> tuple[list, dict, dict]:
    """(events, side records, party names) of a public data set."""
    if source is Source.cow_igo:
        if len(files) != 1:
            raise TimelineError("--from cow-igo reads one file: igo_year_format3.csv.gz")
        done = import_cow_igo_year(files[0], states_path=states)
        return list(done.events), {"cow-igo": done.panel.to_tables()}, dict(done.parties)
    events: list[Event] = []
    for f in files:
        for one in read_un_status_folder(f) if f.is_dir() else [read_un_status(f)]:
            events.extend(one.events)
    return events, {}, {}


@COMMANDS("compare")
def compare_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name (looked up on each side).")],
    against: Annotated[
        str, typer.Option("--against", help="The other record: a store path, or 'catalog' for the bundled catalog.")
    ],
    within: Annotated[
        str | None, typer.Option("--within", help="Only these days, e.g. 1992/2014 (a data set's years).")
    ] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Every party and period where two records disagree on SUBJECT, with both sides' events and sources.

    The first record is --store (or --events, or the bundled catalog).

    Example: timeline compare CSTO --store cow.duckdb --against catalog --within 1992/2014
    """

    first = load_timeline(ctx, events, store, as_known)
    if against == "catalog":
        second = Timeline.load(as_known=as_known)
    else:
        second = load_timeline(ctx, None, Path(against), as_known)
    result = compare_standings(first, second, subject, within=within)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    payload = result.to_json()
    rows = payload["disagreements"]
    if fmt != Format.json:

        def cite(evs):
            return "; ".join(f"{e['id']} ({', '.join(s['ref'] for s in e['sources'])})" for e in evs)

        rows = [
            {
                **{k: v for k, v in r.items() if not k.endswith("_events")},
                "a": "/".join(r["a"]),
                "b": "/".join(r["b"]),
                "a_events": cite(r["a_events"]),
                "b_events": cite(r["b_events"]),
            }
            for r in rows
        ]
    emit(payload, fmt.value, tables={f"{subject}: where the two records disagree": rows})
