"""Outputs stay inert: text from data never becomes a spreadsheet formula, HTML or markdown.

CSV and Excel (`inert`, `inert_text`, `inert_workbook`), HTML for printed PDFs (`html_text`) and
Streamlit's markdown (`md`, for st.markdown, st.title, st.caption, ...).

A cell whose text starts with = + - @, a tab or a carriage return can be read as a formula
by Excel, LibreOffice or Google Sheets (CSV/formula injection, OWASP). Such text gets a
leading apostrophe, which those programs show as text. Numbers, dates and booleans are never
text, so they are left alone.
"""

from __future__ import annotations

import html
import re
from typing import Any

RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")


def inert_text(text: str) -> str:
    """The text, with a leading ' when a spreadsheet could take it for a formula."""
    return "'" + text if text.startswith(RISKY_FIRST) else text


def inert(value: Any) -> Any:
    """inert_text for strings; any other value as it is."""
    return inert_text(value) if isinstance(value, str) else value


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(RISKY_FIRST)


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


# Characters that start markdown or HTML anywhere in a line (links and images need "[").
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|])")
# ... and those that do only at the start of a line (lists, headings, quotes).
_MD_LINE_START = re.compile(r"^([-+#=]|\d+(?=[.)]))")


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
