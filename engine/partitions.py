"""Compiling a log partition by partition, out of core: ``timeline compile LOG --out DIR``.

A partition is a set of whole subjects with their lineage (the subjects joined to them by a
predecessor, by a retraction or correction that names another subject's event, or by an id
used in both), so the one fold (:func:`engine.fold.fold`) runs on each partition alone and the
union of the partitions' spells is the spells of the whole log. Only one partition's columns
are in memory at a time; DuckDB reads the log and sorts it into partitions on disk.

The output directory holds, per partition ``part-NNNNN/``: ``events.parquet`` (the rows of a
store's ``event_log``, with the log's global ``seq``: the line of the record in the log),
``spells.parquet`` and ``spells_in_force.parquet`` (the columns of a store's ``spells`` and
``spells_in_force`` tables) and ``problems.jsonl``; and ``manifest.json`` (version, partitions,
counts, source). It is written into a temporary directory beside ``DIR`` and renamed into place
only when every partition folded without a problem: a refused or interrupted compile leaves
nothing that looks complete.

:func:`fold_partition` is a pure function of its task's files: ``engine.distributed`` runs the
same function as Dask tasks.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs
import duckdb
import numpy as np

from .. import __version__
from ..events.codec import read_jsonl
from ..events.errors import Problem, TimelineError, ValidationFailed
from . import remote
from .fold import fold
from .fold.checks import check_records
from .fold.duck import load_store
from .partition_plan import assign_partitions, links
from .remote import as_location, download_file, download_folder, is_url, upload_folder
from .spells_table import write_spells
from .staging import FIELDS, stage_log
from .tracks import EPOCH

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "Compiled",
    "PartitionResult",
    "PartitionTask",
    "compile_log",
    "fold_partition",
]

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS_PER_PARTITION = 1_000_000  # the default partition size: about 0.5 GB of memory per partition
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_PROBLEMS_RETURNED = 1000
# events by subject (then seq) and spells by subject, in small row groups: a question about one
# subject reads only the row groups whose statistics can hold it
_PARQUET = (
    "(FORMAT parquet, ROW_GROUP_SIZE 16384)"  # problems a task sends back (all of them are in its problems.jsonl)
)

Runner = Callable[[Callable, Sequence], list]  # (function, tasks) -> results, in order


def _q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


# -- one partition --------------------------------------------------------------------------
@attrs.frozen
class PartitionTask:
    """What one fold needs: the partition's staged events (Parquet, any reachable path or
    glob), the folder to write, and how to name the log in problems."""

    index: int
    events: str
    out: str
    label: str
    has_sources: bool
    memory_limit: str = "512MB"


@attrs.frozen
class PartitionResult:
    index: int
    events: int
    spells: int
    in_force: int
    problem_count: int
    problems: tuple[Problem, ...]


def _problem_json(p: Problem) -> str:
    return json.dumps({"file": p.file, "line": p.line, "id": p.event_id, "message": p.message}, ensure_ascii=False)


def fold_partition(task: PartitionTask) -> PartitionResult:
    """Fold one partition and write its events, spells and problems into ``task.out``; at a URL
    (``task.events`` then the URL of the partition's folder), through a local scratch folder."""
    if is_url(task.out):
        with tempfile.TemporaryDirectory(prefix="timeline-task-") as scratch:
            download_folder(task.events, Path(scratch) / "input")
            local = attrs.evolve(task, events=str(Path(scratch) / "input" / "*.parquet"), out=f"{scratch}/out")
            result = fold_partition(local)
            upload_folder(Path(scratch) / "out", task.out)
            return result
    out = Path(task.out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=_CONFIG)
    try:
        con.execute("SET enable_progress_bar = false")
        # DuckDB's share of a worker: what it sorts beyond this goes to disk beside the output
        con.execute(f"SET memory_limit = {_q(task.memory_limit)}")
        con.execute(f"SET temp_directory = {_q(str(out / '_spill'))}")
        con.execute(f"CREATE VIEW event_log AS SELECT * FROM read_parquet({_q(task.events)})")
        cols, seq = load_store(con, task.label)
        n = len(cols)
        # the record rules, on the partition's own columns (``bulk_log`` with sources and version)
        # (a view: the partition's text is held once)
        con.execute("ALTER TABLE bulk_log RENAME TO bulk_fields")
        con.execute(
            "CREATE TEMP VIEW bulk_log AS SELECT b.*, "
            """from_json(e.sources, '[{"title": "VARCHAR", "ref": "VARCHAR"}]') AS sources, e.v """
            "FROM bulk_fields b JOIN event_log e ON e.seq = b.store_seq"
        )
        check_records(con, cols, task.label, task.has_sources)
        # problems of records name their line in the log, not in the partition
        cols.record_problems = [
            attrs.evolve(p, line=int(seq[p.line - 1])) if 0 < p.line <= n else p for p in cols.record_problems
        ]
        folded = fold(cols)
        problems = folded.problems
        with (out / "problems.jsonl").open("w", encoding="utf-8") as f:
            f.writelines(_problem_json(p) + "\n" for p in problems)
        if problems:
            return PartitionResult(task.index, n, 0, 0, len(problems), tuple(problems[:_PROBLEMS_RETURNED]))
        write_spells(con, folded, store_seq=seq)
        known = cols.when >= 0
        code = np.where(known, cols.when, 0)
        whens = np.append(cols.whens.astype(object), np.array([None], dtype=object))
        con.register(
            "partition_whens",
            {
                "seq": np.asarray(seq, dtype=np.int64),
                "when_text": whens[np.where(known, cols.when, -1)],
                "lo": np.where(known, cols.when_lo[code] - EPOCH, -1).astype(np.int32),
                "hi": np.where(known, cols.when_hi[code] - EPOCH, -1).astype(np.int32),
                "known": known,
            },
        )
        fields = ", ".join(f"e.{c}" for c in FIELDS)
        con.execute(
            f"COPY (SELECT e.seq, {fields}, e.sources, TRY_CAST(e.recorded_text AS TIMESTAMPTZ) AS recorded, "
            "e.recorded_text, w.when_text::VARCHAR AS when_text, "
            "CASE WHEN w.known THEN DATE '1970-01-01' + w.lo END AS eff_lo, "
            "CASE WHEN w.known THEN DATE '1970-01-01' + w.hi END AS eff_hi, e.v "
            "FROM event_log e JOIN partition_whens w USING (seq) ORDER BY e.subject, e.seq) "
            f"TO {_q(str(out / 'events.parquet'))} {_PARQUET}"
        )
        con.execute(f"COPY (SELECT * FROM spells) TO {_q(str(out / 'spells.parquet'))} {_PARQUET}")
        con.execute(
            f"COPY (SELECT * FROM spells_in_force ORDER BY seq) TO {_q(str(out / 'spells_in_force.parquet'))} "
            "(FORMAT parquet)"
        )
        # how far the record covers each attested subject (``engine.coverage``)
        con.execute(
            f"COPY (SELECT * FROM spells_coverage) TO {_q(str(out / 'spells_coverage.parquet'))} (FORMAT parquet)"
        )
        spells = con.execute("SELECT count(*) FROM spells").fetchall()[0][0]
        return PartitionResult(task.index, n, int(spells), int(folded.live.sum()), 0, ())
    finally:
        con.close()
        shutil.rmtree(out / "_spill", ignore_errors=True)


def _sequential(fn: Callable, tasks: Sequence) -> list:
    return [fn(t) for t in tasks]


# -- the whole log --------------------------------------------------------------------------
@attrs.frozen
class Compiled:
    """What ``compile_log`` wrote (the manifest's content)."""

    out: Path | str  # a folder, or a URL
    partitions: int
    events: int
    spells: int
    runner: str


def _check_out(out: Path | str) -> None:
    if isinstance(out, str):  # a URL
        if remote.exists(out) and not remote.exists(remote.join(out, MANIFEST)):
            raise TimelineError(f"{out}: holds something that is not a compiled log; give a new location")
        return
    if out.is_symlink():
        raise TimelineError(f"{out}: is a symbolic link; give the path of a folder to write")
    if out.exists() and not (out.is_dir() and (out / MANIFEST).is_file()):
        what = "a folder that is not a compiled log" if out.is_dir() else "a file"
        raise TimelineError(f"{out}: is {what}; give a new folder (or an earlier output of timeline compile)")
    if not out.parent.is_dir():
        raise TimelineError(f"{out}: folder {out.parent} does not exist")


def compile_log(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    partitions: int | None = None,
    runner: Runner | None = None,
    runner_name: str = "in process",
    memory_limit: str = "1GB",
) -> Compiled:
    """Compile the log ``source`` (JSON lines or Parquet, a path or a URL) into the folder ``out``
    (a path, or a URL that every worker reaches: ``engine.remote``), partition by partition
    (``partitions``: how many; by default one per million events). ``runner`` maps the fold over
    the partitions (in this process by default; ``engine.distributed`` gives Dask's). Raises
    ``ValidationFailed`` with every problem, writing nothing."""
    source_at, out_at = as_location(source), as_location(out)
    if partitions is not None and partitions < 1:
        raise TimelineError(f"--partitions must be at least 1, not {partitions}")
    if isinstance(source_at, Path) and not source_at.is_file():
        raise TimelineError(f"{source_at}: no such file")
    _check_out(out_at)
    if isinstance(out_at, Path):
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_at.name}.", suffix=".partial", dir=out_at.parent))
        target = str(tmp)
    else:  # the partitions are written beside the URL, the parent's staging stays on its disk
        tmp = Path(tempfile.mkdtemp(prefix="timeline-compile-"))
        target = f"{str(out_at).rstrip('/')}.partial-{tmp.name}"
    try:
        work = tmp / "_work"
        work.mkdir()
        if isinstance(source_at, str):
            local_source = work / ("source" + Path(source_at.split("?")[0]).suffix.lower())
            download_file(source_at, local_source)
        else:
            local_source = source_at
        n, sizes, has_sources = _stage(local_source, work, partitions, memory_limit)
        source_bytes = local_source.stat().st_size
        tasks = []
        for i in range(n):
            folder = work / "input" / f"part={i}"
            if not folder.is_dir():
                continue
            if isinstance(out_at, Path):
                events, part = str(folder / "*.parquet"), str(tmp / f"part-{i:05d}")
            else:
                events, part = remote.join(target, "_work", f"part={i}"), remote.join(target, f"part-{i:05d}")
                upload_folder(folder, events)
            tasks.append(PartitionTask(i, events, part, str(source), has_sources))
        results: list[PartitionResult] = (runner or _sequential)(fold_partition, tasks)
        problems = sorted((p for r in results for p in r.problems), key=lambda p: (p.line, p.message))
        if problems:
            raise ValidationFailed(_said_exactly(local_source, problems))
        shutil.rmtree(work)
        done = sorted(results, key=lambda r: r.index)
        manifest = _manifest(source_at, source_bytes, done, len(sizes), runner_name)
        text = json.dumps(manifest, indent=2) + "\n"
        if isinstance(out_at, Path):
            (tmp / MANIFEST).write_text(text, encoding="utf-8")
            _swap_in(tmp, out_at)
        else:
            remote.remove(remote.join(target, "_work"))
            _swap_in_url(target, out_at, text)
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(out_at, str):
            remote.remove(target)
        raise
    counts = manifest["counts"]
    return Compiled(out_at, len(done), counts["events"], counts["spells"], runner_name)


def _stage(source: Path, work: Path, partitions: int | None, memory_limit: str) -> tuple[int, dict[str, int], bool]:
    """The log read by DuckDB, its subjects assigned to partitions and written partition by
    partition under ``work/input``: (partitions, events per subject, whether it has sources)."""
    con = duckdb.connect(str(work / "stage.duckdb"), config=_CONFIG)
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"SET memory_limit = {_q(memory_limit)}")
        con.execute(f"SET temp_directory = {_q(str(work / 'spill'))}")
        # each thread buffers this many rows per partition before writing them: DuckDB's default
        # (524,288) held ~20 GB for 100 partitions and spilled it all (40 of 66 minutes at 100M
        # events); 16,384 writes the same files without spilling (38 s -> 10 s at 10M)
        con.execute("SET partitioned_write_flush_threshold = 16384")
        has_sources = stage_log(con, source)
        sizes = dict(
            con.execute("SELECT subject, count(*) FROM src WHERE subject IS NOT NULL GROUP BY subject").fetchall()
        )
        total = con.execute("SELECT count(*) FROM src").fetchall()[0][0]
        wanted = partitions or max(1, math.ceil(total / EVENTS_PER_PARTITION))
        part_of, n = assign_partitions(sizes, links(con), wanted)
        con.register(
            "part_of_frame",
            {
                "subject": np.array(list(part_of), dtype=object),
                "part": np.array(list(part_of.values()), dtype=np.int32),
            },
        )
        con.execute(
            "CREATE TABLE part_of AS SELECT subject::VARCHAR AS subject, part::INTEGER AS part FROM part_of_frame"
        )
        con.unregister("part_of_frame")
        con.execute(
            "COPY (SELECT s.*, COALESCE(p.part, 0) AS part FROM src s LEFT JOIN part_of p USING (subject)) "
            f"TO {_q(str(work / 'input'))} (FORMAT parquet, PARTITION_BY (part))"
        )
    finally:
        con.close()
    (work / "stage.duckdb").unlink()
    return n, sizes, has_sources


def _manifest(source: Path | str, size: int, done: list[PartitionResult], subjects: int, runner: str) -> dict:
    return {
        "format": "timeline-compiled",
        "version": FORMAT_VERSION,
        "written_by": f"timeline-engine {__version__}",
        "created": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "source": {"path": str(source), "bytes": size},
        "partitions": [
            {
                "name": f"part-{r.index:05d}",
                "events": r.events,
                "spells": r.spells,
                "in_force": r.in_force,
                "problems": r.problem_count,
            }
            for r in done
        ],
        "counts": {
            "events": sum(r.events for r in done),
            "spells": sum(r.spells for r in done),
            "in_force": sum(r.in_force for r in done),
            "subjects": subjects,
            "problems": 0,
        },
        "runner": runner,
    }


def _swap_in_url(partial: str, out: str, manifest: str) -> None:
    """Put the finished partitions at ``out``: an earlier output loses its manifest first (so it
    never reads as complete while it is replaced), the manifest is written last."""
    remote.remove(remote.join(out, MANIFEST))
    remote.remove(out)
    remote.move_folder(partial, out)
    remote.write_text(remote.join(out, MANIFEST), manifest)


def _said_exactly(source: Path, problems: list[Problem]) -> list[Problem]:
    """The problems of records in a JSON-lines log (found as columns, which name only the first
    rule a record breaks) said as ``timeline validate`` says them: those lines read again by the
    codec, one by one."""
    wanted = {p.line for p in problems if p.event_id is None and p.line > 0}
    if not wanted or source.suffix.lower() != ".jsonl":
        return problems
    exact: list[Problem] = []
    with source.open(encoding="utf-8", errors="replace") as f:
        lines = (text if n in wanted else "" for n, text in enumerate(f, 1))
        for _ in read_jsonl(lines, str(source), exact):
            pass
    by_line = {p.line: p for p in exact}
    return [by_line.get(p.line, p) if p.event_id is None else p for p in problems]


def _swap_in(tmp: Path, out: Path) -> None:
    """Rename the finished folder into place; an earlier output is moved aside first and removed
    after (a folder cannot be replaced by one rename)."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        old.rmdir()
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
