"""Which subjects a partition holds (``timeline compile``): subjects joined by lineage stay
together, so that the one fold can run on each partition alone (``engine.partitions``)."""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterable

import duckdb

__all__ = ["assign_partitions", "links"]


# -- partitions -----------------------------------------------------------------------------
def assign_partitions(
    sizes: dict[str, int], links: Iterable[tuple[str, str]], partitions: int
) -> tuple[dict[str, int], int]:
    """Subjects to partitions: subjects joined by ``links`` (lineage) stay together; the
    lineages, largest first (ties by a stable hash of their first subject), go to the partition
    holding the fewest events so far. Returns (subject -> partition, number of partitions),
    never more partitions than lineages."""
    parent: dict[str, str] = {s: s for s in sizes}

    def root(s: str) -> str:
        parent.setdefault(s, s)
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for s in list(parent):
        groups.setdefault(root(s), []).append(s)
    lineages = sorted((sum(sizes.get(s, 0) for s in members), min(members), members) for members in groups.values())
    lineages.sort(key=lambda g: (-g[0], zlib.crc32(g[1].encode("utf-8")), g[1]))
    n = max(1, min(partitions, sum(1 for size, _, _ in lineages if size)))  # no partition without events
    load = [(0, i) for i in range(n)]
    out: dict[str, int] = {}
    for size, _, members in lineages:
        total, i = heapq.heappop(load)
        for s in members:
            out[s] = i
        heapq.heappush(load, (total + size, i))
    return out, n


def links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Pairs of subjects a partition must hold together: a predecessor, an edit of another
    subject's event, an id used in two subjects."""
    rows = con.execute("""
        SELECT subject, predecessor FROM src WHERE predecessor IS NOT NULL AND subject IS NOT NULL
        UNION
        SELECT e.subject, s.subject FROM src s JOIN (
            SELECT subject, retracts AS target FROM src WHERE retracts IS NOT NULL
            UNION ALL SELECT subject, corrects FROM src WHERE corrects IS NOT NULL
        ) e ON s.id = e.target
        WHERE s.subject IS NOT NULL AND e.subject IS NOT NULL AND s.subject <> e.subject
    """).fetchall()
    # ids used more than once (found by their hashes first: most logs have none)
    repeated = con.execute("""
        SELECT DISTINCT id, subject FROM src
        WHERE subject IS NOT NULL AND hash(id) IN (
            SELECT hash(id) FROM src WHERE id IS NOT NULL GROUP BY hash(id) HAVING count(*) > 1
        ) ORDER BY id, subject
    """).fetchall()
    first: dict[str, str] = {}
    for eid, subject in repeated:
        rows.append((first.setdefault(eid, subject), subject))
    return [(a, b) for a, b in rows if a is not None and b is not None and a != b]
