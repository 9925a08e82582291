"""Write a fill-in template: a sheet with described headers and drop-down lists, plus a CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from dashboards.inert import inert, inert_workbook

MAX_ROWS = 2000
REQUIRED_FILL = "FFD9A8"
OPTIONAL_FILL = "EEEEEE"


def write_xlsx(
    path: Path,
    sheet_title: str,
    columns: tuple[dict[str, str], ...],
    lists: dict[str, str],
    extra_sheets: dict[str, list[list[object]]],
    note: str,
) -> Path:
    """Headers with their description as a cell comment, required ones coloured; `lists` maps
    field -> a list formula (e.g. '"ja,nej"' or "Indikatorer!$A$2:$A$20")."""
    # imported here: extraction reads the templates' headers, and every extraction worker
    # would pay openpyxl's import (~0.2 s) for a workbook it never writes
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append([c["header"] for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        fill = REQUIRED_FILL if column["required"] == "ja" else OPTIONAL_FILL
        cell.fill = PatternFill("solid", fgColor=fill)
        cell.comment = Comment(column["description"], "Chefskartan")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column["header"]) + 2)
        if column["field"] in lists:
            rule = DataValidation(type="list", formula1=lists[column["field"]], allow_blank=True)
            rule.add(f"{cell.column_letter}2:{cell.column_letter}{MAX_ROWS}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Beskrivning")
    about.append(["Kolumn", "Obligatorisk", "Exempel", "Beskrivning"])
    for column in columns:
        about.append(
            [column["header"], column["required"], column["example"], column["description"]]
        )
    about.append([])
    about.append([note])
    for title, rows in extra_sheets.items():
        extra = book.create_sheet(title)
        for row in rows:
            extra.append(row)
    inert_workbook(book).save(path)
    return path


def write_csv(path: Path, columns: tuple[dict[str, str], ...]) -> Path:
    """Semicolon and UTF-8 with BOM, so Swedish Excel opens it with å, ä and ö intact."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerow([inert(c["header"]) for c in columns])
    return path
