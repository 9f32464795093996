"""One meaning beyond one machine: a log compiled partition by partition (``timeline compile``),
in this process and as Dask tasks, answers as the oracle (``tests/oracle.py``) does.

The logs are the conformance suite's own (``tests/engine/test_conformance.py``): every kind,
standing and date form, edits, dissolutions, lineage (a predecessor chain, sometimes a cycle)
and refused events. A compiled folder is read back through ``Timeline.load`` and its spells
compared with the oracle's; a log the oracle finds problems in is refused with the same ids,
and nothing is written.

The Dask path runs on one ``LocalCluster`` of two worker processes for the whole module.
"""

from __future__ import annotations

import filecmp

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.engine.test_conformance import TIMES, _jsonl, _problem_ids, _timeline_spells, mixed_records
from tests.oracle import oracle
from tests.strategies import to_events
from timeline_engine.cli.app import app
from timeline_engine.engine import Timeline
from timeline_engine.engine.partition_plan import assign_partitions
from timeline_engine.engine.partitions import compile_log
from timeline_engine.events.dates import parse_instant
from timeline_engine.events.errors import ValidationFailed

FEW = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def dask_local():
    pytest.importorskip("dask.distributed")
    from timeline_engine.engine.distributed import dask_runner

    with dask_runner("local[2]") as run:
        yield run


def _check(tmp, records, as_known, partitions, runner=None):
    events = to_events(records)
    expected = oracle(events)
    path, out = _jsonl(tmp, records), tmp / "compiled"
    if expected.problems:
        with pytest.raises(ValidationFailed) as refused:
            compile_log(path, out, partitions, runner)
        assert _problem_ids(refused.value.problems) == _problem_ids(expected.problems)
        assert list(tmp.iterdir()) == [tmp / "log.jsonl"]  # nothing written, nothing half-written
        return
    compile_log(path, out, partitions, runner)
    assert_answers_as_the_oracle(out, events, expected, as_known)


def assert_answers_as_the_oracle(compiled, events, expected, as_known):
    """A compiled log (a folder or a URL), read back by ``Timeline.load``, has the oracle's spells,
    and as known at ``as_known`` too."""
    tl = Timeline.load(compiled)
    try:
        assert _timeline_spells(tl) == expected.spells
        known = oracle(events, parse_instant(as_known))
        if not known.problems:
            assert _timeline_spells(tl.as_of_knowledge(as_known)) == known.spells
    finally:
        tl.store.close()


@pytest.mark.parametrize("partitions", [1, 3])
@FEW
@given(records=mixed_records(), as_known=st.sampled_from(TIMES))
def test_a_compiled_log_answers_as_the_oracle(tmp_path_factory, partitions, records, as_known):
    _check(tmp_path_factory.mktemp("c"), records, as_known, partitions)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=mixed_records(), as_known=st.sampled_from(TIMES))
def test_a_log_compiled_on_dask_answers_as_the_oracle(tmp_path_factory, dask_local, records, as_known):
    _check(tmp_path_factory.mktemp("d"), records, as_known, 3, dask_local)


def test_dask_writes_the_same_files_as_one_process(tmp_path, dask_local):
    log = tmp_path / "catalog.jsonl"  # the bundled catalog, exported as one log
    assert CliRunner().invoke(app, ["export", "--to", "jsonl", "--out", str(log)]).exit_code == 0
    here = compile_log(log, tmp_path / "here", 3)
    there = compile_log(log, tmp_path / "there", 3, dask_local)
    assert (here.partitions, here.events, here.spells) == (there.partitions, there.events, there.spells)
    for i in range(3):
        for name in ("events.parquet", "spells.parquet", "spells_in_force.parquet"):
            a, b = tmp_path / "here" / f"part-{i:05d}" / name, tmp_path / "there" / f"part-{i:05d}" / name
            assert filecmp.cmp(a, b, shallow=False), f"{a.name} of partition {i} differs"


# -- how subjects are put in partitions -----------------------------------------------------
@given(
    sizes=st.dictionaries(st.sampled_from([f"S{i}" for i in range(12)]), st.integers(1, 50), min_size=1),
    links=st.lists(
        st.tuples(st.sampled_from([f"S{i}" for i in range(12)]), st.sampled_from([f"S{i}" for i in range(12)]))
    ),
    partitions=st.integers(1, 6),
)
def test_a_lineage_is_never_split_and_every_subject_has_one_partition(sizes, links, partitions):
    part_of, n = assign_partitions(sizes, links, partitions)
    assert set(sizes) <= set(part_of)
    assert 1 <= n <= partitions
    assert set(part_of.values()) == set(range(n))  # no empty partition
    for a, b in links:
        assert part_of[a] == part_of[b]
    assert assign_partitions(dict(reversed(list(sizes.items()))), list(reversed(links)), partitions) == (part_of, n)


def test_unlinked_subjects_of_equal_size_are_spread_evenly():
    part_of, n = assign_partitions({f"S{i}": 10 for i in range(9)}, [], 3)
    assert n == 3
    assert sorted(list(part_of.values()).count(p) for p in range(3)) == [3, 3, 3]
