"""The `refresh` flow: discover -> extract and validate (a task per kommun) -> load -> build -> publish."""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import FailedRun
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from pipelines import refresh as steps
from pipelines import run_report, unchanged
from pipelines.extract.pool import Extractors, check_settings, extraction_pool
from pipelines.manifest import InboxFile, Manifest, ManifestError, load_manifest
from pipelines.personnummer import MissingKey, load_key
from pipelines.unchanged import Plan
from warehouse.lock import WarehouseLocked, refresh_lock


@dataclass(frozen=True)
class RefreshOutcome:
    ok: bool
    refresh_id: str
    summary: str
    published: list[Path]
    headline: str = ""
    rows: list[dict[str, object]] = field(default_factory=list)


@task(cache_policy=NO_CACHE, task_run_name="extract-{kommuner}")
def extract_validate(
    kommuner: str,
    batch: list[tuple[int, InboxFile]],
    work_dir: Path,
    extractors: Extractors | None = None,
    on_done: Callable[[steps.StageResult], None] | None = None,
) -> list[steps.StageResult]:
    """A batch of whole kommuner's files (`kommuner` names them: one code, or the first and
    last). A task per batch, not per file or kommun: each task run has a fixed cost in the flow
    and its API server (run records, state events; ~30 CPU ms), which at national scale was paid
    290 times. With a pool, the task's thread only waits: the files are read by the flow's worker
    processes (every core), bounded by the pool; with one worker beside it (a mid-sized inbox)
    the thread reads files too. `on_done` sees each file as it is done (progress)."""
    key = load_key()  # read inside the task so it never becomes a logged task parameter
    return steps.stage_batch(batch, work_dir, key, extractors or Extractors(), on_done)


# At most this many extract tasks per refresh: up to it, one per kommun (the Prefect UI names
# each kommun's task); beyond, whole kommuner are grouped in manifest order (national: 290 -> 24).
MAX_EXTRACT_TASKS = 24


def kommun_batches(files: list[InboxFile]) -> dict[str, list[tuple[int, InboxFile]]]:
    """The manifest's files by kommun, each with its position in the manifest (staged names)."""
    return batches_of(list(enumerate(files)))


def batches_of(jobs: list[tuple[int, InboxFile]]) -> dict[str, list[tuple[int, InboxFile]]]:
    """(manifest position, file) pairs by kommun; more kommuner than MAX_EXTRACT_TASKS are
    grouped in their order into that many batches (as many kommuner each, ±1), each named by
    its first and last code. A batch's task only feeds the shared pool, so sizes need not match."""
    by_kommun: dict[str, list[tuple[int, InboxFile]]] = {}
    for index, entry in jobs:
        by_kommun.setdefault(entry.kommun_code, []).append((index, entry))
    codes = list(by_kommun)
    if len(codes) <= MAX_EXTRACT_TASKS:
        return by_kommun
    bounds = [n * len(codes) // MAX_EXTRACT_TASKS for n in range(MAX_EXTRACT_TASKS + 1)]
    groups = [codes[start:end] for start, end in itertools.pairwise(bounds)]
    return {
        "-".join(dict.fromkeys([group[0], group[-1]])): [
            job for code in group for job in by_kommun[code]
        ]
        for group in groups
    }


@task(cache_policy=NO_CACHE)
def load(
    paths: steps.WarehousePaths,
    manifest: Manifest,
    results: list[steps.StageResult],
    refresh_id: str,
    plan: Plan | None = None,
) -> tuple[Path, list[steps.StageResult]]:
    steps.archive_inputs(paths, manifest, results)
    with steps.memory_as_failure():
        return steps.load(paths, manifest, results, refresh_id, plan)


@task(cache_policy=NO_CACHE)
def build(
    paths: steps.WarehousePaths,
    work_store: Path,
    refresh_id: str,
    results: list[steps.StageResult],
) -> tuple[dict[Path, Path], list[steps.StageResult]]:
    with steps.memory_as_failure():
        return steps.build(paths, work_store, refresh_id, results)


@task(cache_policy=NO_CACHE)
def publish(paths: steps.WarehousePaths, work_store: Path, built: dict[Path, Path]) -> list[Path]:
    steps.publish(paths, work_store, built)
    return sorted(built.values())


def _report(paths: steps.WarehousePaths, outcome: RefreshOutcome) -> None:
    steps.write_report(paths, outcome.refresh_id, outcome.summary)
    create_table_artifact(
        key="refresh-summary",
        table=outcome.rows,
        description=f"**{outcome.headline}**",
    )
    create_markdown_artifact(
        key="refresh-report",
        markdown=f"**{outcome.headline}**\n\n```\n{outcome.summary}\n```",
        description="Varje fil: rader, fel (rad, kolumn, regel) och varningar",
    )


HOME_ENV = "CHEFSKARTAN_HOME"


class ExpectedFailureWithoutTraceback(logging.Filter):
    """A run that returns Failed (no manifest, a rejected file) has an outcome, not a crash.

    Prefect's engine still raises that state as FailedRun after the run and logs it with a
    traceback ("Engine execution exited with unexpected exception"); keep the Swedish message,
    drop the traceback. Likewise a task that stops the refresh with RefreshFailed (DuckDB out
    of memory). Real errors raise their own exception, never these, and keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, FailedRun | steps.RefreshFailed):
            record.msg, record.args = "Körningen misslyckades: %s", (str(exc),)
            record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("prefect.flow_runs").addFilter(ExpectedFailureWithoutTraceback())
logging.getLogger("prefect.task_runs").addFilter(ExpectedFailureWithoutTraceback())


def home_paths(inbox: Path | None, warehouse: Path | None) -> tuple[Path, Path]:
    """The run's inbox and warehouse: as given, else under $CHEFSKARTAN_HOME (deployments)."""
    if inbox is not None and warehouse is not None:
        return Path(inbox), Path(warehouse)
    home = os.environ.get(HOME_ENV)
    if not home:
        raise ManifestError(
            f"Ange inkorg och lager, eller sätt {HOME_ENV} (mappen med inbox/ och warehouse/) "
            "i arbetarens miljö (deploy/chefskartan.env)."
        )
    return Path(inbox or Path(home) / "inbox"), Path(warehouse or Path(home) / "warehouse")


# Bounded fan-out: hundreds of files must not start hundreds of threads at once. The threads
# only orchestrate: a large inbox is read on a pool of processes (pipelines/extract/pool.py),
# since threads would share one core. Prefect's ProcessPoolTaskRunner is not used: without a
# configured API (the CLI's ephemeral mode) each of its worker processes starts a temporary
# Prefect server of its own (measured: ~20 s and a server's memory per worker).
EXTRACT_WORKERS = 4


@flow(
    name="refresh", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=EXTRACT_WORKERS)
)
def refresh_flow(
    inbox: Path | None = None,
    warehouse: Path | None = None,
    wait_seconds: float = 0.0,
    full: bool = False,
) -> State:
    """Refresh the warehouse from an inbox; a failure at any step publishes nothing.

    Files unchanged since their last load are not read again and only the kommuner whose files
    changed are rebuilt (pipelines/unchanged.py); `full` reads and builds everything.
    Without inbox and warehouse the run uses $CHEFSKARTAN_HOME/inbox and /warehouse.
    """
    try:
        inbox, warehouse = home_paths(inbox, warehouse)
        paths = steps.WarehousePaths(warehouse)
        manifest = load_manifest(inbox)  # discover
        load_key()  # fail early and clearly when no key is configured
        check_settings()  # and when a workers setting is no count
        with refresh_lock(paths.root, wait_seconds):
            outcome = _refresh(paths, manifest, full)
    except (ManifestError, MissingKey, WarehouseLocked, steps.RefreshFailed) as exc:
        return Failed(message=str(exc))
    if not outcome.ok:
        return Failed(message=outcome.headline, data=outcome)
    return Completed(message=outcome.headline, data=outcome)


def _refresh(paths: steps.WarehousePaths, manifest: Manifest, full: bool = False) -> RefreshOutcome:
    refresh_id = steps.new_refresh_id()
    steps.clean_leftovers(paths)
    key = load_key()
    plan = unchanged.decide(paths.store, paths.root, manifest, key, full)
    results = _extract(paths.work(refresh_id), manifest, plan, key)
    if plan.nothing_changed(manifest.files):
        outcome = RefreshOutcome(
            True,
            refresh_id,
            run_report.nothing_changed_text(results, plan),
            [],
            run_report.nothing_changed_headline(plan),
            run_report.summary_rows(results),
        )
        _report(paths, outcome)
        return outcome
    published: list[Path] = []
    try:
        if all(r.report.ok for r in results):
            # Loading also runs the org-tree checks; their findings come back in the reports.
            work_store, results = load(paths, manifest, results, refresh_id, plan)
            if all(r.report.ok for r in results):
                built, results = build(paths, work_store, refresh_id, results)
            if all(r.report.ok for r in results):
                published = publish(paths, work_store, built)
        if not published:
            steps.record_failure(paths, refresh_id, results)
    finally:
        steps.discard(paths, refresh_id)
    outcome = RefreshOutcome(
        bool(published),
        refresh_id,
        run_report.summary_text(results, published or None, plan),
        published,
        run_report.headline(results, bool(published)),
        run_report.summary_rows(results),
    )
    _report(paths, outcome)
    return outcome


class Progress:
    """A progress line on stderr per file read, from whichever task thread read it."""

    def __init__(self, total: int) -> None:
        self.done, self.total, self.lock = 0, total, threading.Lock()

    def __call__(self, result: steps.StageResult) -> None:
        with self.lock:
            self.done += 1
            print(run_report.progress_line(self.done, self.total, result.report), file=sys.stderr)


def _extract(work: Path, manifest: Manifest, plan: Plan, key: bytes) -> list[steps.StageResult]:
    """The files the plan reads, a task per batch of kommuner, progress on stderr per file."""
    reading = [entry for _, entry in plan.to_read(manifest.files)]
    progress = Progress(len(reading))
    with extraction_pool(reading, key) as extractors:

        def extract(jobs: list[tuple[int, InboxFile]]) -> list[steps.StageResult]:
            batches = batches_of(jobs)
            futures = [
                extract_validate.submit(name, batch, work, extractors, progress)
                for name, batch in batches.items()
            ]
            by_index: dict[int, steps.StageResult] = {}
            for batch, future in zip(batches.values(), futures, strict=True):
                by_index.update(zip((i for i, _ in batch), future.result(), strict=True))
            return [by_index[i] for i, _ in jobs]

        return steps.read_changed(manifest, plan, extract)
