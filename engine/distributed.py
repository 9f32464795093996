"""The partitions' folds as Dask tasks: ``timeline compile LOG --out DIR --dask ADDRESS``.

Dask (``dask.distributed``, the optional extra ``dask``) schedules, retries and places the
tasks; nothing of that is written here. Each task is :func:`engine.partitions.fold_partition`,
the same function the in-process compile runs, reading and writing Parquet at paths every
worker reaches (a shared file system for a cluster; any local folder for ``local[N]``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence

from ..events.errors import TimelineError

__all__ = ["dask_runner", "parse_dask"]

_LOCAL = re.compile(r"local(?:\[(\d+)\])?")
MISSING = (
    "--dask needs Dask, the optional extra 'dask': pip install 'timeline-engine[dask]' "
    "(or pip install 'dask[distributed]')"
)


def parse_dask(address: str) -> tuple[str, int | None]:
    """``local[N]`` -> ("local", N) (N defaults to 2); an address -> (address, None)."""
    text = address.strip()
    m = _LOCAL.fullmatch(text)
    if m:
        n = int(m.group(1) or 2)
        if n < 1:
            raise TimelineError(f"--dask local[N] needs at least one worker, not {n}")
        return "local", n
    if not text:
        raise TimelineError("--dask needs a scheduler address (tcp://host:8786) or local[N]")
    return text, None


@contextlib.contextmanager
def dask_runner(address: str, processes: bool = True) -> Iterator[Callable[[Callable, Sequence], list]]:
    """A runner mapping a function over tasks on Dask: a ``LocalCluster`` of N single-threaded
    worker processes for ``local[N]``, else the scheduler at ``address``. Results come back in
    the tasks' order."""
    where, workers = parse_dask(address)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise TimelineError(MISSING) from None
    cluster = None
    try:
        if workers is not None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
                silence_logs=50,
            )
            client = Client(cluster)
        else:
            client = Client(where, timeout="10s")
    except OSError as e:
        if cluster is not None:
            cluster.close()
        raise TimelineError(f"--dask {address}: cannot reach the scheduler ({e})") from None
    try:

        def run(fn: Callable, tasks: Sequence) -> list:
            futures = client.map(fn, list(tasks), pure=False)
            return client.gather(futures)

        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
