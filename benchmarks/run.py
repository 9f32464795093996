"""The benchmark: the engine and its peers on one generated log, in one run.

    python -m benchmarks.run --sizes 100k,1m,10m          # all rows; writes results.json and BENCHMARKS.md
    python -m benchmarks.run --sizes 100k --no-write      # a quick look

Each method runs in its own process (so that its peak memory is its own), loads the same
Parquet log, replays it and answers the same random questions; the parent collects medians
and per-query p50s. Generated data lives in ``--data`` (``/tmp/timeline-bench``), never in
the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

__all__ = ["SIZES", "agreement", "ensure_log", "run_method"]

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000, "100m": 100_000_000}
PARQUET_ONLY = {"100m"}  # as JSON lines ~20 GB: written straight to Parquet
FIRST, LAST = 1900, 2025
D0, D1 = date(FIRST, 1, 1).toordinal(), date(LAST, 12, 31).toordinal()


def ensure_log(size: str, data: Path) -> tuple[Path, Path]:
    """The generated log of ``size`` events as JSON lines and Parquet (made once, then reused)."""
    from benchmarks.generate import write_jsonl
    from timeline_engine.events.codec import FIELD_ORDER

    data.mkdir(parents=True, exist_ok=True)
    jsonl, parquet = data / f"events-{size}.jsonl", data / f"events-{size}.parquet"
    if size in PARQUET_ONLY:
        if not parquet.exists():
            from benchmarks.generate import write_parquet

            tmp = parquet.with_suffix(".partial")
            write_parquet(tmp, SIZES[size])
            tmp.replace(parquet)
        return jsonl, parquet
    if not jsonl.exists():
        tmp = jsonl.with_suffix(".partial")
        write_jsonl(tmp, SIZES[size])
        tmp.replace(jsonl)
    if not parquet.exists():
        import duckdb

        # the columns `timeline export --to parquet` writes: the interchange fields as text
        spec = "{" + ", ".join(f"'{c}': '{'JSON' if c == 'sources' else 'VARCHAR'}'" for c in FIELD_ORDER) + "}"
        tmp = parquet.with_suffix(".partial")
        duckdb.connect().execute(
            f"COPY (SELECT * REPLACE (CAST(sources AS VARCHAR) AS sources) FROM read_json(?, "
            f"format = 'newline_delimited', columns = {spec})) TO '{tmp}' (FORMAT parquet)",
            [str(jsonl)],
        )
        tmp.replace(parquet)
    return jsonl, parquet


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def questions(n: int, subjects: int, seed: int = 11) -> list[tuple[str, int, int]]:
    rng = random.Random(seed)
    return [(f"S{rng.randrange(subjects):04d}", rng.randint(D0, D1), rng.randint(D0, D1)) for _ in range(n)]


def _p50_us(fn, args_list) -> float:
    times = []
    for args in args_list:
        t0 = time.perf_counter_ns()
        fn(*args)
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times) / 1000


def _median_s(fn, args_list) -> float:
    times = []
    for args in args_list:
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_method(name: str, parquet: str, n_queries: int, subjects: int, limits: dict | None = None) -> dict:
    """Load, replay and query with one method; timings, in this process."""
    from benchmarks.methods import METHODS

    limits = limits or {}
    kw = {"max_subjects": limits["max_subjects"]} if name == "eventsourcing" and limits.get("max_subjects") else {}
    loads = []
    for _ in range(limits.get("n_load", 1)):  # a fresh instance each time; the last one answers
        m = METHODS[name]()
        loads.append(m.load(parquet, **kw))
    out = {"method": name, "label": m.label, "loadavg_before": os.getloadavg()[0]}
    for key in loads[0]:
        values = [x[key] for x in loads]
        out[key] = statistics.median(values) if key.endswith("_s") else values[-1]
        if key.endswith("_s") and len(values) > 1:
            out[key + "_runs"] = values
    subjects = out.get("subjects", subjects)
    qs = questions(n_queries, subjects)
    m.native_members(*qs[0][:2])  # warm caches (first-use costs are not per-query latency)
    out["members_p50_us"] = _p50_us(m.native_members, [(s, d) for s, d, _ in qs])
    if hasattr(m, "native_members_rows"):  # the same answers, every row made (texts, event ids, sources)
        out["members_rows_p50_us"] = _p50_us(m.native_members_rows, [(s, d) for s, d, _ in qs[:500]])
    out["diff_p50_us"] = _p50_us(m.native_diff, [(s, a, b) for s, a, b in qs])
    n_all = limits.get("n_all", 7)
    t0 = time.perf_counter()
    m.native_all(qs[0][1])
    out["all_first_s"] = time.perf_counter() - t0
    out["all_median_s"] = _median_s(m.native_all, [(d,) for _, d, _ in qs[1 : 1 + n_all]])
    if name != "asof":
        out["per_year_median_s"] = _median_s(m.native_per_year, [(FIRST, LAST)] * limits.get("n_year", 3))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["loadavg_after"] = os.getloadavg()[0]
    return out


def agreement(parquet: str, n: int = 40, methods=None) -> dict[str, list]:
    """Every method's answers to the same questions; {question: [method answers that differ]}.
    An empty result means that all methods agree."""
    from benchmarks.methods import METHODS, available

    ms = [METHODS[k]() for k in (methods or available())]
    for m in ms:
        m.load(parquet)
    qs = questions(n, 2000)
    present = set(ms[0].cols.words) if hasattr(ms[0], "cols") else None
    problems: dict[str, list] = {}

    def compare(label, answers):
        ref = answers[0][1]
        bad = [(name, a) for name, a in answers[1:] if a != ref]
        if bad:
            problems[label] = [(answers[0][0], ref)] + bad

    for s, d1, d2 in qs:
        if present is not None and s not in present:
            continue
        compare(f"members {s} {d1}", [(m.name, m.canon_members(m.native_members(s, d1))) for m in ms])
        compare(f"diff {s} {d1} {d2}", [(m.name, m.canon_diff(m.native_diff(s, d1, d2))) for m in ms])
    for _, d, _ in qs[:5]:
        compare(f"all {d}", [(m.name, m.canon_all(m.native_all(d))) for m in ms])
    compare("per year", [(m.name, m.canon_per_year(m.native_per_year(FIRST, LAST))) for m in ms if m.name != "asof"])
    return problems


# -- rows outside the per-method runs ------------------------------------------------------
def import_row(jsonl: Path) -> dict:
    """DuckDB's own read_json of the JSON lines into a table (the yardstick of `timeline import`),
    and the engine's columnar read and fold of the same file, each median of 3."""
    code = f"""
import time, json, duckdb, resource, statistics
from timeline_engine.engine.fold import fold
from timeline_engine.engine.fold.duck import load_jsonl
p = {str(jsonl)!r}
raw, eng = [], []
for _ in range(3):
    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format = 'newline_delimited')", [p])
    raw.append(time.perf_counter() - t0)
    con.close()
    t0 = time.perf_counter()
    cols = load_jsonl(p)
    folded = fold(cols)
    assert not folded.problems
    eng.append(time.perf_counter() - t0)
    del cols, folded
print(json.dumps({{"duckdb_read_json_s": statistics.median(raw), "engine_bulk_import_s": statistics.median(eng),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    return _child(code)


def make_store(jsonl: Path) -> tuple[Path, dict]:
    """`timeline import` of the log into a new store beside it: the store and the import's time and
    peak memory."""
    store = jsonl.with_suffix(".duckdb")
    timeline = str(Path(sys.executable).with_name("timeline"))
    store.unlink(missing_ok=True)
    shutil.rmtree(str(store) + ".index", ignore_errors=True)
    subprocess.run([timeline, "init", "--store", str(store)], check=True, capture_output=True)
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", timeline, "import", str(jsonl), "--store", str(store)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall, kb = p.stderr.strip().splitlines()[-1].split()
    return store, {
        "store_import_s": float(wall),
        "store_import_peak_rss_mb": int(kb) / 1024,
        "output": p.stdout.strip(),
    }


def store_row(jsonl: Path, reuse: bool = False, export: bool = True) -> dict:
    """The store the engine's questions and the CLI row use, made by :func:`make_store` (or, with
    ``reuse``, the one an earlier run made); then what writes to it cost, and (``export``) the
    load and fold of its Parquet export."""
    if reuse and jsonl.with_suffix(".duckdb").exists():
        store, out = jsonl.with_suffix(".duckdb"), {"reused": "the store an earlier run made with `timeline import`"}
    else:
        store, out = make_store(jsonl)
    timeline = str(Path(sys.executable).with_name("timeline"))
    # what a write to a big store costs: one event (a new subject), then 10,000 (new subjects), each
    # into a copy of the store so that the questions below ask the imported log
    from benchmarks.generate import generate_records

    with tempfile.TemporaryDirectory(prefix="timeline-bench-", dir=jsonl.parent) as tmp:
        copy = Path(tmp) / store.name
        shutil.copy(store, copy)
        shutil.copytree(str(store) + ".index", str(copy) + ".index")
        t0 = time.perf_counter()
        subprocess.run([timeline, "add", *_ADDED, "--store", str(copy)], check=True, capture_output=True)
        out["add_one_s"] = time.perf_counter() - t0
        more = Path(tmp) / "more.jsonl"
        with more.open("w", encoding="utf-8") as f:
            for r in generate_records(10_000, seed=99, subjects=50):
                r = {**r, "id": "n-" + r["id"], "subject": "N" + r["subject"]}
                f.write(json.dumps(r) + "\n")
        t0 = time.perf_counter()
        subprocess.run([timeline, "import", str(more), "--store", str(copy)], check=True, capture_output=True)
        out["import_10k_s"] = time.perf_counter() - t0
        if not export:
            return out
        # the store's Parquet export (`timeline export --to parquet`), read back by the bulk reader
        # and folded: what `timeline import` and `timeline compile` of an export do first
        exported = Path(tmp) / "export.parquet"
        subprocess.run(
            [timeline, "export", "--to", "parquet", "--out", str(exported), "--store", str(store)],
            check=True,
            capture_output=True,
        )
        out.update(_child(_PARQUET_FOLD.format(path=str(exported))))
    return out


_PARQUET_FOLD = """
import json, statistics, time
from timeline_engine.engine.fold import fold
from timeline_engine.engine.fold.duck import load_parquet
runs = []
for _ in range(3):
    t0 = time.perf_counter()
    folded = fold(load_parquet({path!r}))
    runs.append(time.perf_counter() - t0)
    assert not folded.problems
print(json.dumps({{"parquet_load_fold_s": statistics.median(runs), "parquet_load_fold_runs": runs}}))
"""


_ADDED = [  # `timeline add` of one event: the founding of a new organization
    *("--id", "bench-added-founding", "--kind", "founded", "--subject", "BENCHADDED", "--date", "2025-01-01"),
    *("--name", "An organization founded by the benchmark", "--subject-kind", "organization"),
    *("--source-ref", "benchmarks/run.py", "--source-title", "Synthetic benchmark workload"),
]


def cli_row(jsonl: Path, data: Path) -> dict:
    """`timeline members` on the store made by :func:`store_row` vs a bare Python import of the
    same libraries."""
    store = jsonl.with_suffix(".duckdb")
    timeline = str(Path(sys.executable).with_name("timeline"))
    out: dict = {}
    py = sys.executable
    cmd = f"{timeline} members S0001 --on 1990-06-01 --store {store} --format json"
    bare = f"{py} -c 'import duckdb, pendulum, typer, attrs'"
    hf = data / "hyperfine.json"
    try:
        subprocess.run(
            ["hyperfine", "--warmup", "2", "--runs", "20", "--export-json", str(hf), "-N", cmd, bare],
            check=True,
            capture_output=True,
        )
        res = json.loads(hf.read_text())["results"]
        out.update(tool="hyperfine", cli_median_s=res[0]["median"], bare_median_s=res[1]["median"])
    except (FileNotFoundError, subprocess.CalledProcessError):

        def timed(c):
            ts = []
            for _ in range(10):
                t0 = time.perf_counter()
                subprocess.run(c, shell=True, check=True, capture_output=True)
                ts.append(time.perf_counter() - t0)
            return statistics.median(ts)

        out.update(tool="subprocess", cli_median_s=timed(cmd), bare_median_s=timed(bare))
    out["command"] = cmd
    return out


def catalog_row(data: Path) -> dict:
    """`timeline members CSTO --on 2005` on the bundled catalog (the README's first question)."""
    timeline = str(Path(sys.executable).with_name("timeline"))
    cmd = f"{timeline} members CSTO --on 2005"
    ts = []
    for _ in range(10):
        t0 = time.perf_counter()
        subprocess.run(cmd, shell=True, check=True, capture_output=True)
        ts.append(time.perf_counter() - t0)
    return {"command": cmd, "median_s": statistics.median(ts)}


def cow_row() -> dict:
    """The COW IGO v3 panel: import as events, replay, export back (if the importer and data exist)."""
    data = ROOT.parent / "shared" / "data" / "cow-igo-v3" / "igo_year_format3.csv.gz"
    if not (ROOT / "engine" / "datasets" / "cow.py").exists() or not data.exists():
        return {"status": "not yet measured: importer or data missing"}
    code = f"""
import io, json, time, resource
from timeline_engine.engine.datasets.cow import import_cow_igo_year
from timeline_engine.engine.datasets.cow_export import write_cow_igo_year
from timeline_engine.engine import Timeline
t0 = time.perf_counter(); imp = import_cow_igo_year({str(data)!r}); t1 = time.perf_counter()
tl = Timeline(imp.events); t2 = time.perf_counter()
buf = io.StringIO(); rows = write_cow_igo_year(tl, imp.panel, buf); t3 = time.perf_counter()
print(json.dumps({{"events": len(imp.events), "import_s": t1 - t0, "replay_s": t2 - t1, "export_s": t3 - t2,
                  "rows": rows, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    try:
        return {"status": "measured", **_child(code, timeout=1800)}
    except RuntimeError as e:
        return {"status": f"failed: {e}"}


def _child(code: str, timeout: int = 3600) -> dict:
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def machine() -> dict:
    import duckdb
    import numpy

    try:
        from importlib.metadata import version

        es = version("eventsourcing")
    except Exception:
        es = None
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem) / 2**20, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "numpy": numpy.__version__,
        "eventsourcing": es,
        "platform": platform.platform(),
    }


LIMITS = {
    # the eventsourcing library holds every stored event as a Python object: at 10M it runs on
    # the first 200 subjects (about 1M events); its every-subject questions replay everything
    "eventsourcing": {"n_all": 1, "n_year": 1, "queries": 50},
    "fold": {"n_all": 3, "n_year": 1, "queries": 300},
    "spans": {"n_all": 5, "n_year": 3, "queries": 500, "n_load": 3},
    "asof": {"n_all": 3, "queries": 300, "n_load": 3},
    "engine": {"n_all": 21, "n_year": 5, "queries": 5000, "n_load": 3},
    "library": {"n_all": 1, "n_year": 1, "queries": 300},
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Benchmark the engine against its peers.")
    ap.add_argument("--sizes", default="100k,1m,10m", help="comma-separated: 10k, 100k, 1m, 10m")
    ap.add_argument(
        "--methods",
        default="engine,library,spans,asof,eventsourcing,fold",
        help="library (Python events) runs at 1m events at most",
    )
    ap.add_argument("--data", type=Path, default=Path("/tmp/timeline-bench"))
    ap.add_argument("--no-write", action="store_true", help="print results only")
    ap.add_argument("--merge", action="store_true", help="keep the other sizes of benchmarks/results.json")
    ap.add_argument("--reuse-store", action="store_true", help="ask the store an earlier run imported")
    ap.add_argument("--no-export", action="store_true", help="skip the Parquet export's load and fold")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    ap.add_argument("--limits", default="{}", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        limits = json.loads(args.limits)
        print(json.dumps(run_method(args.worker, args.parquet, limits.get("queries", 500), 2000, limits)))
        return
    started = time.time()
    results = {
        "command": "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "sizes": {},
    }
    for size in args.sizes.split(","):
        jsonl, parquet = ensure_log(size, args.data)
        row: dict = {"events": _count_lines(jsonl), "methods": {}}
        print(f"[{size}] timeline import …", file=sys.stderr, flush=True)
        row["store"] = store_row(jsonl, reuse=args.reuse_store, export=not args.no_export)
        for name in args.methods.split(","):
            if name == "library" and SIZES[size] > 1_000_000:
                continue
            limits = dict(LIMITS.get(name, {}))
            if name == "eventsourcing" and SIZES[size] > 1_000_000:
                limits["max_subjects"] = 200
            print(f"[{size}] {name} …", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            p = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.run",
                    "--worker",
                    name,
                    "--parquet",
                    str(parquet),
                    "--limits",
                    json.dumps(limits),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if p.returncode != 0:
                row["methods"][name] = {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
            else:
                row["methods"][name] = json.loads(p.stdout.strip().splitlines()[-1])
            row["methods"][name]["wall_s"] = time.perf_counter() - t0
            if "max_subjects" in limits:
                row["methods"][name]["note"] = f"first {limits['max_subjects']} subjects only"
        if SIZES[size] >= 1_000_000:
            print(f"[{size}] read_json and CLI …", file=sys.stderr, flush=True)
            row["import"] = import_row(jsonl)
            row["cli"] = cli_row(jsonl, args.data)
            row["catalog"] = catalog_row(args.data)
        results["sizes"][size] = row
    print("[cow] …", file=sys.stderr, flush=True)
    results["cow"] = cow_row()
    results["elapsed_s"] = time.time() - started
    if args.merge and (ROOT / "benchmarks" / "results.json").exists():
        earlier = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
        kept = {k: v for k, v in earlier.get("sizes", {}).items() if k not in results["sizes"]}
        for row in kept.values():
            row.setdefault("run", {"command": earlier.get("command"), "elapsed_s": earlier.get("elapsed_s")})
        results["sizes"] = {**kept, **results["sizes"]}
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: SIZES.get(kv[0], 0)))
    text = json.dumps(results, indent=2)
    if args.no_write:
        print(text)
        return
    (ROOT / "benchmarks" / "results.json").write_text(text + "\n", encoding="utf-8")
    from benchmarks.report import write_report

    write_report(results, ROOT / "BENCHMARKS.md")


if __name__ == "__main__":
    main()
