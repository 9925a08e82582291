"""Extraction on the shared worker pool (warehouse/workers.py): when it pays, and the key.

A small inbox is extracted in the calling process; a large one on one spawned worker per core,
capped. The pseudonymisation key reaches each worker once, through the pool's initializer (a
pipe), never as a per-file argument that a log or a task record could show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager

from pipelines.manifest import InboxFile, ManifestError
from warehouse import workers

WORKERS_ENV = "CHEFSKARTAN_EXTRACT_WORKERS"
MAX_WORKERS = 4  # each worker holds one file's frames (< ~300 MiB at Stockholm's size)
# Below this many bytes of input, starting workers costs more than the cores save (the demo's
# three kommuner are ~2.4 MB and extract in ~2 s; a worker's imports take ~1 s each).
MIN_POOL_BYTES = 8_000_000

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


def _input_bytes(files: Sequence[InboxFile]) -> int:
    total = 0
    for entry in files:
        try:
            total += entry.path.stat().st_size
        except OSError:
            continue  # the extractor reports the file; the pool's size is only an estimate
    return total


@contextmanager
def extraction_pool(count: int, key: bytes) -> Iterator[Executor | None]:
    """A process pool of `count` workers holding `key` (None when 1: extract in this process)."""
    with workers.process_pool(count, _set_worker_key, (key,)) as pool:
        yield pool


def _set_worker_key(key: bytes) -> None:
    global _worker_key
    _worker_key = key


def worker_key() -> bytes:
    """The key the pool gave this worker process."""
    if _worker_key is None:
        raise RuntimeError("worker_key() outside an extraction worker")
    return _worker_key
