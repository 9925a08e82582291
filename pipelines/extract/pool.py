"""Extraction on the shared worker pool (warehouse/workers.py): when it pays, and the key.

A small inbox is extracted in the calling process, a mid-sized one (the demo) there and on one
worker beside it; a large one on one spawned worker per core, capped. The pseudonymisation key
reaches each worker once, through the pool's initializer (a pipe), never as a per-file argument
that a log or a task record could show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass

from pipelines.manifest import InboxFile, ManifestError
from warehouse import workers

WORKERS_ENV = "CHEFSKARTAN_EXTRACT_WORKERS"
MAX_WORKERS = 4  # each worker holds one file's frames (< ~300 MiB at Stockholm's size)
# Below this many bytes of input, starting workers costs more than the cores save (the demo's
# three kommuner are ~2.4 MB and extract in ~2 s; a worker's imports take ~1 s each).
MIN_POOL_BYTES = 8_000_000
# From this many bytes, one worker extracts beside the calling process: its imports take a core
# that would idle, then it takes files from the end of the list (the demo: 2.9 -> ~2 s wall).
MIN_HELPER_BYTES = 1_000_000

_worker_key: bytes | None = None


class InvalidWorkers(ManifestError):
    """A workers setting is not a positive whole number (reported as the manifest is)."""


def check_settings() -> None:
    """Every workers setting (extraction's, disclosure control's) is valid; InvalidWorkers if not."""
    from warehouse.disclosure.pool import WORKERS_ENV as DISCLOSURE_ENV

    for env in (WORKERS_ENV, DISCLOSURE_ENV):
        try:
            workers.configured(env)
        except workers.InvalidWorkers as exc:
            raise InvalidWorkers(str(exc)) from None


def extract_workers(files: Sequence[InboxFile]) -> int:
    """How many processes extract these files: 1 means in the calling process, no pool.

    CHEFSKARTAN_EXTRACT_WORKERS sets the count (1 turns the pool off); otherwise one per core
    (at most MAX_WORKERS) when the inbox is large enough to pay for the workers' start.
    """
    try:
        return workers.worker_count(
            WORKERS_ENV, len(files), _input_bytes(files) >= MIN_POOL_BYTES, MAX_WORKERS
        )
    except workers.InvalidWorkers as exc:
        raise InvalidWorkers(str(exc)) from None


def helps(files: Sequence[InboxFile]) -> bool:
    """Whether one worker extracts beside the calling process: a mid-sized inbox, a second
    core, and no CHEFSKARTAN_EXTRACT_WORKERS setting (which fixes the pool as it says)."""
    try:
        setting = workers.configured(WORKERS_ENV)
    except workers.InvalidWorkers as exc:
        raise InvalidWorkers(str(exc)) from None
    return (
        setting is None
        and len(files) > 1
        and workers.cores() > 1
        and MIN_HELPER_BYTES <= _input_bytes(files) < MIN_POOL_BYTES
    )


def _input_bytes(files: Sequence[InboxFile]) -> int:
    total = 0
    for entry in files:
        try:
            total += entry.path.stat().st_size
        except OSError:
            continue  # the extractor reports the file; the pool's size is only an estimate
    return total


@dataclass(frozen=True)
class Extractors:
    """Who extracts: `pool`'s workers (None: the calling process alone) and, when `beside`,
    the calling process too (the pool's one worker takes files from the end of the list)."""

    pool: Executor | None = None
    beside: bool = False


@contextmanager
def extraction_pool(files: Sequence[InboxFile], key: bytes) -> Iterator[Extractors]:
    """The extractors for `files`: a pool of `extract_workers` workers holding `key`, or the
    calling process with one such worker beside it (`helps`), or the calling process alone."""
    if helps(files):
        pool = workers.start_pool(1, _set_worker_key, (key,))
        try:
            yield Extractors(pool, beside=True)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        workers.let_go(pool)
        return
    with workers.process_pool(extract_workers(files), _set_worker_key, (key,)) as pool:
        yield Extractors(pool)


def _set_worker_key(key: bytes) -> None:
    global _worker_key
    _worker_key = key


def worker_key() -> bytes:
    """The key the pool gave this worker process."""
    if _worker_key is None:
        raise RuntimeError("worker_key() outside an extraction worker")
    return _worker_key
