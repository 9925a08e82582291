"""The attacker's audit of a linked table: LP intervals and exact derivations, solved with HiGHS.

Given which cells are published, the attacker knows every published cell's count (one equality per
cell over the atoms), that counts are non-negative, and upper bounds from the managers list (an
atom or cell holds at most as many respondents as it has managers). The audit asks, for every
*sensitive* object (a hidden cell or an atom whose true count is 1..k-1):
  interval  min and max of its count over everything the attacker knows; the interval must admit
            0 or at least k (tau-Argus / sdcTable "audit": Hundepool et al. 2012, §4.3-4.4);
and, for the published equalities alone:
  exact     no union of atoms whose indicator is a linear combination of published cells (A+B-C,
            parent minus children, ...) holds 1..k-1 respondents. Figures (means with their n,
            answer counts per option) are sums over the same atoms, so the same combination would
            give that small group's sum: ruling out the count rules out the figure.
Each violation names the published cells its bound or combination uses, so the caller can hide
one of them and audit again.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from warehouse.disclosure.linked import LinkedTable

TOL = 1e-6
INF = highspy.kHighsInf


@dataclass(frozen=True)
class Violation:
    """A sensitive object the attacker can narrow, and the published cells that let them."""

    kind: str  # 'interval' or 'exact'
    what: str  # the hidden cell's id, 'atom:<id>', or 'union:<atom ids>'
    true_count: int
    low: float
    high: float
    uses: tuple[str, ...]  # published cells behind the bound or combination


def _solver() -> highspy.Highs:
    # HiGHS prints a banner to stdout when created; the refresh report must stay clean.
    fd = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            solver = highspy.Highs()
    finally:
        os.dup2(fd, 1)
        os.close(fd)
    solver.silent()
    # Thousands of tiny LPs differing only in their objective: presolve costs more than it saves.
    # solver.setOptionValue("presolve", "off")
    return solver


def _csr(rows: list[list[int]], n_cols: int, values: list[list[float]] | None = None):
    start, index, value = [0], [], []
    for r, cols in enumerate(rows):
        index += cols
        value += values[r] if values else [1.0] * len(cols)
        start.append(len(index))
    return start, index, value, n_cols


class IntervalModel:
    """The attacker's LP over atoms; min/max of any set of atoms, with the cells the bound uses."""

    def __init__(self, table: LinkedTable, published: list[str]) -> None:
        self.table, self.published = table, published
        self.h = _solver()
        n = len(table.atoms)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.array([INF if b is None else float(b) for b in table.atom_bounds])
        rows = [sorted(table.cells[c]) for c in published]
        lower = [float(table.count(c)) for c in published]
        upper = list(lower)
        for cell, bound in sorted(table.cell_bounds.items()):
            if cell not in published and bound is not None:
                rows.append(sorted(table.cells[cell]))
                lower.append(-INF)
                upper.append(float(bound))
        for atoms, bound in table.extra_bounds:
            rows.append(sorted(atoms))
            lower.append(-INF)
            upper.append(float(bound))
        lp.num_row_ = len(rows)
        lp.row_lower_, lp.row_upper_ = np.array(lower), np.array(upper)
        _set_matrix(lp, rows, [[1.0] * len(r) for r in rows])
        self.h.passModel(lp)
        self.n = n

    def solve(self, atoms: frozenset[int], sense: int) -> tuple[float, tuple[str, ...]]:
        """(optimum, published cells with a nonzero dual) of sense * sum(atoms) minimised."""
        cost = np.zeros(self.n)
        cost[list(atoms)] = float(sense)
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit LP: {self.h.modelStatusToString(self.h.getModelStatus())}")
        duals = self.h.getSolution().row_dual
        uses = tuple(c for c, d in zip(self.published, duals, strict=False) if abs(d) > TOL)
        return sense * self.h.getInfo().objective_function_value, uses

    def solve_weighted(self, cost: np.ndarray) -> None:
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        self.h.run()

    def values(self) -> np.ndarray:
        return np.array(self.h.getSolution().col_value)


def interval_violations(table: LinkedTable, hidden: set[str], k: int) -> list[Violation]:
    """Hidden cells and atoms with 1..k-1 respondents whose interval lies inside [1, k-1]."""
    objects = [(c, table.cells[c], table.count(c)) for c in sorted(hidden)]
    objects += [(f"atom:{a}", frozenset([i]), int(table.atom_counts[i]))
                for i, a in enumerate(table.atoms)]  # fmt: skip
    objects = [o for o in objects if 0 < o[2] < k and o[1]]
    if not objects:
        return []
    published = [c for c in table.cells if c not in hidden]
    model = IntervalModel(table, published)
    flat = np.array([i for o in objects for i in sorted(o[1])])
    starts = np.cumsum([0] + [len(o[1]) for o in objects[:-1]])

    def at_zero(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(x[flat], starts) <= TOL

    # LPs pushing all open objects down at once (with random weights, so that rivals for the
    # same published total take turns) certify most minima at 0 before any single solve.
    rng = np.random.default_rng(0)
    is_open = np.ones(len(objects), dtype=bool)
    first = True
    while is_open.any():
        weights = np.zeros(model.n)
        for j in np.flatnonzero(is_open):
            weights[list(objects[j][1])] += 1.0 if first else rng.uniform(1.0, 100.0)
        model.solve_weighted(weights)
        closed = is_open & at_zero(model.values())
        first = False
        if closed.sum() <= 0.05 * is_open.sum():
            is_open &= ~closed
            break
        is_open &= ~closed
    open_objects = [objects[j] for j in np.flatnonzero(is_open)]
    found = []
    while open_objects:
        (name, atoms, true), *open_objects = open_objects
        low, uses = model.solve(atoms, 1)
        x = model.values()  # this solution may show other objects at 0 too
        open_objects = [o for o in open_objects if x[sorted(o[1])].sum() > TOL]
        if low <= TOL:
            continue
        high = _bound(table, atoms)
        if high >= k:  # the bound alone does not keep it under k: ask the LP
            high, uses_high = model.solve(atoms, -1)
            uses = tuple(dict.fromkeys(uses + uses_high))
        if high < k - TOL:
            found.append(Violation("interval", name, true, low, high, uses))
    return found


def _bound(table: LinkedTable, atoms: frozenset[int]) -> float:
    """The attacker's upper bound of a set of atoms from the managers list alone."""
    bounds = [table.atom_bounds[i] for i in atoms]
    return float("inf") if any(b is None for b in bounds) else float(sum(bounds))


def blocks(table: LinkedTable, published: list[str]) -> list[frozenset[int]]:
    """Atoms no published cell tells apart, merged: the attacker's finest units."""
    signature: dict[int, list[int]] = defaultdict(list)
    for j, cell in enumerate(published):
        for atom in table.cells[cell]:
            signature[atom].append(j)
    groups: dict[tuple[int, ...], set[int]] = defaultdict(set)
    for atom in range(len(table.atoms)):
        groups[tuple(signature[atom])].add(atom)
    return [frozenset(g) for sig, g in sorted(groups.items()) if sig]


def exact_violations(
    table: LinkedTable, hidden: set[str], k: int, choose: Callable[[tuple[str, ...]], str]
) -> list[Violation]:
    """Unions of blocks with 1..k-1 people in the span of the published cells.

    A small MIP: binary x per block, free lambda per published cell, sum_c lambda_c [b in c] =
    x_b for every block, 1 <= sum_b n_b x_b <= k-1. Feasible means such a combination exists;
    then `choose` names the cell to hide, its lambda is fixed at 0 and the MIP is solved again,
    so one audit finds a whole round of fixes.
    """
    published = [c for c in table.cells if c not in hidden]
    parts = blocks(table, published)
    counts = [int(table.atom_counts[list(b)].sum()) for b in parts]
    small = [i for i, n in enumerate(counts) if n < k]
    if not published or not any(counts[i] > 0 for i in small):
        return []
    index = {c: j for j, c in enumerate(published)}
    n_lam, n_x = len(published), len(parts)
    of_atom: dict[int, list[int]] = defaultdict(list)
    for j, cell in enumerate(published):
        for atom in table.cells[cell]:
            of_atom[atom].append(j)
    members = [of_atom[next(iter(b))] for b in parts]
    h = _solver()
    lp = highspy.HighsLp()
    lp.num_col_ = n_lam + n_x
    lp.col_cost_ = np.zeros(n_lam + n_x)
    lp.col_lower_ = np.array([-INF] * n_lam + [0.0] * n_x)
    lp.col_upper_ = np.array([INF] * n_lam + [1.0 if i in small else 0.0 for i in range(n_x)])
    rows = [members[b] + [n_lam + b] for b in range(n_x)]
    values = [[1.0] * len(members[b]) + [-1.0] for b in range(n_x)]
    rows.append([n_lam + b for b in small])
    values.append([float(counts[b]) for b in small])
    lp.num_row_ = len(rows)
    lp.row_lower_ = np.array([0.0] * n_x + [1.0])
    lp.row_upper_ = np.array([0.0] * n_x + [float(k - 1)])
    _set_matrix(lp, rows, values)
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * n_lam + [
        highspy.HighsVarType.kInteger
    ] * n_x
    h.passModel(lp)
    found = []
    while True:
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return found
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit MIP: {h.modelStatusToString(status)}")
        sol = np.array(h.getSolution().col_value)
        chosen = [b for b in range(n_x) if sol[n_lam + b] > 0.5]
        atoms = sorted(a for b in chosen for a in parts[b])
        uses = tuple(published[j] for j in range(n_lam) if abs(sol[j]) > TOL)
        total = sum(counts[b] for b in chosen)
        name = "union:" + "+".join(table.atoms[a] for a in atoms)
        found.append(Violation("exact", name, total, total, total, uses))
        cell = choose(uses)
        if cell not in index:
            return found  # the fix lies outside this MIP's cells: audit again from scratch
        h.changeColBounds(index[cell], 0.0, 0.0)


def _set_matrix(lp: highspy.HighsLp, rows: list[list[int]], values: list[list[float]]) -> None:
    start, index, value, _ = _csr(rows, lp.num_col_, values)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_, lp.a_matrix_.index_ = np.array(start), np.array(index)
    lp.a_matrix_.value_ = np.array(value)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, len(rows)


def audit(
    table: LinkedTable,
    hidden: set[str],
    k: int,
    choose: Callable[[tuple[str, ...]], str],
    intervals: bool = True,
) -> list[Violation]:
    """Every way the attacker narrows a group of 1..k-1 people; empty when the table is safe.

    `intervals=False` checks exact derivations only: for health data the counts of people are
    no secret (HR holds the roster); the hours are, and only an exact combination pins a sum.
    """
    found = interval_violations(table, hidden, k) if intervals else []
    return found or exact_violations(table, hidden, k, choose)
