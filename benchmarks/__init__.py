"""Benchmarks: a seeded synthetic workload and a runner comparing the engine with its peers."""
