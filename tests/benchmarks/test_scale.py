"""The scale run (``benchmarks/scale.py``): each mode, in its own process, folds the same log to
the same spells and reports its time and peak memory."""

from __future__ import annotations


def test_the_in_memory_and_partitioned_modes_fold_a_10k_log_to_the_same_spells(tmp_path):
    from benchmarks.run import ensure_log
    from benchmarks.scale import measure

    _, parquet = ensure_log("10k", tmp_path)
    memory = measure("memory", parquet)
    partitioned = measure("partitioned", parquet, partitions=3)
    assert memory["events"] == partitioned["events"] == 10_000
    assert memory["problems"] == 0
    assert memory["spells"] == partitioned["spells"] > 0
    assert partitioned["partitions"] == 3
    assert all(r["seconds"] > 0 and r["peak_mb"] > 0 for r in (memory, partitioned))


def test_the_check_finds_dask_and_the_process_compile_the_same(tmp_path):
    """`python -m benchmarks.scale --check` (run at 1M for BENCHMARKS.md) on a small log: the
    same Parquet files byte for byte and the same answers from both outputs."""
    from benchmarks.run import ensure_log
    from benchmarks.scale import check_same

    _, parquet = ensure_log("10k", tmp_path)
    checked = check_same(parquet, partitions=3)
    assert checked["events"] == 10_000 and checked["partitions"] == [3, 3]
    assert checked["spells"][0] == checked["spells"][1] > 0
    assert checked["parquet_files"] >= 12 and checked["files_differ"] == []
    assert checked["questions"] > 0 and checked["answers_differ"] == 0
