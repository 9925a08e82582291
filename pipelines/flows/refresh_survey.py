"""The `refresh_survey` flow: one export alone (e.g. the in-room survey) -> load -> build -> publish."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.states import Completed, Failed, State

from pipelines import refresh as steps
from pipelines.flows.refresh import _refresh
from pipelines.manifest import ManifestError, load_manifest
from pipelines.personnummer import MissingKey, load_key
from warehouse.lock import WarehouseLocked, refresh_lock


@flow(name="refresh-survey", log_prints=False)
def refresh_survey_flow(
    inbox: Path, warehouse: Path, file: str, wait_seconds: float = 0.0
) -> State:
    """Validate and load only `file` from the inbox; its survey (or source) for its kommun and
    period is replaced in history, everything else stays, and the marts are rebuilt and published."""
    paths = steps.WarehousePaths(Path(warehouse))
    try:
        manifest = steps.only_file(load_manifest(Path(inbox)), file)
        load_key()
        with refresh_lock(paths.root, wait_seconds):
            outcome = _refresh(paths, manifest)
    except (ManifestError, MissingKey, WarehouseLocked) as exc:
        return Failed(message=str(exc))
    if not outcome.ok:
        return Failed(message=f"{file} rejected; nothing was published", data=outcome)
    return Completed(message=f"{file} published", data=outcome)
