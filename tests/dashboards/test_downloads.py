"""Downloads and the wall workbook keep numbers as numbers (Swedish-readable number formats) and
put ▲/✓ in a column of its own; the CSV opens in Swedish Excel as it is."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from dashboards import downloads, queries, workbook
from dashboards.views import strengths
from tests.dashboards import published_fixture as fx


def burlov() -> dict:
    kommuner = queries.kommuner()
    return kommuner[kommuner["kommun_code"] == fx.BURLOV].iloc[0].to_dict()


def test_excel_format_follows_the_declared_unit_and_decimals() -> None:
    assert downloads.excel_format("pct", 1) == '#,##0.0" %"'
    assert downloads.excel_format("%", 1) == '#,##0.0" %"'
    assert downloads.excel_format("fte", 2) == "#,##0.00"
    assert downloads.excel_format("antal", 0) == "#,##0"


def test_strengths_download_has_numbers_and_marks_apart(published_env: Path) -> None:
    flags = queries.strengths_challenges(fx.BURLOV, fx.P_NOW)
    frame, formats = strengths.flags_frame(flags, burlov())
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(frame, formats))).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    span = next(
        r for r in rows
        if r["Nyckeltal"].value.startswith("Medarbetare per chef i första linjen")
        and r["Förvaltning"].value == fx.NAMES[fx.VOF]
    )  # fmt: skip
    assert span["Värde"].value == 32.75 and span["Värde"].number_format == "#,##0.0"
    assert span["▲/✓"].value == "▲"
    sick = next(
        r for r in rows
        if r["Nyckeltal"].value == "Sjukfrånvaro" and r["Förvaltning"].value == fx.NAMES[fx.VOF]
    )  # fmt: skip
    assert sick["Värde"].value is None and sick["Dolt (< k)"].value == "ja"  # hidden, not 0
    text = downloads.csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Förvaltning;Nyckeltal;Värde")
    assert ";32,75;" in text  # decimal comma, semicolon-separated


def test_wall_workbook_overview_keeps_numbers_numeric(published_env: Path, tmp_path: Path) -> None:
    path = workbook.write_workbook(burlov(), fx.P_NOW, tmp_path / "vagg.xlsx")
    ws = load_workbook(path)["Översikt"]
    header = [c.value for c in ws[4]]
    assert header[1:5] == [fx.NAMES[fx.BUF], "▲/✓", fx.NAMES[fx.VOF], "▲/✓"]
    row = next(r for r in ws.iter_rows(min_row=5) if str(r[0].value).startswith("Medarbetare"))
    vof = header.index(fx.NAMES[fx.VOF])
    assert row[vof].value == 32.75 and row[vof + 1].value == "▲"
    assert row[vof].number_format == "#,##0.0"
    assert not any(isinstance(c.value, str) and c.value[:1] in "▲✓" for c in row[1::2])
