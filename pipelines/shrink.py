"""No silent wipe: a roster far smaller than what the store holds for its kommun is rejected."""

from __future__ import annotations

from typing import Protocol

import duckdb
import pyarrow.parquet as pq

from pipelines.manifest import InboxFile
from pipelines.report import FileReport, Issue

SHRINK_FACTOR = 0.5  # below half the previous period's employments needs allow_shrink: true


class Staged(Protocol):
    report: FileReport
    staged: list


def check_shrink(
    con: duckdb.DuckDBPyConnection, entries: list[InboxFile], results: list[Staged]
) -> None:
    """Compare each kommun's new employments per period (all parts of the export together)
    with the latest period on or before it in history."""
    groups: dict[tuple, list[tuple[InboxFile, Staged, int]]] = {}
    for entry, result in zip(entries, results, strict=True):
        employment = [s for s in result.staged if s.table == "employment"]
        if employment:
            rows = sum(pq.read_metadata(s.parquet).num_rows for s in employment)
            groups.setdefault((entry.kommun_code, entry.period), []).append((entry, result, rows))
    for (kommun, period), members in groups.items():
        if any(entry.allow_shrink for entry, _, _ in members):
            continue
        new = sum(rows for _, _, rows in members)
        before = con.execute(
            "SELECT period_date, count(*) FROM hist_employment WHERE kommun_code = ? "
            "AND period_date <= ? GROUP BY period_date ORDER BY period_date DESC LIMIT 1",
            [kommun, period],
        ).fetchone()
        if before and new < SHRINK_FACTOR * before[1]:
            for entry, result, _ in members:
                result.report.issues.append(
                    Issue(
                        entry.name,
                        None,
                        None,
                        None,
                        f"{new} anställningar mot {before[1]} för perioden {before[0]}: mindre "
                        "än hälften. Ange allow_shrink: true i manifestet om det stämmer",
                    )
                )
