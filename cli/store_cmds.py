"""Write-side and SQL commands: init, add, import, export, sql, stats, overlap, tenures."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli.app import (
    AsKnownOpt, EventsOpt, Format, FormatOpt, StoreOpt, command, load_timeline,
)
from events.errors import StoreError, TimelineError


def _need_store(store: Path | None) -> Path:
    if store is None:
        raise StoreError("no store given: pass --store PATH or set TIMELINE_STORE")
    return store


@command("init")
def init_cmd(store: StoreOpt = None):
    """Create a store: one DuckDB file holding your own log of events.

    Example: timeline init --store my.duckdb
    """
    from engine.store import Store

    path = _need_store(store)
    st, created = Store.init(path)
    with st:
        n = st.count()
    typer.echo(f"{'created' if created else 'already a store'}: {path} ({n} events)")


class Source(str, Enum):
    events = "events"
    cow_igo = "cow-igo"
    un_treaty_status = "un-treaty-status"


def _progress():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), transient=True, disable=not sys.stderr.isatty())


def read_import(files: list[Path]) -> list:
    """Events from event files (.jsonl, .csv, .tl) or Parquet exports; every problem or none."""
    from events.errors import Problem, ValidationFailed
    from events.io import read_paths

    problems: list[Problem] = []
    events = []
    for f in files:
        if f.suffix.lower() == ".parquet":
            from engine.exports import read_parquet

            events.extend(read_parquet(f, problems))
        else:
            events.extend(read_paths([f], problems))
    if problems:
        raise ValidationFailed(problems)
    return events


def read_data_set(source: Source, files: list[Path], states: Path | None) -> tuple[list, dict, dict]:
    """(events, side records, party names) of a public data set."""
    if source is Source.cow_igo:
        from events.importers import import_cow_igo_year

        if len(files) != 1:
            raise TimelineError("--from cow-igo reads one file: igo_year_format3.csv.gz")
        done = import_cow_igo_year(files[0], states_path=states)
        return list(done.events), {"cow-igo": done.panel.to_tables()}, dict(done.parties)
    from events.importers.un_status import read_un_status, read_un_status_folder

    events = []
    for f in files:
        for one in (read_un_status_folder(f) if f.is_dir() else [read_un_status(f)]):
            events.extend(one.events)
    return events, {}, {}


@command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Event files (JSON lines, CSV, .tl, a Parquet export) or a data set's files.")],
    source: Annotated[Source, typer.Option("--from", help="events (default), cow-igo (COW IGO-year panel) or un-treaty-status (hr_status_*.csv files or their folder).")] = Source.events,
    states: Annotated[Optional[Path], typer.Option("--states", help="For cow-igo: COW's states2016.csv.gz (default: beside the file).")] = None,
    store: StoreOpt = None,
):
    """Add the events of FILES to a store, atomically: all of them, or none if any line is bad.

    Importing the same events again adds nothing; data sets: --from cow-igo, --from un-treaty-status.

    Example: timeline import events.jsonl --store my.duckdb
    """
    from engine.store import Store

    path = _need_store(store)
    with _progress() as bar:
        task = bar.add_task("reading", total=3)
        side, names = {}, {}
        if source is Source.events:
            events = read_import(files)
        else:
            events, side, names = read_data_set(source, files, states)
        bar.update(task, advance=1, description="validating and writing")
        with Store.open(path) as st:
            result = st.append(events, side=side, party_names=names)
            total = st.count()
        bar.update(task, completed=3)
    typer.echo(f"imported {result.added} new event(s), {result.unchanged} already stored; the store holds {total}")


@command("add")
def add_cmd(
    event_id: Annotated[str, typer.Option("--id", help="A stable slug, e.g. csto-2006-22-uzb-joined.")],
    kind: Annotated[str, typer.Option(help="joined, granted, suspended, appointed, founded, …")],
    subject: Annotated[str, typer.Option(help="Subject id, e.g. CSTO.")],
    source_ref: Annotated[str, typer.Option("--source-ref", help="The source: a file name or a public record.")],
    source_title: Annotated[str, typer.Option("--source-title", help="The source's title.")],
    date: Annotated[Optional[str], typer.Option(help="EDTF date: 1992-05-15, 2012-06, 1993, 2006-22.")] = None,
    party: Annotated[Optional[str], typer.Option(help="A state: code or name.")] = None,
    status: Annotated[Optional[str], typer.Option(help="For granted: observer, dialogue-partner, …")] = None,
    office: Annotated[Optional[str], typer.Option()] = None,
    holder: Annotated[Optional[str], typer.Option()] = None,
    nationality: Annotated[Optional[str], typer.Option(help="The holder's state: code or name.")] = None,
    body: Annotated[Optional[str], typer.Option()] = None,
    name: Annotated[Optional[str], typer.Option()] = None,
    subject_kind: Annotated[Optional[str], typer.Option("--subject-kind", help="For founded: organization or treaty.")] = None,
    predecessor: Annotated[Optional[str], typer.Option()] = None,
    effective: Annotated[Optional[str], typer.Option(help="EDTF date the event takes effect, if not its date.")] = None,
    quote: Annotated[Optional[str], typer.Option(help="The passage of the source that states the fact.")] = None,
    url: Annotated[Optional[str], typer.Option()] = None,
    page: Annotated[Optional[str], typer.Option()] = None,
    corrects: Annotated[Optional[str], typer.Option(help="Id of the event this one replaces.")] = None,
    retracts: Annotated[Optional[str], typer.Option(help="For retracted: the id withdrawn.")] = None,
    note: Annotated[Optional[str], typer.Option()] = None,
    store: StoreOpt = None,
):
    """Record one event from flags, validated like a file.

    Example: timeline add --store my.duckdb --id sco-2024-07-04-blr-acceded --kind acceded --subject SCO
    --party Belarus --date 2024-07-04 --source-ref "public-record:SCO Astana summit" --source-title "Astana Declaration"
    """
    from engine.store import Store
    from events.codec import event_from_record
    from events.errors import BadEvent
    from events.model import Origin
    from events.parties import resolve_party

    path = _need_store(store)
    source = {"title": source_title, "ref": source_ref}
    for k, v in (("quote", quote), ("url", url), ("page", page)):
        if v is not None:
            source[k] = v
    rec = {"id": event_id, "kind": kind, "subject": subject.upper(), "date": date, "sources": [source],
           "party": resolve_party(party) if party else None, "status": status, "office": office,
           "holder": holder, "nationality": resolve_party(nationality) if nationality else None,
           "body": body, "name": name, "subject_kind": subject_kind, "predecessor": predecessor,
           "effective": effective, "corrects": corrects, "retracts": retracts, "note": note}
    rec = {k: v for k, v in rec.items() if v is not None}
    try:
        event = event_from_record(rec, Origin("timeline add", 0))
    except BadEvent as e:
        raise BadEvent(f"timeline add: {e}") from None
    with Store.open(path) as st:
        result = st.append([event])
    typer.echo("added 1 event" if result.added else "already stored: nothing added")


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    catalog = "catalog"
    cow_igo_year = "cow-igo-year"


@command("export")
def export_cmd(
    to: Annotated[ExportFormat, typer.Option("--to", help="jsonl, csv, parquet or catalog (.tl).")],
    out: Annotated[Optional[Path], typer.Option("--out", help="The file to write (standard output if omitted, not for parquet).")] = None,
    events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Write the log (of a store, event files, or the bundled catalog) losslessly.

    Example: timeline export --to parquet --out log.parquet --store my.duckdb
    """
    from engine.exports import export_events

    tl = load_timeline(events, store, as_known)
    if to is ExportFormat.cow_igo_year:
        from events.importers import CowPanel
        from events.importers.cow_export import write_cow_igo_year

        side = tl.store.side_records("cow-igo") if getattr(tl, "store", None) is not None else {}
        if not side:
            raise TimelineError("--to cow-igo-year needs a store that holds an import made with --from cow-igo")
        if out is None:
            raise TimelineError("--to cow-igo-year needs --out FILE (.csv or .csv.gz)")
        n = write_cow_igo_year(tl, CowPanel.from_tables(side), out)
        typer.echo(f"exported {n} IGO-year row(s) to {out}", err=True)
        return
    n = export_events(tl.log(), to.value, out)
    if out is not None:
        typer.echo(f"exported {n} event(s) to {out}", err=True)


@command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="A SELECT over the views events, spans and office_terms.")],
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Read-only SQL over the views events, spans and office_terms.

    Example: timeline sql "SELECT subject, count(DISTINCT party) FROM spans GROUP BY subject"
    """
    from datetime import date as _date

    from cli.render import emit
    from engine.aggregates import run_readonly_sql

    tl = load_timeline(events, store, as_known)
    cols, rows = run_readonly_sql(tl, query)

    def plain(v):
        if isinstance(v, _date):
            return v.isoformat()
        if isinstance(v, (str, int, float, bool, list, dict)) or v is None:
            return v
        return str(v)

    emit([{c: plain(v) for c, v in zip(cols, r)} for r in rows], fmt.value)


class By(str, Enum):
    year = "year"
    decade = "decade"


@command("stats")
def stats_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    by: Annotated[By, typer.Option("--by", help="year or decade.")] = By.year,
    start: Annotated[Optional[int], typer.Option("--from", help="First year (default: founding).")] = None,
    end: Annotated[Optional[int], typer.Option("--to", help="Last year (default: this year).")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Parties per year (or decade) and standing: at some time in it, and for the whole of it.

    Example: timeline stats CSTO --by year
    """
    from cli.render import emit
    from engine.aggregates import members_per_period

    tl = load_timeline(events, store, as_known)
    emit(members_per_period(tl, subject, by.value, start, end), fmt.value)


@command("overlap")
def overlap_cmd(
    first: Annotated[str, typer.Argument(metavar="SUBJECT_A")],
    second: Annotated[str, typer.Argument(metavar="SUBJECT_B")],
    by: Annotated[By, typer.Option("--by", help="year or decade.")] = By.year,
    start: Annotated[Optional[int], typer.Option("--from")] = None,
    end: Annotated[Optional[int], typer.Option("--to")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """How many states were full participants of both subjects (on a common day) each year.

    Example: timeline overlap CSTO SCO --by year
    """
    from cli.render import emit
    from engine.aggregates import overlap

    tl = load_timeline(events, store, as_known)
    emit(overlap(tl, first, second, by.value, start, end), fmt.value)


@command("tenures")
def tenures_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    office: Annotated[Optional[str], typer.Option(help="Only this office, e.g. secretary-general.")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Office holders and the length of their terms in days (at least, at most).

    Example: timeline tenures SCO --office secretary-general
    """
    from cli.render import emit
    from engine.aggregates import tenures

    tl = load_timeline(events, store, as_known)
    emit(tenures(tl, subject, office), fmt.value)


@command("compare")
def compare_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name (looked up on each side).")],
    against: Annotated[str, typer.Option("--against", help="The other record: a store path, or 'catalog' for the bundled catalog.")],
    within: Annotated[Optional[str], typer.Option("--within", help="Only these days, e.g. 1992/2014 (a data set's years).")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Every party and period where two records disagree on SUBJECT, with both sides' events and sources.

    The first record is --store (or --events, or the bundled catalog).

    Example: timeline compare CSTO --store cow.duckdb --against catalog --within 1992/2014
    """
    from cli.render import emit
    from engine.compare import compare_standings
    from engine.timeline import Timeline

    first = load_timeline(events, store, as_known)
    if against == "catalog":
        second = Timeline.load(as_known=as_known)
    else:
        second = load_timeline(None, Path(against), as_known)
    result = compare_standings(first, second, subject, within=within)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    payload = result.to_json()
    rows = payload["disagreements"]
    if fmt != Format.json:
        def cite(evs):
            return "; ".join(f"{e['id']} ({', '.join(s['ref'] for s in e['sources'])})" for e in evs)

        rows = [{**{k: v for k, v in r.items() if not k.endswith("_events")},
                 "a": "/".join(r["a"]), "b": "/".join(r["b"]),
                 "a_events": cite(r["a_events"]), "b_events": cite(r["b_events"])} for r in rows]
    emit(payload, fmt.value, tables={f"{subject}: where the two records disagree": rows})
