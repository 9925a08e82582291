"""`chefskartan export`: a kommun's published marts as XLSX, CSV or Parquet, typed and inert.

Numbers stay numbers, dates stay dates, hidden figures stay empty (never 0) and every row of a
mart with a suppression flag gets a `dolt` column saying whether its figures are hidden. Text
that a spreadsheet could run as a formula is escaped by dashboards/inert.py (CSV and XLSX;
Parquet is typed data that no spreadsheet evaluates).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards.inert import RISKY_FIRST, inert, inert_text
from schemas.marts import MARTS
from schemas.model import Field, Table, sql_literal

FORMATS = ("xlsx", "csv", "parquet")
HIDDEN_COLUMN = "dolt"
HIDDEN_LABEL = "Dolda siffror"
UNITS_IN_HEADER = {"text", "kod", "datum", "ja/nej", "varierar"}  # not worth a "(unit)"
DATE_FORMAT = {"DATE": "yyyy-mm-dd", "TIMESTAMP": "yyyy-mm-dd hh:mm"}


class ExportError(Exception):
    """Bad arguments (message in Swedish)."""


@dataclass(frozen=True)
class Column:
    """One exported column: the SQL giving it, its header and type."""

    sql: str
    header: str
    sql_type: str


def header(f: Field, swedish: bool) -> str:
    if not swedish or not f.label:
        return f.name
    plain = not f.unit or f.unit in UNITS_IN_HEADER or f.unit.lower() in f.label.lower()
    return f.label if plain else f"{f.label} ({f.unit})"


def sheet_name(mart: Table, swedish: bool) -> str:
    """Excel allows 31 characters; the Swedish labels are unique within that (tested)."""
    return (mart.label if swedish and mart.label else mart.name)[:31]


def hidden_flag_sql(mart: Table) -> str | None:
    """SQL true when the row's figures are hidden, from the mart's own suppression flags."""
    names = mart.column_names
    if "is_suppressed" in names:
        return "is_suppressed"
    if "is_shown" in names:
        return "NOT is_shown"
    flags = [n for n in names if n.endswith("_suppressed")]
    return " OR ".join(flags) if flags else None


def columns(mart: Table, swedish: bool, escape: bool) -> list[Column]:
    cols = []
    for f in mart.fields:
        sql = _inert_sql(f.name) if escape and f.sql_type == "VARCHAR" else f.name
        cols.append(Column(sql, header(f, swedish), f.sql_type))
    flag = hidden_flag_sql(mart)
    if flag is not None:
        cols.append(
            Column(
                f"coalesce({flag}, false)", HIDDEN_LABEL if swedish else HIDDEN_COLUMN, "BOOLEAN"
            )
        )
    return cols


def _inert_sql(column: str) -> str:
    """inert_text on the values that need it (a Python call per value would be slow)."""
    risky = ", ".join(sql_literal(c) for c in RISKY_FIRST)
    return f"CASE WHEN left({column}, 1) IN ({risky}) THEN inert({column}) ELSE {column} END"


def select_sql(mart: Table, cols: list[Column]) -> str:
    listed = ", ".join(f'{c.sql} AS "{c.header.replace(chr(34), chr(34) * 2)}"' for c in cols)
    order = ", ".join(mart.primary_key) or "ALL"
    return f"SELECT {listed} FROM pub.{mart.name} ORDER BY {order}"


def choose_marts(present: set[str], names: list[str] | None) -> list[Table]:
    known = {m.name: m for m in MARTS}
    if names:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ExportError(
                f"Okända marts: {', '.join(unknown)}. Välj bland: {', '.join(known)}."
            )
        return [known[n] for n in names if n in present]
    return [m for m in MARTS if m.name in present]


def open_published(database: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the published file attached read-only as `pub`."""
    con = duckdb.connect()
    con.execute(f"ATTACH {sql_literal(str(database))} AS pub (READ_ONLY)")
    con.create_function("inert", inert_text, ["VARCHAR"], "VARCHAR")
    return con


def export(
    database: Path, out: Path, fmt: str, marts: list[str] | None = None, swedish: bool = False
) -> list[Path]:
    """Write the marts of `database` to `out` in `fmt`; returns the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"Okänt format {fmt!r}: välj {', '.join(FORMATS)}.")
    out.mkdir(parents=True, exist_ok=True)
    con = open_published(database)
    try:
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'pub'"
            ).fetchall()
        }
        chosen = choose_marts(present, marts)
        if fmt == "xlsx":
            return [write_xlsx(con, chosen, out / f"{database.stem}.xlsx", swedish)]
        return [write_file(con, m, out, fmt, swedish) for m in chosen]
    finally:
        con.close()


def write_file(
    con: duckdb.DuckDBPyConnection, mart: Table, out: Path, fmt: str, swedish: bool
) -> Path:
    """One mart as CSV (UTF-8 with BOM, comma, ISO dates) or Parquet, by DuckDB's COPY."""
    path = out / f"{mart.name}.{fmt}"
    query = select_sql(mart, columns(mart, swedish, escape=fmt == "csv"))
    options = "FORMAT csv, HEADER true, DELIMITER ','" if fmt == "csv" else "FORMAT parquet"
    tmp = path.with_suffix(path.suffix + ".tmp")
    con.execute(f"COPY ({query}) TO {sql_literal(str(tmp))} ({options})")
    if fmt == "csv":  # a BOM, so that Excel reads the file as UTF-8 (å, ä, ö)
        tmp.write_bytes(b"\xef\xbb\xbf" + tmp.read_bytes())
    tmp.replace(path)
    return path


def write_xlsx(
    con: duckdb.DuckDBPyConnection, marts: list[Table], path: Path, swedish: bool
) -> Path:
    """A sheet per mart: header row frozen and bold, widths from the content, typed cells."""
    book = Workbook()
    book.remove(book.active)
    for mart in marts:
        cols = columns(mart, swedish, escape=False)
        ws = book.create_sheet(sheet_name(mart, swedish))
        ws.append([inert_text(c.header) for c in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        rows = con.execute(select_sql(mart, cols)).fetchall()
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        for index, c in enumerate(cols, start=1):
            letter = get_column_letter(index)
            if c.sql_type in DATE_FORMAT:
                for cell in ws[letter][1:]:
                    cell.number_format = DATE_FORMAT[c.sql_type]
            elif c.sql_type == "VARCHAR":
                for cell in ws[letter][1:]:
                    if cell.value is not None:
                        cell.data_type = "s"  # never a formula, whatever the text
            ws.column_dimensions[letter].width = _width(
                c.header, [r[index - 1] for r in rows[:200]]
            )
        ws.freeze_panes = "A2"
    tmp = path.with_suffix(".xlsx.tmp")
    book.save(tmp)
    tmp.replace(path)
    return path


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    return inert(value)


def _width(head: str, values: list[object]) -> float:
    longest = max([len(head), *(len(str(v)) for v in values if v is not None)])
    return float(min(max(longest + 2, 8), 60))


def cli_main(
    warehouse: Path, kommun: str, fmt: str, out: Path, marts: list[str] | None, swedish: bool
) -> int:
    """The command: find the kommun's file, export, list what was written."""
    from pipelines.analyst.published import NoPublishedFile, published_file

    try:
        files = export(published_file(warehouse, kommun), out, fmt, marts, swedish)
    except (NoPublishedFile, ExportError) as exc:
        print(f"chefskartan export: {exc}", file=sys.stderr)
        return 1
    for path in files:
        print(f"Skrev {path}")
    return 0
