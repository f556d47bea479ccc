"""Run one task per song, in local worker processes or on a Dask cluster, with a progress bar.

Tasks write their own output files (atomically) and return small records, so no large array
crosses a process boundary. Results come back in input order whatever order workers finish
in, which keeps every index file byte-identical between runs, `jobs` settings and executors.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


def default_jobs() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def map_songs(task: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
              desc: str = "songs", dask: str | None = None) -> list[R]:
    """Apply `task` to every item, in `jobs` processes (None: all cores; 1: this process), or
    on the Dask cluster at address `dask`.

    Parameters
    ----------
    task : callable
        A picklable function (module level, or a `functools.partial` of one).
    items : sequence
        One item per song.
    jobs : int >= 1 or None
        Worker processes.
    desc : str
        Label of the progress bar.
    dask : str or None
        Address of a running Dask scheduler (``tcp://host:port``). Its workers must see the
        project's files at the same paths (the same machine, or a shared filesystem) and have
        genrepipe installed.

    Returns
    -------
    list
        `task(item)` for every item, in the order of `items`.
    """
    if dask is not None:
        return _map_dask(task, items, dask, desc)
    jobs = default_jobs() if jobs is None else jobs
    jobs = max(1, min(jobs, len(items)))
    bar = tqdm(total=len(items), desc=desc, unit="song", disable=None, leave=False)
    try:
        if jobs == 1:
            keep_freed_memory()
            results = []
            for item in items:
                results.append(task(item))
                bar.update()
            return results
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker) as pool:
            results = []
            for result in pool.map(task, items, chunksize=1):
                results.append(result)
                bar.update()
            return results
    finally:
        bar.close()


def _map_dask(task: Callable[[T], R], items: Sequence[T], address: str, desc: str) -> list[R]:
    """Submit one task per item to an existing Dask cluster and gather the results in order."""
    from dask.distributed import Client, as_completed

    from .errors import DataError

    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DataError(f"executor.address={address!r}: no Dask scheduler answered ({exc}); "
                        "start one (dask scheduler / LocalCluster) or use executor.kind: local") from None
    with client:
        log.info("%s: %d tasks on the Dask cluster at %s (%d workers)", desc, len(items), address,
                 len(client.scheduler_info()["workers"]))
        futures = client.map(task, list(items), pure=False)
        with tqdm(total=len(items), desc=desc, unit="song", disable=None, leave=False) as bar:
            for _ in as_completed(futures, loop=client.loop):
                bar.update()
        return client.gather(futures)


def _init_worker() -> None:
    """One thread per worker process (the processes already use every core), and freed
    memory kept for the next song."""
    keep_freed_memory()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    threadpool_limits(1)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def keep_freed_memory(mmap_below: int = 64 << 20, trim_above: int = 256 << 20) -> None:
    """Let glibc keep freed buffers of up to `mmap_below` bytes in the heap (not hand them back
    to the kernel) while less than `trim_above` bytes are free at its top.

    Each song allocates and frees the same few large arrays (windows, frames, spectra). By
    default glibc serves every one with a fresh mmap and unmaps it when freed, so every song
    pays the page faults of touching new memory again: about a third of the time of an STFT or
    mel transform (measured). A no-op where the C library is not glibc.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_MMAP_THRESHOLD, mmap_below)
        libc.mallopt(_M_TRIM_THRESHOLD, trim_above)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - not glibc
        log.debug("mallopt not available (C library %s): freed memory goes back to the system", name)
