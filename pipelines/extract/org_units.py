"""Org unit exports: one unit per row with its parent, level, verksamhet and registered manager."""

from __future__ import annotations

from pipelines.extract.export import (
    Export,
    person_ids,
    require_columns,
    typed_table,
)
from schemas.tables import ORG_UNIT


def extract(export: Export, key: bytes) -> None:
    if not require_columns(export, ("unit_id",), ("unit_name",)):
        return
    computed: dict[str, object] = {}
    if "manager_personnummer" in export.raw.columns:
        computed["manager_person_id"] = person_ids(
            export, "manager_personnummer", "manager_person_id", key
        )
    export.tables["org_unit"] = typed_table(export, ORG_UNIT, computed)
