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
# Characters that start markdown or HTML anywhere in a line (links and images need "[").
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|])")
# ... and those that do only at the start of a line (lists, headings, quotes).
_MD_LINE_START = re.compile(r"^([-+#=]|\d+(?=[.)]))")


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
    text = "" if value is None else str(value).replace("\n", " ").replace("\r", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("://", "\\://").replace("www.", "www\\.")  # no bare-URL autolinks
    match = _MD_LINE_START.match(text)
    if match and match.group(1).isdigit():  # "2024. " would start a numbered list
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text if match else text
