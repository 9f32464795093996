"""Questions: subjects, members, state, memberships, diff, history, explain, log, validate, and
the aggregates stats, overlap and tenures. Each parses its arguments, calls one library function
and renders the answer."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..engine.aggregates import members_per_period, overlap, tenures, term_lengths
from ..engine.answers import Members, Memberships
from ..engine.timeline import Timeline
from ..engine.validation import validate_paths
from ..events.codec import event_to_record
from ..events.dates import parse_period
from ..events.errors import BadArgument
from ..events.io import catalog_paths
from .common import AsKnownOpt, EventsOpt, Format, FormatOpt, OnOpt, Room, StoreOpt, load_timeline, print_notes
from .render import emit

COMMANDS = Room()

LEGEND = (
    "held_certainly: all = certainly held on every day of the period; part = certainly on some days"
    " only; none = on no day for certain (the record dates the change only to a window).",
    "held_possibly: all = the record allows that it was held on every day of the period; part = only on some days.",
)


def _load(ctx: typer.Context, events: list[Path] | None, store: Path | None, as_known: str | None) -> Timeline:
    """The timeline asked for; a note when ``--as-known`` cannot change anything."""
    tl = load_timeline(ctx, events, store, as_known)
    if as_known is not None and not tl.records_transaction_times:
        print_notes(
            [
                f"--as-known changes nothing here: {tl.origin} records no transaction times "
                "(no event says when it was recorded), so every event counts as always known"
            ]
        )
    return tl


def _table_rows(rows: Sequence[dict]) -> list[dict]:
    """Rows for a table: lists of sources left to JSON and CSV (a chain's brief text of them
    stays), lists of ids joined, empty columns dropped."""
    shown = {k for r in rows for k, v in r.items() if v is not None and not (k == "sources" and isinstance(v, list))}
    out = []
    for r in rows:
        row = {k: v for k, v in r.items() if k in shown}
        if isinstance(row.get("event_ids"), list):
            row["event_ids"] = ", ".join(row["event_ids"])
        out.append(row)
    return out


def _emit_rows(payload: Any, fmt: Format, tables: dict[str, Sequence[dict]]) -> None:
    """Emit an answer; a table leaves out sources and, for a period, ends with the legend."""
    if fmt != Format.table:
        emit(payload, fmt.value, tables=tables)
        return
    emit(payload, fmt.value, tables={name: _table_rows(rows) for name, rows in tables.items()})
    if any("held_certainly" in r for rows in tables.values() for r in rows):
        for line in LEGEND:
            typer.echo(line)


def _emit_standings(answer: Members | Memberships, title: str, fmt: Format) -> None:
    """Who stood in a subject, or where a party stood, on a day or over a period: the answer's
    notes, then its rows as one table under TITLE."""
    print_notes(answer.notes)
    rows = answer.to_json()
    _emit_rows(rows, fmt, {title: rows})


@COMMANDS("subjects")
def subjects_cmd(
    ctx: typer.Context,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """The subjects known, with kind, name, founding and predecessor.

    Example: timeline subjects --format json
    """

    tl = _load(ctx, events, store, as_known)
    emit(tl.subjects(), fmt.value)


@COMMANDS("members")
def members_cmd(
    ctx: typer.Context,
    subject: Annotated[
        str, typer.Argument(help="Subject id, alias or name (CSTO, sco, 'Shanghai Cooperation Organisation').")
    ],
    on: OnOpt,
    standing: Annotated[
        str | None, typer.Option(help="member/party by default; or observer, dialogue-partner, …, or all.")
    ] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Who held a standing in SUBJECT on a day, or over a month or a year.

    Example: timeline members CSTO --on 2005
    """

    answer = _load(ctx, events, store, as_known).members(subject, on=on, standing=standing)
    _emit_standings(answer, f"{answer.answered_for} on {answer.on}", fmt)


@COMMANDS("memberships")
def memberships_cmd(
    ctx: typer.Context,
    party: Annotated[str, typer.Argument(help="A state: code or name (KAZ, Kazakhstan).")],
    on: OnOpt,
    standing: Annotated[
        str | None, typer.Option(help="any standing by default; or full (member/party), member, observer, …")
    ] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Every subject PARTY stood in on a day, or over a month or a year.

    Example: timeline memberships Kazakhstan --on 2010-01-01
    """

    answer = _load(ctx, events, store, as_known).memberships(party, on=on, standing=standing)
    _emit_standings(answer, f"{answer.party} ({answer.name}) on {answer.on}", fmt)


@COMMANDS("state")
def state_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    on: OnOpt,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Every party with any standing, the office holders and the bodies of SUBJECT on a date.

    Example: timeline state SCO --on 2015-06-01
    """

    tl = _load(ctx, events, store, as_known)
    st = tl.state(subject, on=on)
    print_notes(st.notes)
    payload = st.to_json()
    _emit_rows(
        payload,
        fmt,
        {
            f"{st.answered_for} on {st.on}: parties": payload["members"],
            "offices": payload["offices"],
            "bodies": payload["bodies"],
        },
    )


@COMMANDS("diff")
def diff_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    start: Annotated[str, typer.Argument(metavar="FROM", help="From the first day of this date.")],
    end: Annotated[str, typer.Argument(metavar="TO", help="To the last day of this date.")],
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """What changed in SUBJECT from just before FROM began to the end of TO (a day included).

    Each change carries its date, the events between and their sources; the steps list every
    event between, in order.

    Example: timeline diff SCO 2017-06-09 2017-06-09
    """

    first, last = parse_period(start), parse_period(end)
    if first.lo > last.hi:
        raise BadArgument(f"diff: FROM {start} is after TO {end}; give the earlier date first")
    tl = _load(ctx, events, store, as_known)
    answer = tl.diff(subject, start, end)
    print_notes(answer.notes)
    d = answer.to_json()
    steps = d["steps"] if fmt == Format.json else [_step(r) for r in d["steps"]]
    _emit_rows(
        d,
        fmt,
        {
            f"{d['subject']} {d['from']} → {d['to']}: joined": d["joined"],
            "left": d["left"],
            "changed": d["changed"],
            "offices": d["offices"],
            "steps": steps,
        },
    )


def _step(rec: dict) -> dict:
    """An event between the two moments of a diff, for a table or CSV."""
    keys = ("id", "date", "effective", "subject", "kind", "party", "status", "office", "holder", "body")
    return {k: rec.get(k) for k in keys}


def _event_rows(events) -> list[dict]:

    return [event_to_record(e) for e in events]


@COMMANDS("history")
def history_cmd(
    ctx: typer.Context,
    who: Annotated[
        str,
        typer.Argument(metavar="PARTY_OR_PERSON", help="A state (UZB, Uzbekistan) or an office holder (Zhang Ming)."),
    ],
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="Only events of this subject.")] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Every event about a party or a person, in order, with sources.

    Example: timeline history Uzbekistan --subject CSTO
    """

    tl = _load(ctx, events, store, as_known)
    found = tl.history(who, subject=subject)
    lengths = term_lengths(tl, found)  # an appointment's row says how long the term lasted
    emit([{**r, "length": lengths[r["id"]]} if r["id"] in lengths else r for r in _event_rows(found)], fmt.value)


@COMMANDS("explain")
def explain_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    party: Annotated[str, typer.Argument(help="A state: code or name.")],
    on: OnOpt,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """A party's standing on a date and the chain of events and sources behind it.

    Example: timeline explain CSTO Uzbekistan --on 2013
    """

    tl = _load(ctx, events, store, as_known)
    ex = tl.explain(subject, party, on=on)
    print_notes(ex.notes)
    payload = ex.to_json()
    chain = payload["chain"]
    if fmt != Format.json:
        chain = [_brief(r) for r in chain]
    _emit_rows(
        payload,
        fmt,
        {
            f"{ex.answered_for} / {ex.party} ({ex.name}) on {ex.on}": payload["standing"],
            "chain of events": chain,
        },
    )


def _brief(rec: dict) -> dict:
    """An event for a table: its facts and where each source says so."""
    out = {k: rec[k] for k in ("id", "date", "subject", "kind", "status", "effective", "role") if k in rec}
    out["sources"] = "; ".join(
        s["ref"] + (f" — “{s['quote']}”" if s.get("quote") else "") for s in rec.get("sources", [])
    )
    return out


@COMMANDS("log")
def log_cmd(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="Only events of this subject.")] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """The raw events as recorded, corrections and retractions included.

    Example: timeline log --subject SCO --format json
    """

    tl = _load(ctx, events, store, as_known)
    emit(_event_rows(tl.log(subject)), fmt.value)


@COMMANDS("validate")
def validate_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Event files or folders (default: the bundled catalog).")
    ] = None,
):
    """Check event files; list every problem as file:line: message and exit 1 if any.

    Example: timeline validate my-events.jsonl
    """

    targets = paths or catalog_paths()
    problems = validate_paths(targets)
    for p in problems:
        typer.echo(str(p), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", err=True)
        raise typer.Exit(1)
    what = "the bundled catalog" if not paths else ", ".join(str(p) for p in paths)
    typer.echo(f"ok: no problems in {what}")


class By(str, Enum):
    year = "year"
    decade = "decade"


@COMMANDS("stats")
def stats_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    by: Annotated[By, typer.Option("--by", help="year or decade.")] = By.year,
    start: Annotated[int | None, typer.Option("--from", help="First year (default: founding).")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year (default: this year).")] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Parties per year (or decade) and standing: at some time in it, and for the whole of it.

    Example: timeline stats CSTO --by year
    """

    tl = _load(ctx, events, store, as_known)
    emit(members_per_period(tl, subject, by.value, start, end), fmt.value)


@COMMANDS("overlap")
def overlap_cmd(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="SUBJECT_A")],
    second: Annotated[str, typer.Argument(metavar="SUBJECT_B")],
    by: Annotated[By, typer.Option("--by", help="year or decade.")] = By.year,
    start: Annotated[int | None, typer.Option("--from")] = None,
    end: Annotated[int | None, typer.Option("--to")] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """How many states were full participants of both subjects (on a common day) each year.

    Example: timeline overlap CSTO SCO --by year
    """

    tl = _load(ctx, events, store, as_known)
    emit(overlap(tl, first, second, by.value, start, end), fmt.value)


@COMMANDS("tenures")
def tenures_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    office: Annotated[str | None, typer.Option(help="Only this office, e.g. secretary-general.")] = None,
    fmt: FormatOpt = Format.table,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """Office holders and the length of their terms in days (at least, at most).

    Example: timeline tenures SCO --office secretary-general
    """

    tl = _load(ctx, events, store, as_known)
    emit(tenures(tl, subject, office), fmt.value)
