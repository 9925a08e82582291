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
from pipelines.normalise import blank_to_na, parse_decimal
from pipelines.personnummer import age_band_column, sex_column
from pipelines.report import WARNING, Issue
from schemas.tables import EMPLOYMENT, ORG_UNIT
from schemas.validation import has_repeated_rows

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
    fte_as_percent(export)
    warn_absent_columns(export)
    raw = export.raw
    numbers = valid_personnummer(export, "personnummer", required=True)
    period = export.entry.period
    computed: dict[str, object] = {
        "person_id": pseudonymise(export, numbers, "personnummer", "person_id", key),
        # Derived before the number is dropped: SKR's sick-leave statistics need them.
        "sex": sex_column(numbers),
        "age_band": age_band_column(numbers, period),
    }
    if "unit_id" not in raw.columns:
        computed["unit_id"] = unit_paths(raw)
        export.tables["org_unit"] = units_from_levels(export, computed["unit_id"])
    export.tables["employment"] = typed_table(export, EMPLOYMENT, computed)
    warn_future_starts(export, export.tables["employment"])


def drop_exact_duplicates(export: Export) -> None:
    """An exact copy of an earlier row is counted once, with a warning naming both rows."""
    columns = [c for c in export.raw.columns if c != ROW_COLUMN]
    if not has_repeated_rows(export.raw, columns):  # most files: no pandas duplicated
        return
    copies = export.raw.duplicated(subset=columns, keep="first")
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


# Optional columns some figures need: without them the figure is empty, and the report says so.
FIGURE_COLUMNS = {
    "start_date": "anställningsdatum saknas: chefernas tid i rollen kan inte beräknas",
    "aid_code": "AID-kod saknas: administrativt stöd ur personallistan kan inte räknas",
    "responsibility_code": "ansvarskod saknas: chefer finns bara där enhetsfilen anger dem",
}


def warn_absent_columns(export: Export) -> None:
    for name, consequence in FIGURE_COLUMNS.items():
        if name not in export.raw.columns:
            export.warn(
                f"ingen kolumn känns igen som {consequence} "
                "(mappa en rubrik under 'columns' i manifestet)"
            )


def fte_as_percent(export: Export) -> None:
    """Some systems write sysselsättningsgrad as a share (0,75): when no value in the column is
    above 1, the column is read as shares and turned into percent, and the report says so."""
    text = blank_to_na(export.raw["fte_pct"].astype("string"))
    values = parse_decimal(text)
    if values.dropna().empty or not 0 < values.max() <= 1:
        return
    percent = (values * 100).round(4)
    export.raw["fte_pct"] = percent.map(lambda v: f"{v:g}", na_action="ignore").fillna(
        export.raw["fte_pct"]
    )
    export.report.issues.append(
        Issue(
            export.entry.name,
            None,
            export.header_of.get("fte_pct"),
            None,
            "sysselsättningsgraden är skriven som andel (0,75 = 75 %): läst som procent",
            WARNING,
        )
    )


def unit_paths(raw: pd.DataFrame) -> pd.Series:
    """The deepest filled level gives the unit; its id is the path of names from the förvaltning."""
    levels = raw.reindex(columns=list(LEVEL_FIELDS), fill_value="").fillna("").astype("string")
    path = levels[LEVEL_FIELDS[0]]
    for name in LEVEL_FIELDS[1:]:  # column by column: no Python per row
        level = levels[name]
        path = (path + PATH_SEPARATOR + level).where((path != "") & (level != ""), path + level)
    return path.astype("string")


def units_from_levels(export: Export, unit_ids: pd.Series) -> pd.DataFrame:
    """One org unit per distinct path prefix; verksamhet is the most common one on its rows."""
    raw = export.raw
    # Work per distinct unit, not per row: each unit's first row, then each path prefix's.
    first_of_unit = raw[ROW_COLUMN].groupby(unit_ids.to_numpy(), dropna=True).min()
    first_row: dict[str, int] = {}
    for unit_id, row in first_of_unit.items():
        if unit_id == "":
            continue
        parts = unit_id.split(PATH_SEPARATOR)
        for depth in range(1, len(parts) + 1):
            prefix = PATH_SEPARATOR.join(parts[:depth])
            first_row[prefix] = min(first_row.get(prefix, int(row)), int(row))
    paths = sorted(first_row)
    verksamhet = most_common_verksamhet(raw, unit_ids)
    # A unit above the deepest level has no row of its own: it points at the first row naming it.
    units = pd.DataFrame(
        {
            "unit_id": paths,
            "parent_unit_id": [PATH_SEPARATOR.join(p.split(PATH_SEPARATOR)[:-1]) for p in paths],
            "unit_name": [p.split(PATH_SEPARATOR)[-1] for p in paths],
            "unit_level": [LEVEL_CODES[len(p.split(PATH_SEPARATOR)) - 1] for p in paths],
            "verksamhet": [verksamhet.get(p, "") for p in paths],
            ROW_COLUMN: [first_row[p] for p in paths],
        }
    )
    level_export = Export(
        export.entry, export.sha256, units.astype({"verksamhet": "string"}), {}, export.report
    )
    return typed_table(level_export, ORG_UNIT, {})


def most_common_verksamhet(raw: pd.DataFrame, unit_ids: pd.Series) -> dict[str, str]:
    """Per unit, its rows' most common non-empty verksamhet (ties: the first in sort order)."""
    if "verksamhet" not in raw.columns:
        return {}
    pairs = pd.DataFrame({"unit_id": unit_ids, "verksamhet": raw["verksamhet"]}).dropna()
    pairs = pairs[pairs["verksamhet"] != ""]
    counts = pairs.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["unit_id", "n", "verksamhet"], ascending=[True, False, True])
    first = counts.drop_duplicates("unit_id")
    return dict(zip(first["unit_id"], first["verksamhet"], strict=True))
