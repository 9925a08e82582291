"""A page's table as XLSX (numbers as numbers, Swedish-readable number formats) and CSV.

The XLSX number formats are Excel's locale-neutral codes ('#,##0.0'): Swedish Excel shows them
as "1 234,5". The CSV is what Swedish Excel opens directly: semicolons, decimal comma, UTF-8
with a byte-order mark. Headers are the Swedish labels the page shows, never column codes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pandas as pd
import streamlit as st
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboards import format as fmt

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_format(unit: str, decimals: int) -> str:
    """The figure's declared unit and decimals as an Excel number format: pct 1 -> '#,##0.0" %"'."""
    code = "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")
    return code + '" %"' if unit in ("pct", "%") else code


def _plain(value: Any) -> Any:
    """Cell value for openpyxl: NaN/NA as empty, numpy scalars as Python numbers."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


Formats = dict[str, str | list[str]]


def as_date(value: Any) -> dt.date | None:
    """A mart's date (date, Timestamp or ISO text) as a date cell; None when missing."""
    return None if fmt._is_missing(value) else dt.date.fromisoformat(fmt.iso_date(value))


def as_swedish_time(value: Any) -> dt.datetime | None:
    """A mart's UTC timestamp as naive Swedish wall-clock time (Excel cells have no zone)."""
    return None if fmt._is_missing(value) else dt.datetime.fromisoformat(fmt.iso_datetime(value))


# Tables whose number columns share one unit: offer(..., numbers="pct") formats every number
# column not named in `formats` this way.
SHARED = {"pct": excel_format("pct", 1), "index": excel_format("antal", 1)}


def with_shared(frame: pd.DataFrame, formats: Formats | None, numbers: str | None) -> Formats:
    """`formats`, plus the shared format for every other number column."""
    out: Formats = dict(formats or {})
    if numbers:
        for column in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[column])
            if numeric and not pd.api.types.is_bool_dtype(frame[column]):
                out.setdefault(column, SHARED[numbers])
    return out


def xlsx_bytes(frame: pd.DataFrame, formats: Formats | None = None, sheet: str = "Data") -> bytes:
    """One sheet: bold headers, then the rows; `formats` maps a column to its number format,
    or to one format per row (a table of figures in different units)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([_plain(v) for v in row])
    for i, column in enumerate(frame.columns, start=1):
        number_format = (formats or {}).get(column)
        if number_format:
            per_row = (
                [number_format] * len(frame) if isinstance(number_format, str) else number_format
            )
            for (cell,), code in zip(
                ws.iter_rows(min_row=2, min_col=i, max_col=i), per_row, strict=True
            ):
                cell.number_format = code
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
            12, min(60, len(str(column)) + 4)
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def offer(
    frame: pd.DataFrame, stem: str, formats: Formats | None = None, numbers: str | None = None
) -> None:
    """Two small download buttons under a table: Excel and CSV, named after the table. The files
    are made when a button is clicked (deferred), not on every run of the page. `numbers`
    ("pct", "index"): the format of every number column `formats` does not name."""
    formats = with_shared(frame, formats, numbers)
    stem = re.sub(r"[^\w-]+", "_", stem).strip("_")  # a förvaltning's name may hold / or spaces
    left, right, _rest = st.columns([1, 1, 4])
    left.download_button(
        "Ladda ner Excel", lambda: xlsx_bytes(frame, formats), f"{stem}.xlsx", XLSX_MIME,
        key=f"xlsx_{stem}", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        "Ladda ner CSV", lambda: csv_bytes(frame), f"{stem}.csv", "text/csv",
        key=f"csv_{stem}", on_click="ignore",
    )  # fmt: skip
