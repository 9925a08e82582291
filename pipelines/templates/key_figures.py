"""The key-figures template: its columns (a data file) and the XLSX and CSV an analyst fills."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

COLUMNS_FILE = Path(__file__).with_name("key_figures_columns.csv")
LISTS = {
    "unit_level": '"Förvaltning,Avdelning,Enhet"',
    "has_hr_partner": '"ja,nej"',
    "has_controller": '"ja,nej"',
}
MAX_ROWS = 2000


@cache
def template_columns() -> tuple[dict[str, str], ...]:
    """The template's columns: field, Swedish header, required, example, description."""
    with open(COLUMNS_FILE, encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def header_mapping() -> dict[str, str]:
    """Template header -> canonical field: the template is its own alias table."""
    return {c["header"]: c["field"] for c in template_columns()}


def write(out_dir: Path) -> list[Path]:
    """nyckeltal_mall.xlsx (with descriptions and drop-down lists) and nyckeltal_mall.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        _write_xlsx(out_dir / "nyckeltal_mall.xlsx"),
        _write_csv(out_dir / "nyckeltal_mall.csv"),
    ]


def _write_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Nyckeltal"
    columns = template_columns()
    sheet.append([c["header"] for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill(
            "solid", fgColor="FFD9A8" if column["required"] == "ja" else "EEEEEE"
        )
        cell.comment = Comment(column["description"], "Chefskartan")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column["header"]) + 2)
        if column["field"] in LISTS:
            rule = DataValidation(type="list", formula1=LISTS[column["field"]], allow_blank=True)
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
    about.append(
        [
            "En rad per enhet. Lista enheten i inkorgens manifest.yaml med "
            "source: key_figures, kommun och period."
        ]
    )
    book.save(path)
    return path


def _write_csv(path: Path) -> Path:
    """Semicolon and UTF-8 with BOM, so Swedish Excel opens it with å, ä and ö intact."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerow([c["header"] for c in template_columns()])
    return path
