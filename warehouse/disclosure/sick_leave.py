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

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from warehouse.disclosure import pool
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
from warehouse.disclosure.linked import LinkedTable, Protection, protect
from warehouse.disclosure.surveys import _write

COLUMNS = ["kommun_code", "period_date", "cell_kind", "scope_type", "scope_id", "breakdown",
           "breakdown_group", "manager_id", "is_shown", "suppression"]  # fmt: skip
CACHE_KEY = {"kommun_code": "VARCHAR", "period_date": "DATE"}
CACHE_COLUMNS = {**dict.fromkeys(COLUMNS[2:8], "VARCHAR"), "is_shown": "BOOLEAN",
                 "suppression": "VARCHAR"}  # fmt: skip
# Atoms to protect before workers pay for their start (the demo's 3.4k take 2.2 s in one process)
MIN_POOL_ATOMS = 12_000


def _reason(protection: Protection, cell: str) -> str | None:
    for name in ("empty", "primary", "secondary"):
        if cell in getattr(protection, name):
            return name
    return "secondary" if cell in protection.forced else None


def _joint_table(
    atoms: pd.DataFrame, scope_units: dict, led: dict, parents: dict
) -> tuple[LinkedTable, dict[str, tuple]]:
    """The scope x sex and scope x age-band cells over one set of atoms: unit x sex x age band.

    One table, so the exact audit sees combinations across the breakdowns too (a scope's women
    minus its 50- leaves the women under 50 when no man is 50-; the roster tells the attacker
    who is who, so only the hours are secret). An atom is a set of units a person has hours in:
    a scope's cells hold every atom touching one of its units, once.
    """
    rows = [
        ((tuple(u), s, a), int(n))
        for u, s, a, n in zip(
            atoms["units"], atoms["sex"], atoms["age_band"], atoms["persons"], strict=True
        )
    ]
    keys = sorted({key for key, _ in rows}, key=lambda x: tuple(str(v) for v in x))
    index = {key: i for i, key in enumerate(keys)}
    counts = np.zeros(len(keys), dtype=np.int64)
    for key, n in rows:
        counts[index[key]] += n
    by_unit: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        for unit in key[0]:
            by_unit[unit].append(i)
    breakdowns = [
        ("kön", 1, sorted({k[1] for k in keys if k[1] is not None}, key=str)),
        ("ålder", 2, sorted({k[2] for k in keys if k[2] is not None}, key=str)),
    ]
    groups = [("alla", "alla")] + [(name, v) for name, _, vs in breakdowns for v in vs]
    cells: dict[str, frozenset[int]] = {}
    labels: dict[str, tuple] = {}
    for (scope_type, scope_id), units in scope_units.items():
        members = sorted({i for u in units for i in by_unit.get(u, ())})
        cells[f"{scope_type}:{scope_id}|alla|alla"] = frozenset(members)
        for name, pos, values in breakdowns:
            for v in values:
                cells[f"{scope_type}:{scope_id}|{name}|{v}"] = frozenset(
                    i for i in members if keys[i][pos] == v
                )
        for name, group in groups:
            labels[f"{scope_type}:{scope_id}|{name}|{group}"] = (
                "scope", scope_type, scope_id, name, group, None
            )  # fmt: skip
    for manager, units in led.items():
        cells[f"manager:{manager}"] = frozenset(i for u in units for i in by_unit.get(u, ()))
        labels[f"manager:{manager}"] = ("manager", None, None, "alla", "alla", manager)
    roots = frozenset(c for c in cells if c.startswith("kommun:") and c.endswith("|alla|alla"))
    atom_names = [f"{'+'.join(u)}|{s}|{a}" for u, s, a in keys]
    # Each equation is one partition of its parent: the breakdown's groups, or the child scopes
    # (the persons placed on the parent unit itself are the remainder nobody publishes).
    merged: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t, i in scope_units:
        for name, _, values in breakdowns:
            merged[(f"{t}:{i}|alla|alla", name)] += [f"{t}:{i}|{name}|{v}" for v in values]
    for (t, i), (pt, pi) in parents.items():
        for name, group in groups:
            merged[(f"{pt}:{pi}|{name}|{group}", "scope")].append(f"{t}:{i}|{name}|{group}")
    table = LinkedTable(atom_names, counts, cells, roots)
    table.equations = [(p, tuple(kids)) for (p, _), kids in merged.items() if kids]
    return table, labels


def _scope_parents(scopes: pd.DataFrame, tree: pd.DataFrame) -> dict[tuple, tuple]:
    """Each scope's parent scope: the parent unit's scope, or the kommun for a förvaltning."""
    scope_of = {i: (t, i) for t, i in zip(scopes["scope_type"], scopes["scope_id"], strict=True)}
    kommun = next((s for s in scope_of.values() if s[0] == "kommun"), None)
    parents = {}
    for unit, parent in zip(tree["unit_id"], tree["parent_unit_id"], strict=True):
        if unit in scope_of:
            parents[scope_of[unit]] = scope_of.get(parent, kommun)
    return {s: p for s, p in parents.items() if p is not None}


def _local_parts(
    table: LinkedTable, scope_units: dict, parents: dict, led: dict
) -> list[list[str]]:
    """Per scope with scopes below it (avdelning, förvaltning): the cells of its subtree and of
    the managers leading only units in it; smallest first, to audit before the whole kommun."""
    below: dict[tuple, list[tuple]] = defaultdict(list)  # scope -> scopes in its subtree
    for scope in scope_units:
        node, seen = scope, set()
        while node is not None and node not in seen:
            seen.add(node)
            below[node].append(scope)
            node = parents.get(node)
    cells_of: dict[tuple, list[str]] = defaultdict(list)
    for cell in table.cells:
        head = cell.split("|", 1)[0]
        if not head.startswith("manager:"):
            t, _, i = head.partition(":")
            cells_of[(t, i)].append(cell)
    containing: dict[str, set[tuple]] = defaultdict(set)
    for scope, units in scope_units.items():
        for unit in units:
            containing[unit].add(scope)
    managers_in: dict[tuple, list[str]] = defaultdict(list)
    for manager, units in led.items():
        for scope in set.intersection(*(containing[u] for u in units)) if units else ():
            managers_in[scope].append(f"manager:{manager}")
    parts = [
        [c for member in members for c in cells_of[member]] + managers_in[scope]
        for scope, members in below.items()
        if scope[0] != "kommun" and len(members) > 1
    ]
    return sorted(parts, key=len)


def protect_kommun_period(
    atoms: pd.DataFrame, scopes: pd.DataFrame, leaders: pd.DataFrame, tree: pd.DataFrame, k: int
) -> list[tuple]:
    """Rows (cell_kind, scope_type, scope_id, breakdown, group, manager_id, shown, reason)."""
    scope_units: dict[tuple[str, str], list[str]] = defaultdict(list)
    for scope_type, scope_id, unit in zip(
        scopes["scope_type"], scopes["scope_id"], scopes["unit_id"], strict=True
    ):
        scope_units[(scope_type, scope_id)].append(unit)
    parents = _scope_parents(scopes, tree)
    led: dict[str, list[str]] = defaultdict(list)
    for unit, leader in zip(leaders["unit_id"], leaders["leader_id"], strict=True):
        led[leader].append(unit)
    table, labels = _joint_table(atoms, scope_units, led, parents)
    parts = _local_parts(table, scope_units, parents, led)
    extra = _known_remainders(table, k)
    # counts are no secret: audit exact derivations only
    protection = protect(table, k, forced=extra, intervals=False, parts=parts)
    rows = {}
    for cell in table.cells:
        reason = _reason(protection, cell)
        rows[cell] = (*labels[cell], reason is None, reason)
    return [rows[c] for c in sorted(rows)]


def _known_remainders(table: LinkedTable, k: int) -> set[str]:
    """Cells to hide before any MIP: parent minus its known children leaving 1..k-1 persons.

    A cheap first pass (the audit alone would find the same, one MIP solve at a time). Unlike
    linked's remainder pass it sees what the attacker sees: cells with the same persons (an
    enhet and its manager's figure) are one figure, published if either is, and a hidden cell
    is still known when its breakdown gives it (alla = K + M). Hides the smallest known child,
    preferring one the remaining cells do not give back; the audit still has the last word.
    """
    ids: dict[frozenset[int], int] = {}
    cls = {c: ids.setdefault(a, len(ids)) for c, a in table.cells.items()}
    members: list[list[str]] = [[] for _ in ids]
    for c, i in cls.items():
        members[i].append(c)
    size = [table.count(m[0]) for m in members]
    hidden = {c for c in table.cells if table.count(c) < k}
    shown = [any(c not in hidden for c in m) for m in members]
    eqs = []
    for parent, kids in table.equations:
        p, ks = cls[parent], sorted({cls[c] for c in kids})
        union = frozenset().union(*(table.cells[members[i][0]] for i in ks))
        if sum(len(table.cells[members[i][0]]) for i in ks) != len(union):
            continue  # a person in two children: parent minus children is no set of persons
        eqs.append((p, ks, union == table.cells[parent]))  # exact: nobody left on the parent

    touching: dict[int, list[tuple[int, list[int]]]] = defaultdict(list)
    for p, ks, exact in eqs:
        for i in [p, *ks] if exact else ():
            touching[i].append((p, ks))

    def known() -> list[bool]:
        know, changed = list(shown), True
        while changed:
            changed = False
            for p, ks, exact in eqs:
                unknown = [i for i in ks if not know[i]]
                if exact and know[p] and len(unknown) == 1 and size[unknown[0]] >= k:
                    know[unknown[0]] = changed = True
                elif exact and not know[p] and not unknown:
                    know[p] = changed = True
        return know

    def gives_back(i: int, know: list[bool]) -> bool:
        """Whether set i, hidden, is still known from an exact equation's other members."""
        return any(
            (p != i and know[p] and all(know[j] for j in ks if j != i))
            or (p == i and all(know[j] for j in ks))
            for p, ks in touching[i]
        )

    while True:  # each round hides one child per failing equation, then looks again
        know, picked = known(), set()
        for p, ks, _ in eqs:
            rest = size[p] - sum(size[i] for i in ks if know[i])
            if not (know[p] and 0 < rest < k) or picked.intersection(ks):
                continue
            kids = [i for i in ks if know[i] and shown[i]]  # derived ones: left to the audit
            if kids:
                kids.sort(key=lambda i: (size[i], members[i][0]))
                pick = next((i for i in kids if not gives_back(i, know)), kids[0])
                picked.add(pick)
                shown[pick] = know[pick] = False
                hidden.update(members[pick])
        if not picked:
            break
    return {c for c in hidden if table.count(c) >= k}


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
        return fingerprint((self.atoms, self.scopes, self.leaders, self.tree), self.k)

    def protect(self) -> pd.DataFrame:
        """The protection's rows (COLUMNS) for this kommun and period."""
        found = protect_kommun_period(self.atoms, self.scopes, self.leaders, self.tree, self.k)
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
    tables = sick_leave_tables(con)
    cache = ResultCache(
        con, "sick_leave_protection", CACHE_KEY, CACHE_COLUMNS,
        catalog if catalog and writable(con, catalog) else None,
    )  # fmt: skip
    prints = {t.key: t.fingerprint() for t in tables}
    cached = cache.lookup(prints)
    have = key_set(cached, list(CACHE_KEY))
    todo = [t for t in tables if key_of(t.key) not in have]
    fresh = _protect_tables(todo)
    new = pd.concat(fresh, ignore_index=True) if fresh else _frame([])
    cache.store({t.key: prints[t.key] for t in todo}, new)
    _write(con, "int_sick_leave_protection", with_cached(cached, new))


def _protect_tables(tables: list[SickLeaveTable]) -> list[pd.DataFrame]:
    """Each table's protection rows, in the tables' order; on the worker pool when it pays."""
    size = sum(len(t.atoms) for t in tables)
    count = pool.workers_for(len(tables), size, MIN_POOL_ATOMS)
    order = pool.largest_first(tables, lambda t: len(t.atoms)) if count > 1 else tables
    found = {job[0].key: rows for job, rows in pool.run(count, _protect, ((t,) for t in order))}
    return [found[t.key] for t in tables]


def _protect(table: SickLeaveTable) -> pd.DataFrame:
    return table.protect()


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["is_shown"] = frame["is_shown"].astype(bool)
    frame["manager_id"] = frame["manager_id"].astype(object)
    return frame
