"""The survey step: protect every survey's cells (org tree x manager groups) before the marts.

One linked table per kommun, period, survey and respondent role: atoms are respondents per unit
they are registered on x manager group, cells are the kommun, every unit (with the units below
it) and every manager group. The 'respondents' measure is protected first (with the group-cut
rule); every other measure (item, construct, time category: its own respondents, those with an
answer) starts from those hidden cells and is audited on its own counts, so a cell hidden for
the survey is hidden in every figure of it.

Group-cut rule: when protecting the manager groups would leave fewer than half of the org cells
shown that could be shown without them, the groups are not published for that survey (all hidden)
and a warning naming them goes to mart_data_quality and mart_disclosure_report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from warehouse.disclosure import pool, survey_rule
from warehouse.disclosure.cache import (
    CATALOG,
    ResultCache,
    fingerprint,
    key_of,
    registered,
    writable,
)
from warehouse.disclosure.releases import (
    SURVEY_KEY_TYPES,
    History,
    ensure_tables,
    read_histories,
    record,
    response_batches,
)
from warehouse.disclosure.survey_inputs import (
    SURVEY_KEY,
    batch_digests,
    input_digests,
    read_kommun,
    read_layers,
)

RELEASED_SQL = Path(__file__).parent.parent / "sql" / "disclosure" / "survey_released.sql"
ROWS, CUT_ROWS = "int_survey_suppression_rows", "int_survey_group_cut_rows"  # results so far
_ROW_COLUMNS = {"measure_id": "VARCHAR", "cell_id": "VARCHAR", "suppression": "VARCHAR",
                "snapshot": "INTEGER"}  # fmt: skip
_CUT_COLUMNS = {"group_name": "VARCHAR"}
# Cell rows to protect before two workers pay for their start (~0.2 s of CPU each, paid once per
# build: pool.protect); the demo's 19k take 1.7 s in one process, this many about 0.9 s
MIN_POOL_CELLS = 10_000


def protect_surveys(con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
    """Read the survey cells and atoms, write TEMP tables int_survey_suppression (one row per
    cell and measure: is_suppressed, suppression reason, snapshot), int_survey_group_cut and the
    released respondents and figures the marts read (int_survey_released_*).

    With the store attached (`catalog`), every earlier publication of a survey is audited with
    the new one (releases.py) and this one is recorded. Each survey table whose inputs and
    history are unchanged since a result was cached reuses it; the others are protected one
    kommun at a time (only that kommun's inputs in memory) and their results cached.
    """
    pool.protect(con, [SurveyStep(con, catalog)])


class SurveyStep:
    """`protect_surveys` in the pieces pool.protect runs beside the sick-leave step."""

    work = staticmethod(survey_rule.protect_tables)

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
        self.con = con
        self.catalog = catalog if catalog and writable(con, catalog) else None
        self.cells: dict[str, int] = dict(
            con.execute("SELECT kommun_code, count(*) FROM int_survey_cell GROUP BY ALL").fetchall()
        )
        self.computed: dict[tuple, str] = {}  # each protected table's key -> its fingerprint
        self.keys: dict[str, list[tuple]] = {}  # each submitted kommun's tables, in job order

    def demand(self) -> tuple[int, int, int]:
        """Every kommun with cells, cached or not: known before reading the histories."""
        return len(self.cells), sum(self.cells.values()), MIN_POOL_CELLS

    def jobs(self, parallel: bool) -> Iterator[tuple]:
        """The cached tables' rows copied; one job per kommun with a table to protect."""
        with pool.all_cores(self.con):  # keyed tables and digests: no row order reaches protection
            prints, hits = self._fingerprints_and_hits()
        histories = self.histories
        layered = {key for key, h in histories.items() if h.last_batch > 0}
        by_kommun: dict[str, list[tuple]] = defaultdict(list)
        for key in prints:
            if key_of(key) not in hits:
                by_kommun[key[0]].append(key)
                self.computed[key] = prints[key]
        order = sorted(by_kommun)
        if parallel:
            order = pool.largest_first(order, lambda kommun: self.cells.get(kommun, 0))
        for kommun in order:
            yield _kommun_job(self.con, kommun, by_kommun[kommun], histories, layered, self.keys)

    def _fingerprints_and_hits(self) -> tuple[dict[tuple, str], set]:
        """Every survey table's fingerprint, and the keys whose cached rows were copied (the
        histories and caches kept for `finish`)."""
        con, catalog = self.con, self.catalog
        if catalog:
            ensure_tables(con, catalog)
        response_batches(con, catalog)
        histories = read_histories(con, catalog) if catalog else {}
        # every table with a history, published before or not: a result stays valid once recorded
        batches = batch_digests(con, {key: h.now for key, h in histories.items()})
        prints = {
            key: fingerprint([], digest, _digest(histories.get(key)), batches.get(key))
            for key, digest in input_digests(con).items()
        }
        self.histories, self.caches = histories, _caches(con, catalog)
        for table, columns in ((ROWS, _ROW_COLUMNS), (CUT_ROWS, _CUT_COLUMNS)):
            spec = ", ".join(f"{n} {t}" for n, t in {**SURVEY_KEY_TYPES, **columns}.items())
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({spec})")
        suppression_cache, cut_cache = self.caches
        hits = suppression_cache.copy_hits(prints, ROWS)
        cut_cache.copy_hits({key: f for key, f in prints.items() if key_of(key) in hits}, CUT_ROWS)
        return prints, hits

    def take(self, job: tuple, results: list[tuple]) -> None:
        """One kommun's rows to the TEMP row tables."""
        rows, cuts = _frames(self.keys.pop(job[-1]), results)
        _append(self.con, ROWS, rows)
        _append(self.con, CUT_ROWS, cuts)

    def finish(self) -> None:
        with pool.all_cores(self.con):  # rows kept and figures for the marts: no order matters
            self._finish()

    def _finish(self) -> None:
        con = self.con
        suppression_cache, cut_cache = self.caches
        suppression_cache.store_table(self.computed, ROWS)
        cut_cache.store_table(self.computed, CUT_ROWS)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE int_survey_suppression AS SELECT "
            f"{', '.join(SURVEY_KEY)}, measure_id, cell_id, coalesce(suppression <> "
            "'republication', false) AS is_suppressed, suppression, CAST(snapshot AS BIGINT) "
            f"AS snapshot FROM {ROWS}"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE int_survey_group_cut AS FROM {CUT_ROWS}")
        con.execute(f"DROP TABLE {ROWS}; DROP TABLE {CUT_ROWS}")
        if self.catalog:
            record(con, self.catalog, self.histories, "int_survey_suppression")
        con.execute(RELEASED_SQL.read_text())


def _kommun_job(
    con: duckdb.DuckDBPyConnection,
    kommun: str,
    keys: list[tuple],
    histories: dict[tuple, History],
    layered: set[tuple],
    job_keys: dict[str, list[tuple]],
) -> tuple:
    """One kommun's job: its survey tables' (inputs, layers, history) as read from DuckDB, plain
    values only (a worker unpickling them needs no pandas), and the kommun; the tables' keys
    wait in `job_keys`."""
    inputs = read_kommun(con, kommun)
    layers = read_layers(con, kommun) if layered.intersection(keys) else {}
    job_keys[kommun] = keys
    tables = [
        (inputs[key], layers.get(key) if key in layered else None, histories.get(key))
        for key in keys
    ]
    return tables, kommun


def _frames(keys: list[tuple], results: list[tuple]) -> tuple[pa.Table, pa.Table]:
    """The suppression rows and dropped groups of one kommun's survey tables (`keys`, in the
    order of their `results` from survey_rule.protect_tables), as Arrow tables: each table's key
    repeated over its rows by one `take`, the columns joined as lists (no frame per table)."""
    lengths = [len(columns["cell_id"]) for columns, _ in results]
    rows = _keyed(keys, lengths)
    for name in _ROW_COLUMNS:
        values = list(chain.from_iterable(columns[name] for columns, _ in results))
        rows[name] = pa.array(values, type=pa.int64() if name == "snapshot" else pa.string())
    dropped = [groups for _, groups in results]
    cuts = _keyed(keys, [len(groups) for groups in dropped])
    cuts["group_name"] = pa.array(list(chain.from_iterable(dropped)), type=pa.string())
    return pa.table(rows), pa.table(cuts)


def _keyed(keys: list[tuple], lengths: list[int]) -> dict[str, pa.Array]:
    """The key columns of `lengths[i]` rows of each table `keys[i]`, in order."""
    repeat = pa.array(np.repeat(np.arange(len(keys), dtype=np.int64), lengths))
    columns = list(zip(*keys, strict=True)) if keys else [()] * len(SURVEY_KEY)
    return {
        name: pa.array(
            [v.date() for v in values] if name == "period_date" else list(values),
            type=pa.date32() if name == "period_date" else pa.string(),
        ).take(repeat)
        for name, values in zip(SURVEY_KEY, columns, strict=True)
    }


def _digest(history: History | None) -> str | None:
    return history.digest() if history is not None else None


def _caches(con: duckdb.DuckDBPyConnection, catalog: str | None) -> tuple[ResultCache, ...]:
    return (
        ResultCache(con, "survey_suppression_v2", SURVEY_KEY_TYPES, _ROW_COLUMNS, catalog),
        ResultCache(con, "survey_group_cut", SURVEY_KEY_TYPES, _CUT_COLUMNS, catalog),
    )


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pa.Table) -> None:
    if not frame.num_rows:
        return
    with registered(con, f"{table}_frame", frame):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {table}_frame")


def _write(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    with registered(con, f"{name}_frame", frame):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * REPLACE "
            f"(CAST(period_date AS DATE) AS period_date) FROM {name}_frame"
        )
