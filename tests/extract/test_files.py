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


def _sheet_with(tmp_path: Path, patch: bytes) -> Path:
    """A small workbook whose sheet XML gets `patch` inserted before its last row ends."""
    import zipfile

    book = openpyxl.Workbook()
    for r in range(3):
        book.active.append([f"a{r}", r])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet].replace(b"</row></sheetData>", patch + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "patch",
    [
        b'<c r="B2000000"><v>1</v></c>',  # a cell far below, out of order
        b'<c r="ZZZ3"><v>1</v></c>',  # a cell far to the right
        b'<c r="AB200000"><v>1</v></c>',  # within rows and columns, not cells
        b'<c r="Z200000"><v>1</v></c>',  # one letter, six digits: not within cells
        b'<c r="AA120000"><v>1</v></c>',  # a 27th column makes too many cells
        b'<c r="C3" xr="ZZZ9999999"><v>1</v></c>',  # not a reference: the quick bound's false alarm
        b'<c r="C3"><v>1</v></c>',  # nothing wrong
        b'<c r="C3"><v>1</v></c><c r="Z99999"><v>1</v></c>',  # the largest narrow sheet: fine
        b'<c r="C3"><v>1</v></c><c r="AA9"><v>1</v></c>',  # a 27th column: fine
    ],
)
def test_quick_extent_check_decides_as_the_exact_scan(tmp_path: Path, patch: bytes) -> None:
    """The quick upper bound only skips the exact scan where that scan would pass too."""
    import zipfile

    from pipelines.extract import limits

    path = _sheet_with(tmp_path, patch)
    member = "xl/worksheets/sheet1.xml"

    def outcome(check) -> str:
        try:
            with zipfile.ZipFile(path) as archive:
                check(path, archive, archive.getinfo(member))
        except limits.TooLarge as exc:
            return str(exc)
        return "ok"

    exact = outcome(limits._check_sheet_exactly)
    assert outcome(limits._check_sheet) == exact
    assert (exact == "ok") == (patch.startswith(b'<c r="C3"'))
