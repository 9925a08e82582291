"""Action plans (one measure per row, up to three indicators each) and their follow-ups."""

from __future__ import annotations

import pandas as pd

from pipelines.extract.export import Export, require_columns, typed_table
from pipelines.extract.files import ROW_COLUMN
from pipelines.normalise import blank_to_na, parse_decimal
from schemas.action_plans import ACTION_INDICATOR, ACTION_MEASURE, FOLLOW_UP
from schemas.codes import code_table
from schemas.indicators import indicator_ids

INDICATOR_SLOTS = (1, 2, 3)


def extract_plan(export: Export, key: bytes) -> None:
    if not require_columns(
        export,
        ("measure_id",),
        ("scope_name",),
        ("area",),
        ("measure",),
        ("owner_role",),
        ("adopted_date",),
        ("start_date",),
        ("due_date",),
    ):
        return
    raw = export.raw
    areas = blank_to_na(raw["area"].astype("string"))
    # Known area names become codes; anything else stays as written for the 'Eget:' check.
    computed = {"area": areas.str.casefold().map(code_table("action_area")).fillna(areas)}
    export.tables["action_measure"] = typed_table(export, ACTION_MEASURE, computed)
    export.tables["action_indicator"] = _indicators(export)


def _indicators(export: Export) -> pd.DataFrame:
    """One row per measure and linked indicator; an unknown indicator is an error."""
    raw, known = export.raw, set(indicator_ids())
    rows = []
    for slot in INDICATOR_SLOTS:
        indicator, target = f"indicator_{slot}", f"target_{slot}"
        if indicator not in raw.columns:
            continue
        ids = blank_to_na(raw[indicator].astype("string"))
        targets = (
            parse_decimal(blank_to_na(raw[target].astype("string")))
            if target in raw.columns
            else pd.Series(pd.NA, index=raw.index)
        )
        for i in ids.dropna().index:
            row = int(raw.at[i, ROW_COLUMN])
            if ids[i] not in known:
                export.issue(
                    row, indicator, str(ids[i]), "okänd indikator (se fliken Indikatorer i mallen)"
                )
            elif pd.isna(targets[i]):
                export.issue(
                    row,
                    target,
                    str(raw.at[i, target]) if target in raw else None,
                    "målvärde saknas eller är inte ett tal",
                )
            else:
                rows.append(
                    {
                        "measure_id": raw.at[i, "measure_id"],
                        "indicator_id": ids[i],
                        "target_value": float(targets[i]),
                        ROW_COLUMN: row,
                    }
                )
    linked = pd.DataFrame(rows, columns=["measure_id", "indicator_id", "target_value", ROW_COLUMN])
    indicator_export = Export(
        export.entry,
        export.sha256,
        linked.astype({"measure_id": "string", "indicator_id": "string", "target_value": "string"}),
        {},
        export.report,
    )
    return typed_table(indicator_export, ACTION_INDICATOR, {})


def extract_follow_up(export: Export, key: bytes) -> None:
    if not require_columns(export, ("measure_id",), ("follow_up_date",)):
        return
    export.tables["follow_up"] = typed_table(export, FOLLOW_UP, {})
