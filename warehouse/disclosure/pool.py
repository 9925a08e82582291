"""Disclosure control on every core: independent linked tables protected on the worker pool.

No cell spans two kommuner (docs/disclosure.md), so each kommun's survey tables and each kommun
and period's sick-leave table are protected by a pure function of its own inputs. The main
process reads one job's inputs from DuckDB and submits them; workers return frames; the main
process writes them (DuckDB connections never cross processes). A few jobs are in flight at a
time, so memory holds a few kommuner's inputs, not the country's. A disclosure worker imports
little (HiGHS, numpy: ~0.2 s of CPU), and within a build (`shared`) the steps reuse one pool, so
even the demo's tables pay for two workers; tiny ones (tests) run in the calling process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from warehouse import workers
from warehouse.intermediate import MEMORY_LIMIT

if TYPE_CHECKING:
    import duckdb

WORKERS_ENV = "CHEFSKARTAN_DISCLOSURE_WORKERS"
MAX_WORKERS = 4  # each worker holds its imports (~150 MiB), a kommun's tables and HiGHS models
# Jobs submitted and unfinished beyond one per worker: one ready to start while the main process
# reads the next (reading a kommun takes a tenth of protecting it); each holds a kommun's inputs.
SPARE = 1
# The main process's DuckDB memory limit while disclosure runs: it only reads one kommun's
# inputs at a time and writes rows, so a smaller buffer (spilling to the build's temp folder)
# leaves the room to the workers; the national build's process tree 1.3 -> 0.8 GiB in surveys.
MEMORY_ENV = "CHEFSKARTAN_DISCLOSURE_DUCKDB_MEMORY"
MEMORY = "512MB"
_UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # fmt: skip


def workers_for(jobs: int, size: int, min_size: int) -> int:
    """How many processes protect `jobs` tables of `size` (rows of input) in all: 1 is none.

    CHEFSKARTAN_DISCLOSURE_WORKERS sets the count (1 turns the pool off); otherwise one per core,
    capped, once `size` reaches `min_size` (where the cores save more than the workers' start).
    """
    return workers.worker_count(WORKERS_ENV, jobs, jobs > 1 and size >= min_size, MAX_WORKERS)


def largest_first(items: Iterable, size: Callable[[Any], int]) -> list:
    """Items by decreasing size: the largest kommun starts first, so none finishes alone at the
    end while the other cores wait (ties keep their order)."""
    return sorted(items, key=lambda item: -size(item))


def run(count: int, work: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
    """(job, work(*job)) for each job: in this process when `count` is 1 (in the jobs' order),
    else on `count` spawned workers as they finish, at most `count` + SPARE submitted at once.

    A worker's exception is raised here as the worker raised it (same type and message)."""
    if count <= 1:
        for job in jobs:
            yield job, work(*job)
        return
    try:
        with _pool(count) as pool:
            done = 0
            for result in workers.bounded(pool, work, jobs, count + SPARE):
                done += 1
                yield result
        if done > KEEP_AFTER_JOBS:
            _release(count)
    except BrokenProcessPool as exc:  # killed from outside (out of memory): no input's fault
        raise WorkerLost(
            "Inget publicerades: en process som skyddade tabellerna avslutades oväntat (slut på "
            f"minne?). Sätt {WORKERS_ENV}=1 för att skydda en kommun i taget."
        ) from exc


# The pools open in the current `shared` block, by worker count (None outside one).
_SHARED: ContextVar[dict[int, Executor] | None] = ContextVar("disclosure_pools", default=None)
# A shared pool is kept for the next step only after at most this many jobs: workers that
# protected many kommuner (national) hold the memory they grew, and a step starts afresh there.
KEEP_AFTER_JOBS = 32


@contextmanager
def shared() -> Iterator[None]:
    """Within the block, `run` keeps the pool it starts open for the next step that wants as
    many workers (after a small step: KEEP_AFTER_JOBS): the demo's survey and sick-leave
    steps pay the workers' start once."""
    pools: dict[int, Executor] = {}
    token = _SHARED.set(pools)
    try:
        yield
    finally:
        _SHARED.reset(token)
        for pool in pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _pool(count: int) -> Iterator[Executor]:
    """A pool of `count` workers: the `shared` block's (started now if it has none), else one
    for this step alone."""
    pools = _SHARED.get()
    if pools is None:
        with workers.process_pool(count) as pool:
            yield pool
        return
    if count not in pools:
        pools[count] = workers.start_pool(count)
    try:
        yield pools[count]
    except BrokenProcessPool:
        pools.pop(count).shutdown(wait=False, cancel_futures=True)  # not for the next step
        raise


def _release(count: int) -> None:
    """The `shared` block's pool of `count` workers shut down (the next step starts its own)."""
    pools = _SHARED.get()
    if pools is not None and count in pools:
        pools.pop(count).shutdown(wait=True)


class WorkerLost(BrokenProcessPool):
    """A disclosure worker died while protecting (the message says what to do)."""


@contextmanager
def bounded_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Inside the block, `con`'s memory limit is at most MEMORY (CHEFSKARTAN_DISCLOSURE_DUCKDB_
    MEMORY sets it); the limit it had is set again after (to DuckDB's 0.1 MiB, or exactly
    when it is the build's own, MEMORY_LIMIT)."""
    limit = os.environ.get(MEMORY_ENV, "").strip() or MEMORY
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    lower, now = _bytes(limit), _bytes(before)
    if lower is None or now is None or lower >= now:
        yield
        return
    # DuckDB shows the limit to 0.1 MiB: the build's own setting is set back exactly
    if abs(now - (_bytes(MEMORY_LIMIT) or 0)) < 0.1 * 2**20:
        before = MEMORY_LIMIT
    con.execute(f"SET memory_limit = '{limit}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{before}'")


def _bytes(size: str) -> float | None:
    """A DuckDB memory size ('512MB', '953.6 MiB') in bytes, None if unreadable."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", size)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    return float(match.group(1)) * unit if unit else None
