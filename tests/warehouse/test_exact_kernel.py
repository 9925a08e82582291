"""The exact audit's kernel form answers exactly what its lambda form answers: on random linked
tables (nested and overlapping sets, some hidden), both MIPs agree on whether some union of
1..k-1 people is a combination of the published sets."""

from __future__ import annotations

import highspy
import numpy as np

from warehouse.disclosure.audit import _blocks, _exact_model, _kernel_feasible


def random_case(rng: np.random.Generator) -> tuple:
    n_atoms = int(rng.integers(4, 40))
    counts = rng.integers(0, 9, n_atoms)
    sets = {frozenset(range(n_atoms))}
    for _ in range(int(rng.integers(2, 25))):  # units, their breakdowns, unions of units
        base = rng.choice(n_atoms, int(rng.integers(1, n_atoms + 1)), replace=False)
        sets.add(frozenset(base.tolist()))
    sets = sorted(sets, key=sorted)
    parts, members = _blocks(sets)
    block_counts = np.array([int(counts[list(b)].sum()) for b in parts])
    live = rng.random(len(sets)) < 0.8
    return members, block_counts, live, len(sets)


def lambda_feasible(members, counts, small, live, n_lam, k) -> bool:
    h = _exact_model(members, counts, small, n_lam, k)
    for j in np.flatnonzero(~live):
        h.changeColBounds(int(j), 0.0, 0.0)
    h.run()
    return h.getModelStatus() != highspy.HighsModelStatus.kInfeasible


def test_kernel_form_agrees_with_lambda_form_on_random_tables() -> None:
    rng = np.random.default_rng(16)
    outcomes = set()
    for _ in range(100):
        members, counts, live, n_lam = random_case(rng)
        k = int(rng.integers(3, 11))
        small = np.flatnonzero(counts < k)
        if not len(small):
            continue
        expected = lambda_feasible(members, counts, small, live, n_lam, k)
        assert _kernel_feasible(members, counts, small, live, k) == expected
        outcomes.add(expected)
    assert outcomes == {True, False}  # both answers were exercised


def test_exact_model_rows_are_each_blocks_sets_then_its_x() -> None:
    """_exact_model builds its rows with numpy; they are exactly the rows written out one block
    at a time (its sets with 1, -1 on the block's x if it is small; last the count row)."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        members, counts, _, n_lam = random_case(rng)
        k = int(rng.integers(3, 11))
        small = np.flatnonzero(counts < k)
        expected = np.zeros((len(members) + 1, n_lam + len(small)))
        for b, sets_of in enumerate(members):
            expected[b, sets_of] = 1.0
        for x, b in enumerate(small.tolist()):
            expected[b, n_lam + x] = -1.0
            expected[-1, n_lam + x] = counts[b]
        lp = _exact_model(members, counts, small, n_lam, k).getLp()
        assert np.array_equal(dense(lp), expected)


def dense(lp: highspy.HighsLp) -> np.ndarray:
    matrix = lp.a_matrix_
    start, index, value = (np.asarray(a) for a in (matrix.start_, matrix.index_, matrix.value_))
    out = np.zeros((lp.num_row_, lp.num_col_))
    rowwise = matrix.format_ == highspy.MatrixFormat.kRowwise
    for line in range(len(start) - 1):
        span = slice(start[line], start[line + 1])
        for i, v in zip(index[span], value[span], strict=True):
            out[(line, i) if rowwise else (i, line)] = v
    return out
