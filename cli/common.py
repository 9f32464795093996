"""What every command shares: the output format, the options that say where events come from,
error handling, and opening a timeline (closed again through the click context)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..engine.timeline import Timeline
from ..events.errors import StoreError, TimelineError, ValidationFailed

__all__ = [
    "AsKnownOpt",
    "EventsOpt",
    "Format",
    "FormatOpt",
    "OnOpt",
    "Room",
    "StoreOpt",
    "fail",
    "handles_errors",
    "load_timeline",
    "need_store",
    "print_notes",
]


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output: table, json or csv.")]
EventsOpt = Annotated[
    list[Path] | None,
    typer.Option("--events", help="Read events from these files or folders instead of the bundled catalog."),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", envvar="TIMELINE_STORE", help="Read events from this DuckDB store (or $TIMELINE_STORE)."),
]
AsKnownOpt = Annotated[
    str | None,
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


F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(fn: F) -> F:
    """Turn every error into one line on stderr and a non-zero exit."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
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
            raise typer.Exit(0) from None
        except Exception as e:  # a bug: still one line, never a traceback
            fail(f"internal error (please report it): {type(e).__name__}: {e}", 2)
        return None

    return wrapper  # type: ignore[return-value]


def load_timeline(ctx: typer.Context, events: list[Path] | None, store: Path | None, as_known: str | None) -> Timeline:
    """The timeline the user asked for: bundled catalog, event files, or a store.

    A store the timeline opened is closed when the command ends (through the click context)."""
    if events and store:
        raise TimelineError("give either --events or --store, not both")
    tl = Timeline.load(events or None, store=store, as_known=as_known)
    opened = getattr(tl, "store", None)
    if opened is not None:
        ctx.call_on_close(opened.close)
    return tl


class Room(dict[str, Callable[..., Any]]):
    """The commands of one room of the CLI, by name; ``app.py`` registers them all."""

    def __call__(self, name: str) -> Callable[[F], F]:
        def deco(fn: F) -> F:
            self[name] = fn
            return fn

        return deco


def need_store(store: Path | None) -> Path:
    if store is None:
        raise StoreError("no store given: pass --store PATH or set TIMELINE_STORE")
    return store


def print_notes(notes: Iterable[str]) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)
