"""The indicator catalogue: every mart figure an action plan can track, from the mart declarations."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.marts import MART_SPAN_ROLLUP

# Indicators are tracked per scope (kommun, förvaltning, avdelning, enhet) across periods.
INDICATOR_SOURCE = MART_SPAN_ROLLUP


@dataclass(frozen=True)
class CatalogueEntry:
    indicator_id: str
    label: str
    unit: str
    better: str
    description: str
    source_mart: str


def catalogue() -> list[CatalogueEntry]:
    return [
        CatalogueEntry(
            f.name,
            f.label,
            f.unit,
            f.indicator.better,
            f.description,
            INDICATOR_SOURCE.name,
        )
        for f in INDICATOR_SOURCE.fields
        if f.indicator is not None
    ]


def indicator_ids() -> list[str]:
    return [entry.indicator_id for entry in catalogue()]
