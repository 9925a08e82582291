"""Manager group files: each manager (personnummer or unit id) placed in a group of similar conditions."""

from __future__ import annotations

from pipelines.extract.export import (
    Export,
    person_ids,
    require_columns,
    typed_table,
)
from pipelines.extract.files import ROW_COLUMN
from pipelines.normalise import blank_to_na
from schemas.survey_tables import MANAGER_GROUP


def extract(export: Export, key: bytes) -> None:
    if not require_columns(export, ("personnummer", "unit_id"), ("group_name",)):
        return
    raw = export.raw
    computed: dict[str, object] = {}
    has_person = raw.index.to_series().map(lambda _: False)
    if "personnummer" in raw.columns:
        computed["person_id"] = person_ids(export, "personnummer", "person_id", key)
        has_person = blank_to_na(raw["personnummer"].astype("string")).notna()
    has_unit = (
        blank_to_na(raw["unit_id"].astype("string")).notna()
        if "unit_id" in raw.columns
        else has_person.map(lambda _: False)
    )
    for i in raw.index[~has_person & ~has_unit]:
        export.issue(int(raw.at[i, ROW_COLUMN]), None, None, "personnummer eller enhet krävs")
    export.tables["manager_group"] = typed_table(export, MANAGER_GROUP, computed)
