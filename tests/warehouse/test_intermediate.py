"""The intermediates disclosure control reads are stored in one fixed order."""

from __future__ import annotations

from pathlib import Path

import duckdb

from schemas.model import sql_literal
from warehouse.intermediate import DISCLOSURE_INPUTS, run_intermediate


def test_disclosure_inputs_are_stored_sorted(demo_warehouse: Path) -> None:
    """Computed on several threads, each disclosure input reads back in ORDER BY ALL order."""
    con = duckdb.connect(config={"threads": 4})
    try:
        store = demo_warehouse / "store.duckdb"
        con.execute(f"ATTACH {sql_literal(str(store))} AS store (READ_ONLY)")
        con.execute("SET search_path = 'store.main'")
        run_intermediate(con)
        for name in DISCLOSURE_INPUTS:
            stored = con.execute(f"FROM temp.main.{name}").fetchall()
            ordered = con.execute(f"FROM temp.main.{name} ORDER BY ALL").fetchall()
            assert stored == ordered, name
        # one row per survey table, measure and cell: survey_inputs reads them without DISTINCT
        rows, keys = con.execute(
            "SELECT count(*), count(DISTINCT (kommun_code, period_date, survey_id, "
            "respondent_role, measure_id, cell_id)) FROM int_survey_cell"
        ).fetchone()
        assert rows == keys > 1000
    finally:
        con.close()
