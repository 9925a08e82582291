"""Cross-table checks on the loaded history (org tree, units, employments, plans), one SQL file each.

Each file in sql/checks returns rows of: kommun_code, period_date, severity ('fel' stops the
refresh, 'varning' loads and is listed), rule, unit_id, source_sha256, source_row, detail.
Checks that need the built marts live in sql/checks_after_build and run in the build.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.build import SQL_DIR, run_check_files
from warehouse.intermediate import intermediate_in, run_intermediate

CHECKS_DIR = SQL_DIR / "checks"


def run_checks(
    con: duckdb.DuckDBPyConnection,
    periods: Iterable[tuple[str, str]],
    intermediate: Path | None = None,
    kommuner: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every check's findings for the given (kommun_code, period) pairs, in one frame.

    With `intermediate`, the intermediate tables are written to that file (for `kommuner` only,
    when given) so the build can reuse them; otherwise they are TEMP tables of `con`.
    """
    if intermediate is None:
        run_intermediate(con)
        findings = run_check_files(con, sorted(CHECKS_DIR.glob("*.sql")))
    else:
        with intermediate_in(con, intermediate, kommuner):
            findings = run_check_files(con, sorted(CHECKS_DIR.glob("*.sql")))
    wanted = {(k, str(p)[:10]) for k, p in periods}
    pairs = zip(findings["kommun_code"], findings["period_date"], strict=True)
    keep = pd.Series(
        [(k, str(p)[:10]) in wanted for k, p in pairs], index=findings.index, dtype=bool
    )
    return findings[keep].reset_index(drop=True)
