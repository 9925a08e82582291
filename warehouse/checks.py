"""Cross-table checks on the loaded history (org tree, units, employments), one SQL file each.

Each file in sql/checks returns rows of: kommun_code, period_date, severity ('fel' stops the
refresh, 'varning' loads and is listed), rule, unit_id, source_sha256, source_row, detail.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.build import SQL_DIR, run_intermediate

CHECKS_DIR = SQL_DIR / "checks"


def check_files() -> list[Path]:
    return sorted(CHECKS_DIR.glob("*.sql"))


def run_checks(con: duckdb.DuckDBPyConnection, periods: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Every check's findings for the given (kommun_code, period) pairs, in one frame."""
    run_intermediate(con)
    checked = pd.DataFrame(list(periods), columns=["kommun_code", "period"]).drop_duplicates()
    checked["period_date"] = pd.to_datetime(checked.pop("period")).dt.date
    con.register("checked_periods", checked)
    try:
        frames = []
        for path in check_files():
            sql = path.read_text(encoding="utf-8").strip().rstrip(";")
            found = con.execute(
                f"SELECT c.* FROM ({sql}) c JOIN checked_periods USING (kommun_code, period_date)"
            ).df()
            found.insert(0, "check_name", path.stem)
            frames.append(found)
    finally:
        con.unregister("checked_periods")
    return pd.concat(frames, ignore_index=True)
