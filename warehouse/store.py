"""The private store: history per kommun and period, quarantine and lineage. Only refresh writes it."""

from __future__ import annotations

import os
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


class StoreUnreadable(Exception):
    """The store cannot be opened even without its write-ahead log."""


def wal_of(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def checkpoint_store(store: Path, refresh_id: str) -> str | None:
    """Fold a leftover write-ahead log into the store; set a stale one aside.

    The refresh never writes the live store in place, so a .wal beside it comes from a crash
    in an older release or from another program. One that matches is checkpointed (its
    changes kept); one that does not (DuckDB: "WAL does not match") is moved to
    `store.duckdb.wal.stale-<refresh id>` and the store opened without it. Returns a note for
    the report, or None when there was no .wal.
    """
    wal = wal_of(store)
    if not store.exists() or not wal.exists():
        return None
    try:
        _checkpoint(store)
        return None
    except duckdb.Error:
        aside = wal.with_name(f"{wal.name}.stale-{refresh_id}")
        os.replace(wal, aside)
    try:
        _checkpoint(store)
    except duckdb.Error as exc:
        raise StoreUnreadable(
            f"Lagret {store} kan inte öppnas ({type(exc).__name__}); återställ det från en "
            "säkerhetskopia eller bygg om det från archive/."
        ) from exc
    return f"varning: en gammal loggfil bredvid lagret stämde inte och lades åt sidan: {aside.name}"


def _checkpoint(database: Path) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def copy_store(store: Path, work_copy: Path) -> None:
    """The refresh writes a copy; the real store is replaced only when everything succeeded.

    The caller has checkpointed the store (checkpoint_store), so the file alone is complete.
    """
    if store.exists():
        shutil.copyfile(store, work_copy)
        work_copy.chmod(0o600)


def replace_store(work_copy: Path, store: Path) -> None:
    """Swap a closed, checkpointed copy in as the store; no .wal may ever pair with it."""
    if wal_of(work_copy).exists():
        _checkpoint(work_copy)
    work_copy.chmod(0o600)
    fd = os.open(work_copy, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    live_wal = wal_of(store)
    if live_wal.exists():  # belongs to the file being replaced; it must not meet the new one
        os.replace(live_wal, live_wal.with_name(f"{live_wal.name}.stale-{work_copy.parent.name}"))
    os.replace(work_copy, store)


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
