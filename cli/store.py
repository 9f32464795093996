"""Your own record: init, add, import, export and read-only sql over a DuckDB store."""

from __future__ import annotations

import gzip
import sys
import zlib
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..engine.aggregates import DEFAULT_SQL_LIMIT, DEFAULT_SQL_TIMEOUT, readonly_sql
from ..engine.exports import check_out_path, export_events, read_parquet, write_parquet_log
from ..engine.panel import write_igo_year
from ..engine.store import NotColumnar, Store
from ..engine.store_import import COLUMNAR_SUFFIXES
from ..events.codec import event_from_record
from ..events.errors import BadEvent, Problem, TimelineError, ValidationFailed
from ..events.io import EVENT_SUFFIXES, read_paths
from ..events.model import Origin
from ..events.parties import resolve_party
from .common import (
    AsKnownOpt,
    EventsOpt,
    Format,
    FormatOpt,
    Room,
    StoreOpt,
    load_timeline,
    need_store,
    open_store,
    print_notes,
    store_wait,
)
from .datasets import Source, read_data_set
from .render import emit

COMMANDS = Room()


@COMMANDS("init")
def init_cmd(store: StoreOpt = None):
    """Create a store: one DuckDB file holding your own log of events.

    Example: timeline init --store my.duckdb
    """

    path = need_store(store)
    st, created = Store.init(path, wait=store_wait())
    with st:
        n = st.count()
    typer.echo(f"{'created' if created else 'already a store'}: {path} ({n} events)")


def _progress():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def read_import(files: list[Path]) -> list:
    """Events from event files (.jsonl, .csv, .tl) or Parquet exports; every problem or none."""

    problems: list[Problem] = []
    events = []
    for f in files:
        suffix = f.suffix.lower()
        if not f.is_dir() and suffix not in (*EVENT_SUFFIXES, ".parquet"):
            raise TimelineError(
                f"{f}: unknown file type {suffix or '(none)'!r} (expected {', '.join(EVENT_SUFFIXES)} or .parquet; "
                "for a data set pass --from cow-igo for igo_year_format3.csv.gz, or --from un-treaty-status)"
            )
        if suffix == ".parquet":
            events.extend(read_parquet(f, problems))
        else:
            events.extend(read_paths([f], problems))
    if problems:
        raise ValidationFailed(problems)
    return events


@COMMANDS("import")
def import_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Event files (JSON lines, CSV, .tl, a Parquet export) or a data set's files.")
    ],
    source: Annotated[
        Source,
        typer.Option(
            "--from",
            help="events (default), cow-igo (COW IGO-year panel), un-treaty-status (hr_status_*.csv files or their "
            "folder) or wikidata (SPARQL JSON results of the README's query).",
        ),
    ] = Source.events,
    states: Annotated[
        Path | None, typer.Option("--states", help="For cow-igo: COW's states2016.csv.gz (default: beside the file).")
    ] = None,
    store: StoreOpt = None,
):
    """Add the events of FILES to a store, atomically: all of them, or none if any line is bad.

    Importing the same events again adds nothing; data sets: --from cow-igo, --from un-treaty-status.

    Example: timeline import events.jsonl --store my.duckdb
    """

    path = need_store(store)
    if source is Source.events:
        result = _import_columnar(path, files)
        if result is not None:
            typer.echo(
                f"imported {result[0].added} new event(s), {result[0].unchanged} already stored; "
                f"the store holds {result[1]}"
            )
            return
    with _progress() as bar:
        task = bar.add_task("reading", total=3)
        side: dict[str, dict[str, list[dict]]] = {}
        names: dict[str, str] = {}
        # the input is read and checked before the store is opened: the write lock is held
        # only while the events are validated against the log and written
        if source is Source.events:
            events = read_import(files)
        else:
            events, side, names = _read_data_set(source, files, states)
        bar.update(task, advance=1, description="validating and writing")
        with open_store(path) as st:
            result = st.append(events, side=side, party_names=names)
            total = st.count()
        bar.update(task, completed=3)
    typer.echo(f"imported {result.added} new event(s), {result.unchanged} already stored; the store holds {total}")


def _import_columnar(path: Path, files: list[Path]):
    """(result, events in the store) of one file of events imported as columns by DuckDB; None
    when it is not one such file, or the columnar path cannot decide (a problem to name by file
    and line, a value it does not read as columns): the file is then read as event objects."""
    if len(files) != 1 or files[0].suffix.lower() not in COLUMNAR_SUFFIXES or not files[0].is_file():
        return None
    if not path.is_file():
        return None  # no store: said after the file's own problems, as for any import
    try:
        with open_store(path) as st:
            result = st.import_file(files[0])
            return result, st.count()
    except NotColumnar:
        return None


def _read_data_set(source: Source, files: list[Path], states: Path | None) -> tuple[list, dict, dict]:
    """``read_data_set``, with a damaged or cut-short compressed file said as such."""
    try:
        return read_data_set(source, files, states)
    except (OSError, EOFError, zlib.error) as e:
        if isinstance(e, OSError) and e.errno is not None and not isinstance(e, gzip.BadGzipFile):
            raise  # the environment (no room, no permission): said as such by handles_errors
        names = ", ".join(str(f) for f in files)
        reason = str(e) or type(e).__name__
        raise TimelineError(
            f"{names}: not a readable {source.value} file: cut short or not gzip-compressed ({reason})"
        ) from None


@COMMANDS("add")
def add_cmd(
    event_id: Annotated[str, typer.Option("--id", help="A stable slug, e.g. csto-2006-22-uzb-joined.")],
    kind: Annotated[str, typer.Option(help="joined, granted, suspended, appointed, founded, …")],
    subject: Annotated[str, typer.Option(help="Subject id, e.g. CSTO.")],
    source_ref: Annotated[str, typer.Option("--source-ref", help="The source: a file name or a public record.")],
    source_title: Annotated[str, typer.Option("--source-title", help="The source's title.")],
    date: Annotated[str | None, typer.Option(help="EDTF date: 1992-05-15, 2012-06, 1993, 2006-22.")] = None,
    party: Annotated[str | None, typer.Option(help="A state: code or name.")] = None,
    status: Annotated[str | None, typer.Option(help="For granted: observer, dialogue-partner, …")] = None,
    office: Annotated[str | None, typer.Option()] = None,
    holder: Annotated[str | None, typer.Option()] = None,
    nationality: Annotated[str | None, typer.Option(help="The holder's state: code or name.")] = None,
    body: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option()] = None,
    subject_kind: Annotated[
        str | None, typer.Option("--subject-kind", help="For founded: organization or treaty.")
    ] = None,
    predecessor: Annotated[str | None, typer.Option()] = None,
    effective: Annotated[str | None, typer.Option(help="EDTF date the event takes effect, if not its date.")] = None,
    quote: Annotated[str | None, typer.Option(help="The passage of the source that states the fact.")] = None,
    url: Annotated[str | None, typer.Option()] = None,
    page: Annotated[str | None, typer.Option()] = None,
    corrects: Annotated[str | None, typer.Option(help="Id of the event this one replaces.")] = None,
    retracts: Annotated[str | None, typer.Option(help="For retracted: the id withdrawn.")] = None,
    note: Annotated[str | None, typer.Option()] = None,
    store: StoreOpt = None,
):
    """Record one event from flags, validated like a file.

    Example: timeline add --store my.duckdb --id sco-2024-07-04-blr-acceded --kind acceded --subject SCO
    --party Belarus --date 2024-07-04 --source-ref "public-record:SCO Astana summit" --source-title "Astana Declaration"
    """

    path = need_store(store)
    source = {"title": source_title, "ref": source_ref}
    for k, v in (("quote", quote), ("url", url), ("page", page)):
        if v is not None:
            source[k] = v
    rec = {
        "id": event_id,
        "kind": kind,
        "subject": subject.upper(),
        "date": date,
        "sources": [source],
        "party": resolve_party(party) if party else None,
        "status": status,
        "office": office,
        "holder": holder,
        "nationality": resolve_party(nationality) if nationality else None,
        "body": body,
        "name": name,
        "subject_kind": subject_kind,
        "predecessor": predecessor,
        "effective": effective,
        "corrects": corrects,
        "retracts": retracts,
        "note": note,
    }
    rec = {k: v for k, v in rec.items() if v is not None}
    try:
        event = event_from_record(rec, Origin("timeline add", 0))
    except BadEvent as e:
        raise BadEvent(f"timeline add: {e}") from None
    with open_store(path) as st:
        result = st.append([event])
    typer.echo("added 1 event" if result.added else "already stored: nothing added")


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    catalog = "catalog"
    cow_igo_year = "cow-igo-year"


@COMMANDS("export")
def export_cmd(
    ctx: typer.Context,
    to: Annotated[ExportFormat, typer.Option("--to", help="jsonl, csv, parquet or catalog (.tl).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write (standard output if omitted, not for parquet).")
    ] = None,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Write the log (of a store, event files, or the bundled catalog) losslessly.

    Example: timeline export --to parquet --out log.parquet --store my.duckdb
    """

    if out is not None:
        check_out_path(out, protect=[store])
    tl = load_timeline(ctx, events, store, as_known)
    if to is ExportFormat.cow_igo_year:
        if out is None:
            raise TimelineError("--to cow-igo-year needs --out FILE (.csv or .csv.gz)")
        n = write_igo_year(tl, out)
        typer.echo(f"exported {n} IGO-year row(s) to {out}", err=True)
        return
    opened = getattr(tl, "store", None)
    if to is ExportFormat.parquet and out is not None and isinstance(opened, Store) and as_known is None:
        n = write_parquet_log(opened.con, "event_log", out)  # the stored log as it is, as columns
    else:
        n = export_events(tl.log(), to.value, out, protect=[store])
    if out is not None:
        typer.echo(f"exported {n} event(s) to {out}", err=True)


@COMMANDS("sql")
def sql_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A SELECT over the views events, spans and office_terms.")],
    fmt: FormatOpt = Format.table,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many rows (a note on stderr says when it cuts).")
    ] = DEFAULT_SQL_LIMIT,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, help="Stop the query after this many seconds.")
    ] = DEFAULT_SQL_TIMEOUT,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Read-only SQL over the views events, spans and office_terms (as known with --as-known).

    Example: timeline sql "SELECT subject, count(DISTINCT party) FROM spans GROUP BY subject"
    """

    tl = load_timeline(ctx, events, store, as_known)
    answer = readonly_sql(tl, query, limit=limit, timeout=timeout)
    if answer.cut:
        print_notes([f"showing the first {limit} rows; pass --limit N for more"])
    emit([dict(zip(answer.columns, r)) for r in answer.rows], fmt.value)
