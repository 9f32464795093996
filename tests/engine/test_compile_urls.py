"""A compiled log at a URL (``engine.remote``): ``timeline compile`` reads a log from and writes
its partitions to a location every worker reaches through fsspec (``memory://`` here, the way
``s3://`` or ``gs://`` would be on a cluster), and ``Timeline.load(URL)`` answers from it as from
a local folder; nothing half-written is left at the URL when a compile is refused."""

from __future__ import annotations

import filecmp
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.engine.test_conformance import TIMES, _jsonl, _problem_ids, mixed_records
from tests.engine.test_conformance_partitions import assert_answers_as_the_oracle
from tests.oracle import oracle
from tests.strategies import to_events
from timeline_engine.cli.app import app
from timeline_engine.engine import Timeline
from timeline_engine.engine.partitions import compile_log
from timeline_engine.engine.remote import as_location
from timeline_engine.events.errors import TimelineError, ValidationFailed

fsspec = pytest.importorskip("fsspec")
MEMORY = fsspec.filesystem("memory")
_names = itertools.count()
runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def private_cache(tmp_path_factory):
    """Copies of compiled folders read from URLs go to a cache of this module's own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


def _url(name: str) -> str:
    return f"memory://timeline-tests/{name}-{next(_names)}"


def _put(local: Path | str) -> str:
    local = Path(local)
    url = _url(local.stem) + local.suffix
    MEMORY.put_file(str(local), url.removeprefix("memory://"))
    return url


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=mixed_records(), as_known=st.sampled_from(TIMES))
def test_a_log_compiled_from_and_to_a_url_answers_as_the_oracle(tmp_path_factory, records, as_known):
    events = to_events(records)
    expected = oracle(events)
    log, out = _put(_jsonl(tmp_path_factory.mktemp("u"), records)), _url("compiled")
    if expected.problems:
        with pytest.raises(ValidationFailed) as refused:
            compile_log(log, out, 3)
        assert _problem_ids(refused.value.problems) == _problem_ids(expected.problems)
        assert MEMORY.find(out.removeprefix("memory://")) == []  # nothing written, nothing half-written
        assert not [p for p in MEMORY.find("/timeline-tests") if ".partial-" in p]
        return
    compile_log(log, out, 3)
    assert_answers_as_the_oracle(out, events, expected, as_known)


@pytest.fixture(scope="module")
def catalog_log(tmp_path_factory):
    log = tmp_path_factory.mktemp("catalog") / "catalog.jsonl"
    assert runner.invoke(app, ["export", "--to", "jsonl", "--out", str(log)]).exit_code == 0
    return log


def test_a_url_holds_the_same_files_as_a_local_folder_and_a_dask_cluster_writes_them_too(catalog_log, tmp_path):
    pytest.importorskip("dask.distributed")
    from timeline_engine.engine.distributed import dask_runner

    here = compile_log(catalog_log, tmp_path / "here", 3)
    url = _url("dask")
    with dask_runner("local[2]", processes=False) as run:  # threads: the memory:// store is this process's
        there = compile_log(_put(catalog_log), url, 3, run, "dask local[2]")
    assert (here.partitions, here.events, here.spells) == (there.partitions, there.events, there.spells)
    for i in range(3):
        for name in ("events.parquet", "spells.parquet", "spells_in_force.parquet"):
            copy = tmp_path / f"{i}-{name}"
            MEMORY.get_file(f"{url.removeprefix('memory://')}/part-{i:05d}/{name}", str(copy))
            assert filecmp.cmp(tmp_path / "here" / f"part-{i:05d}" / name, copy, shallow=False)
    assert not MEMORY.exists(f"{url.removeprefix('memory://')}/_work")


def test_the_cli_compiles_to_a_url_and_answers_from_it(catalog_log):
    url = _url("cli")
    done = runner.invoke(app, ["compile", _put(catalog_log), "--out", url, "--partitions", "2"])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(
        f"compiled {len(catalog_log.read_text().splitlines())} events into {url}: 2 partitions"
    )
    there = runner.invoke(app, ["members", "CSTO", "--on", "2005", "--store", url, "--format", "json"])
    here = runner.invoke(app, ["members", "CSTO", "--on", "2005", "--format", "json"])
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout


def test_a_new_compile_to_a_url_replaces_the_earlier_one(catalog_log, log, write_events):
    url = _url("again")
    compile_log(catalog_log, url, 3)
    log.organization("ORG", "2000-01-01")
    log.party("joined", "ORG", "KAZ", "2001-01-01")
    compile_log(write_events(log.records, "small.jsonl"), url, 1)
    names = MEMORY.find(url.removeprefix("memory://"))
    assert sorted(n.rsplit("/", 2)[-2] for n in names if n.endswith(".parquet")) == ["part-00000"] * 4
    tl = Timeline.load(url)
    assert [s["id"] for s in tl.subjects()] == ["ORG"]
    tl.store.close()


def test_a_url_that_holds_something_else_is_refused_in_one_line(catalog_log, tmp_path):
    url = _url("taken")
    MEMORY.pipe(f"{url.removeprefix('memory://')}/notes.txt", b"not a compiled log")
    with pytest.raises(TimelineError, match=r"holds something that is not a compiled log; give a new location$"):
        compile_log(catalog_log, url, 1)
    assert MEMORY.cat(f"{url.removeprefix('memory://')}/notes.txt") == b"not a compiled log"


def test_a_store_url_with_no_compiled_log_is_one_line():
    result = runner.invoke(app, ["members", "CSTO", "--on", "2005", "--store", "memory://timeline-tests/nothing"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "error: memory://timeline-tests/nothing: no compiled log there (a store at a URL is a folder written by "
        "`timeline compile`)"
    ]


def test_a_scheme_whose_package_is_missing_names_it(catalog_log, tmp_path):
    try:
        import s3fs  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("s3fs is installed here")
    result = runner.invoke(app, ["compile", str(catalog_log), "--out", "s3://bucket/compiled"])
    assert result.exit_code != 0
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: s3://bucket/compiled: cannot open this URL (")
    assert "pip install 'timeline-engine[dask]'" in line


@pytest.mark.parametrize(
    "given_as, location",
    [
        ("s3://bucket/key", "s3://bucket/key"),
        (Path("s3://bucket/key"), "s3://bucket/key"),  # what a Path option makes of a URL
        (Path("memory://a/b"), "memory://a/b"),
        (Path("file:///tmp/x"), "file:///tmp/x"),
        ("events.jsonl", Path("events.jsonl")),
        (Path("no-such-scheme:/x"), Path("no-such-scheme:/x")),
    ],
)
def test_a_location_is_a_url_or_a_path(given_as, location):
    assert as_location(given_as) == location
