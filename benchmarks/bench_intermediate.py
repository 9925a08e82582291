"""Intermediate SQL benchmark: wall and CPU of each statement of run_intermediate on a store.

Runs every statement of warehouse/sql/intermediate/*.sql, then the disclosure inputs' sorts,
into a fresh work database next to a copy of the store, with the refresh's DuckDB settings.
CPU is this process's (DuckDB's threads included); compare CPU, not wall, on a shared machine.
Usage: python benchmarks/bench_intermediate.py STORE.duckdb  (the store is copied, never written)

Measured 2026-12-01 on the national store (290 kommuner, 874k employments), 2 cores, load
average 7-15 (other helpers' work), CPU s:
  int_scope_hours   10.8 -> 8.1 in full runs; alternating A/B of that statement alone
                    (threads 2, load ~14): 10.9, 9.7 -> 5.5, 5.5 (people with hours in one unit
                    are no longer grouped per scope)
  all statements    61.3 -> 54.6 (the rest unchanged; their numbers vary +-15% with the load)
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from warehouse.intermediate import (  # noqa: E402
    DISCLOSURE_INPUTS,
    SQL_DIR,
    duckdb_config,
    intermediate_statements,
)


def timed(con: duckdb.DuckDBPyConnection, label: str, sql: str) -> float:
    wall, cpu = time.perf_counter(), os.times()
    con.execute(sql)
    after = os.times()
    spent = after.user + after.system - cpu.user - cpu.system
    print(f"{label:50} wall {time.perf_counter() - wall:7.2f}  cpu {spent:7.2f}", flush=True)
    return spent


def main(store: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_intermediate") as tmp:
        copy = Path(shutil.copy(store, Path(tmp) / "store.duckdb"))
        con = duckdb.connect(str(copy), config=duckdb_config(Path(tmp) / "spill"))
        con.execute(f"ATTACH '{Path(tmp) / 'inter.duckdb'}' AS inter")
        con.execute("USE inter")
        con.execute("SET search_path = 'inter.main,store.main'")
        con.execute("SET enable_progress_bar = false")
        files = sorted((SQL_DIR / "intermediate").glob("*.sql"))
        total = 0.0
        for sql_file, sql in zip(files, intermediate_statements(temp=False), strict=True):
            for i, statement in enumerate(con.extract_statements(sql)):
                name = re.search(r"(TABLE|MACRO|VIEW)\s+(\w+)", statement.query)
                label = f"{sql_file.name}:{i} {name.group(2) if name else ''}"
                total += timed(con, label, statement.query)
        for table in DISCLOSURE_INPUTS:
            sort = f"CREATE OR REPLACE TABLE {table} AS FROM {table} ORDER BY ALL"
            total += timed(con, f"sort {table}", sort)
        print(f"{'total':50} cpu {total:7.2f}  load {os.getloadavg()[0]:.1f}")
        con.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
