"""The `refresh_survey` flow: one export alone (e.g. the in-room survey) -> load -> build -> publish."""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.states import Completed, Failed, State

from pipelines import refresh as steps
from pipelines.extract.pool import check_settings
from pipelines.flows.refresh import _refresh, home_paths
from pipelines.manifest import ManifestError, load_manifest
from pipelines.personnummer import MissingKey, load_key
from warehouse.lock import WarehouseLocked, refresh_lock


@flow(name="refresh-survey", log_prints=False)
def refresh_survey_flow(
    file: str,
    inbox: Path | None = None,
    warehouse: Path | None = None,
    wait_seconds: float = 0.0,
) -> State:
    """Validate and load only `file` (its name or its pattern in the manifest) from the inbox;
    its survey (or source) for its kommun and period is replaced in history, everything else
    stays, and the marts are rebuilt and published. Paths default as in the refresh flow."""
    try:
        inbox, warehouse = home_paths(inbox, warehouse)
        paths = steps.WarehousePaths(warehouse)
        manifest = steps.only_file(load_manifest(inbox), file)
        load_key()
        check_settings()
        with refresh_lock(paths.root, wait_seconds):
            outcome = _refresh(paths, manifest)
    except (ManifestError, MissingKey, WarehouseLocked) as exc:
        return Failed(message=str(exc))
    if not outcome.ok:
        return Failed(message=outcome.headline, data=outcome)
    return Completed(message=outcome.headline, data=outcome)
