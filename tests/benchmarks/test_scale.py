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
