"""Attack (b): the attacker's linear program (HiGHS through highspy).

For every hidden cell and every atom of a system: its smallest and largest possible count given
every published count (equalities), non-negativity, what the attacker knows (an atom holds at most
its managers, a cell at most its managers) and, when rows appear only for cells with answers, the
presence of a row (>= 1) or its absence (= 0). A target whose whole feasible range lies in
1..k-1 (including one pinned value there) is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from tests.attack.cells import System

EPS = 1e-6


@dataclass(frozen=True)
class Bound:
    system: tuple
    target: tuple  # ("cell", cell) or ("atom", atom)
    low: float
    high: float

    def text(self) -> str:
        return f"{'/'.join(self.system)}: {self.target} in [{self.low:g}, {self.high:g}]"


class Program:
    """One system's constraints, solved once per objective (the model is built once)."""

    def __init__(self, system: System):
        self.system = system
        n = len(system.atoms)
        rows: list[tuple[np.ndarray, float, float]] = []
        for cell, value in system.published.items():
            rows.append((system.members[cell], value, value))
        for cell, cap in system.caps.items():
            rows.append((system.members[cell], -highspy.kHighsInf, cap))
        if system.missing:  # rows exist only where someone answered: absence means 0
            for cell in system.members:
                if cell in system.missing:
                    rows.append((system.members[cell], 0.0, 0.0))
                elif cell not in system.published:
                    rows.append((system.members[cell], 1.0, highspy.kHighsInf))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(rows)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.where(np.isfinite(system.ub), system.ub, highspy.kHighsInf)
        lp.row_lower_ = np.array([r[1] for r in rows], dtype=float)
        lp.row_upper_ = np.array([r[2] for r in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        starts, index = [0], []
        for mask, _, _ in rows:
            index += np.flatnonzero(mask).tolist()
            starts.append(len(index))
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.ones(len(index))
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        self.h.passModel(lp)
        self.n = n
        self.solves = 0
        self.feasible = self._solve(np.zeros(n), highspy.ObjSense.kMinimize) is not None

    def _solve(self, cost: np.ndarray, sense: highspy.ObjSense) -> float | None:
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost.astype(float))
        self.h.changeObjectiveSense(sense)
        self.h.run()
        self.solves += 1
        status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return self.h.getInfo().objective_function_value
        if status in (highspy.HighsModelStatus.kUnbounded,):
            return float("inf") if sense == highspy.ObjSense.kMaximize else float("-inf")
        return None

    def can_be_zero(self, masks: dict[bytes, np.ndarray]) -> list[bytes]:
        """Targets shown to reach 0, in batches: minimise the sum of all still open targets; every
        target that is 0 at that optimum can be 0 (one LP instead of one per target)."""
        open_, zero = dict(masks), []
        while open_:
            total = np.sum(list(open_.values()), axis=0).astype(float)
            if self._solve(total, highspy.ObjSense.kMinimize) is None:
                break
            x = np.asarray(self.h.getSolution().col_value)
            done = [key for key, m in open_.items() if x[m].sum() < EPS]
            if not done:
                break
            zero += done
            for key in done:
                del open_[key]
        return zero

    def disclosed(self, mask: np.ndarray) -> tuple[float, float] | None:
        """(low, high) when the target's range lies in 1..k-1, else None (min first: cheaper)."""
        cost = mask.astype(float)
        low = self._solve(cost, highspy.ObjSense.kMinimize)
        if low is None or low < 1 - EPS:
            return None
        high = self._solve(cost, highspy.ObjSense.kMaximize)
        if high is None or high > self.system.k - 1 + EPS:
            return None
        return low, high


def lp_attack(system: System, exhaustive: bool = True) -> tuple[list[Bound], int, bool]:
    """Disclosed hidden cells and atoms; the number of LPs solved; whether the model held."""
    program = Program(system)
    if not program.feasible:
        return [], program.solves, False
    targets: dict[bytes, tuple] = {}
    for cell in sorted(system.hidden, key=str):
        mask = system.members[cell]
        if mask.any():
            targets.setdefault(mask.tobytes(), ("cell", cell))
    for i, atom in enumerate(system.atoms):
        mask = np.zeros(len(system.atoms), bool)
        mask[i] = True
        targets.setdefault(mask.tobytes(), ("atom", atom))
    masks = {key: np.frombuffer(key, dtype=bool) for key in targets}
    found = []
    for key in program.can_be_zero(masks):
        del masks[key]
    for key, mask in masks.items():
        result = program.disclosed(mask)
        if result is not None:
            found.append(Bound(system.name, targets[key], *result))
            if not exhaustive:
                break
    return found, program.solves, True
