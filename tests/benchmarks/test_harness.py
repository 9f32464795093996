"""The benchmark harness: every method it measures gives the same answers, and one call measures one method."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def log_10k(tmp_path_factory):
    from benchmarks.run import ensure_log, make_store

    log = ensure_log("10k", tmp_path_factory.mktemp("bench"))
    make_store(log[0])  # the engine answers from a store made by `timeline import`, as users do
    return log


def test_every_benchmarked_method_gives_the_same_answers_at_10k_events(log_10k):
    from benchmarks.methods import available
    from benchmarks.run import agreement

    # the eventsourcing library is an optional benchmark extra: compared when it is installed
    assert {"engine", "library", "spans", "asof", "fold"} <= set(available())
    assert agreement(str(log_10k[1]), n=25) == {}


def test_the_compared_answers_are_not_empty(log_10k):
    from benchmarks.methods import Engine
    from benchmarks.run import questions

    m = Engine()
    assert m.load(str(log_10k[1]))["events"] == 10_000
    sizes = [len(m.native_members(s, d)) for s, d, _ in questions(25, 2000) if s in m.tl.subjects_by_id]
    assert sum(sizes) > 0 and len(m.canon_all(m.native_all(725_000))) > 100
    assert sum(v[0] for v in m.canon_per_year(m.native_per_year(1900, 2025)).values()) > 1000


def test_the_benchmark_measures_a_method_in_one_call(log_10k):
    from benchmarks.run import run_method

    out = run_method("engine", str(log_10k[1]), 50, 2000, {"n_all": 2, "n_year": 1})
    assert out["events"] == 10_000 and out["members_p50_us"] > 0 and out["per_year_median_s"] > 0
    json.dumps(out)
