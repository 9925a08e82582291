"""Support-function files: support staff (HR, ekonomi, IT, administration) and whom they serve."""

from __future__ import annotations

from pipelines.extract.export import (
    Export,
    pseudonymise,
    require_columns,
    typed_table,
    valid_personnummer,
)
from schemas.tables import SUPPORT_ASSIGNMENT


def extract(export: Export, key: bytes) -> None:
    if not require_columns(
        export,
        ("personnummer",),
        ("support_function",),
        ("served_unit_id", "served_manager_personnummer"),
        ("share_pct",),
    ):
        return
    numbers = valid_personnummer(export, "personnummer", required=True)
    computed: dict[str, object] = {
        "support_person_id": pseudonymise(export, numbers, "personnummer", "support_person_id", key)
    }
    if "served_manager_personnummer" in export.raw.columns:
        served = valid_personnummer(export, "served_manager_personnummer", required=False)
        computed["served_manager_id"] = pseudonymise(
            export, served, "served_manager_personnummer", "served_manager_id", key
        )
    export.tables["support_assignment"] = typed_table(export, SUPPORT_ASSIGNMENT, computed)
