"""chefskartan plan-report on the refreshed demo: the plan workbook and the officials' PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines.cli import main

pytestmark = pytest.mark.browser  # prints through headless Chromium


def test_plan_report_writes_workbook_and_summary(
    demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "plan-report",
                "--kommun",
                "1261",
                "--out",
                str(tmp_path),
                "--warehouse",
                str(demo_warehouse),
            ]
        )
        == 0
    )
    progress = capsys.readouterr().out.splitlines()  # one line per file, as it is written
    assert progress[0].startswith("Skrev [1/2] ") and "handlingsplan_1261.xlsx" in progress[0]
    assert progress[1].startswith("Skrev [2/2] ") and "sammanfattning_1261.pdf" in progress[1]

    con = duckdb.connect(str(demo_warehouse / "published" / "chefskartan.duckdb"), read_only=True)
    try:
        plan = con.execute(
            "SELECT measure_id, indicator_status FROM mart_action_plan WHERE kommun_code = '1261'"
        ).fetchall()
    finally:
        con.close()
    sheet = openpyxl.load_workbook(tmp_path / "handlingsplan_1261.xlsx")["Handlingsplan"]
    assert sheet.max_row == len(plan) + 1
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} == {m for m, _ in plan}

    pdf = tmp_path / "sammanfattning_1261.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Chefernas förutsättningar i Kävlinge" in text
    assert "Vård- och omsorgsförvaltningen" in text
    assert all(measure in text for measure, _ in plan)


def test_plan_report_names_an_unknown_kommun(
    demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "plan-report",
                "--kommun",
                "9999",
                "--out",
                str(tmp_path),
                "--warehouse",
                str(demo_warehouse),
            ]
        )
        == 1
    )
    assert "Kommun 9999 finns inte" in capsys.readouterr().err
