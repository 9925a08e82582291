"""Reading exports as they come: Swedish Excel CSV (cp1252, ;), CSV UTF-8 with BOM, XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pipelines.extract.files import UnreadableFile, read_table

HEADER = ["Personnummer", "Enhet", "Sysselsättningsgrad", "Kommentar"]


def test_swedish_excel_csv_in_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    lines = [
        ";".join(HEADER),
        "19811218-9876;B1;75,00;Tillägg 1 250,00 € – EU",
        ";;;",
        "x;B2;100,00;",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))

    table = read_table(path)

    assert list(table.columns) == [*HEADER, "_row"]
    assert table["Kommentar"][0] == "Tillägg 1 250,00 € – EU"
    assert table["Sysselsättningsgrad"].tolist() == ["75,00", "100,00"]
    assert table["_row"].tolist() == [2, 4], "blank rows are skipped but row numbers stay true"


def test_csv_utf8_with_bom_comma_and_quoted_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    text = 'Personnr,Förvaltning,Syss.grad\n850312-1234,Vård- och omsorgsförvaltningen,"75,00"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    table = read_table(path)

    assert list(table.columns) == ["Personnr", "Förvaltning", "Syss.grad", "_row"]
    assert table.iloc[0].tolist() == ["850312-1234", "Vård- och omsorgsförvaltningen", "75,00", 2]


def test_xlsx_typed_cells_become_export_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Anställda"
    sheet.append(["Personnummer", "Sysselsättningsgrad", "Anställd från"])
    sheet.append(["198503121234", 75, dt.datetime(2015, 8, 17)])
    sheet.append(["198503121235", 62.5, None])
    book.save(path)

    table = read_table(path)

    assert table["Sysselsättningsgrad"].tolist() == ["75", "62.5"]
    assert table["Anställd från"].tolist() == ["2015-08-17", ""]
    assert table["Personnummer"][0] == "198503121234"


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="tom.csv: filen är tom"):
        read_table(path)
