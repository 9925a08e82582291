"""The key-figures template: its columns (a data file) and the XLSX and CSV an analyst fills."""

from __future__ import annotations

from pathlib import Path

from pipelines.templates.columns import columns, headers
from pipelines.templates.workbook import write_csv, write_xlsx

COLUMNS_FILE = Path(__file__).with_name("key_figures_columns.csv")
LISTS = {
    "unit_level": '"Förvaltning,Avdelning,Enhet"',
    "has_hr_partner": '"ja,nej"',
    "has_controller": '"ja,nej"',
}
NOTE = (
    "En rad per enhet. Lista filen i inkorgens manifest.yaml med source: key_figures, "
    "kommun och period."
)


def template_columns() -> tuple[dict[str, str], ...]:
    return columns(COLUMNS_FILE)


def header_mapping() -> dict[str, str]:
    return headers(COLUMNS_FILE)


def write(out_dir: Path) -> list[Path]:
    """nyckeltal_mall.xlsx (with descriptions and drop-down lists) and nyckeltal_mall.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_xlsx(
            out_dir / "nyckeltal_mall.xlsx", "Nyckeltal", template_columns(), LISTS, {}, NOTE
        ),
        write_csv(out_dir / "nyckeltal_mall.csv", template_columns()),
    ]
