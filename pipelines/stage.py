"""Files extracted, validated and staged as parquet: in this process, on the pool or both.

Kept apart from pipelines/refresh.py so that a spawned extraction worker imports only what
extraction needs (~0.5 s less before it reads its first file), not the load, build and publish.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.extract import extract_file
from pipelines.extract.parquet import write_parquet
from pipelines.extract.pool import WORKERS_ENV, Extractors, extraction_pool, worker_key
from pipelines.failures import RefreshFailed
from pipelines.faults import fault_point
from pipelines.manifest import InboxFile
from pipelines.private_files import private_dir
from pipelines.report import FileReport
from warehouse.store import StagedTable


@dataclass
class StageResult:
    report: FileReport
    sha256: str = ""
    staged: list[StagedTable] = field(default_factory=list)


def extract_and_stage(entry: InboxFile, work_dir: Path, key: bytes, index: int) -> StageResult:
    """Extract and validate one file; its valid tables go to parquet files in work_dir."""
    result = extract_file(entry, key)
    if isinstance(result, FileReport):
        return StageResult(result)
    private_dir(work_dir, depth=2)
    staged = []
    for table, frame in result.tables.items():
        path = work_dir / f"{index:03d}_{table}.parquet"
        write_parquet(frame, path)
        staged.append(
            StagedTable(table, entry.kommun_code, entry.period.isoformat(), path, result.partition)
        )
    fault_point("extract")
    return StageResult(result.report, result.sha256, staged)


def stage_in_worker(entry: InboxFile, work_dir: Path, index: int) -> StageResult:
    """`extract_and_stage` on an extraction worker, with the key its pool gave it."""
    return extract_and_stage(entry, work_dir, worker_key(), index)


def extract_all(
    files: list[InboxFile],
    work_dir: Path,
    key: bytes,
    on_done: Callable[[StageResult], None] | None = None,
) -> list[StageResult]:
    """Every file extracted and staged, in the manifest's order; on all cores when it pays."""
    with extraction_pool(files, key) as extractors:
        return stage_batch(list(enumerate(files)), work_dir, key, extractors, on_done)


def stage_batch(
    jobs: list[tuple[int, InboxFile]],
    work_dir: Path,
    key: bytes,
    extractors: Extractors,
    on_done: Callable[[StageResult], None] | None = None,
) -> list[StageResult]:
    """`extract_and_stage` of each (manifest position, file), in this process, on the pool or
    both (pipelines/extract/pool.py).

    Results come back in the jobs' order; `on_done` sees each as it finishes (progress lines).
    """
    if extractors.pool is None:
        results = []
        for index, entry in jobs:
            results.append(extract_and_stage(entry, work_dir, key, index))
            if on_done:
                on_done(results[-1])
        return results
    try:
        if extractors.beside:
            return _stage_beside(jobs, work_dir, key, extractors.pool, on_done)
        futures = [
            extractors.pool.submit(stage_in_worker, entry, work_dir, index) for index, entry in jobs
        ]
        for future in as_completed(futures) if on_done else ():
            on_done(future.result())
        return [future.result() for future in futures]
    except BrokenProcessPool as exc:  # killed from outside (out of memory): no file's fault
        raise RefreshFailed(
            "Inget publicerades: en process som läste filerna avslutades oväntat (slut på "
            f"minne?). Sätt {WORKERS_ENV}=1 för att läsa en fil i taget."
        ) from exc


def _stage_beside(
    jobs: list[tuple[int, InboxFile]],
    work_dir: Path,
    key: bytes,
    pool: Executor,
    on_done: Callable[[StageResult], None] | None,
) -> list[StageResult]:
    """This process takes files from the front of `jobs`; a thread hands the pool's worker one
    file at a time from the back, so neither waits for the other until the last file."""
    todo, lock = deque(enumerate(jobs)), threading.Lock()
    results: list[StageResult | None] = [None] * len(jobs)
    done: queue.SimpleQueue[StageResult] = queue.SimpleQueue()  # the worker's, for on_done
    failed: list[BaseException] = []

    def take(front: bool) -> tuple[int, tuple[int, InboxFile]] | None:
        with lock:
            return (todo.popleft() if front else todo.pop()) if todo else None

    def feed_worker() -> None:
        try:
            while (job := take(front=False)) is not None:
                n, (index, entry) = job
                results[n] = pool.submit(stage_in_worker, entry, work_dir, index).result()
                done.put(results[n])
        except BaseException as exc:  # raised in the calling thread below
            failed.append(exc)

    feeder = threading.Thread(target=feed_worker, name="extract-beside", daemon=True)
    feeder.start()
    try:
        while (job := take(front=True)) is not None:
            n, (index, entry) = job
            results[n] = extract_and_stage(entry, work_dir, key, index)
            for result in [results[n]] + _drained(done) if on_done else ():
                on_done(result)
    finally:
        with lock:
            todo.clear()  # on an error here, the worker's thread starts no other file
        feeder.join()
    if failed:
        raise failed[0]
    for result in _drained(done) if on_done else ():
        on_done(result)
    return results  # type: ignore[return-value]  # every position filled once both are done


def _drained(done: queue.SimpleQueue) -> list:
    items = []
    while not done.empty():
        items.append(done.get())
    return items
