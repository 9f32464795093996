"""The scale run: compiling a generated log beyond one machine's memory (``timeline compile``).

    python -m benchmarks.scale --sizes 1m,10m                     # every mode, a table on stdout
    python -m benchmarks.scale --sizes 10m --modes partitioned --partitions 10
    python -m benchmarks.scale --sizes 1m --check                  # in process vs Dask local[2]: same?

Modes, each in its own process (so that its peak memory is its own):

* ``memory`` — the whole log as columns and one fold over it (the bulk path, in memory);
* ``partitioned`` — ``compile_log``: one partition's columns in memory at a time, Parquet out;
* ``dask`` — the same compile with the folds as tasks on a Dask ``LocalCluster`` of N worker
  processes (one thread each); each worker reports its own peak RSS.

Wall time, events per second and peak RSS of every process (the parent of a Dask run and each
worker) are printed as a Markdown table and written to ``--json``. The logs are those of
``benchmarks.run`` (``python -m benchmarks.generate``, as Parquet), kept in ``--data``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["measure"]

MODES = ("memory", "partitioned", "dask")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


def _worker_peak_mb() -> float:
    import resource as r

    return r.getrusage(r.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, log: str, out: str, partitions: int | None, workers: int) -> dict:
    from timeline_engine.engine.partitions import compile_log

    started = time.perf_counter()
    result: dict = {"mode": mode}
    if mode == "memory":
        from timeline_engine.engine.fold import fold
        from timeline_engine.engine.fold.duck import load_parquet

        cols = load_parquet(log)
        folded = fold(cols)
        result.update(events=len(cols), spells=len(folded.spells), partitions=1, problems=len(folded.problems))
    elif mode == "partitioned":
        done = compile_log(log, out, partitions)
        result.update(events=done.events, spells=done.spells, partitions=done.partitions)
    else:
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
            ) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter()  # the cluster's start is not the compile's

            def run(fn, tasks):
                return client.gather(client.map(fn, list(tasks), pure=False))

            done = compile_log(log, out, partitions, run, f"dask local[{workers}]")
            result["workers_peak_mb"] = sorted(client.run(_worker_peak_mb).values())
        result.update(events=done.events, spells=done.spells, partitions=done.partitions)
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = _peak_mb()
    return result


def measure(mode: str, log: Path, partitions: int | None = None, workers: int = 2) -> dict:
    """Run one mode in a fresh process; its numbers."""
    out = Path(tempfile.mkdtemp(prefix="timeline-scale-")) / "compiled"
    try:
        args = [sys.executable, "-m", "benchmarks.scale", "--child", mode, "--log", str(log), "--out", str(out)]
        args += ["--workers", str(workers)] + (["--partitions", str(partitions)] if partitions else [])
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{mode} failed: {done.stderr.strip().splitlines()[-1:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def check_same(
    log: Path, partitions: int, workers: int = 2, days: tuple[str, ...] = ("1950-01-01", "2000-06-01")
) -> dict:
    """`timeline compile` of ``log`` in this process and with ``--dask local[N]``: whether every
    Parquet file of the two outputs is the same byte for byte, and whether ``Timeline.load`` of
    each gives the same members for every subject on each of ``days``."""
    import filecmp

    import duckdb

    from timeline_engine.engine import Timeline
    from timeline_engine.engine.distributed import dask_runner
    from timeline_engine.engine.partitions import compile_log

    root = Path(tempfile.mkdtemp(prefix="timeline-check-"))
    try:
        started = time.perf_counter()
        here = compile_log(log, root / "here", partitions)
        here_s = time.perf_counter() - started
        with dask_runner(f"local[{workers}]") as run:
            started = time.perf_counter()
            there = compile_log(log, root / "there", partitions, run, f"dask local[{workers}]")
            there_s = time.perf_counter() - started
        files = sorted(p.relative_to(root / "here") for p in (root / "here").rglob("*.parquet"))
        differ = [
            str(f)
            for f in files
            if not (root / "there" / f).is_file()
            or not filecmp.cmp(root / "here" / f, root / "there" / f, shallow=False)
        ]
        subjects = [
            r[0] for r in duckdb.sql(f"SELECT DISTINCT subject FROM read_parquet('{log}') ORDER BY 1").fetchall()
        ]
        a, b = Timeline.load(root / "here"), Timeline.load(root / "there")
        answers = [(s, d) for s in subjects for d in days]
        disagree = [q for q in answers if a.members(q[0], on=q[1]).parties != b.members(q[0], on=q[1]).parties]
        return {
            "events": here.events,
            "partitions": [here.partitions, there.partitions],
            "spells": [here.spells, there.spells],
            "seconds": [round(here_s, 1), round(there_s, 1)],
            "parquet_files": len(files),
            "files_differ": differ,
            "questions": len(answers),
            "answers_differ": len(disagree),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _table(rows: list[dict]) -> str:
    lines = [
        "| events | mode | partitions | wall s | events/s | peak RSS, parent (MB) | peak RSS, each worker (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        workers = ", ".join(f"{m:,.0f}" for m in r.get("workers_peak_mb", [])) or "–"
        lines.append(
            f"| {r['events']:,} | {r['mode']} | {r['partitions']} | {r['seconds']:.1f} | "
            f"{r['events'] / r['seconds']:,.0f} | {r['peak_mb']:,.0f} | {workers} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1m")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--data", type=Path, default=Path("/tmp/timeline-bench"))
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--check", action="store_true", help="compile in process and on Dask local[N]: same files, same answers"
    )
    ap.add_argument("--child", choices=MODES, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--log", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.log, args.out, args.partitions, args.workers)))
        return
    from benchmarks.run import ensure_log

    if args.check:
        checks = []
        for size in args.sizes.split(","):
            _, parquet = ensure_log(size, args.data)
            checks.append(check_same(parquet, args.partitions or 4, args.workers))
            print(json.dumps(checks[-1]))
        if args.json:
            args.json.write_text(json.dumps(checks, indent=2) + "\n", encoding="utf-8")
        return
    rows = []
    for size in args.sizes.split(","):
        _, parquet = ensure_log(size, args.data)
        for mode in args.modes.split(","):
            row = measure(mode, parquet, args.partitions, args.workers)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
