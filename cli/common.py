"""What every command shares: the output format, the options that say where events come from,
error handling, and opening a timeline (closed again through the click context)."""

from __future__ import annotations

import contextlib
import errno
import functools
import inspect
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from ..engine.compiled import is_compiled, open_compiled
from ..engine.remote import as_location
from ..engine.store import Store
from ..engine.timeline import Timeline
from ..events.errors import StoreError, TimelineError, ValidationFailed

__all__ = [
    "DEFAULT_WAIT",
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "AsKnownOpt",
    "EventsOpt",
    "Format",
    "FormatOpt",
    "OnOpt",
    "OneLineErrors",
    "Room",
    "StoreOpt",
    "fail",
    "handles_errors",
    "load_timeline",
    "need_store",
    "open_store",
    "print_notes",
    "store_wait",
    "visible",
]


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table, json, jsonl (a JSON object per row), csv or tsv.")
]
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


# Exit codes, said once (docs/bad-input.md lists them): done, bad input or an unavailable file,
# store or device, a usage error (an option or argument the command does not take), a bug, an
# interrupt (SIGINT, as a shell reports it).
EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE
EXIT_INTERRUPTED = 130

# How long a command waits for a store that another process is writing (seconds).
DEFAULT_WAIT = 5.0
_wait: ContextVar[float] = ContextVar("timeline_wait", default=DEFAULT_WAIT)
WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        help="Seconds to wait for a store another process is writing before giving up.",
    ),
]


def store_wait() -> float:
    """The ``--wait`` of the running command (seconds)."""
    return _wait.get()


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """One line on stderr (never longer than 1,000 characters) and a non-zero exit."""
    line = " ".join(visible(str(message)).split())
    if len(line) > 1000:
        line = line[:1000] + "…"
    typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def _environment(e: BaseException) -> str | None:
    """What a failure of the environment (not of the program) says, or None for a bug."""
    import duckdb

    if isinstance(e, MemoryError):
        return "out of memory: the machine could not give the memory this needs"
    if isinstance(e, OSError):
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        if e.errno == errno.ENOSPC:
            return f"{where}no space left on the device"
        reason = e.strerror or str(e) or type(e).__name__
        return f"{where}cannot read or write ({reason})"
    if isinstance(e, (EOFError, zlib.error)):
        return f"a compressed input is cut short or damaged ({e or type(e).__name__})"
    if isinstance(e, duckdb.Error):
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        low = text.lower()
        if "no space left" in low:
            return f"no space left on the device ({text})"
        if "corrupt" in low or "checksum" in low or "could not read enough bytes" in low:
            return f"the store is damaged or cut short ({text})"
        if isinstance(e, duckdb.OutOfMemoryException):
            return f"out of memory: the machine could not give the memory this needs ({text})"
        if isinstance(e, duckdb.IOException):
            return f"the store could not be read or written ({text})"
    return None


def handles_errors(fn: F) -> F:
    """Turn every error into one line on stderr and an exit code; give a command that reads
    or writes a store the ``--wait`` option."""
    takes_store = "store" in inspect.signature(fn).parameters

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _wait.set(kwargs.pop("wait", DEFAULT_WAIT) if takes_store else DEFAULT_WAIT)
        try:
            result = fn(*args, **kwargs)
            sys.stdout.flush()  # a full device (/dev/full) is found here, not at exit
            return result
        except typer.Exit:
            raise
        except ValidationFailed as e:
            fail(str(e))
        except TimelineError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("interrupted", EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(0) from None
        except Exception as e:  # the environment (exit 1) or a bug (exit 70): one line, never a traceback
            if type(e).__name__ == "InterruptException":  # DuckDB stopped by SIGINT
                fail("interrupted", EXIT_INTERRUPTED)
            said = _environment(e)
            if said is not None:
                if isinstance(e, OSError) and e.errno == errno.ENOSPC:
                    _quiet_stdout()
                fail(said)
            fail(f"internal error (please report it): {type(e).__name__}: {e}", EXIT_INTERNAL)
        finally:
            _wait.reset(token)
        return None

    if takes_store:
        sig = inspect.signature(fn, eval_str=True)
        wait = inspect.Parameter("wait", inspect.Parameter.KEYWORD_ONLY, default=DEFAULT_WAIT, annotation=WaitOpt)
        params = list(sig.parameters.values())
        if not any(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params):
            wait = wait.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD)
        wrapper.__signature__ = sig.replace(parameters=[*params, wait])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}), "wait": WaitOpt}
    return wrapper  # type: ignore[return-value]


def _quiet_stdout() -> None:
    """Stdout cannot be written (a closed pipe, a full device): drop what is still buffered so
    that the interpreter does not fail again when it flushes at exit."""
    with contextlib.suppress(Exception):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text with its control characters (ESC, the C1 controls, …) shown as ``\\xNN``, so that no
    value can move the cursor, clear the screen or set a window title. Tabs and line breaks stay."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def load_timeline(ctx: typer.Context, events: list[Path] | None, store: Path | None, as_known: str | None) -> Timeline:
    """The timeline the user asked for: bundled catalog, event files, or a store.

    A store the timeline opened is closed when the command ends (through the click context)."""
    if events and store:
        raise TimelineError("give either --events or --store, not both")
    if store is not None:
        tl = Timeline.from_store(open_store(store, read_only=True), as_known=as_known)
    else:
        tl = Timeline.load(events or None, as_known=as_known)
    opened = getattr(tl, "store", None)
    if opened is not None:
        ctx.call_on_close(opened.close)
    return tl


class OneLineErrors(TyperGroup):
    """The ``timeline`` group: a usage error (an unknown option, a bad ``--format`` value, a
    missing argument) is one line on stderr and exit 2, not click's usage box."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        from typer._click import exceptions as click_errors

        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except click_errors.NoArgsIsHelpError as e:
            e.show()
            sys.exit(EXIT_USAGE)
        except click_errors.UsageError as e:
            where = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            line = " ".join(visible(e.format_message()).split())
            typer.echo(f"error: {line}{where}", err=True)
            sys.exit(EXIT_USAGE)
        except click_errors.ClickException as e:
            typer.echo(f"error: {' '.join(visible(e.format_message()).split())}", err=True)
            sys.exit(e.exit_code)
        except typer.Abort:
            typer.echo("error: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else EXIT_OK)


class Room(dict[str, Callable[..., Any]]):
    """The commands of one room of the CLI, by name; ``app.py`` registers them all."""

    def __call__(self, name: str) -> Callable[[F], F]:
        def deco(fn: F) -> F:
            self[name] = fn
            return fn

        return deco


def open_store(path: Path, read_only: bool = False) -> Store:
    """A store opened as asked, waiting up to ``--wait`` seconds while another process writes it;
    a folder written by ``timeline compile`` is opened read-only."""
    if is_compiled(path):
        if not read_only:
            raise StoreError(f"{path}: a compiled log is read-only; import the events into a store file instead")
        return open_compiled(path)
    at = as_location(path)
    if isinstance(at, str):
        raise StoreError(f"{at}: no compiled log there (a store at a URL is a folder written by `timeline compile`)")
    return Store.open(path, read_only=read_only, wait=store_wait())


def need_store(store: Path | None) -> Path:
    if store is None:
        raise StoreError("no store given: pass --store PATH or set TIMELINE_STORE")
    return store


def print_notes(notes: Iterable[str]) -> None:
    for n in notes:
        typer.echo(f"note: {visible(n)}", err=True)
