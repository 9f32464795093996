"""Compiling a log beyond one machine's memory: ``timeline compile LOG --out DIR``, partition by
partition, in this process or as Dask tasks (``--dask``). The folder it writes is read like a
store: ``--store DIR``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..engine.distributed import dask_runner
from ..engine.partitions import compile_log
from ..events.errors import ValidationFailed
from .common import Room

COMMANDS = Room()


@COMMANDS("compile")
def compile_cmd(
    log: Annotated[
        Path,
        typer.Argument(help="The log: JSON lines (.jsonl), Parquet (.parquet) or a store (.duckdb), a path or a URL."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The folder to write (replaced only when the compile succeeds): a path, or a URL every worker "
            "reaches (s3://…, gs://…: fsspec and the scheme's package).",
        ),
    ],
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", min=1, help="How many partitions (default: one per million events)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Run the folds as Dask tasks: a scheduler address (tcp://host:8786; the folders must be on a "
            "file system every worker reaches) or local[N] for N local worker processes.",
        ),
    ] = None,
):
    """Fold a log partition by partition (whole subjects with their lineage, one partition in
    memory at a time) into a folder of Parquet files that --store reads like a store.

    Problems are listed as file:line: message and nothing is written.

    Example: timeline compile events.parquet --out compiled/ --partitions 8 --dask local[2]
    """

    started = time.perf_counter()
    try:
        if dask is None:
            done = compile_log(log, out, partitions)
        else:
            with dask_runner(dask) as run:
                done = compile_log(log, out, partitions, run, f"dask {dask}")
    except ValidationFailed as e:
        for p in e.problems:
            typer.echo(str(p), err=True)
        n = len(e.problems)
        typer.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing written", err=True)
        raise typer.Exit(1) from None
    seconds = time.perf_counter() - started
    typer.echo(
        f"compiled {done.events} events into {done.out}: {done.partitions} partition{'s' if done.partitions != 1 else ''}, "
        f"{done.spells} spells ({done.runner}, {seconds:.1f} s)"
    )
