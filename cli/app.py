"""The ``timeline`` command, assembled from its rooms: questions (``queries``), your own store
(``store``), public data sets (``datasets``) and charts (``charts``). Shared options and error
handling live in ``common``; rendering in ``render``.

Errors are one line on stderr and a non-zero exit; no traceback reaches a user.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .. import __version__
from . import charts, citations, compile, datasets, panels, queries, store
from .common import OneLineErrors, handles_errors

__all__ = ["app", "main"]

app = typer.Typer(
    name="timeline",
    help="Timeline Engine: the history of international organizations and treaties, replayed from dated, "
    "sourced events.\n\nExample: timeline members CSTO --on 2005",
    no_args_is_help=True,
    add_completion=True,
    cls=OneLineErrors,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"timeline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Timeline Engine: the history of international organizations and treaties, replayed from dated,
    sourced events.

    Example: timeline members CSTO --on 2005
    """


_ROOMS: tuple[dict[str, Any], ...] = (
    queries.COMMANDS,
    store.COMMANDS,
    datasets.COMMANDS,
    charts.COMMANDS,
    citations.COMMANDS,
    panels.COMMANDS,
    compile.COMMANDS,
)
for _room in _ROOMS:
    for _name, _fn in _room.items():
        app.command(_name)(handles_errors(_fn))


def main() -> None:
    app()
