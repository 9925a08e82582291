"""The sick-leave step: one linked table per kommun and period over persons (health data).

Atoms are persons per set of units they have hours in x sex x age band (the roster tells the
attacker each person's sex and age band, so sex-and-age combinations are derivations like any
other). Cells are every scope (kommun, förvaltning, avdelning, enhet, each with the units below
it) for all staff, by sex and by age band (mart_sick_leave, and mart_span_rollup's figures = the
scope's 'alla'), and every manager's units (mart_span_of_control: the units the manager is
registered on with the units below them, the manager included, i.e. the rollup of the manager's
unit). So "all" minus the shown bands, a parent minus its children (the persons placed on the
parent unit itself, or counted in two children, are what is left), and a unit's rollup beside its
manager's figure are all linear relations the audit sees at once, in one table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.disclosure import pool, sick_leave_rule
from warehouse.disclosure.cache import (
    CATALOG,
    ResultCache,
    canonical,
    fingerprint,
    key_of,
    key_set,
    with_cached,
    writable,
)
from warehouse.disclosure.surveys import _write

COLUMNS = ["kommun_code", "period_date", "cell_kind", "scope_type", "scope_id", "breakdown",
           "breakdown_group", "manager_id", "is_shown", "suppression"]  # fmt: skip
CACHE_KEY = {"kommun_code": "VARCHAR", "period_date": "DATE"}
CACHE_COLUMNS = {**dict.fromkeys(COLUMNS[2:8], "VARCHAR"), "is_shown": "BOOLEAN",
                 "suppression": "VARCHAR"}  # fmt: skip
# Atoms to protect before two workers pay for their start (~0.2 s of CPU each, paid once per
# build: pool.protect); the demo's 3.4k take 2.2 s in one process, this many about 1 s
MIN_POOL_ATOMS = 1_500


@dataclass(frozen=True)
class SickLeaveTable:
    """One kommun and period's inputs: all its protection depends on (rows in canonical order)."""

    kommun_code: str
    period_date: object
    atoms: pd.DataFrame  # units, sex, age_band, persons
    scopes: pd.DataFrame  # scope_type, scope_id, unit_id
    leaders: pd.DataFrame  # unit_id, leader_id
    tree: pd.DataFrame  # unit_id, parent_unit_id
    k: int

    @property
    def key(self) -> tuple:
        return (self.kommun_code, self.period_date)

    def fingerprint(self) -> str:
        """A digest of the inputs exactly as protection reads them (the job's column lists, in
        canonical order) and of the rule: printing lists is cheaper than hashing frames."""
        return fingerprint((), *self.job())

    def protect(self) -> pd.DataFrame:
        """The protection's rows (COLUMNS) for this kommun and period."""
        return self.frame(sick_leave_rule.protect_job(*self.job()))

    def job(self) -> tuple:
        """`sick_leave_rule.protect_job`'s arguments: the inputs as column lists (Python values,
        as iterating the frames gives them), so that a worker needs no pandas to read them."""
        frames = (self.atoms, self.scopes, self.leaders, self.tree)
        return (*({c: f[c].tolist() for c in f.columns} for f in frames), self.k)

    def frame(self, found: list[tuple]) -> pd.DataFrame:
        """The protection rows `found` for this table as a frame of COLUMNS."""
        return _frame([(self.kommun_code, self.period_date, *row) for row in found])


def sick_leave_tables(con: duckdb.DuckDBPyConnection) -> list[SickLeaveTable]:
    """The linked tables to protect: one per kommun and period in int_sick_leave_atom."""
    key = ["kommun_code", "period_date"]
    atoms = con.execute(
        "SELECT a.*, k.anonymity_k FROM int_sick_leave_atom a JOIN kommun k USING (kommun_code)"
    ).df()
    for column in ("sex", "age_band"):
        atoms[column] = atoms[column].astype(object).where(atoms[column].notna(), None)
    # tuples, not DuckDB's numpy arrays: sorting and hashing print each row (numpy's printing
    # took half of this step at national scale)
    atoms["units"] = [tuple(u) for u in atoms["units"]]
    queries = {
        "scopes": "SELECT DISTINCT kommun_code, period_date, scope_type, scope_id, unit_id "
                  "FROM int_scope_unit",
        "leaders": "SELECT kommun_code, period_date, unit_id, manager_id AS leader_id "
                   "FROM int_manager_scope_unit",
        "tree": "SELECT kommun_code, period_date, unit_id, parent_unit_id FROM int_unit_tree",
    }  # fmt: skip
    parts = {name: _by_key(con.execute(sql).df(), key) for name, sql in queries.items()}
    parts["atoms"] = _by_key(atoms[[*key, "units", "sex", "age_band", "persons"]], key)
    empty = {name: pd.DataFrame(columns=columns) for name, columns in (
        ("scopes", ["scope_type", "scope_id", "unit_id"]), ("leaders", ["unit_id", "leader_id"]),
        ("tree", ["unit_id", "parent_unit_id"]))}  # fmt: skip
    tables = []
    for (kommun, period), k in atoms.groupby(key, sort=True)["anonymity_k"].first().items():
        picked = {
            name: by_key.get((kommun, period), empty.get(name)) for name, by_key in parts.items()
        }
        tables.append(
            SickLeaveTable(kommun, period, picked["atoms"], picked["scopes"], picked["leaders"],
                           picked["tree"], int(k))
        )  # fmt: skip
    return tables


def _by_key(frame: pd.DataFrame, key: list[str]) -> dict[tuple, pd.DataFrame]:
    """Each key's rows of `frame` without the key columns, as `canonical` orders them: one sort
    for every kommun (within a key, the same order as sorting that key's rows alone)."""
    columns = [c for c in frame.columns if c not in key]
    return {
        k: part[columns].reset_index(drop=True)
        for k, part in canonical(frame).groupby(key, sort=False)
    }


def protect_sick_leave(con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
    """Read int_sick_leave_atom, the scopes and the managers' units; write TEMP table
    int_sick_leave_protection (is_shown and the reason per scope x breakdown and manager).

    Each kommun and period whose inputs are unchanged since a result was cached in `catalog`
    (the store) reuses it; the others are protected and their results cached.
    """
    pool.protect(con, [SickLeaveStep(con, catalog)])


class SickLeaveStep:
    """`protect_sick_leave` in the pieces pool.protect runs beside the survey step."""

    work = staticmethod(sick_leave_rule.protect_job)

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
        self.con = con
        self.catalog = catalog if catalog and writable(con, catalog) else None
        self.found: dict[int, list[tuple]] = {}  # position in todo -> the protection's rows

    def demand(self) -> tuple[int, int, int]:
        """Every kommun and period with atoms, cached or not: known before reading them."""
        tables, atoms = self.con.execute(
            "SELECT count(DISTINCT (kommun_code, period_date)), count(*) FROM int_sick_leave_atom"
        ).fetchone()
        return tables, atoms, MIN_POOL_ATOMS

    def jobs(self, parallel: bool) -> Iterator[tuple]:
        """Every kommun and period's inputs read at once (the atoms are few), the cached results
        looked up; one job per table to protect (its position in todo last)."""
        tables = sick_leave_tables(self.con)
        self.cache = ResultCache(
            self.con, "sick_leave_protection", CACHE_KEY, CACHE_COLUMNS, self.catalog
        )
        self.prints = {t.key: t.fingerprint() for t in tables}
        self.cached = self.cache.lookup(self.prints)
        have = key_set(self.cached, list(CACHE_KEY))
        self.todo = [t for t in tables if key_of(t.key) not in have]
        order = list(enumerate(self.todo))
        if parallel:
            order = pool.largest_first(order, lambda item: len(item[1].atoms))
        return ((*t.job(), i) for i, t in order)

    def take(self, job: tuple, rows: list[tuple]) -> None:
        self.found[job[-1]] = rows

    def finish(self) -> None:
        fresh = [t.frame(self.found[i]) for i, t in enumerate(self.todo)]
        new = pd.concat(fresh, ignore_index=True) if fresh else _frame([])
        self.cache.store({t.key: self.prints[t.key] for t in self.todo}, new)
        _write(self.con, "int_sick_leave_protection", with_cached(self.cached, new))


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["is_shown"] = frame["is_shown"].astype(bool)
    frame["manager_id"] = frame["manager_id"].astype(object)
    return frame
