"""Run one task per song, in local worker processes or on a Dask cluster, with a progress bar
(on a terminal) or a progress line every `PROGRESS_SECONDS` (in a log: CI, `make repro | tee`).

Tasks write their own output files (atomically) and return small records, so no large array
crosses a process boundary. Results come back in input order whatever order workers finish
in, which keeps every index file byte-identical between runs, `jobs` settings and executors.
"""

from __future__ import annotations

import itertools
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from tqdm import tqdm

from .workspace import default_jobs

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 10.0


class Progress:
    """tqdm's bar on a terminal; otherwise `<stage>: k/n songs (x %), t s` in the log every
    `every` seconds, so a long stage is never silent."""

    def __init__(self, total: int, desc: str, every: float = PROGRESS_SECONDS):
        self.total, self.done, self.every = total, 0, every
        self.desc = os.environ.get("DVC_STAGE", desc)
        self.start = self.last = time.monotonic()
        self.bar = tqdm(total=total, desc=desc, unit="song", leave=False) if sys.stderr.isatty() else None

    def update(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update()
            return
        now = time.monotonic()
        if now - self.last >= self.every and self.done < self.total:
            self.last = now
            log.info("%s: %d/%d songs (%.0f %%), %.0f s", self.desc, self.done, self.total,
                     100 * self.done / self.total, now - self.start)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def map_songs(task: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
              desc: str = "songs", dask: str | None = None) -> list[R]:
    """Apply `task` to every item, in `jobs` processes (1: this process), or on the Dask
    cluster at address `dask`.

    Parameters
    ----------
    task : callable
        A picklable function (module level, or a `functools.partial` of one).
    items : sequence
        One item per song.
    jobs : int >= 1 or None
        Worker processes (None: `workspace.default_jobs()`, the cores shared among the
        project's running stages).
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
    return list(imap_songs(task, items, jobs, desc))


def imap_songs(task: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
               desc: str = "songs", ahead: int = 4) -> Iterator[R]:
    """`task(item)` for every item, yielded in the order of `items` as soon as it is ready, in
    `jobs` local processes (1: this process), with the same progress bar as `map_songs`.

    The worker processes start, and the first items are handed out, when this is called (not
    when the first result is asked for), so the caller can do its own work meanwhile (load a
    model). At most `ahead` items per worker are in flight at a time, so a slow consumer holds
    a bounded number of results, whatever the number of items.
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs == 1 or len(items) == 0:
        return _serial(task, items, Progress(len(items), desc))
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), initializer=_init_worker,
                               mp_context=_worker_context())
    queue = iter(items)
    pending = deque(pool.submit(task, item) for item in itertools.islice(queue, jobs * ahead))
    return _in_order(pool, pending, queue, task, Progress(len(items), desc))


def _serial(task: Callable[[T], R], items: Sequence[T], bar: Progress) -> Iterator[R]:
    try:
        for item in items:
            result = task(item)
            bar.update()
            yield result
    finally:
        bar.close()


def _in_order(pool: ProcessPoolExecutor, pending: deque, queue: Iterator, task: Callable,
              bar: Progress) -> Iterator:
    """The results of `pending` futures in order, each replaced by the next item of `queue`."""
    try:
        while pending:
            result = pending.popleft().result()
            for item in itertools.islice(queue, 1):
                pending.append(pool.submit(task, item))
            bar.update()
            yield result
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
        bar.close()


def _map_dask(task: Callable[[T], R], items: Sequence[T], address: str, desc: str) -> list[R]:
    """Submit one task per item to an existing Dask cluster and gather the results in order."""
    from .errors import DataError

    try:
        from dask.distributed import Client, as_completed
    except ImportError:  # an extra since issue 35: the local executor needs none of it
        raise DataError("executor.kind='dask': Dask is not installed; pip install 'genrepipe[dask]'") from None

    try:
        client = Client(address, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DataError(f"executor.address={address!r}: no Dask scheduler answered ({exc}); "
                        "start one (dask scheduler / LocalCluster) or use executor.kind: local") from None
    with client:
        log.info("%s: %d tasks on the Dask cluster at %s (%d workers)", desc, len(items), address,
                 len(client.scheduler_info()["workers"]))
        futures = client.map(task, list(items), pure=False)
        bar = Progress(len(items), desc)
        for _ in as_completed(futures, loop=client.loop):
            bar.update()
        bar.close()
        return client.gather(futures)


def _worker_context():
    """How worker processes start: forked (fast), unless this process has loaded TensorFlow,
    which is not fork-safe (a forked child that collects the parent's TensorFlow objects
    aborts): then from a fork server that never loaded it. Stages do not load TensorFlow before
    their per-song work; a test process or a notebook that trained a network may have."""
    import multiprocessing

    return multiprocessing.get_context("forkserver" if "tensorflow" in sys.modules else "fork")


def _init_worker() -> None:
    """One thread per worker process (the processes already use their share of the cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    threadpool_limits(1)
