"""Survey protection's inputs, read from DuckDB one kommun at a time, and their fingerprints.

Each survey table (SURVEY_KEY) is protected from its cells, atoms, bounds and ancestors. They are
read per kommun (so the step holds one kommun's answers at a time, not the country's) as plain
column lists; NULL is None. The cells come in one fixed order (measure, cell: unique per table),
which protection depends on; the other inputs' order does not matter (they are keyed). The
result cache's fingerprints are digests DuckDB computes of each table's rows, in any order.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.disclosure.cache import registered
from warehouse.disclosure.releases import SURVEY_KEY
from warehouse.disclosure.releases import table_key as _key
from warehouse.disclosure.survey_rule import Columns

KEYS = ", ".join(SURVEY_KEY)

QUERIES = {  # name -> (the rows of every survey table, their order within a table)
    # no DISTINCT: int_survey_cell is a survey table's cells x its measures, one row each (a
    # test holds it to that); at national scale DISTINCT was half the digest's 12 CPU s
    "cells": (
        f"SELECT {KEYS}, measure_id, cell_id, parent_cell_id, hierarchy, k FROM int_survey_cell",
        "measure_id, cell_id",
    ),
    "atoms": (f"SELECT {KEYS}, measure_id, atom_unit, atom_group, n FROM int_survey_atom", ""),
    "bounds": (f"SELECT {KEYS}, atom_unit, atom_group, managers FROM int_survey_atom_bound", ""),
    "ancestors": (
        "SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, a.unit_id, "
        "a.ancestor_id FROM int_survey_table s JOIN int_unit_ancestor a "
        "ON a.kommun_code = s.kommun_code AND a.period_date = s.hr_period",
        "",
    ),
}
ANSWERS = (  # every respondent's measures with the batch that published the response
    "FROM int_survey_respondent r "
    f"JOIN int_survey_measure_member mm USING ({KEYS}, response_id) "
    f"JOIN int_survey_response_batch b USING ({KEYS}, response_id)"
)
LAYERS = (  # respondents per survey table, measure, unit x group atom and batch (NULL: new)
    "SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, mm.measure_id, "
    f"r.unit_id AS atom_unit, r.group_name AS atom_group, b.batch, count(*) AS n {ANSWERS} "
    "GROUP BY ALL"
)


def input_digests(con: duckdb.DuckDBPyConnection) -> dict[tuple, str]:
    """Per survey table with cells, a digest of all four inputs' rows (in any order)."""
    parts: dict[tuple, list[str]] = defaultdict(lambda: [""] * len(QUERIES))
    for i, (sql, _) in enumerate(QUERIES.values()):
        for *key, digest in con.execute(_digest_sql(sql)).fetchall():
            parts[_key(key)][i] = digest
    tables = {
        _key(k) for k in con.execute(f"SELECT DISTINCT {KEYS} FROM int_survey_cell").fetchall()
    }
    return {key: "|".join(parts[key]) for key in sorted(tables)}


def batch_digests(con: duckdb.DuckDBPyConnection, now: dict[tuple, int]) -> dict[tuple, str]:
    """Per survey table in `now` (key -> the batch now published), a digest of its answers per
    atom and batch before the batch now published, and of the number of answers in all.

    With the inputs' digest (int_survey_atom: the answers per atom over every batch) this fixes
    the answers per atom and batch, the batch now published and new answers alike as 'now': so a
    result computed before it was recorded stays valid after (all its answers are 'now' both times).
    """
    if not now:
        return {}
    frame = pd.DataFrame([(*key, b) for key, b in now.items()], columns=[*SURVEY_KEY, "now"])
    now_sql = "SELECT * REPLACE (CAST(period_date AS DATE) AS period_date) FROM survey_batch_now"
    with registered(con, "survey_batch_now", frame):
        earlier = con.execute(
            _digest_sql(
                f"SELECT l.* FROM ({LAYERS}) l JOIN ({now_sql}) w USING ({KEYS}) "
                "WHERE l.batch IS NOT NULL AND l.batch < w.now"
            )
        ).fetchall()
        # counted from the answers, not summed over LAYERS: its per-atom groups are not needed
        # here, and on two threads at a 256MB limit their hash table ran out of memory
        totals = con.execute(
            f"SELECT r.{', r.'.join(SURVEY_KEY)}, count(*) {ANSWERS} "
            f"JOIN ({now_sql}) w USING ({KEYS}) GROUP BY ALL"
        ).fetchall()
    digests = {_key(key): digest for *key, digest in earlier}
    return {_key(key): f"{digests.get(_key(key), '')}:{int(n)}" for *key, n in totals}


def read_kommun(con: duckdb.DuckDBPyConnection, kommun: str) -> dict[tuple, dict[str, Columns]]:
    """One kommun's survey tables with cells: per table its cells, atoms, bounds, ancestors."""
    found: dict[tuple, dict[str, Columns]] = {}
    for name, (sql, order) in QUERIES.items():
        for key, columns in _by_table(con, sql, order, kommun).items():
            found.setdefault(key, {})[name] = columns
    empty = {name: _columns(con, sql) for name, (sql, _) in QUERIES.items()}
    return {key: empty | parts for key, parts in found.items() if "cells" in parts}


def read_layers(con: duckdb.DuckDBPyConnection, kommun: str) -> dict[tuple, Columns]:
    """One kommun's answers per survey table, measure, atom and batch."""
    return _by_table(con, LAYERS, "", kommun)


def _by_table(
    con: duckdb.DuckDBPyConnection, sql: str, order: str, kommun: str
) -> dict[tuple, Columns]:
    """`sql`'s rows of one kommun, per survey table, as columns without the key."""
    rows = con.sql(
        f"SELECT * FROM ({sql}) WHERE kommun_code = $kommun ORDER BY {KEYS}"
        f"{', ' if order else ''}{order}",
        params={"kommun": kommun},
    ).to_arrow_table()
    starts = _table_starts(rows)
    at = pa.array(starts, type=pa.int64())
    keys = zip(*(rows.column(name).take(at).to_pylist() for name in SURVEY_KEY), strict=True)
    data = {name: rows.column(name).to_pylist() for name in rows.column_names
            if name not in SURVEY_KEY}  # fmt: skip
    bounds = zip(starts, [*starts[1:], rows.num_rows][: len(starts)], strict=True)
    return {
        _key(key): {name: values[start:end] for name, values in data.items()}
        for key, (start, end) in zip(keys, bounds, strict=True)
    }


def _table_starts(rows: pa.Table) -> list[int]:
    """The rows where a new survey table begins (rows sorted by the key, which is never NULL):
    found by Arrow, so the key columns are never turned into Python values row by row."""
    n = rows.num_rows
    new = np.zeros(n, dtype=bool)
    new[:1] = True
    for name in SURVEY_KEY:
        column = rows.column(name)
        if column.null_count:
            raise ValueError(f"{name} is NULL in a survey table's rows")
        if n > 1:
            differs = pc.not_equal(column.slice(1), column.slice(0, n - 1))
            new[1:] |= differs.to_numpy(zero_copy_only=False)
    return np.flatnonzero(new).tolist()


def _columns(con: duckdb.DuckDBPyConnection, sql: str) -> Columns:
    """`sql`'s columns without the key, with no rows (the names asked once per query: they are
    the query's own select list, the same for every kommun)."""
    if sql not in _NAMES:
        _NAMES[sql] = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
    return {name: [] for name in _NAMES[sql][len(SURVEY_KEY) :]}


_NAMES: dict[str, list[str]] = {}  # query -> its column names


def _digest_sql(sql: str) -> str:
    """Per survey table, a digest of its rows as a multiset: the row count and the sums of each
    row's md5 (of the row as JSON) in two 64-bit halves, hashed again.

    A sum needs no order, so it is one pass of fixed-size states that DuckDB can spill; an
    ordered string_agg of the rows' md5s held every table's rows in memory (national, one
    period: 11.4 -> 6.0 CPU s, 482 -> 216 MiB, and with more periods it would have outgrown the
    build's memory limit). The sums are exact (HUGEINT): the same rows in any order give the same
    digest, and a changed, added or removed row changes it unless its md5s cancel out in both
    128-bit sums at once.
    """
    halves = "sum((h >> 64)::UBIGINT) || ':' || sum((h & 18446744073709551615::UHUGEINT)::UBIGINT)"
    return (
        f"SELECT {KEYS}, md5(count(*) || ':' || {halves}) FROM ("
        f"SELECT {KEYS}, md5_number(CAST(to_json(t) AS VARCHAR)) AS h FROM ({sql}) t) GROUP BY ALL"
    )
