"""Disclosure inputs sorted on a key are stored in exactly the order ORDER BY ALL gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from schemas.model import sql_literal
from warehouse.intermediate import DISCLOSURE_INPUTS, SORT_KEYS, run_intermediate


@pytest.fixture(scope="module")
def intermediates(demo_warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": 1})  # as build.py reads them: in stored order
    con.execute(f"ATTACH {sql_literal(str(demo_warehouse / 'store.duckdb'))} AS store (READ_ONLY)")
    con.execute("SET search_path = 'store.main'")
    run_intermediate(con)
    return con


@pytest.mark.parametrize("table", sorted(SORT_KEYS))
def test_the_sort_key_is_unique(intermediates: duckdb.DuckDBPyConnection, table: str) -> None:
    key = ", ".join(SORT_KEYS[table])
    rows, keys = intermediates.execute(
        f"SELECT count(*), count(DISTINCT ({key})) FROM {table}"
    ).fetchone()
    assert rows > 0
    assert keys == rows, f"{table}: ({key}) is not unique, so it cannot stand in for ORDER BY ALL"


@pytest.mark.parametrize("table", sorted(SORT_KEYS))
def test_a_table_sorted_on_its_key_is_in_the_order_of_all_its_columns(
    intermediates: duckdb.DuckDBPyConnection, table: str
) -> None:
    assert table in DISCLOSURE_INPUTS
    stored = intermediates.execute(f"FROM {table}").fetchall()
    assert stored == intermediates.execute(f"FROM {table} ORDER BY ALL").fetchall()
