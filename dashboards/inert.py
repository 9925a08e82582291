"""Outputs stay inert: no text from data becomes a spreadsheet formula, HTML or markdown.

One place for every writer: workbooks (`inert_workbook`), CSV cells (`csv_cell`), HTML for
printed PDFs (`html_text`) and Streamlit's markdown (`md`, for st.markdown, st.title, ...).
"""

from __future__ import annotations

import html
import re
from typing import Any

# OWASP CSV injection: a cell starting with one of these may be read as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """OWASP's rule for CSV: a leading quote makes a formula-like text plain text."""
    return "'" + value if is_formula_like(value) else value


def inert_workbook(workbook: Any) -> Any:
    """Every text cell of an openpyxl workbook stored as text, never as a formula.

    openpyxl turns any string starting with "=" into a formula; such cells are set back to
    text, and every formula-like text gets Excel's quote prefix (shown without the quote,
    kept as text when edited). None of our workbooks uses formulas of its own.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def html_text(value: object) -> str:
    """Text from data for HTML (posters, the officials' PDF): every value escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def md(value: object) -> str:
    """Text from data for Streamlit markdown: no link, image, emphasis, HTML or directive."""
    text = "" if value is None else str(value).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)
