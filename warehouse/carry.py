"""A survey-only build: the marts no survey feeds are carried from the live publication, not rebuilt.

When the fast path loads a survey export alone, its kommun's HR history is the one the live
publication was built from, so the HR marts (span of control, roll-up, sick leave, plans, ...)
and sick-leave disclosure control would come out as published: their rows are copied instead.
Which marts a survey feeds is read from the marts' SQL (a survey table or a mart built on one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from schemas.marts import MARTS
from schemas.model import Table, sql_literal

SURVEY_INPUT = re.compile(r"\b(?:hist|int|mart)_survey_\w+")
# Rebuilt by every load whatever it holds: the files loaded and the checks' findings.
ALWAYS_BUILT = {"mart_refresh_log", "mart_data_quality"}
# The rows of mart_disclosure_report that sick-leave disclosure control (not a survey) produces.
SICK_LEAVE_REPORT_MARTS = ("mart_span_of_control", "mart_sick_leave")


def survey_fed(marts: Iterable[Table], sql_of) -> set[str]:  # type: ignore[no-untyped-def]
    """Marts whose SQL reads a survey table, or a mart that does (MARTS is in build order)."""
    fed: set[str] = set()
    for mart in marts:
        sql = sql_of(mart)
        if SURVEY_INPUT.search(sql) or any(re.search(rf"\b{name}\b", sql) for name in fed):
            fed.add(mart.name)
    return fed


def carried_marts(sql_of) -> set[str]:  # type: ignore[no-untyped-def]
    """Kommun marts a survey-only build copies from the live publication."""
    fed = survey_fed(MARTS, sql_of)
    return {
        m.name
        for m in MARTS
        if "kommun_code" in m.column_names and m.name not in fed | ALWAYS_BUILT
    }


def prepare(con: duckdb.DuckDBPyConnection, live: str) -> None:
    """Attach the live combined file as `live`; sick-leave protection is carried, not computed."""
    con.execute(f"ATTACH {sql_literal(live)} AS live (READ_ONLY)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE int_sick_leave_protection (kommun_code VARCHAR, "
        "period_date DATE, cell_kind VARCHAR, suppression VARCHAR)"
    )


def copy_rows(con: duckdb.DuckDBPyConnection, mart: Table, kommuner: Iterable[str]) -> None:
    """The mart's (empty, from the template) table in `pub` filled with the kommuner's rows
    as the live publication has them."""
    codes = ", ".join(sql_literal(k) for k in sorted(kommuner))
    con.execute(
        f"INSERT INTO {mart.name} BY NAME SELECT * FROM live.main.{mart.name} "
        f"WHERE kommun_code IN ({codes})"
    )


def copy_sick_leave_report(con: duckdb.DuckDBPyConnection, kommuner: Iterable[str]) -> None:
    """mart_disclosure_report's sick-leave rows, as published (its survey rows were built)."""
    codes = ", ".join(sql_literal(k) for k in sorted(kommuner))
    marts = ", ".join(sql_literal(m) for m in SICK_LEAVE_REPORT_MARTS)
    con.execute(
        "INSERT INTO mart_disclosure_report BY NAME SELECT * FROM live.main.mart_disclosure_report "
        f"WHERE kommun_code IN ({codes}) AND mart IN ({marts})"
    )
