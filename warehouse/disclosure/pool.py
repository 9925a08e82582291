"""Disclosure control on every core: independent linked tables protected on the worker pool.

No cell spans two kommuner (docs/disclosure.md), so each kommun's survey tables and each kommun
and period's sick-leave table are protected by a pure function of its own inputs. The main
process reads one job's inputs from DuckDB and submits them; workers return frames; the main
process writes them (DuckDB connections never cross processes). A few jobs are in flight at a
time, so memory holds a few kommuner's inputs, not the country's. A disclosure worker imports
little (HiGHS, numpy: ~0.2 s of CPU), and a build's steps run their jobs as one stream on one
pool (`protect`), so even the demo's tables pay for two workers; tiny ones (tests) run in the
calling process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, Any, Protocol

from warehouse import workers
from warehouse.disclosure.jobs import step_job
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
    jobs = iter(jobs)
    first = next(jobs, None)  # a step whose tables were all cached starts no worker
    if first is None:
        return
    jobs = chain([first], jobs)
    try:
        with workers.process_pool(count) as pool:
            yield from workers.bounded(pool, work, jobs, count + SPARE)
    except BrokenProcessPool as exc:  # killed from outside (out of memory): no input's fault
        raise WorkerLost(
            "Inget publicerades: en process som skyddade tabellerna avslutades oväntat (slut på "
            f"minne?). Sätt {WORKERS_ENV}=1 för att skydda en kommun i taget."
        ) from exc


class Step(Protocol):
    """A disclosure step in the pieces `protect` runs with other steps on one pool."""

    def demand(self) -> tuple[int, int, int]:
        """(tables, rows of input, rows from which workers pay): what `workers_for` weighs."""

    def jobs(self, parallel: bool) -> Iterator[tuple]:
        """Reads its inputs (DuckDB, this process) and yields each job's arguments of `work`,
        lazily: a job is read when a worker is about to be free (largest first when `parallel`)."""

    def work(self, *job: Any) -> Any:
        """One job's protection: a pure function a worker runs (a module's, so it pickles)."""

    def take(self, job: tuple, result: Any) -> None:
        """A finished job's result, in this process (written to DuckDB), in any order."""

    def finish(self) -> None:
        """Everything after the last job: caches, the step's TEMP tables."""


def protect(con: duckdb.DuckDBPyConnection, steps: list[Step]) -> None:
    """Every step's jobs as one stream on one pool: the next step reads its inputs while the
    workers still protect the last step's tables, and no worker idles between steps (the demo's
    three survey tables and nine sick-leave tables; national, 290 kommuner: disclosure 229 ->
    216 s wall, its tree's peak 972 MiB, below the marts' 1,004). Within one process (one
    worker: tests, small builds) the steps run one after the other."""
    with bounded_memory(con):
        demands = [step.demand() for step in steps]
        count = max((workers_for(*demand) for demand in demands), default=1)
        jobs = ((n, s.work, *job) for n, s in enumerate(steps) for job in s.jobs(count > 1))
        for (n, _, *job), result in run(count, step_job, jobs):
            steps[n].take(tuple(job), result)
        for step in steps:
            step.finish()


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


@contextmanager
def all_cores(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Inside the block, `con` runs on every core; its thread count is set again after.

    The build reads disclosure's inputs on one thread (build.py: rows in stored order), but the
    statements a step runs before its first job and after its last (digests, keyed tables, the
    released figures the marts read) feed no order into protection, and the workers wait on
    them (national: ~30 s of the main process's 70 CPU s in disclosure, one core idle).
    """
    before = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute(f"SET threads = {workers.cores()}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(before)}")


def _bytes(size: str) -> float | None:
    """A DuckDB memory size ('512MB', '953.6 MiB') in bytes, None if unreadable."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", size)
    unit = _UNITS.get(match.group(2).lower()) if match else None
    return float(match.group(1)) * unit if unit else None
