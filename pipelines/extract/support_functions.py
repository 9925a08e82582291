"""Support-function files: support staff (HR, ekonomi, IT, administration) and whom they serve."""

from __future__ import annotations

from pipelines.extract.export import (
    Export,
    person_ids,
    require_columns,
    typed_table,
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
    computed: dict[str, object] = {
        "support_person_id": person_ids(
            export, "personnummer", "support_person_id", key, required=True
        )
    }
    if "served_manager_personnummer" in export.raw.columns:
        computed["served_manager_id"] = person_ids(
            export, "served_manager_personnummer", "served_manager_id", key
        )
    export.tables["support_assignment"] = typed_table(export, SUPPORT_ASSIGNMENT, computed)
