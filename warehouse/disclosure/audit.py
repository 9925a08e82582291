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

import functools
import itertools
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from warehouse.disclosure.certify import block_proof
from warehouse.disclosure.kernel import kernel_rows
from warehouse.disclosure.linked import LinkedTable, flat_sets

TOL = 1e-6
KERNEL_MIN = 400  # small blocks from which the exact audit's proof runs in kernel form first
INF = highspy.kHighsInf
PROBING = 15  # HiGHS's presolve rule number of probing (kPresolveRuleProbing)
# Primal heuristics off for the exact MIP: most solves end in a proof that nothing is
# derivable, where they find nothing and cost more than half the time (a whole kommun at
# --scale 20: 26 s -> 10 s); when something is derivable the LP and branching find it anyway.
EXACT_MIP_OPTIONS = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


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
    # HiGHS's thread scheduler is one per process, sized by the first run in it: one made by
    # other code with HiGHS's default (the tests' attacker LPs) would fail every run below with
    # `threads` 1, so it is made again (a few microseconds; one thread has nothing to join).
    highspy.Highs.resetGlobalScheduler(True)
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
    # One thread: the disclosure workers already fill every core, one kommun each. With its
    # default, HiGHS starts a thread of its own per process and reads the CPU layout from /sys
    # on every run to size it: a tiny LP 0.32 -> 0.23 ms; national replay, every result the
    # same: surveys 170 -> 151 CPU s, sick leave 142 -> 132.
    solver.setOptionValue("threads", 1)
    # Thousands of tiny LPs differing only in their objective: presolve costs more than it saves.
    # solver.setOptionValue("presolve", "off")
    return solver


class IntervalModel:
    """The attacker's LP over atoms; min/max of any set of atoms, with the cells the bound uses."""

    def __init__(
        self,
        table: LinkedTable,
        published: list[str],
        lp: highspy.HighsLp,
        solver: highspy.Highs | None = None,
    ) -> None:
        """On a new solver, or on `solver` (its model replaced by `lp`)."""
        self.table, self.published = table, published
        self.h = _solver() if solver is None else solver
        self.h.passModel(lp)
        self.n = lp.num_col_
        self._columns = np.arange(self.n, dtype=np.int32)
        self.x = np.zeros(self.n)

    def solve(self, atoms: frozenset[int], sense: int) -> tuple[float, tuple[str, ...]]:
        """(optimum, published cells with a nonzero dual) of sense * sum(atoms) minimised; the
        solution's values are kept for `values`."""
        cost = np.zeros(self.n)
        cost[list(atoms)] = float(sense)
        self._run(cost)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit LP: {self.h.modelStatusToString(self.h.getModelStatus())}")
        solution = self.h.getSolution()  # one copy: col values and row duals together
        self.x = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)[: len(self.published)]
        uses = tuple(self.published[i] for i in np.flatnonzero(np.abs(duals) > TOL))
        return sense * self.h.getInfo().objective_function_value, uses

    def solve_weighted(self, cost: np.ndarray) -> None:
        self._run(cost)
        self.x = np.asarray(self.h.getSolution().col_value)

    def _run(self, cost: np.ndarray) -> None:
        self.h.changeColsCost(self.n, self._columns, cost)
        self.h.run()

    def values(self) -> np.ndarray:
        """The column values of the last solve."""
        return self.x


def _interval_lp(table: LinkedTable, published: list[str]) -> highspy.HighsLp:
    """The attacker's LP (no objective yet): atoms within their bounds, every published cell at
    its count, hidden cells and `extra_bounds` under the managers list's bounds."""
    n = len(table.atoms)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = table.upper()
    shown = set(published)
    bounded = [(c, b) for c, b in sorted(table.cell_bounds.items())
               if c not in shown and b is not None]  # fmt: skip
    sizes, index = table.matrix().rows(published + [c for c, _ in bounded])
    extra_sizes, extra = flat_sets([sorted(atoms) for atoms, _ in table.extra_bounds])
    sizes, index = np.r_[sizes, extra_sizes], np.r_[index, extra]
    lower = [float(table.count(c)) for c in published]
    upper = lower + [float(b) for _, b in bounded] + [float(b) for _, b in table.extra_bounds]
    lower += [-INF] * (len(sizes) - len(published))
    lp.num_row_ = len(sizes)
    lp.row_lower_, lp.row_upper_ = np.array(lower), np.array(upper)
    _set_rows(lp, sizes, index, np.ones(len(index)))
    return lp


class _Objects:
    """The sensitive objects of an audit as one sparse incidence matrix (objects x atoms, CSR)."""

    def __init__(self, sizes: np.ndarray, flat: np.ndarray) -> None:
        """Object j holds the atoms flat[starts[j]:starts[j] + sizes[j]], sorted."""
        self.sizes, self.flat = sizes, flat
        self.starts = np.r_[0, np.cumsum(self.sizes)[:-1]]
        self.owner = np.repeat(np.arange(len(sizes)), self.sizes)

    def atoms(self, j: int) -> np.ndarray:
        return self.flat[self.starts[j] : self.starts[j] + self.sizes[j]]

    def sums(self, x: np.ndarray) -> np.ndarray:
        """Each object's sum of `x` over its atoms (objects are never empty)."""
        return np.add.reduceat(x[self.flat], self.starts)

    def weights(self, weight: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
        """Per atom, the sum of `weight[j]` over the objects j in `rows` holding it, added in
        object order (as adding one object's weight after the other would)."""
        take = np.zeros(len(self.sizes), dtype=bool)
        take[rows] = True
        entries = take[self.owner]
        owners = self.owner[entries]
        return np.bincount(self.flat[entries], weights=weight[owners], minlength=n)


def interval_violations(table: LinkedTable, hidden: set[str], k: int) -> list[Violation]:
    """Hidden cells and atoms with 1..k-1 respondents whose interval lies inside [1, k-1].

    Most audits find nothing; that answer is first sought by `certified` (cheap proofs that
    every interval admits 0 or k). Only when it cannot prove it do the LPs below run, on a
    fresh model exactly as without it, so the violations found (and the cells they name) are
    the same as ever.
    """
    cells = [c for c in sorted(hidden) if 0 < table.count(c) < k and table.cells[c]]
    small = np.flatnonzero((table.atom_counts > 0) & (table.atom_counts < k))
    if not cells and not len(small):
        return []
    published = [c for c in table.cells if c not in hidden]
    lp = _interval_lp(table, published)
    sizes, flat = table.matrix().rows(cells)
    incidence = _Objects(np.r_[sizes, np.ones_like(small)], np.r_[flat, small])
    if certified(table, published, incidence, lp, k):
        return []
    objects = [(c, table.cells[c], table.count(c)) for c in cells]
    objects += [(f"atom:{table.atoms[i]}", frozenset([i]), int(table.atom_counts[i]))
                for i in small.tolist()]  # fmt: skip
    return _lp_violations(table, objects, incidence, IntervalModel(table, published, lp), k)


def certified(
    table: LinkedTable,
    published: list[str],
    incidence: _Objects,
    lp: highspy.HighsLp,
    k: int,
) -> bool:
    """Whether every object's interval provably admits 0 or reaches k (False: not proven).

    The true counts, moved within blocks (certify.py), prove most objects at once; each object
    left is minimised (and maximised if its minimum is above 0 and the managers list allows k)
    by one LP, whose solution, moved within blocks, may prove others too. An object that an LP
    shows narrowed inside [1, k-1] ends the attempt: the audit's own LPs then name the cells.
    """
    proof = block_proof(table, published, incidence.sizes, incidence.flat, k)
    if proof is None:
        return False
    is_open = ~proof.proves(table.atom_counts.astype(np.float64))
    model = IntervalModel(table, published, lp, _proof_solver()) if is_open.any() else None
    while is_open.any():
        j = int(np.argmax(is_open))
        is_open[j] = False
        for sense in (1, -1):
            cost = np.zeros(model.n)
            cost[incidence.atoms(j)] = float(sense)
            model.solve_weighted(cost)
            if model.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return False
            is_open &= ~proof.proves(model.values())
            value = sense * model.h.getInfo().objective_function_value
            if sense == 1 and value <= TOL:
                break  # its minimum is 0
            if sense == 1 and table.upper()[incidence.atoms(j)].sum() < k:  # as `_bound`
                return False
            if sense == -1 and value < k - TOL:
                return False
    return True


# The proof's solver, made once per process: a new HiGHS instance (its options and the
# banner kept off stdout) cost a tenth of each proof. Its answers only ever end in True
# (proven, whatever vertex HiGHS took) or in the audit's own LPs on a fresh solver, so reusing
# it cannot change a violation or the cells one names.
@functools.cache
def _proof_solver() -> highspy.Highs:
    solver = _solver()
    # Presolve took a fifth of each proof on these small LPs and only changes which optimal
    # vertex is returned, which any solution of the attacker's LP may be.
    solver.setOptionValue("presolve", "off")
    return solver


def _lp_violations(
    table: LinkedTable, objects: list[tuple], incidence: _Objects, model: IntervalModel, k: int
) -> list[Violation]:
    """The objects whose interval lies inside [1, k-1], by LPs on `model` (fresh)."""
    # LPs pushing all open objects down at once (with random weights, so that rivals for the
    # same published total take turns) certify most minima at 0 before any single solve.
    rng = np.random.default_rng(0)
    is_open = np.ones(len(objects), dtype=bool)
    first = True
    while is_open.any():
        rows = np.flatnonzero(is_open)
        weight = np.zeros(len(objects))
        weight[rows] = 1.0 if first else rng.uniform(1.0, 100.0, size=len(rows))
        model.solve_weighted(incidence.weights(weight, rows, model.n))
        closed = is_open & (incidence.sums(model.values()) <= TOL)
        first = False
        if closed.sum() <= 0.05 * is_open.sum():
            is_open &= ~closed
            break
        is_open &= ~closed
    found = []
    while is_open.any():
        j = int(np.argmax(is_open))  # the first open object
        is_open[j] = False
        name, atoms, true = objects[j]
        low, uses = model.solve(atoms, 1)
        # this solution may show other objects at 0 too
        is_open &= incidence.sums(model.values()) > TOL
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
    return _blocks([table.cells[c] for c in published])[0]


def _blocks(sets: list[frozenset[int]]) -> tuple[list[frozenset[int]], list[list[int]]]:
    """The blocks of atoms in the same sets, and the indices of the sets holding each block."""
    sizes, atom = flat_sets(sets)
    owner = np.repeat(np.arange(len(sets)), sizes)
    order = np.lexsort((owner, atom))  # by atom, then set: each atom's signature in one run
    atom, owner = atom[order], owner[order].tolist()
    starts = np.flatnonzero(np.r_[True, atom[1:] != atom[:-1]]).tolist()
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for a, s, e in zip(atom[starts].tolist(), starts, [*starts[1:], len(owner)], strict=True):
        groups[tuple(owner[s:e])].append(a)
    ordered = sorted(groups.items())
    return [frozenset(g) for _, g in ordered], [list(sig) for sig, _ in ordered]


# The last exact MIP that ended infeasible: (table, k, published cells), one tuple read and
# written whole. The caller audits again after hiding a round's choices, exactly the cells that
# MIP had fixed at 0, so its infeasibility already proves that audit: no need to solve it twice.
# (Tables are not changed once built; a new table object is audited afresh.)
_PROVEN: list[tuple | None] = [None]


def exact_violations(
    table: LinkedTable, hidden: set[str], k: int, choose: Callable[[tuple[str, ...]], str]
) -> list[Violation]:
    """Unions of blocks with 1..k-1 people in the span of the published cells.

    A small MIP: binary x per block, free lambda per published atom set (cells with the same
    atoms, e.g. an enhet and its manager's figure, are one vector: hidden together or not at
    all), sum_c lambda_c [b in c] = x_b for every block, 1 <= sum_b n_b x_b <= k-1. Feasible
    means such a combination exists; then `choose` names the cell to hide, its set's lambda is
    fixed at 0 and the MIP is solved again, so one audit finds a whole round of fixes. Fixing
    lambda at 0 is exactly hiding the set (blocks it alone told apart get equal x), so when
    the MIP ends infeasible the table with the round's cells hidden is proven safe.
    """
    published = [c for c in table.cells if c not in hidden]
    proven = _PROVEN[0]
    if proven is not None and proven[0] is table and proven[1:] == (k, frozenset(published)):
        return []
    by_set: dict[frozenset[int], list[str]] = defaultdict(list)
    for cell in published:
        if table.cells[cell]:
            by_set[table.cells[cell]].append(cell)
    sets, names = list(by_set), list(by_set.values())
    # a set an earlier publication showed (`table.fixed`) stays published: hiding its twins
    # would change nothing, so they are not offered as fixes
    movable = [not table.fixed.intersection(group) for group in names]
    parts, members = _blocks(sets) if sets else ([], [])
    counts = np.array([int(table.atom_counts[list(b)].sum()) for b in parts], dtype=np.int64)
    small = np.flatnonzero(counts < k)
    if not sets or not (counts[small] > 0).any():
        _PROVEN[0] = (table, k, frozenset(published))
        return []
    h = _exact_model(members, counts, small, len(sets), k)
    n_lam, remaining, found = len(sets), set(published), []
    live = np.ones(n_lam, dtype=bool)
    for run in itertools.count():
        # A large table's proof first in the kernel form; a violation is still found by `h` (the
        # same runs as without the proof, so the same fixes). A check that finds a violation is
        # wasted, so after the first ones only every 2^i-th run is checked first.
        proven = (
            len(small) >= KERNEL_MIN
            and run & (run + 1) == 0
            and not _kernel_feasible(members, counts, small, live, k)
        )
        if not proven:
            h.run()
        status = h.getModelStatus()
        if proven or status == highspy.HighsModelStatus.kInfeasible:
            _PROVEN[0] = (table, k, frozenset(remaining))
            return found
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit MIP: {h.modelStatusToString(status)}")
        sol = np.array(h.getSolution().col_value)
        chosen = small[sol[n_lam:] > 0.5]
        atoms = sorted(a for b in chosen for a in parts[b])
        lams = np.flatnonzero(np.abs(sol[:n_lam]) > TOL)
        uses = tuple(c for j in lams if movable[j] for c in names[j])
        total = int(counts[chosen].sum())
        name = "union:" + "+".join(table.atoms[a] for a in atoms)
        found.append(Violation("exact", name, total, total, total, uses))
        cell = choose(uses)
        j = next((j for j, group in enumerate(names) if cell in group), None)
        if j is None or not movable[j]:
            return found  # the fix lies outside this MIP's cells: audit again from scratch
        for twin in names[j]:
            if twin != cell:
                choose((twin,))  # the same vector: hiding one alone changes nothing
        remaining -= set(names[j])
        live[j] = False
        h.changeColBounds(j, 0.0, 0.0)


def _exact_model(
    members: list[list[int]], counts: np.ndarray, small: np.ndarray, n_lam: int, k: int
) -> highspy.Highs:
    """The MIP of `exact_violations`: lambda per set, then binary x per small block (a block
    of k or more people has x = 0: its row only ties the lambdas)."""
    n_small = len(small)
    column = np.full(len(members), -1, dtype=np.int64)
    column[small] = n_lam + np.arange(n_small)
    sizes, flat = flat_sets(members)
    lengths = sizes + (column >= 0)
    # block b's row: its sets, then -x_b if it is small (inserted after the block's sets)
    after = np.cumsum(sizes)[small]
    index = np.r_[np.insert(flat, after, column[small]), n_lam + np.arange(n_small)]
    value = np.r_[np.insert(np.ones(len(flat)), after, -1.0), counts[small]]
    index = index.astype(np.int32)
    lp = highspy.HighsLp()
    lp.num_col_ = n_lam + n_small
    lp.col_cost_ = np.zeros(lp.num_col_)
    lp.col_lower_ = np.r_[np.full(n_lam, -INF), np.zeros(n_small)]
    lp.col_upper_ = np.r_[np.full(n_lam, INF), np.ones(n_small)]
    lp.num_row_ = len(members) + 1
    lp.row_lower_ = np.r_[np.zeros(len(members)), 1.0]
    lp.row_upper_ = np.r_[np.zeros(len(members)), float(k - 1)]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(lengths), len(index)].astype(np.int32)
    lp.a_matrix_.index_, lp.a_matrix_.value_ = index, value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * n_lam + [
        highspy.HighsVarType.kInteger
    ] * n_small
    h = _solver()
    # Probing (presolve fixing each binary in turn) cost a third of each infeasibility proof
    # of a whole kommun and settled nothing the root LP and cuts did not: off, as HiGHS's own
    # log advises when probing is slow. It only skips a reduction; the answer is the same.
    h.setOptionValue("presolve_rule_off", 1 << PROBING)
    for option, value in EXACT_MIP_OPTIONS.items():
        h.setOptionValue(option, value)
    h.passModel(lp)
    return h


def _kernel_feasible(
    members: list[list[int]], counts: np.ndarray, small: np.ndarray, live: np.ndarray, k: int
) -> bool:
    """Whether `_exact_model` (with the sets not `live` hidden) is feasible, solved without lambda.

    x (0 on blocks of k or more) is a combination of the live sets exactly when it is orthogonal
    to every vector of the kernel of the sets x blocks matrix. An exact (rational) Gauss-Jordan
    elimination of that sparse 0/1 matrix gives a kernel basis, one vector per non-pivot block;
    the MIP over x alone with those rows is the same question, and HiGHS proves it infeasible at
    the root where the lambda form needs hundreds of nodes (a whole kommun: 3.7 s -> 0.3 s).
    """
    index, value = kernel_rows(members, small, live)
    index.append(list(range(len(small))))
    value.append([float(n) for n in counts[small]])
    lp = highspy.HighsLp()
    lp.num_col_ = len(small)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = (
        np.zeros(len(small)), np.zeros(len(small)), np.ones(len(small))
    )  # fmt: skip
    lp.num_row_ = len(index)
    lp.row_lower_ = np.r_[np.zeros(len(index) - 1), 1.0]
    lp.row_upper_ = np.r_[np.zeros(len(index) - 1), float(k - 1)]
    _set_matrix(lp, index, value)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(small)
    h = _kernel_solver()
    h.passModel(lp)
    h.run()
    return h.getModelStatus() != highspy.HighsModelStatus.kInfeasible


# The kernel check's solver, made once per process like the proof's: it only ever asks whether
# the MIP is infeasible, which no earlier model on the instance can change.
@functools.cache
def _kernel_solver() -> highspy.Highs:
    return _solver()


def _set_matrix(
    lp: highspy.HighsLp, rows: list[list[int]], values: list[list[float]] | None = None
) -> None:
    """The row-wise constraint matrix: row r holds the columns rows[r], with the coefficients
    values[r] (all 1 when values is None)."""
    sizes, index = flat_sets(rows)
    value = (
        np.ones(len(index))
        if values is None
        else np.fromiter(itertools.chain.from_iterable(values), np.float64, len(index))
    )
    _set_rows(lp, sizes, index, value)


def _set_rows(lp: highspy.HighsLp, sizes: np.ndarray, index: np.ndarray, value: np.ndarray) -> None:
    """The row-wise constraint matrix from each row's size and the rows' columns and values."""
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.r_[0, np.cumsum(sizes)]
    lp.a_matrix_.index_, lp.a_matrix_.value_ = index, value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, len(sizes)


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
