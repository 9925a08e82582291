"""HR roster exports: one employment per row, org units either as ids or as level-name columns."""

from __future__ import annotations

import pandas as pd

from pipelines.extract.export import (
    Export,
    pseudonymise,
    require_columns,
    typed_table,
    valid_personnummer,
)
from pipelines.extract.files import ROW_COLUMN
from pipelines.personnummer import age_band, sex
from pipelines.report import WARNING, Issue
from schemas.tables import EMPLOYMENT, ORG_UNIT

LEVEL_FIELDS = ("forvaltning_name", "avdelning_name", "enhet_name")
LEVEL_CODES = ("forvaltning", "avdelning", "enhet")
PATH_SEPARATOR = " / "


def extract(export: Export, key: bytes) -> None:
    if not require_columns(
        export,
        ("personnummer",),
        ("unit_id", "forvaltning_name"),
        ("employment_form",),
        ("fte_pct",),
    ):
        return
    drop_exact_duplicates(export)
    raw = export.raw
    numbers = valid_personnummer(export, "personnummer", required=True)
    period = export.entry.period
    computed: dict[str, object] = {
        "person_id": pseudonymise(export, numbers, "personnummer", "person_id", key),
        # Derived before the number is dropped: SKR's sick-leave statistics need them.
        "sex": numbers.map(sex, na_action="ignore").astype("string"),
        "age_band": numbers.map(lambda n: age_band(n, period), na_action="ignore").astype("string"),
    }
    if "unit_id" not in raw.columns:
        computed["unit_id"] = unit_paths(raw)
        export.tables["org_unit"] = units_from_levels(export, computed["unit_id"])
    export.tables["employment"] = typed_table(export, EMPLOYMENT, computed)
    warn_future_starts(export, export.tables["employment"])


def drop_exact_duplicates(export: Export) -> None:
    """An exact copy of an earlier row is counted once, with a warning naming both rows."""
    columns = [c for c in export.raw.columns if c != ROW_COLUMN]
    copies = export.raw.duplicated(subset=columns, keep="first")
    if not copies.any():
        return
    first = export.raw.groupby(columns, dropna=False)[ROW_COLUMN].transform("min")
    for i in export.raw.index[copies]:
        export.report.issues.append(
            Issue(
                export.entry.name,
                int(export.raw.at[i, ROW_COLUMN]),
                None,
                None,
                f"exakt dubblett av rad {int(first[i])}; räknas en gång",
                WARNING,
            )
        )
    export.raw = export.raw[~copies].reset_index(drop=True)


def warn_future_starts(export: Export, employment: pd.DataFrame) -> None:
    """An employment starting after the snapshot date is loaded (a hire) but never silently."""
    if "start_date" not in employment.columns:
        return
    later = employment["start_date"] > pd.Timestamp(export.entry.period)
    for row in employment.loc[later.fillna(False).astype(bool), "source_row"]:
        export.report.issues.append(
            Issue(
                export.entry.name,
                int(row),
                export.header_of.get("start_date", "start_date"),
                None,
                "anställningsdatum efter periodens datum (laddas, kontrollera)",
                WARNING,
            )
        )


def unit_paths(raw: pd.DataFrame) -> pd.Series:
    """The deepest filled level gives the unit; its id is the path of names from the förvaltning."""
    levels = raw.reindex(columns=list(LEVEL_FIELDS), fill_value="").fillna("")
    return levels.apply(lambda r: PATH_SEPARATOR.join(v for v in r if v), axis=1).astype("string")


def units_from_levels(export: Export, unit_ids: pd.Series) -> pd.DataFrame:
    """One org unit per distinct path prefix; verksamhet is the most common one on its rows."""
    raw = export.raw
    rows = []
    for unit_id in sorted(set(unit_ids.dropna()) - {""}):
        parts = unit_id.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            rows.append(PATH_SEPARATOR.join(parts[:depth]))
    paths = sorted(set(rows))
    verksamhet = (
        raw.assign(unit_id=unit_ids)
        .groupby("unit_id")["verksamhet"]
        .agg(lambda s: s[s != ""].mode().iloc[0] if (s != "").any() else "")
        if "verksamhet" in raw.columns
        else pd.Series(dtype="string")
    )
    first_row = raw.assign(unit_id=unit_ids).groupby("unit_id")[ROW_COLUMN].min()
    units = pd.DataFrame(
        {
            "unit_id": paths,
            "parent_unit_id": [PATH_SEPARATOR.join(p.split(PATH_SEPARATOR)[:-1]) for p in paths],
            "unit_name": [p.split(PATH_SEPARATOR)[-1] for p in paths],
            "unit_level": [LEVEL_CODES[len(p.split(PATH_SEPARATOR)) - 1] for p in paths],
            "verksamhet": [verksamhet.get(p, "") for p in paths],
            ROW_COLUMN: [int(first_row.get(p, first_row.min())) for p in paths],
        }
    )
    level_export = Export(
        export.entry, export.sha256, units.astype({"verksamhet": "string"}), {}, export.report
    )
    return typed_table(level_export, ORG_UNIT, {})
