"""Read an export file (CSV in any common encoding and delimiter, or XLSX) into a frame of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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
from pipelines.masking import mask
from pipelines.report import ROW_COLUMN
from schemas.frames import column_array

DELIMITERS = (";", ",", "\t", "|")
HEADER_SEARCH_ROWS = 15
_NUMBERISH = re.compile(r"^[\d\s.,:%+/-]+$")
SUMMARY_ROW = re.compile(r"^(summa|totalt?|antal|sum)\b", re.IGNORECASE)


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
        cells = _read_excel_rows(path, options.sheet)
    else:
        cells = _read_csv_rows(path, options)
    at = header_row(cells)
    header = [str(h).strip() for h in cells[at]]
    if at > 0:  # a two-row header (merged cells): a column empty below takes the name above
        above = [str(h).strip() for h in cells[at - 1]] + [""] * len(header)
        header = [
            h or (above[i] if _filled(cells[at - 1]) > 1 else "") for i, h in enumerate(header)
        ]
    if not any(header):
        raise UnreadableFile(f"{path.name}: hittar ingen rubrikrad")
    width = len(header)
    if width > MAX_COLUMNS:
        raise UnreadableFile(f"{path.name}: fler än {MAX_COLUMNS} kolumner")
    _check_cells(path, header, cells[at:], first_row=at + 1)
    frame, blank = _text_frame(cells[at + 1 :], _unique(header))
    frame[ROW_COLUMN] = range(at + 2, len(frame) + at + 2)
    frame = frame[~blank].reset_index(drop=True) if blank.any() else frame
    frame, summary = _drop_summary_rows(frame)
    frame.attrs["skipped"] = _skipped_above(cells, at) + summary
    return frame


def _text_frame(rows: list[list[str]], names: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Stripped text columns built by Arrow (no pandas per column), and which rows are empty."""
    width = len(names)
    padded = [r if len(r) == width else (r + [""] * width)[:width] for r in rows]
    columns = list(zip(*padded, strict=True)) or [()] * width
    arrays = [pc.utf8_trim_whitespace(pa.array(c, pa.large_string())) for c in columns]
    blank = np.ones(len(rows), dtype=bool)
    for array in arrays:
        blank &= pc.equal(array, "").to_numpy(zero_copy_only=False)
    frame = pd.DataFrame(
        {n: pd.arrays.ArrowStringArray(a) for n, a in zip(names, arrays, strict=True)}
    )
    return frame, blank


def header_row(cells: list[list[str]]) -> int:
    """Exports may put a title, a date and blank lines above the header: the header is the
    first of the opening rows that is at least half as filled as the fullest of them."""
    opening = cells[:HEADER_SEARCH_ROWS]
    widest = max((_filled(r) for r in opening), default=0)
    for i, row in enumerate(opening):
        if _filled(row) >= max(2, widest / 2):
            # a group row of merged cells sits above the column names: take the names
            while (
                i + 1 < len(cells)
                and _all_text(cells[i + 1])
                and _filled(cells[i + 1]) > (_filled(row))
            ):
                i, row = i + 1, cells[i + 1]
            return i
    return 0


def _all_text(row: list) -> bool:
    """A header row holds names only; data rows hold numbers, dates and codes."""
    return _filled(row) > 0 and not any(
        _NUMBERISH.match(str(c).strip()) for c in row if str(c).strip()
    )


def _filled(row: list) -> int:
    return sum(1 for c in row if str(c).strip())


def _skipped_above(cells: list[list[str]], at: int) -> list[str]:
    texts = [" ".join(str(c).strip() for c in r if str(c).strip()) for r in cells[:at]]
    # Not validated by any column's rule: shown only masked (no personnummer, no key).
    return [f"rad {i + 1} ovanför rubrikraden: {mask(t)}" for i, t in enumerate(texts) if t]


def _drop_summary_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Trailing total rows ("Summa", "Totalt", "Antal anställda: 12") are not employments."""
    skipped: list[str] = []
    # The stored arrays: a row of a frame (iloc) builds a Series across every column.
    cells = [column_array(frame, i) for i, n in enumerate(frame.columns) if n != ROW_COLUMN]
    end = len(frame)
    while end:
        last = [c for c in (column[end - 1] for column in cells) if c]
        if not last or not SUMMARY_ROW.match(last[0]):
            break
        skipped.insert(0, f"rad {frame[ROW_COLUMN].iloc[end - 1]}: summeringsrad ({mask(last[0])})")
        end -= 1
    if end == len(frame):
        return frame, skipped
    return frame.iloc[:end].reset_index(drop=True), skipped


def _check_cells(path: Path, header: list[str], rows: list[list[str]], first_row: int) -> None:
    """No cell over the length limit, no row with more filled fields than the header."""
    width = len(header)
    for number, row in enumerate(rows, start=first_row):
        if row and max(map(len, row)) > MAX_CELL_CHARS:  # one C-level pass; then find the cell
            position = next(p for p, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
            raise UnreadableFile(
                f"{path.name}: rad {number}, kolumn {column_letter(position)}: cellen är "
                f"längre än {MAX_CELL_CHARS} tecken"
            )
        if len(row) > width and any(str(c).strip() for c in row[width:]):
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


def _widest_line(text: str) -> str:
    """The delimiter is sniffed on the longest opening line, not on a title above the header."""
    return max(text.splitlines()[:HEADER_SEARCH_ROWS], key=len)


def _read_csv_rows(path: Path, options: ReadOptions) -> list[list[str]]:
    try:
        text = decode(path.read_bytes(), options.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(f"{path.name}: kan inte avkodas ({exc})") from exc
    if not text.strip():
        raise UnreadableFile(f"{path.name}: filen är tom")
    delimiter = options.delimiter or sniff_delimiter(_widest_line(text))
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
    return rows


def _read_excel_rows(path: Path, sheet: str | None) -> list[list[str]]:
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
    return [[c if type(c) is str else _cell_text(c) for c in row] for row in cells]


def _cell_text(value: object) -> str:
    """Typed Excel cells become the text a CSV export would hold (dates ISO, whole numbers plain)."""
    if type(value) is str:  # most cells: checked first
        return value
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
