"""A bounded pool of spawned worker processes: every core busy, memory bounded by the count.

Extraction and disclosure control are pure Python over pandas, Arrow and HiGHS, so threads share
one core (the GIL); processes use them all. A worker costs its own imports (~1 s of CPU, ~150
MiB), so a small job runs in the calling process and a pool has at most as many workers as
cores, capped. Workers are spawned (never forked): the refresh runs inside Prefect, whose threads
a fork would copy mid-lock. Whatever a worker needs once (the extraction's pseudonymisation key)
goes through the pool's initializer (a pipe), never as a per-task argument.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any


class InvalidWorkers(ValueError):
    """A workers setting (environment variable) is not a positive whole number."""


def configured(env: str) -> int | None:
    """The worker count the environment variable `env` sets (1: no pool), None if unset."""
    setting = os.environ.get(env, "").strip()
    if not setting:
        return None
    if not setting.isdigit() or int(setting) < 1:
        raise InvalidWorkers(f"{env} ska vara ett heltal ≥ 1, inte {setting!r}")
    return int(setting)


def worker_count(env: str, tasks: int, pays: bool, cap: int) -> int:
    """How many processes run `tasks` tasks: 1 means the calling process, no pool.

    The setting `env` fixes the count (1 turns the pool off); otherwise one per core (at most
    `cap`) when the job `pays` for the workers' start. Never more workers than tasks.
    """
    setting = configured(env)
    if setting is not None:
        return min(setting, max(1, tasks))
    if not pays:
        return 1
    return max(1, min(tasks, cores(), cap))


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the machine's
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def process_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()
) -> Iterator[Executor | None]:
    """A process pool of `workers` (None when 1: the caller works in its own process)."""
    if workers <= 1:
        yield None
        return
    pool = start_pool(workers, initializer, initargs)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # tasks not started are dropped
        raise
    let_go(pool)


def let_go(pool: Executor) -> None:
    """Shut down a pool whose tasks are all done without waiting for its workers to exit: their
    interpreters' teardown (~0.2-0.4 s each) runs on the other cores while the caller goes on.
    After an error, callers shut down with wait=True instead: no worker may still be writing."""
    pool.shutdown(wait=False)


def start_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()
) -> ProcessPoolExecutor:
    """A started pool of `workers` spawned processes; the caller shuts it down."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    )
    try:
        _start_workers(pool, workers)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return pool


def bounded(
    pool: Executor, work: Callable[..., Any], jobs: Iterable[tuple], in_flight: int
) -> Iterator[tuple[tuple, Any]]:
    """(job, work(*job)) for each job, as the workers finish them, with at most `in_flight`
    jobs submitted and unfinished at any time: the caller builds each job's inputs only when
    a slot is free, so memory holds a few jobs' inputs, not all of them."""
    jobs = iter(jobs)
    running: dict[Future, tuple] = {}
    try:
        while True:
            for job in jobs:
                running[pool.submit(work, *job)] = job
                if len(running) >= in_flight:
                    break
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield running.pop(future), future.result()  # a worker's error raised here
    finally:
        for future in running:
            future.cancel()


def _start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now, with the main script hidden from spawn, without waiting for them.

    A spawned worker re-runs the parent's `__main__` when that is a script file; under a test
    harness or a notebook that script is not the refresh (a Streamlit AppTest page crashed the
    workers). Workers need nothing from `__main__`, so they start while it names no file. The pool
    starts one worker per task submitted while none is idle, so `workers` no-ops start them all;
    `submit` spawns the process and hands it `__main__`'s path before it returns, so the caller
    need not wait for the workers' imports (~0.5 s on the demo, while it can extract or read).
    """
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None) if getattr(main, "__spec__", None) is None else None
    try:
        for _ in range(workers):
            pool.submit(_ready)
    finally:
        if path is not None:
            main.__file__ = path


def _ready() -> None:
    pass
