"""Text that spreadsheets must not run: the one escaping rule for every CSV and Excel output.

A cell whose text starts with = + - @, a tab or a carriage return can be read as a formula
by Excel, LibreOffice or Google Sheets (CSV/formula injection, OWASP). Such text gets a
leading apostrophe, which those programs show as text. Numbers, dates and booleans are never
text, so they are left alone.
"""

from __future__ import annotations

from typing import Any

RISKY_FIRST = ("=", "+", "-", "@", "\t", "\r")


def inert_text(text: str) -> str:
    """The text, with a leading ' when a spreadsheet could take it for a formula."""
    return "'" + text if text.startswith(RISKY_FIRST) else text


def inert(value: Any) -> Any:
    """inert_text for strings; any other value as it is."""
    return inert_text(value) if isinstance(value, str) else value
