"""Resource limits checked before an export is parsed: file size, XLSX extent and unpacked size.

Bounds are generous for a municipality's exports (the largest kommun has ~45,000 employments)
and keep one file's parse well under 2 GB of memory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

MAX_FILE_BYTES = 50_000_000  # on disk, any format
MAX_XLSX_UNPACKED_BYTES = 300_000_000  # sum of the zip's members after decompression
MAX_ROWS = 500_000
MAX_COLUMNS = 1_000
MAX_CELLS = 3_000_000  # rows × columns that a sheet may span (calamine allocates the extent)
MAX_CELL_CHARS = 10_000

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,9})(?::([A-Z]{1,3})(\d{1,9}))?\""
)
_CELL_REF = re.compile(rb"\br=\"([A-Z]{1,3})?(\d{1,9})\"")
# The same references without the leading \b, rows and columns apart (no tuple per cell).
_ANY_ROW = re.compile(rb"r=\"[A-Z]{0,3}(\d{1,9})\"")
_ANY_COLUMN = re.compile(rb"r=\"([A-Z]{1,3})\d{1,9}\"")
_CHUNK = 1 << 20
# Any reference to a row of six or more digits, or to a column of two or more letters; where
# there is none, every row is at most _SHORT_ROWS and every column at most _NARROW_COLUMNS.
_LONG_ROW = re.compile(rb"r=\"[A-Z]{0,3}\d{6}")
_WIDE_COLUMN = re.compile(rb"r=\"[A-Z]{2}")
_SHORT_ROWS, _NARROW_COLUMNS = 99_999, 26


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (wrong format, empty, encoding, too large)."""


class TooLarge(UnreadableFile):
    """The file exceeds a limit; the message says which, in Swedish."""


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names the column."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"{path.name}: {size / 1e6:.0f} MB, större än gränsen {MAX_FILE_BYTES / 1e6:.0f} MB"
        )


def check_xlsx(path: Path) -> None:
    """Unpacked size and every sheet's extent (declared <dimension> and real cell references)."""
    if path.suffix.lower() == ".xls":
        return  # the old binary format: only its file size is bounded
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_XLSX_UNPACKED_BYTES or len(members) > 10_000:
                raise TooLarge(
                    f"{path.name}: packas upp till {unpacked / 1e6:.0f} MB, större än gränsen "
                    f"{MAX_XLSX_UNPACKED_BYTES / 1e6:.0f} MB"
                )
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    _check_sheet(path, archive, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise TooLarge(f"{path.name}: är ingen läsbar xlsx-fil (trasig zip)") from None


def _check_sheet(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """The sheet's extent within the limits; a quick upper bound first, the exact scan on doubt."""
    if not _may_exceed(archive, member):
        return
    _check_sheet_exactly(path, archive, member)


def _may_exceed(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """False only when the exact scan cannot raise: its rows and columns are at most these.

    _ANY_ROW and _ANY_COLUMN start with a literal, so the regex engine jumps between matches (a leading \\b
    makes it try every byte: ~4x slower on a national roster); it finds every reference the
    exact pattern finds, and maybe more (an attribute name ending in r): an upper bound.
    """
    rows = columns = read = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            text = tail + chunk
            if read > MAX_XLSX_UNPACKED_BYTES:
                return True
            # Every declared extent (the exact scan reads one); `in` skips the regex's slow search.
            for declared in _DIMENSION.finditer(text) if b"dimension" in text else ():
                last_col = declared.group(3) or declared.group(1)
                rows = max(rows, int(declared.group(4) or declared.group(2)))
                columns = max(columns, column_number(last_col))
            if not (_LONG_ROW.search(text) or _WIDE_COLUMN.search(text)):
                # No reference has a row of 6+ digits or a column of 2+ letters: rows and
                # columns are at most these (the sheets of most exports; no list of every
                # reference, which costs ~20 ms on a roster of a thousand employments).
                rows, columns = max(rows, _SHORT_ROWS), max(columns, _NARROW_COLUMNS)
            elif numbers := _ANY_ROW.findall(text):
                rows = max(rows, max(map(int, set(numbers))))
                columns = max(
                    [columns, *(column_number(c) for c in set(_ANY_COLUMN.findall(text)))]
                )
            if _exceeds(rows, columns):
                return True
            tail = text[-64:]
    return False


def _check_sheet_exactly(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    rows = columns = 0
    read = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > MAX_XLSX_UNPACKED_BYTES:
                raise TooLarge(f"{path.name}: bladet packas upp till mer än gränsen")
            text = tail + chunk
            if not rows and (declared := _DIMENSION.search(text)):
                last_col, last_row = (
                    declared.group(3) or declared.group(1),
                    declared.group(4) or declared.group(2),
                )
                rows, columns = int(last_row), column_number(last_col)
                _check_extent(path, member, rows, columns, "anger")
            refs = _CELL_REF.findall(text)  # one pass in C; the maxima over distinct values
            if refs:
                letters, numbers = zip(*refs, strict=True)
                rows = max(rows, max(map(int, set(numbers))))
                columns = max([columns, *(column_number(c) for c in set(letters) if c)])
            _check_extent(path, member, rows, columns, "har celler på")
            tail = text[-64:]


def _exceeds(rows: int, columns: int) -> bool:
    return rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS


def _check_extent(path: Path, member: zipfile.ZipInfo, rows: int, columns: int, verb: str) -> None:
    if _exceeds(rows, columns):
        sheet = Path(member.filename).stem
        raise TooLarge(
            f"{path.name}: {sheet} {verb} {rows} rader × {columns} kolumner; gränsen är "
            f"{MAX_ROWS} rader, {MAX_COLUMNS} kolumner och {MAX_CELLS} celler"
        )
