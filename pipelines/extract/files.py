"""Read an export file (CSV in any common encoding and delimiter, or XLSX) into a frame of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from pipelines.extract.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    UnreadableFile,
    check_file_size,
    check_xlsx,
    column_letter,
)

ROW_COLUMN = "_row"  # row number as the analyst sees it in the file (header = 1)
DELIMITERS = (";", ",", "\t", "|")


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_table(path: Path, options: ReadOptions = ReadOptions()) -> pd.DataFrame:
    """Every cell as stripped text ('' when empty), plus the file row number in `_row`.

    Sizes are checked before anything is read into memory (pipelines/extract/limits.py).
    """
    check_file_size(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        header, rows = _read_excel_rows(path, options.sheet)
    else:
        header, rows = _read_csv_rows(path, options)
    header = [str(h).strip() for h in header]
    if not any(header):
        raise UnreadableFile(f"{path.name}: hittar ingen rubrikrad")
    width = len(header)
    if width > MAX_COLUMNS:
        raise UnreadableFile(f"{path.name}: fler än {MAX_COLUMNS} kolumner")
    _check_cells(path, header, rows)
    rows = [(r + [""] * width)[:width] for r in rows]
    frame = pd.DataFrame(rows, columns=_unique(header), dtype="string").fillna("")
    frame = frame.apply(lambda col: col.str.strip())
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    blank = frame.drop(columns=ROW_COLUMN).eq("").all(axis=1)
    return frame[~blank].reset_index(drop=True)


def _check_cells(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """No cell over the length limit, no row with more filled fields than the header."""
    width = len(header)
    for number, row in enumerate([header, *rows], start=1):
        for position, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                raise UnreadableFile(
                    f"{path.name}: rad {number}, kolumn {column_letter(position)}: cellen är "
                    f"längre än {MAX_CELL_CHARS} tecken"
                )
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise UnreadableFile(
                f"{path.name}: rad {number} har fler fält än rubrikraden ({len(row)} mot {width}); "
                "fel avgränsare eller ett citattecken som saknas? Raden kan inte läsas säkert."
            )


def decode(raw: bytes, encoding: str | None = None) -> str:
    """Excel's 'CSV UTF-8' has a BOM; plain Swedish Excel CSV is cp1252."""
    if encoding:
        return raw.decode(encoding)
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    """The most frequent delimiter outside quoted fields (survey headers quote commas)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    if not any(counts.values()) and first_line.startswith('"'):
        counts = {d: first_line.count(f'"{d}"') for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv_rows(path: Path, options: ReadOptions) -> tuple[list[str], list[list[str]]]:
    try:
        text = decode(path.read_bytes(), options.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(f"{path.name}: kan inte avkodas ({exc})") from exc
    if not text.strip():
        raise UnreadableFile(f"{path.name}: filen är tom")
    delimiter = options.delimiter or sniff_delimiter(text.splitlines()[0])
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row) + 1  # an empty row still costs a list
            if cells > MAX_CELLS:
                raise UnreadableFile(f"{path.name}: fler än {MAX_CELLS} celler")
    except (csv.Error, TypeError) as exc:
        raise UnreadableFile(
            f"{path.name}: rad {len(rows) + 1} kan inte läsas som CSV (en cell längre än "
            f"{MAX_CELL_CHARS} tecken, eller fel avgränsare)"
        ) from exc
    return rows[0], rows[1:]


def _read_excel_rows(path: Path, sheet: str | None) -> tuple[list[str], list[list[str]]]:
    check_xlsx(path)  # the declared and real sheet extent, before calamine allocates it
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = sheet or workbook.sheet_names[0]
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types per format problem
        # Not the library's message: it may quote the file's content.
        raise UnreadableFile(
            f"{path.name}: kan inte läsas som Excel ({type(exc).__name__}; bladet finns inte, "
            "eller filen är trasig)"
        ) from exc
    if not cells:
        raise UnreadableFile(f"{path.name}: bladet {name!r} är tomt")
    rows = [[_cell_text(c) for c in row] for row in cells]
    return rows[0], rows[1:]


def _cell_text(value: object) -> str:
    """Typed Excel cells become the text a CSV export would hold (dates ISO, whole numbers plain)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}.{seen[name]}")
    return out
