"""The private store: history per kommun and period, quarantine and lineage. Only refresh writes it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
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
    """Create every store table from its declaration in schemas/ (types and comments).

    One transaction, and only the statements that change something: a store that is already
    up to date costs one catalogue query, not ~600 auto-committed statements.
    """
    tables: list[tuple[str, Table]] = [(history_table(n), t) for n, t in HISTORY_TABLES.items()]
    tables += list(STORE_TABLES.items())
    where = "WHERE database_name = current_database() AND schema_name = 'main'"
    columns = {
        (t, c): (nullable, comment)
        for t, c, nullable, comment in con.execute(
            f"SELECT table_name, column_name, is_nullable, comment FROM duckdb_columns() {where}"
        ).fetchall()
    }
    table_comments = dict(
        con.execute(f"SELECT table_name, comment FROM duckdb_tables() {where}").fetchall()
    )
    con.execute("BEGIN TRANSACTION")
    try:
        for name, table in tables:
            _ensure_table(con, name, table, columns, table_comments)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _ensure_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: Table,
    columns: dict[tuple[str, str], tuple[bool, str | None]],
    table_comments: dict[str, str | None],
) -> None:
    if name not in table_comments:
        con.execute(table.ddl(name))
    statements = table.comment_statements(name)
    if table_comments.get(name) != _comment_text(statements[0]):
        con.execute(statements[0])
    for f, statement in zip(table.fields, statements[1:], strict=True):
        known = columns.get((name, f.name))
        if known is None and name in table_comments:  # a store from an older release
            con.execute(f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {f.name} {f.sql_type}")
        if (
            known is not None
            and not known[0]
            and not f.not_null
            and f.name not in table.primary_key
        ):
            # a column an older release declared NOT NULL may now be empty on some rows
            con.execute(f"ALTER TABLE {name} ALTER COLUMN {f.name} DROP NOT NULL")
        if known is None or known[1] != f.comment:
            con.execute(statement)


def _comment_text(statement: str) -> str:
    """The text a COMMENT ON ... IS '...' statement sets."""
    literal = statement.split(" IS ", 1)[1]
    return literal[1:-1].replace("''", "'")


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
    """Replace each (kommun, period[, partition]) in history with the staged rows.

    One DELETE per history table and partition shape and one INSERT per batch of files, not a
    statement per file: at national scale a statement per file (2,000+ files) scanned each
    table again and again. Not one transaction: DuckDB keeps a table's deleted and re-inserted
    primary keys (hist_survey_answer's) in memory until the commit, and replacing every
    partition of the national store ran out of memory at the 1GB limit. `con` is the refresh's
    private copy of the store, replaced whole only at publish, so a failure half way leaves
    nothing behind: each table's deletes commit first, then its rows in batches of at most
    ROWS_PER_COMMIT.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[StagedTable]] = {}
    for item in staged:
        shape = tuple(column for column, _ in item.partition)
        groups.setdefault((history_table(item.table), shape), []).append(item)
    # every file's footer first: one that is no parquet fails before anything is deleted
    rows = _row_counts(con, [item for items in groups.values() for item in items])
    for (target, shape), items in groups.items():
        with _transaction(con):
            _delete_keys(con, target, shape, items)
    counts: dict[str, int] = {}
    for (target, _), items in groups.items():
        for batch in _batches(items, rows):
            with _transaction(con):
                (inserted,) = con.execute(
                    f"INSERT INTO {target} BY NAME "
                    "SELECT * FROM read_parquet(?, union_by_name = true)",
                    [[str(item.parquet) for item in batch]],
                ).fetchone()
            counts[target] = counts.get(target, 0) + inserted
    return counts


# Rows inserted per commit: bounds what one transaction holds (its rows and their keys).
ROWS_PER_COMMIT = 500_000


def _row_counts(con: duckdb.DuckDBPyConnection, items: list[StagedTable]) -> dict[str, int]:
    """Rows per staged file, from the parquet footers."""
    if not items:
        return {}
    return dict(
        con.execute(
            "SELECT file_name, num_rows FROM parquet_file_metadata(?)",
            [[str(item.parquet) for item in items]],
        ).fetchall()
    )


def _batches(items: list[StagedTable], rows: dict[str, int]) -> Iterator[list[StagedTable]]:
    """The staged files in runs of at most ROWS_PER_COMMIT rows (a larger file alone)."""
    batch: list[StagedTable] = []
    total = 0
    for item in items:
        n = rows.get(str(item.parquet), 0)
        if batch and total + n > ROWS_PER_COMMIT:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += n
    if batch:
        yield batch


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A transaction; on failure the original error, not the one a failed ROLLBACK raises
    (after an out-of-memory at commit DuckDB invalidates the database and refuses ROLLBACK)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except Exception:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def _delete_keys(
    con: duckdb.DuckDBPyConnection, target: str, shape: tuple[str, ...], items: list[StagedTable]
) -> None:
    """Delete the rows of every (kommun, period, *partition) the items replace, in one statement."""
    keys = sorted({(i.kommun_code, i.period, *(v for _, v in i.partition)) for i in items})
    columns = ("kommun_code", "period_date", *shape)
    frame = pd.DataFrame(keys, columns=list(columns), dtype="string")
    match = " AND ".join(f"{target}.{c} = replaced.{c}" for c in columns)
    con.register("replaced_frame", frame)
    try:
        cast = ", ".join(f"CAST({c} AS DATE) AS {c}" if c == "period_date" else c for c in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE replaced AS SELECT {cast} FROM replaced_frame")
        con.execute(f"DELETE FROM {target} USING replaced WHERE {match}")
    finally:
        con.unregister("replaced_frame")
        con.execute("DROP TABLE IF EXISTS temp.main.replaced")


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
