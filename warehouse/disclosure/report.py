"""The refresh report's lines on disclosure control, read from the built mart_disclosure_report."""

from __future__ import annotations

from pathlib import Path

import duckdb


def disclosure_summary(combined: Path) -> list[str]:
    """One line per kommun (hidden cells as primary and secondary) and one per dropped group cut."""
    con = duckdb.connect(str(combined), read_only=True)
    try:
        totals = con.execute(
            "SELECT kommun_code, sum(cells), sum(cells_shown), sum(cells_primary), "
            "sum(cells_secondary), sum(cells_group_cut), sum(cells_held_back) "
            "FROM mart_disclosure_report "
            "GROUP BY ALL ORDER BY 1"
        ).fetchall()
        cuts = con.execute(
            "SELECT kommun_code, period_date, survey_id, dropped_groups "
            "FROM mart_disclosure_report WHERE dropped_groups IS NOT NULL "
            "AND mart = 'mart_survey_responses' ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    lines = [
        f"Röjandeskydd {code}: {shown} av {cells} celler visas; dolda: {primary} med färre än "
        f"k personer, {secondary} för att inget litet tal ska kunna räknas fram"
        + (f", {cut} chefsgruppsceller utelämnade" if cut else "")
        + (f"; {held} visas som vid tidigare publicering (färre än k nya svar)" if held else "")
        for code, cells, shown, primary, secondary, cut, held in totals
    ]
    lines += [
        f"  varning: {code} {period} {survey}: chefsgrupperna publiceras inte ({groups})"
        for code, period, survey, groups in cuts
    ]
    return lines
