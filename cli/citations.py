"""Citations: the sources behind an answer, as a bibliography (BibTeX or CSL-JSON)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from ..engine.citations import cited, to_bibtex, to_csl_json
from .common import AsKnownOpt, EventsOpt, OnOpt, Room, StoreOpt, load_timeline

COMMANDS = Room()


class CiteFormat(str, Enum):
    bibtex = "bibtex"
    csl_json = "csl-json"


@COMMANDS("cite")
def cite_cmd(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="Subject id, alias or name.")],
    on: OnOpt,
    party: Annotated[
        str | None, typer.Argument(help="A state (code or name): cite its standing instead of the roster.")
    ] = None,
    standing: Annotated[
        str | None, typer.Option(help="For the roster: member/party by default; or observer, …, or all.")
    ] = None,
    fmt: Annotated[
        CiteFormat, typer.Option("--format", "-f", help="bibtex or csl-json (CSL-JSON, for citeproc, Zotero).")
    ] = CiteFormat.bibtex,
    events: EventsOpt = None,
    store: StoreOpt = None,
    as_known: AsKnownOpt = None,
):
    """The sources behind the members of SUBJECT (or PARTY's standing in it) on a date, as a bibliography.

    One entry per document, whatever the number of events citing it, with a stable key.

    Example: timeline cite SCO Kazakhstan --on 2024-07-04 --format csl-json
    """

    tl = load_timeline(ctx, events, store, as_known)
    if party is not None and standing is not None:
        raise typer.BadParameter("--standing applies to the roster; with a PARTY, its standing is cited")
    citations = cited(tl, subject, on=on, party=party, standing=standing)
    if not citations:
        typer.echo("note: no standing on that date, so no source to cite", err=True)
    if fmt is CiteFormat.bibtex:
        typer.echo(to_bibtex(citations), nl=False)
    else:
        typer.echo(json.dumps(to_csl_json(citations), ensure_ascii=False, indent=2))
