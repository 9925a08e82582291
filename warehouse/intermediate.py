"""The intermediate tables, computed once per refresh into a work database that checks and build share.

The load step's checks compute them (warehouse/checks.py) into `intermediate.duckdb` in the
refresh's work folder; the build attaches that file instead of running the SQL again. A refresh
may be scoped to some kommuner (the survey fast path): the store's tables are then read through
TEMP views that keep only those kommuner's rows, in the checks and the build alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from schemas.model import sql_literal
from schemas.tables import HISTORY_TABLES, STORE_TABLES

SQL_DIR = Path(__file__).parent / "sql"
INTERMEDIATE_NAME = "intermediate.duckdb"
SCOPE_TABLE = "build_scope"
# What disclosure control reads. Its choice of secondary suppressions depends on the order rows
# arrive in, and DuckDB's parallel joins and aggregates store rows in no fixed order: the same
# data gave different hidden cells from run to run. Stored sorted and read on one thread
# (build.py), the same data always gives the same published figures.
DISCLOSURE_INPUTS = (
    "int_unit_tree",
    "int_unit_ancestor",
    "int_scope_unit",
    "int_manager_scope_unit",
    "int_sick_leave_atom",
    "int_survey_table",
    "int_survey_cell",
    "int_survey_atom",
    "int_survey_atom_bound",
)
# Sorted on fewer columns where that is the same order as ORDER BY ALL: int_survey_cell has one
# row per key (tests/warehouse/test_intermediate.py) and its measure_type and measure_ref are
# parts of measure_id (national: 8.6 -> 6.8 CPU s of its 3.2M rows' sort).
SORT_KEYS = {
    "int_survey_cell": "kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id",
}
# DuckDB's buffer limit per connection: beyond it, intermediates spill to the work folder
# instead of growing the process (the build held ~3 GiB at national scale before). Operators
# whose state does not spill (list and ordered aggregates: mart_span_rollup had two, and ran the
# national build out of memory at 1GB) must stay off large inputs. DuckDB's process holds its
# buffers on top of Python's few hundred MiB (and a temporary Prefect server beside it): at 1GB
# the national CLI refresh's tree peaked at 1.8 GiB, at 512MB at 1.36-1.47 GiB in the marts, at
# 384MB at 1.31 GiB in disclosure (the marts' process 1,147 -> 1,020 MiB) in the same wall time.
# 256MB also builds it, but the load's checks spill enough to take twice as long (41 -> 91 s).
MEMORY_LIMIT = os.environ.get("CHEFSKARTAN_DUCKDB_MEMORY", "384MB")


def duckdb_config(spill: Path | None, share: int = 1) -> dict[str, str]:
    """Settings for the refresh's own connections: bounded memory, spilling, the cores we have.

    `share` > 1: one of that many DuckDB instances running at once, which split the memory
    limit between them and run on one thread each.
    """
    config = {"memory_limit": MEMORY_LIMIT, "threads": str(len(os.sched_getaffinity(0)))}
    if share > 1:
        config = {"memory_limit": divide_memory(MEMORY_LIMIT, share), "threads": "1"}
    if spill is not None:
        config["temp_directory"] = str(spill)
    return config


def divide_memory(limit: str, parts: int) -> str:
    """A DuckDB memory size ('1GB', '512MiB') divided by `parts`, in KiB (as given if unreadable)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMGT]?)(i?)B?\s*", limit, re.IGNORECASE)
    if not match:
        return limit
    number, unit, binary = match.groups()
    size = float(number) * (1024 if binary else 1000) ** "_KMGT".index(unit.upper() or "_")
    return f"{int(size / parts / 1024)}KiB"


def scoped_tables() -> list[str]:
    """Store tables holding kommun rows: the ones a scoped refresh filters."""
    names = [f"hist_{n}" for n, t in HISTORY_TABLES.items() if "kommun_code" in t.column_names]
    return names + [n for n, t in STORE_TABLES.items() if "kommun_code" in t.column_names]


def create_scope_views(
    con: duckdb.DuckDBPyConnection, catalog: str, kommuner: Iterable[str]
) -> None:
    """TEMP views named as the store's tables, with only `kommuner`' rows (temp names win)."""
    codes = ", ".join(sql_literal(k) for k in sorted(kommuner))
    for name in scoped_tables():
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {name} AS "
            f"SELECT * FROM {catalog}.main.{name} WHERE kommun_code IN ({codes})"
        )


def drop_scope_views(con: duckdb.DuckDBPyConnection) -> None:
    for name in scoped_tables():
        con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")


def intermediate_statements(temp: bool) -> Iterator[str]:
    """The intermediate SQL files in order; persisted (not TEMP) when written to a work file."""
    for sql_file in sorted((SQL_DIR / "intermediate").glob("*.sql")):
        sql = sql_file.read_text(encoding="utf-8")
        yield sql if temp else sql.replace("CREATE OR REPLACE TEMP ", "CREATE OR REPLACE ")


def run_intermediate(con: duckdb.DuckDBPyConnection, temp: bool = True) -> None:
    """Create the intermediate tables (unit tree, managers, staff) the marts and checks use."""
    for sql in intermediate_statements(temp):
        con.execute(sql)
    for name in DISCLOSURE_INPUTS:
        kind = "TEMP TABLE" if temp else "TABLE"
        order = SORT_KEYS.get(name, "ALL")
        con.execute(f"CREATE OR REPLACE {kind} {name} AS FROM {name} ORDER BY {order}")


@contextmanager
def intermediate_in(
    con: duckdb.DuckDBPyConnection, database: Path, kommuner: Iterable[str] | None
) -> Iterator[None]:
    """Within the block, `con` (opened on the store) sees the intermediates, written to `database`.

    The file records the scope it was computed for, so the build reuses it only for the same.
    """
    catalog = con.execute("SELECT current_database()").fetchone()[0]
    scope = sorted(kommuner) if kommuner is not None else None
    con.execute(f"ATTACH {sql_literal(str(database))} AS inter")
    try:
        if scope is not None:
            create_scope_views(con, catalog, scope)
        con.execute("USE inter")
        con.execute(f"SET search_path = 'inter.main,{catalog}.main'")
        run_intermediate(con, temp=False)
        # written last: a file without it is incomplete and never reused
        con.execute(f"CREATE OR REPLACE TABLE {SCOPE_TABLE} (kommuner VARCHAR[])")
        con.execute(f"INSERT INTO {SCOPE_TABLE} VALUES (?)", [scope])
        yield
    finally:
        con.execute(f"USE {catalog}")
        con.execute("RESET search_path")
        drop_scope_views(con)
        con.execute("DETACH inter")


def recorded_scope(database: Path) -> tuple[bool, list[str] | None]:
    """(complete, scope) of an intermediate file: scope None means every kommun."""
    if not database.exists():
        return False, None
    con = duckdb.connect(str(database), read_only=True)
    try:
        recorded = con.execute(f"SELECT kommuner FROM {SCOPE_TABLE}").fetchall()
    except duckdb.Error:
        return False, None
    finally:
        con.close()
    return (True, recorded[0][0]) if len(recorded) == 1 else (False, None)


def computed_for(database: Path, kommuner: Iterable[str] | None) -> bool:
    """Whether `database` holds complete intermediates for exactly this scope."""
    complete, scope = recorded_scope(database)
    return complete and scope == (sorted(kommuner) if kommuner is not None else None)
