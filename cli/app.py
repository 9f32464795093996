"""The ``timeline`` command: thin commands over ``engine`` and ``events``.

Each command parses its arguments, calls one library function, and renders the result.
Errors are one line on stderr and exit code 1; no traceback reaches a user.
"""

from __future__ import annotations

import functools
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from events.errors import TimelineError, ValidationFailed

app = typer.Typer(
    name="timeline",
    help="Timeline Engine: the history of international organizations and treaties, replayed from dated, sourced events.\n\n"
    "Example: timeline members CSTO --on 2005",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output: table, json or csv.")]
EventsOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--events", help="Read events from these files or folders instead of the bundled catalog."),
]
StoreOpt = Annotated[
    Optional[Path],
    typer.Option("--store", envvar="TIMELINE_STORE", help="Read events from this DuckDB store (or $TIMELINE_STORE)."),
]
AsKnownOpt = Annotated[
    Optional[str],
    typer.Option("--as-known", help="Replay only what was recorded by this date (ISO date or date-time)."),
]
OnOpt = Annotated[str, typer.Option("--on", help="A day (2005-06-01), month (2005-06), year (2005) or any EDTF date.")]


def fail(message: str, code: int = 1) -> None:
    """One line on stderr (never longer than 1,000 characters) and a non-zero exit."""
    line = " ".join(str(message).split())
    if len(line) > 1000:
        line = line[:1000] + "…"
    typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


def handles_errors(fn: Callable) -> Callable:
    """Turn every error into one line on stderr and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except ValidationFailed as e:
            fail(str(e))
        except TimelineError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            raise typer.Exit(0)
        except Exception as e:  # a bug: still one line, never a traceback
            fail(f"internal error (please report it): {type(e).__name__}: {e}", 2)
        finally:
            while _opened:
                _opened.pop().close()

    return wrapper


_opened: list = []  # stores a command opened, closed when it ends


def command(*args, **kwargs):
    def deco(fn):
        return app.command(*args, **kwargs)(handles_errors(fn))

    return deco


def load_timeline(events: list[Path] | None, store: Path | None, as_known: str | None):
    """The timeline the user asked for: bundled catalog, event files, or a store."""
    from engine.timeline import Timeline

    if events and store:
        raise TimelineError("give either --events or --store, not both")
    tl = Timeline.load(events or None, store=store, as_known=as_known)
    if getattr(tl, "store", None) is not None:
        _opened.append(tl.store)
    return tl


def _notes(notes) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)


@command("subjects")
def subjects_cmd(fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None,
                 as_known: AsKnownOpt = None):
    """The subjects known, with kind, name, founding and predecessor.

    Example: timeline subjects --format json
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    emit(tl.subjects(), fmt.value)


@command("members")
def members_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name (CSTO, sco, 'Shanghai Cooperation Organisation').")],
    on: OnOpt,
    standing: Annotated[Optional[str], typer.Option(help="member/party by default; or observer, dialogue-partner, …, or all.")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Who held a standing in SUBJECT on a day, or over a month or a year.

    Example: timeline members CSTO --on 2005
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    answer = tl.members(subject, on=on, standing=standing)
    _notes(answer.notes)
    emit(answer.to_json(), fmt.value, title=f"{answer.answered_for} on {answer.on}")


@command("state")
def state_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    on: OnOpt,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Every party with any standing, the office holders and the bodies of SUBJECT on a date.

    Example: timeline state SCO --on 2015-06-01
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    st = tl.state(subject, on=on)
    _notes(st.notes)
    payload = st.to_json()
    emit(payload, fmt.value, tables={
        f"{st.answered_for} on {st.on}: parties": payload["members"],
        "offices": payload["offices"],
        "bodies": payload["bodies"],
    })


@command("diff")
def diff_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    start: Annotated[str, typer.Argument(metavar="FROM", help="From the first day of this date.")],
    end: Annotated[str, typer.Argument(metavar="TO", help="To the last day of this date.")],
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """What changed in SUBJECT between the first day of FROM and the last day of TO.

    Example: timeline diff SCO 2016 2024
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    d = tl.diff(subject, start, end).to_json()
    emit(d, fmt.value, tables={
        f"{d['subject']} {d['from']} → {d['to']}: joined": d["joined"],
        "left": d["left"], "changed": d["changed"], "offices": d["offices"],
    })


def _event_rows(events) -> list[dict]:
    from events.codec import event_to_record

    return [event_to_record(e) for e in events]


@command("history")
def history_cmd(
    who: Annotated[str, typer.Argument(metavar="PARTY_OR_PERSON", help="A state (UZB, Uzbekistan) or an office holder (Zhang Ming).")],
    subject: Annotated[Optional[str], typer.Option("--subject", "-s", help="Only events of this subject.")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """Every event about a party or a person, in order, with sources.

    Example: timeline history Uzbekistan --subject CSTO
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    emit(_event_rows(tl.history(who, subject=subject)), fmt.value)


@command("explain")
def explain_cmd(
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    party: Annotated[str, typer.Argument(help="A state: code or name.")],
    on: OnOpt,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """A party's standing on a date and the chain of events and sources behind it.

    Example: timeline explain CSTO Uzbekistan --on 2013
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    ex = tl.explain(subject, party, on=on)
    _notes(ex.notes)
    payload = ex.to_json()
    chain = payload["chain"]
    if fmt != Format.json:
        chain = [_brief(r) for r in chain]
    emit(payload, fmt.value, tables={
        f"{ex.answered_for} / {ex.party} ({ex.name}) on {ex.on}": payload["standing"],
        "chain of events": chain,
    })


def _brief(rec: dict) -> dict:
    """An event for a table: its facts and where each source says so."""
    out = {k: rec[k] for k in ("id", "date", "kind", "status", "effective", "role") if k in rec}
    out["sources"] = "; ".join(
        s["ref"] + (f" — “{s['quote']}”" if s.get("quote") else "") for s in rec.get("sources", [])
    )
    return out


@command("log")
def log_cmd(
    subject: Annotated[Optional[str], typer.Option("--subject", "-s", help="Only events of this subject.")] = None,
    fmt: FormatOpt = Format.table, events: EventsOpt = None, store: StoreOpt = None, as_known: AsKnownOpt = None,
):
    """The raw events as recorded, corrections and retractions included.

    Example: timeline log --subject SCO --format json
    """
    from cli.render import emit

    tl = load_timeline(events, store, as_known)
    emit(_event_rows(tl.log(subject)), fmt.value)


@command("validate")
def validate_cmd(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Event files or folders (default: the bundled catalog).")] = None,
):
    """Check event files; list every problem as file:line: message and exit 1 if any.

    Example: timeline validate my-events.jsonl
    """
    from engine.timeline import validate_paths
    from events.io import catalog_paths

    targets = paths or catalog_paths()
    problems = validate_paths(targets)
    for p in problems:
        typer.echo(str(p), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", err=True)
        raise typer.Exit(1)
    what = "the bundled catalog" if not paths else ", ".join(str(p) for p in paths)
    typer.echo(f"ok: no problems in {what}")


import cli.store_cmds  # noqa: E402,F401  (registers init, add, import, export, sql, stats, overlap, tenures)


def main() -> None:
    app()

import cli.chart_cmds  # noqa: E402,F401  (registers `chart`)
