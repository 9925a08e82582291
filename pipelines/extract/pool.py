"""A bounded pool of worker processes for extraction: every core busy, memory bounded by the count.

Extraction is pure Python over pandas and Arrow, so threads share one core (the GIL); processes
use them all. A worker costs its own imports (~1 s of CPU, ~150 MiB), so a small inbox is
extracted in the calling process and the pool has at most as many workers as cores, capped.
Workers are spawned (never forked): the refresh runs inside Prefect, whose threads a fork would
copy mid-lock. The pseudonymisation key reaches each worker once, through the pool's
initializer (a pipe), never as a per-file argument that a log or a task record could show.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from pipelines.manifest import InboxFile, ManifestError

WORKERS_ENV = "CHEFSKARTAN_EXTRACT_WORKERS"
MAX_WORKERS = 4  # each worker holds one file's frames (< ~300 MiB at Stockholm's size)
# Below this many bytes of input, starting workers costs more than the cores save (the demo's
# three kommuner are ~2.4 MB and extract in ~2 s; a worker's imports take ~1 s each).
MIN_POOL_BYTES = 8_000_000

_worker_key: bytes | None = None


class InvalidWorkers(ManifestError):
    """CHEFSKARTAN_EXTRACT_WORKERS is not a positive whole number (reported as the manifest is)."""


def extract_workers(files: Sequence[InboxFile]) -> int:
    """How many processes extract these files: 1 means in the calling process, no pool.

    CHEFSKARTAN_EXTRACT_WORKERS sets the count (1 turns the pool off); otherwise one per core
    (at most MAX_WORKERS) when the inbox is large enough to pay for the workers' start.
    """
    setting = os.environ.get(WORKERS_ENV, "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise InvalidWorkers(f"{WORKERS_ENV} ska vara ett heltal ≥ 1, inte {setting!r}")
        return min(int(setting), max(1, len(files)))
    if _input_bytes(files) < MIN_POOL_BYTES:
        return 1
    return max(1, min(len(files), _cores(), MAX_WORKERS))


def _input_bytes(files: Sequence[InboxFile]) -> int:
    total = 0
    for entry in files:
        try:
            total += entry.path.stat().st_size
        except OSError:
            continue  # the extractor reports the file; the pool's size is only an estimate
    return total


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the machine's
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def extraction_pool(workers: int, key: bytes) -> Iterator[Executor | None]:
    """A process pool of `workers` (None when 1: the caller extracts in its own process)."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_set_worker_key,
        initargs=(key,),
    )
    try:
        _start_workers(pool, workers)
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # files not started are dropped
        raise
    pool.shutdown(wait=True)


def _start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker now, with the main script hidden from spawn.

    A spawned worker re-runs the parent's `__main__` when that is a script file; under a test
    harness or a notebook that script is not the refresh (a Streamlit AppTest page crashed the
    workers). Workers need nothing from `__main__`, so they start while it names no file. The pool
    starts one worker per task submitted while none is idle, so `workers` no-ops start them all.
    """
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None) if getattr(main, "__spec__", None) is None else None
    try:
        for ready in [pool.submit(_ready) for _ in range(workers)]:
            ready.result()
    finally:
        if path is not None:
            main.__file__ = path


def _ready() -> None:
    pass


def _set_worker_key(key: bytes) -> None:
    global _worker_key
    _worker_key = key


def worker_key() -> bytes:
    """The key the pool gave this worker process."""
    if _worker_key is None:
        raise RuntimeError("worker_key() outside an extraction worker")
    return _worker_key
