"""The private store: history per kommun and period, quarantine and lineage. Only refresh writes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from schemas.model import Table
from schemas.tables import HISTORY_TABLES, STORE_TABLES

STORE_NAME = "store.duckdb"


@dataclass(frozen=True)
class StagedTable:
    """Validated rows of one table from one file, written as parquet by the extract step."""

    table: str
    kommun_code: str
    period: str
    parquet: Path
    # Extra key columns that scope the replacement, e.g. one survey of the period:
    # (("survey_id", "rummet"), ("respondent_role", "manager")).
    partition: tuple[tuple[str, str], ...] = ()


def history_table(name: str) -> str:
    return f"hist_{name}"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every store table from its declaration in schemas/ (types and comments)."""
    tables: list[tuple[str, Table]] = [(history_table(n), t) for n, t in HISTORY_TABLES.items()]
    tables += list(STORE_TABLES.items())
    for name, table in tables:
        con.execute(table.ddl(name))
        for f in table.fields:  # a store from an older release gains the new columns
            con.execute(f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {f.name} {f.sql_type}")
        _relax_not_null(con, name, table)
        for statement in table.comment_statements(name):
            con.execute(statement)


def _relax_not_null(con: duckdb.DuckDBPyConnection, name: str, table: Table) -> None:
    """A column an older release declared NOT NULL may now be empty on some rows."""
    strict = {
        c
        for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT is_nullable",
            [name],
        ).fetchall()
    }
    for f in table.fields:
        if f.name in strict and not f.not_null and f.name not in table.primary_key:
            con.execute(f"ALTER TABLE {name} ALTER COLUMN {f.name} DROP NOT NULL")


def copy_store(store: Path, work_copy: Path) -> None:
    """The refresh writes a copy; the real store is replaced only when everything succeeded."""
    if store.exists():
        shutil.copyfile(store, work_copy)


def load_history(con: duckdb.DuckDBPyConnection, staged: Iterable[StagedTable]) -> dict[str, int]:
    """Replace each (kommun, period[, partition]) in history with the staged rows, in one transaction."""
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        replaced: set[tuple] = set()
        for item in staged:
            target = history_table(item.table)
            key = (target, item.kommun_code, item.period, item.partition)
            if key not in replaced:
                scope = "".join(f" AND {column} = ?" for column, _ in item.partition)
                con.execute(
                    f"DELETE FROM {target} WHERE kommun_code = ? AND period_date = ?{scope}",
                    [item.kommun_code, item.period, *(value for _, value in item.partition)],
                )
                replaced.add(key)
            con.execute(
                f"INSERT INTO {target} BY NAME SELECT * FROM read_parquet(?)", [str(item.parquet)]
            )
            counts[target] = counts.get(target, 0) + len(pd.read_parquet(item.parquet, columns=[]))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts


def upsert_rows(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: tuple[str, ...] = ()
) -> None:
    """Insert rows; rows with the same key are replaced."""
    if frame.empty:
        return
    con.register("incoming", frame)
    try:
        if key:
            match = " AND ".join(f"{table}.{k} = incoming.{k}" for k in key)
            con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM incoming WHERE {match})")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")
