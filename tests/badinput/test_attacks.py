"""Issue 14, "Reliability under attack": each of its sixteen items as an attack and what it gets.

Each test names its item. The store an attack was aimed at is compared before and after where
it applies. Subprocesses only where a real process is needed (signals, locks, memory limits,
a FIFO or a predecessor cycle that would hang), always with a timeout.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.badinput.helpers import (
    FOUNDED,
    SOURCE,
    assert_clear_error,
    invoke,
    joined,
    run_process,
    snapshot,
    tables,
    write_jsonl,
)
from tests.conftest import ROOT
from timeline_engine.engine.store import Store

# -- shared records --------------------------------------------------------------------------


def founded(sid: str, date: str, predecessor: str | None = None, name: str | None = None) -> dict:
    rec = {
        "id": f"{sid.lower()}-founded",
        "date": date,
        "subject": sid,
        "kind": "founded",
        "name": name or f"Subject {sid}",
        "subject_kind": "organization",
        "sources": SOURCE,
    }
    if predecessor:
        rec["predecessor"] = predecessor
    return rec


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "TIMELINE_STORE"}


def _store_of(path: Path, records: list) -> Path:
    events = write_jsonl(path.with_suffix(".jsonl"), records)
    assert invoke("init", "--store", path).exit_code == 0
    result = invoke("import", events, "--store", path)
    assert result.exit_code == 0, result.output
    return path


# -- 1. sql --as-known ------------------------------------------------------------------------

KNOWN = [
    {**FOUNDED, "recorded": "2020-01-01T00:00:00Z"},
    joined("x-kaz", "KAZ", "2002-03-04", recorded="2020-01-01T00:00:00Z"),
    joined("x-uzb", "UZB", "2003-03-04", recorded="2024-01-01T00:00:00Z"),
]


@pytest.mark.parametrize("source", ["store", "events"])
def test_1_sql_sees_the_record_as_known_on_the_as_known_date(tmp_path, source):
    if source == "store":
        where = ["--store", _store_of(tmp_path / "k.duckdb", KNOWN)]
    else:
        where = ["--events", write_jsonl(tmp_path / "k.jsonl", KNOWN)]

    def sql(query, *extra):
        result = invoke("sql", query, "--format", "json", *where, *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    parties = "SELECT DISTINCT party FROM spans WHERE party IS NOT NULL ORDER BY party"
    assert sql(parties, "--as-known", "2022-01-01") == [{"party": "KAZ"}]
    assert sql(parties) == [{"party": "KAZ"}, {"party": "UZB"}]
    ids = "SELECT id FROM events ORDER BY id"
    assert [r["id"] for r in sql(ids, "--as-known", "2022-01-01")] == ["x-founded", "x-kaz"]
    assert [r["id"] for r in sql(ids)] == ["x-founded", "x-kaz", "x-uzb"]


# -- 2. predecessor cycles never hang a query -------------------------------------------------

CYCLE = [
    founded("AAA", "1990", predecessor="BBB"),
    founded("BBB", "1991", predecessor="AAA"),
    founded("SELF", "1995", predecessor="SELF"),
    joined("aaa-kaz", "KAZ", "1992", subject="AAA"),
]


@pytest.mark.parametrize(
    "args",
    [
        ["members", "AAA", "--on", "1980"],
        ["state", "AAA", "--on", "1980"],
        ["diff", "AAA", "1980", "1985"],
        ["explain", "AAA", "KAZ", "--on", "1980"],
        ["members", "SELF", "--on", "1980"],
        ["chart", "AAA", "SELF", "--out", "{tmp}/cycle.png", "--on", "1980"],
    ],
    ids=["members", "state", "diff", "explain", "members-self", "chart"],
)
def test_2_a_predecessor_cycle_is_refused_promptly_with_one_clear_line(tmp_path, args):
    events = write_jsonl(tmp_path / "cycle.jsonl", CYCLE)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    started = time.monotonic()
    done = run_process(*args, "--events", events, env=_env(), timeout=60)
    assert time.monotonic() - started < 60
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "predecessors form a cycle: AAA → BBB → AAA" in line or "predecessors form a cycle: SELF → SELF" in line


def test_2_validate_names_every_founding_in_a_predecessor_cycle(tmp_path):
    events = write_jsonl(tmp_path / "cycle.jsonl", CYCLE)
    result = invoke("validate", events)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{events}:1: event aaa-founded: predecessors form a cycle: AAA → BBB → AAA" in lines
    assert f"{events}:2: event bbb-founded: predecessors form a cycle: AAA → BBB → AAA" in lines
    assert f"{events}:3: event self-founded: predecessors form a cycle: SELF → SELF" in lines


def test_2_the_query_side_lineage_walk_stops_at_a_subject_seen_twice():
    """Even over a record whose fold did not refuse the cycle (the walk is the query's own)."""
    from timeline_engine.engine.timeline import Timeline
    from timeline_engine.events.dates import parse_period

    tl = Timeline.load()
    ix = tl.record.index
    a, b = ix.subject_code("CSTO"), ix.subject_code("SCO")
    life = ix.life.copy()  # the index's predecessor column: each names the other
    life[a, 2], life[b, 2] = b, a
    ix.life = life
    started = time.monotonic()
    _, _, exists, notes = tl._lineage("CSTO", parse_period("1900"))
    assert time.monotonic() - started < 1
    assert not exists
    assert notes[-1].endswith("its predecessors form a cycle through CSTO")


# -- 3 and 10. export --out never destroys what is at the path ---------------------------------


def _out_targets(tmp_path: Path, store: Path) -> dict[str, tuple[Path, str]]:
    other_way = tmp_path / "sub"
    other_way.mkdir()
    link = tmp_path / "link.duckdb"
    link.symlink_to(store)
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "nowhere.jsonl")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    return {
        "the store": (store, "is the store being read"),
        "the store by another path": (other_way / ".." / store.name, "is the store being read"),
        "a symlink to the store": (link, "is a symbolic link"),
        "a dangling symlink": (dangling, "is a symbolic link"),
        "a fifo": (fifo, "is a named pipe (FIFO)"),
        "a device": (Path("/dev/null"), "is a device"),
        "a folder": (folder, "is a folder"),
        "a missing folder": (tmp_path / "no" / "x.jsonl", "does not exist"),
    }


@pytest.mark.parametrize("to", ["jsonl", "csv", "parquet", "catalog"])
def test_3_10_export_refuses_an_out_that_writing_would_destroy(store, tmp_path, to):
    before = tables(store)
    for what, (out, fragment) in _out_targets(tmp_path, store).items():
        kind = out.lstat().st_mode if out.exists() or out.is_symlink() else None
        line = assert_clear_error(invoke("export", "--to", to, "--out", out, "--store", store), fragment)
        assert str(out) in line, what
        if kind is not None:
            assert out.lstat().st_mode == kind, f"{what} was replaced"
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert tables(store) == before
    assert invoke("members", "CSTO", "--on", "2005", "--store", store).exit_code == 0


# -- 4. an import's memory is bounded by its data ----------------------------------------------


def test_4_an_import_and_an_add_run_within_a_3_gb_address_space(tmp_path):
    store = tmp_path / "m.duckdb"
    events = write_jsonl(tmp_path / "one.jsonl", [FOUNDED])
    limit = 3 * 1024**3

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "timeline_engine", *map(str, args)],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=limited,
        )

    assert run("init", "--store", store).returncode == 0
    done = run("import", events, "--store", store)
    assert done.returncode == 0, done.stderr
    added = run(
        "add", "--store", store, "--id", "x-kaz", "--kind", "joined", "--subject", "XORG", "--party", "KAZ",
        "--date", "2002", "--source-ref", "test:x", "--source-title", "A test",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT count(*) FROM event_log").fetchone()[0] == 2
    con.close()


# -- 5. sql stops: a time limit, a row limit, SIGINT --------------------------------------------


def test_5_sql_stops_at_its_time_limit_with_one_line(tmp_path):
    started = time.monotonic()
    result = invoke("sql", "SELECT count(*) FROM range(1000000000000::BIGINT)", "--timeout", "0.5")
    assert_clear_error(result, "error: SQL query stopped after 0.5 s (its time limit; pass --timeout SECONDS for more)")
    assert time.monotonic() - started < 30


def test_5_sql_prints_at_most_limit_rows_and_says_so():
    result = invoke("sql", "SELECT range AS n FROM range(1000)", "--limit", "3", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "n\n0\n1\n2\n"
    assert result.stderr == "note: showing the first 3 rows; pass --limit N for more\n"
    whole = invoke("sql", "SELECT range AS n FROM range(3)", "--limit", "3", "--format", "csv")
    assert whole.stderr == ""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize(
    "query",
    [
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r",
        "SELECT count(*) FROM range(1000000000000::BIGINT)",
    ],
    ids=["recursive-cte", "range-1e12"],
)
def test_5_sigint_stops_sql_within_a_second_with_exit_130(query):
    proc = subprocess.Popen(
        [sys.executable, "-m", "timeline_engine", "sql", query],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # start-up costs under a second of CPU; past 2.5 s the query is running
        deadline = time.monotonic() + 60
        while _cpu_seconds(proc.pid) < 2.5:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the query did not start within 60 s"
            time.sleep(0.05)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert out == ""
    assert err == "error: interrupted\n"
    assert took < 10, f"{took:.2f} s from SIGINT to exit"  # 0.3-0.5 s on an idle machine: a hang, not a pace


# -- 6. sql renders every type -----------------------------------------------------------------


def _strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "table"])
def test_6_sql_renders_nested_and_unusual_values_in_every_format(fmt):
    for query in (
        "SELECT list(valid_from) AS l FROM spans",
        "SELECT * FROM test_all_types()",
        "SELECT 1.25::DECIMAL(10, 2) AS d, uuid() AS u, INTERVAL 3 DAY AS i, TIME '12:30' AS t, "
        "'\\xAA'::BLOB AS b, {'x': 1, 'y': [1, 2]} AS s, map([1], ['a']) AS m, 'nan'::DOUBLE AS nan",
    ):
        result = invoke("sql", query, "--format", fmt)
        assert result.exit_code == 0, result.output[:500]
        assert "internal error" not in result.output
        if fmt == "json":
            _strict_json(result.stdout)
        if fmt == "jsonl":
            for line in result.stdout.splitlines():
                _strict_json(line)


def test_6_sql_json_keeps_nested_values_as_json_and_nan_as_null():
    query = (
        "SELECT [1, 2] AS l, {'x': 1, 'y': 'z'} AS s, 1.25::DECIMAL(10, 2) AS d, "
        "'nan'::DOUBLE AS nan, 'infinity'::DOUBLE AS inf, DATE '2001-02-03' AS day"
    )
    result = invoke("sql", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert _strict_json(result.stdout) == [
        {"l": [1, 2], "s": {"x": 1, "y": "z"}, "d": 1.25, "nan": None, "inf": None, "day": "2001-02-03"}
    ]
    csv_out = invoke("sql", query, "--format", "csv").stdout
    assert csv_out.splitlines()[1] == '1;2,"{""x"": 1, ""y"": ""z""}",1.25,NaN,Infinity,2001-02-03'


# -- 7. large EDTF sets -----------------------------------------------------------------------


def test_7_a_40_kb_edtf_set_is_refused_at_once(store, tmp_path):
    big = "{" + ",".join(str(y) for y in range(1985, 9999)) + "}"
    path = write_jsonl(tmp_path / "big.jsonl", [joined("big-set", date=big, subject="CSTO")])
    before = tables(store)
    started = time.monotonic()
    assert_clear_error(
        invoke("import", path, "--store", store),
        f"bad date '{big[:40]}…': {len(big)} characters, longer than the 200 a date may have",
    )
    assert time.monotonic() - started < 10
    assert tables(store) == before


def test_7_a_set_of_39_years_parses_in_milliseconds():
    from timeline_engine.events.dates import parse_date

    text = "{" + ",".join(str(y) for y in range(1960, 1999)) + "}"  # 196 characters
    started = time.perf_counter()
    when = parse_date(text)
    assert time.perf_counter() - started < 0.05
    assert (when.lo.isoformat(), when.hi.isoformat()) == ("1960-01-01", "1998-12-31")


_PLAIN_DATE = st.one_of(
    st.integers(1000, 9999).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1000, 9999), st.integers(1, 12)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}"),
    st.dates(min_value=date(1000, 1, 1)).map(lambda d: d.isoformat()),
)


@given(
    elements=st.lists(
        st.one_of(_PLAIN_DATE, st.tuples(_PLAIN_DATE, _PLAIN_DATE).map(lambda t: "..".join(sorted(t)))),
        min_size=1,
        max_size=4,
    ),
    brackets=st.sampled_from(["{}", "[]"]),
)
@settings(max_examples=25, deadline=None)
def test_7_the_fast_path_for_sets_means_what_the_edtf_package_means(elements, brackets):
    from timeline_engine.events.dates import _edtf, parse_date
    from timeline_engine.events.errors import BadDate

    text = brackets[0] + ",".join(elements) + brackets[1]
    ranges = [e.split("..") for e in elements if ".." in e]
    if any(len(a) != len(b) or parse_date(a).lo > parse_date(b).lo for a, b in ranges):
        return  # a range between two precisions goes to the edtf package; one that runs backwards is refused
    try:
        slow = _edtf(text)
    except BadDate:
        with pytest.raises(BadDate):
            parse_date(text)
        return
    fast = parse_date(text)
    assert (fast.lo, fast.hi) == (slow.lo, slow.hi)


# -- 8. retraction chains (the fold's rewrite, issue 12) ---------------------------------------


def test_8_a_chain_of_400_retractions_is_answered(tmp_path):
    """Item 8 was fixed in the fold's rewrite (issue 12): its log resolution is iterative."""
    records = [FOUNDED, joined("x-kaz")]
    previous = "x-kaz"
    for i in range(400):
        eid = f"r{i}"
        records.append(
            {"id": eid, "date": "2003", "subject": "XORG", "kind": "retracted", "retracts": previous, "sources": SOURCE}
        )
        previous = eid
    result = invoke("members", "XORG", "--on", "2005", "--events", write_jsonl(tmp_path / "r.jsonl", records))
    assert result.exit_code == 0, result.output[:500]


# -- 9. terminal escapes -----------------------------------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\\x9b31m"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl"])
def test_9_escape_sequences_in_names_and_holders_never_reach_the_terminal(tmp_path, fmt):
    records = [
        founded("ESC", "2001", name="Evil " + ESCAPES),
        {
            "id": "esc-sg",
            "date": "2002",
            "subject": "ESC",
            "kind": "appointed",
            "office": "secretary-general",
            "holder": "Mr " + ESCAPES,
            "nationality": "KAZ",
            "sources": SOURCE,
        },
    ]
    events = write_jsonl(tmp_path / "esc.jsonl", records)
    for args in (["subjects"], ["state", "ESC", "--on", "2003"], ["tenures", "ESC"], ["log"]):
        result = invoke(*args, "--events", events, "--format", fmt)
        assert result.exit_code == 0, result.output
        shown = result.stdout + result.stderr
        assert not any(c in shown for c in "\x1b\x07\x9b"), repr(shown[:300])
        assert ("\\u001b" if fmt.startswith("json") else "\\x1b") in result.stdout


def test_9_escape_sequences_in_an_error_line_are_shown_not_sent():
    result = invoke("members", "X\x1b[2JY", "--on", "2005")
    line = assert_clear_error(result, "X\\x1b[2JY")
    assert "\x1b" not in line


# -- 11. failures of the environment ----------------------------------------------------------


def _damaged(store: Path, tmp_path: Path, how: str) -> Path:
    bad = tmp_path / f"{how}.duckdb"
    shutil.copyfile(store, bad)
    size = bad.stat().st_size
    with open(bad, "r+b") as f:
        if how == "corrupt":  # damage every block after the headers: whatever a command reads is damaged
            for offset in range(3 * 4096, size, 256 * 1024):
                f.seek(offset)
                f.write(os.urandom(8192))
        else:
            f.truncate(size // 2)
    return bad


@pytest.mark.parametrize("how", ["corrupt", "truncated"])
def test_11_a_damaged_store_is_said_to_be_damaged_exit_1(store, tmp_path, how):
    bad = _damaged(store, tmp_path, how)
    for args in (["members", "CSTO", "--on", "2005"], ["export", "--to", "jsonl"], ["sql", "SELECT * FROM events"]):
        result = invoke(*args, "--store", bad)
        assert result.exit_code == 1, result.output[:300]
        assert "internal error" not in result.stderr
        assert_clear_error(result)


@pytest.mark.parametrize("how", ["truncated", "not-gzip"])
def test_11_a_cow_igo_file_cut_short_or_not_gzip_is_bad_input(tmp_path, how):
    real = ROOT.parent / "shared" / "data" / "cow-igo-v3"
    if not (real / "igo_year_format3.csv.gz").exists():
        pytest.skip("the COW data set is not in shared/")
    path = tmp_path / "igo_year_format3.csv.gz"
    if how == "truncated":
        path.write_bytes((real / "igo_year_format3.csv.gz").read_bytes()[:20_000])
    else:
        path.write_text("not gzip\n")
    store = tmp_path / "g.duckdb"
    assert invoke("init", "--store", store).exit_code == 0
    before = tables(store)
    result = invoke("import", path, "--from", "cow-igo", "--states", real / "states2016.csv.gz", "--store", store)
    assert_clear_error(result, "not a readable cow-igo file: cut short or not gzip-compressed")
    assert tables(store) == before


def test_11_a_gzip_states_file_cut_short_is_bad_input_too(tmp_path):
    real = ROOT.parent / "shared" / "data" / "cow-igo-v3"
    if not (real / "igo_year_format3.csv.gz").exists():
        pytest.skip("the COW data set is not in shared/")
    states = tmp_path / "states2016.csv.gz"
    states.write_bytes(gzip.compress(b"stateabb,ccode\n")[:12])
    store = tmp_path / "g.duckdb"
    assert invoke("init", "--store", store).exit_code == 0
    result = invoke(
        "import", real / "igo_year_format3.csv.gz", "--from", "cow-igo", "--states", states, "--store", store
    )
    assert result.exit_code == 1, result.output[:300]
    assert_clear_error(result)


def test_11_stdout_on_a_full_device_is_exit_1_with_one_line():
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "timeline_engine", "log"],
            cwd=ROOT,
            env=_env(),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr == "error: no space left on the device\n"


@pytest.mark.parametrize("version", ["99", "0", "-1", "1e9", "x' OR 1=1", ""])
def test_11_crafted_schema_versions_are_bad_stores(store, version):
    con = duckdb.connect(str(store))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()
    result = invoke("members", "CSTO", "--on", "2005", "--store", store)
    assert_clear_error(result, str(store))


@pytest.mark.parametrize(
    "args",
    [
        ["members", "CSTO", "--on", "2005", "--format", "xml"],
        ["members", "CSTO", "--on", "2005", "--nope"],
        ["members"],
        ["membrs", "CSTO"],
        ["sql", "SELECT 1", "--limit", "0"],
    ],
    ids=["bad-format", "unknown-option", "missing-argument", "unknown-command", "limit-out-of-range"],
)
def test_11_a_usage_error_is_one_line_and_exit_2(args):
    line = assert_clear_error(invoke(*args), code=2)
    assert line.endswith("--help')"), line


def test_11_a_bug_is_one_line_and_exit_70(monkeypatch):
    from timeline_engine.engine.timeline import Timeline

    def boom(*_, **__):
        raise RuntimeError("boom")

    monkeypatch.setattr(Timeline, "members", boom)
    result = invoke("members", "CSTO", "--on", "2005")
    assert result.exit_code == 70
    assert result.stderr == "error: internal error (please report it): RuntimeError: boom\n"


# -- 12. a FIFO as the store -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["members", "CSTO", "--on", "2005"], ["init"], ["import", "{events}"]])
def test_12_a_fifo_given_as_the_store_is_refused_and_nothing_hangs(tmp_path, command):
    fifo = tmp_path / "store.fifo"
    os.mkfifo(fifo)
    events = write_jsonl(tmp_path / "one.jsonl", [FOUNDED])
    args = [a.replace("{events}", str(events)) for a in command]
    done = run_process(*args, "--store", fifo, env=_env(), timeout=60)
    assert_clear_error(done, f"error: {fifo} is a named pipe (FIFO), not a store file")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_12_a_device_given_as_the_store_is_refused(tmp_path):
    assert_clear_error(invoke("members", "CSTO", "--on", "2005", "--store", "/dev/zero"), "is a device")


# -- 13. readers wait for a writer ------------------------------------------------------------

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _holder(store: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store), str(seconds)], stdout=subprocess.PIPE, text=True, env=_env()
    )
    assert proc.stdout.readline() == "holding\n"
    return proc


def test_13_a_reader_waits_for_a_writer_and_then_answers(store):
    holder = _holder(store, 2)
    try:
        done = run_process("members", "CSTO", "--on", "2005", "--store", store, "--wait", "60", env=_env())
    finally:
        holder.wait(timeout=60)
    assert done.returncode == 0, done.stderr
    assert "ARM" in done.stdout


def test_13_a_reader_told_not_to_wait_is_told_the_store_is_busy(store):
    holder = _holder(store, 30)
    try:
        done = run_process("members", "CSTO", "--on", "2005", "--store", store, "--wait", "0", env=_env())
    finally:
        holder.kill()
        holder.wait()
    assert_clear_error(
        done,
        f"error: store is busy: another process is using {store}; try again when it has finished "
        "(--wait SECONDS waits longer)",
    )


def test_13_every_command_that_opens_a_store_takes_wait():
    from typer.main import get_command

    from timeline_engine.cli.app import app

    group = get_command(app)
    for name, command in group.commands.items():
        options = {o for p in command.params for o in p.opts}
        assert ("--wait" in options) == ("--store" in options), name


# -- 14. long lineages are linear ---------------------------------------------------------------


def test_14_a_lineage_of_5000_predecessors_answers_in_linear_time(tmp_path):
    from datetime import date, timedelta

    from timeline_engine.engine.chart import membership_chart
    from timeline_engine.engine.timeline import Timeline
    from timeline_engine.events.codec import event_from_record

    day = date(1990, 1, 1)
    records = [
        founded(f"C{i}", (day + timedelta(days=i)).isoformat(), predecessor=f"C{i - 1}" if i else None)
        for i in range(5000)
    ]
    tl = Timeline([event_from_record(r) for r in records])
    started = time.monotonic()
    answer = tl.members("C4999", on="1980")
    tl.state("C4999", on="1980")
    tl.diff("C4999", "1980", "2010")
    tl.explain("C4999", "KAZ", on="1980")
    assert time.monotonic() - started < 5
    assert answer.answered_for == "C0"
    assert len(answer.notes) == 9
    assert answer.notes[4] == "… and 4992 more predecessors that did not exist on 1980 either"
    started = time.monotonic()
    membership_chart(tl, ["C4999"], out=tmp_path / "c.png")
    assert time.monotonic() - started < 30  # 28 s before, all in the lineage; now the drawing


# -- 15. a failed write leaves the file no larger ---------------------------------------------


def test_15_a_write_that_fails_gives_back_the_blocks_it_took(store):
    size = store.stat().st_size
    before = snapshot(store)

    def step_that_fills_the_disk():
        st.con.execute("INSERT INTO side_records SELECT 'x', 'y', range, repeat('z', 200) || range FROM range(400000)")
        raise duckdb.IOException('Could not write file "store": No space left on device')

    with Store.open(store) as st:
        with pytest.raises(Exception, match="No space left on device"):
            st._write(step_that_fills_the_disk)
        assert store.stat().st_size == size
        assert st.count() == len(before[0].splitlines())  # the store stays open and usable
    assert snapshot(store) == before


def test_15_a_write_that_fills_a_small_disk_leaves_the_store_as_it_was(store, tmp_path):
    """On a real 12 MB tmpfs, where this machine lets a test mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        small = disk / "s.duckdb"
        shutil.copyfile(store, small)
        free = shutil.disk_usage(disk).free
        (disk / "fill").write_bytes(b"\0" * max(free - 3 * 1024**2, 0))
        before = snapshot(small)
        size = small.stat().st_size
        big = tmp_path / "big.jsonl"
        with big.open("w") as f:
            for i in range(15_000):
                f.write(json.dumps(founded(f"F{i}", "1990", name="n" * 300)) + "\n")
        result = invoke("import", big, "--store", small)
        assert result.exit_code == 1, result.output[:300]
        assert_clear_error(result)
        assert small.stat().st_size <= size
        assert snapshot(small) == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# -- 16. lenient parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"id": "a", "id": "b", "kind": "founded"}', "not valid JSON (the key 'id' appears twice in one object)"),
        (
            '{"id": "a", "kind": "joined", "sources": [{"title": "t", "title": "u", "ref": "r"}]}',
            "the key 'title' appears twice",
        ),
        ('{"id": "a", "date": NaN}', "not valid JSON (NaN is not a JSON number)"),
        ('{"id": "a", "n": -Infinity}', "not valid JSON (-Infinity is not a JSON number)"),
    ],
    ids=["duplicate-key", "duplicate-key-in-a-source", "nan", "infinity"],
)
def test_16_duplicate_keys_and_nan_in_an_event_line_are_problems(store, tmp_path, line, fragment):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    before = tables(store)
    assert_clear_error(invoke("import", path, "--store", store), fragment)
    assert tables(store) == before


@pytest.mark.parametrize("date", ["２００１", "٢٠٠١", "2001-０１", "{２００１,2002}"])
def test_16_dates_take_only_ascii_digits(tmp_path, date):
    path = write_jsonl(tmp_path / "d.jsonl", [FOUNDED, joined("x-d", date=date)])
    result = invoke("members", "XORG", "--on", "2005", "--events", path)
    assert_clear_error(result, f"bad date '{date}'", "is not ASCII; write dates with the digits 0-9")


def test_16_json_output_never_holds_nan_or_infinity():
    result = invoke("sql", "SELECT 'nan'::DOUBLE AS a, '-infinity'::FLOAT AS b", "--format", "json")
    assert result.exit_code == 0
    assert _strict_json(result.stdout) == [{"a": None, "b": None}]


def test_16_an_unspecified_date_is_refused_only_when_it_lies_wholly_before_the_founding(tmp_path):
    org = founded("ORG", "1984-12-10")
    inside = write_jsonl(tmp_path / "in.jsonl", [org, joined("o-kaz", date="1XXX", subject="ORG")])
    before = write_jsonl(tmp_path / "before.jsonl", [org, joined("o-kaz", date="197X", subject="ORG")])
    assert invoke("validate", inside).exit_code == 0
    refused = invoke("validate", before)
    assert refused.exit_code == 1
    assert "dated 197X, before ORG was founded (1984-12-10)" in refused.stderr


def test_16_the_un_importer_says_what_a_command_line_user_can_do(tmp_path):
    path = tmp_path / "hr_status_x.csv"
    path.write_text(
        "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"
        "KG,Kyrgyzstan,1,1994,0,0,state party,\n"
    )
    store = tmp_path / "u.duckdb"
    assert invoke("init", "--store", store).exit_code == 0
    line = assert_clear_error(invoke("import", path, "--from", "un-treaty-status", "--store", store))
    assert "declare_subject" not in line and "put the data set's SOURCE-README.md" in line


def test_12_an_event_file_given_as_the_store_is_not_a_store(tmp_path):
    events = write_jsonl(tmp_path / "events.jsonl", [FOUNDED])
    assert_clear_error(
        invoke("members", "XORG", "--on", "2005", "--store", events),
        f"error: {events} is not a timeline store (not a DuckDB database file)",
    )


def test_11_a_full_tmpdir_is_exit_1_with_one_line_and_the_store_as_it_was(store, tmp_path):
    disk = tmp_path / "tmpdir"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (disk / "fill").write_bytes(b"\0" * max(shutil.disk_usage(disk).free - 64 * 1024, 0))
        # two files: read as event objects, written through a temporary file (one file of JSON
        # lines goes to DuckDB as columns and needs no room in TMPDIR)
        files = [tmp_path / "many.jsonl", tmp_path / "more.jsonl"]
        for half, events in enumerate(files):
            with events.open("w") as f:
                for i in range(half * 1_000, half * 1_000 + 1_000):
                    f.write(json.dumps(founded(f"T{i}", "1990", name="n" * 100)) + "\n")
        before = snapshot(store)
        done = run_process("import", *files, "--store", store, env={**_env(), "TMPDIR": str(disk)})
        assert_clear_error(done, "error: no space left on the device")
        assert snapshot(store) == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
