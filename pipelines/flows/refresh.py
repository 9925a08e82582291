"""The `refresh` flow: discover -> extract and validate (a task per file) -> load -> build -> publish."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from pipelines import refresh as steps
from pipelines.manifest import InboxFile, Manifest, ManifestError, load_manifest
from pipelines.personnummer import MissingKey, load_key
from warehouse.lock import WarehouseLocked, refresh_lock


@dataclass(frozen=True)
class RefreshOutcome:
    ok: bool
    refresh_id: str
    summary: str
    published: list[Path]


@task(cache_policy=NO_CACHE, task_run_name="extract-{entry.path.name}")
def extract_validate(entry: InboxFile, work_dir: Path, index: int) -> steps.StageResult:
    # The key is read inside the task so it never becomes a logged task parameter.
    return steps.extract_and_stage(entry, work_dir, load_key(), index)


@task(cache_policy=NO_CACHE)
def load(
    paths: steps.WarehousePaths,
    manifest: Manifest,
    results: list[steps.StageResult],
    refresh_id: str,
) -> tuple[Path, list[steps.StageResult]]:
    steps.archive_inputs(paths, manifest, results)
    return steps.load(paths, manifest, results, refresh_id)


@task(cache_policy=NO_CACHE)
def build(
    paths: steps.WarehousePaths,
    work_store: Path,
    refresh_id: str,
    results: list[steps.StageResult],
) -> tuple[dict[Path, Path], list[steps.StageResult]]:
    return steps.build(paths, work_store, refresh_id, results)


@task(cache_policy=NO_CACHE)
def publish(paths: steps.WarehousePaths, work_store: Path, built: dict[Path, Path]) -> list[Path]:
    steps.publish(paths, work_store, built)
    return sorted(built.values())


def _report(paths: steps.WarehousePaths, outcome: RefreshOutcome) -> None:
    path = paths.report(outcome.refresh_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(outcome.summary + "\n", encoding="utf-8")
    create_markdown_artifact(
        key="refresh-summary",
        markdown=f"```\n{outcome.summary}\n```",
        description="Chefskartan refresh: rows and rejects per file",
    )


# Bounded fan-out: hundreds of files must not start hundreds of threads at once.
@flow(name="refresh", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=4))
def refresh_flow(inbox: Path, warehouse: Path, wait_seconds: float = 0.0) -> State:
    """Refresh the warehouse from an inbox; a failure at any step publishes nothing."""
    paths = steps.WarehousePaths(Path(warehouse))
    try:
        manifest = load_manifest(Path(inbox))  # discover
        load_key()  # fail early and clearly when no key is configured
        with refresh_lock(paths.root, wait_seconds):
            outcome = _refresh(paths, manifest)
    except (ManifestError, MissingKey, WarehouseLocked) as exc:
        return Failed(message=str(exc))
    if not outcome.ok:
        return Failed(message="Refresh rejected input files; nothing was published", data=outcome)
    return Completed(message="Refresh published", data=outcome)


def _refresh(paths: steps.WarehousePaths, manifest: Manifest) -> RefreshOutcome:
    refresh_id = steps.new_refresh_id()
    work = paths.work(refresh_id)
    futures = [extract_validate.submit(entry, work, i) for i, entry in enumerate(manifest.files)]
    results = [f.result() for f in futures]
    published: list[Path] = []
    try:
        if all(r.report.ok for r in results):
            # Loading also runs the org-tree checks; their findings come back in the reports.
            work_store, results = load(paths, manifest, results, refresh_id)
            if all(r.report.ok for r in results):
                built, results = build(paths, work_store, refresh_id, results)
            if all(r.report.ok for r in results):
                published = publish(paths, work_store, built)
        if not published:
            steps.record_failure(paths, refresh_id, results)
    finally:
        steps.discard(paths, refresh_id)
    outcome = RefreshOutcome(
        bool(published), refresh_id, steps.summary_text(results, published or None), published
    )
    _report(paths, outcome)
    return outcome
