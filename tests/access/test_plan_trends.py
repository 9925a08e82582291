"""The plan workbook's trend sheet names the scope and indicator and gives the unit, not codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest


def test_trend_sheet_names_scope_indicator_and_unit(
    demo_published_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboards import plan_report, queries

    monkeypatch.setenv(queries.ENV_VAR, str(demo_published_db))
    path = plan_report.write_workbook("1261", tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(path)["Trender"]
    header = [c.value for c in sheet[1]]
    assert header == ["Omfattning", "Indikator", "Enhet", "Period", "Värde", "Indikator-id"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    with duckdb.connect(str(demo_published_db), read_only=True) as con:
        planned = set(
            con.execute(
                "SELECT DISTINCT scope_name, indicator_label, indicator_unit, indicator_id "
                "FROM mart_action_plan WHERE kommun_code = '1261' AND indicator_id IS NOT NULL"
            ).fetchall()
        )
    named = {(r[0], r[1], r[2], r[5]) for r in rows}
    assert rows and named <= planned and len(named) > 1
    assert all(isinstance(r[3], dt.datetime) for r in rows), "periods are dates"
    assert all(isinstance(r[4], float | int) for r in rows), "values are numbers"
