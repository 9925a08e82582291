"""Published files open in the analysts' older tools: no key constraints, keys checked at build."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from schemas.marts import MART_KOMMUN
from warehouse.build import MartMismatch, check_unique_key, create_mart


def test_published_files_carry_no_key_constraint_that_duckdb_1_0_cannot_read(
    demo_published_db: Path,
) -> None:
    for path in (demo_published_db, demo_published_db.parent / "kommun_1231.duckdb"):
        with duckdb.connect(str(path), read_only=True) as con:
            kinds = {
                k
                for (k,) in con.execute(
                    "SELECT constraint_type FROM duckdb_constraints()"
                ).fetchall()
            }
        assert "PRIMARY KEY" not in kinds and "NOT NULL" in kinds, path.name


def test_the_build_refuses_a_mart_whose_key_repeats() -> None:
    with duckdb.connect() as con:
        con.execute(MART_KOMMUN.ddl(with_primary_key=False))
        row = "('1262', 'Lomma', 30, 5, '1520')"
        con.execute(f"INSERT INTO mart_kommun VALUES {row}")
        check_unique_key(con, MART_KOMMUN)
        con.execute(f"INSERT INTO mart_kommun VALUES {row}")
        with pytest.raises(MartMismatch, match="mart_kommun: 1 keys"):
            check_unique_key(con, MART_KOMMUN)


def test_a_mart_that_fails_to_build_is_named_in_the_error() -> None:
    # DuckDB's own message (an out-of-memory stop at national scale) does not say which mart
    query = (
        "SELECT '1262' AS kommun_code, CAST(error('boom') AS VARCHAR) AS kommun_name, "
        "30 AS span_threshold, 5 AS anonymity_k, '1520' AS support_aid_prefixes"
    )
    with (
        duckdb.connect() as con,
        pytest.raises(duckdb.InvalidInputException, match="^mart_kommun: .*boom"),
    ):
        create_mart(con, MART_KOMMUN, query)
