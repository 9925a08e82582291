"""An exact kernel basis of a 0/1 sets x blocks matrix, for the exact audit's proof.

Rational Gauss-Jordan elimination on sparse rows (dicts): the published sets of a linked table
are 0/1 vectors over its blocks and nearly nested, so entries stay small integers and the fill-in
is small. Exact arithmetic, so the kernel is the true one (no floating-point rank decisions).
"""

from __future__ import annotations

import math
from collections import defaultdict
from fractions import Fraction

import numpy as np


def kernel_rows(
    members: list[list[int]], small: np.ndarray, live: np.ndarray
) -> tuple[list[list[int]], list[list[float]]]:
    """A basis of the kernel of the live sets x blocks matrix, each vector restricted to the small
    blocks (positions in `small`; x is 0 on the others) and scaled to integers: x is a
    combination of the live sets exactly when it is orthogonal to every one of them."""
    is_small = np.zeros(len(members), dtype=bool)
    is_small[small] = True
    rows, pivot_row = _reduced(members, live, is_small)
    uses: dict[int, list[int]] = defaultdict(list)  # free block -> pivot blocks whose row has it
    for b, j in pivot_row.items():
        for c in rows[j]:
            if c != b:
                uses[c].append(b)
    position = np.full(len(members), -1, dtype=np.int64)
    position[small] = np.arange(len(small))
    index: list[list[int]] = []
    value: list[list[float]] = []
    for f in range(len(members)):  # one kernel vector per free block: f minus its pivots' rows
        if f in pivot_row:
            continue
        terms = {f: 1} if is_small[f] else {}
        for p in uses[f]:
            if is_small[p]:
                terms[p] = -rows[pivot_row[p]][f]
        if terms:
            scale = math.lcm(*(v.denominator for v in terms.values()))
            index.append([int(position[b]) for b in terms])
            value.append([float(v * scale) for v in terms.values()])
    return index, value


def _reduced(
    members: list[list[int]], live: np.ndarray, is_small: np.ndarray
) -> tuple[dict[int, dict[int, Fraction | int]], dict[int, int]]:
    """The live sets' rows (set -> block -> entry) in exact reduced row echelon form, and each
    pivot block's row."""
    rows: dict[int, dict[int, Fraction | int]] = defaultdict(dict)
    for b, sets_of in enumerate(members):
        for j in sets_of:
            if live[j]:
                rows[j][b] = 1
    column: dict[int, set[int]] = defaultdict(set)
    for j, row in rows.items():
        for b in row:
            column[b].add(j)
    pivot_row: dict[int, int] = {}
    for j in sorted(rows, key=lambda j: (len(rows[j]), j)):
        row = rows[j]
        if not row:
            continue
        # pivot on blocks of k or more first: then the kernel's free blocks are small ones
        b = min(row, key=lambda c: (bool(is_small[c]), len(column[c]), c))
        scale = row[b]
        if scale != 1:  # entries stay ints while pivots are 1 or -1 (the usual case)
            for c in row:
                row[c] = -row[c] if scale == -1 else Fraction(row[c]) / scale
        for other in column[b] - {j}:
            _eliminate(rows[other], other, row, b, column)
        pivot_row[b] = j
    return rows, pivot_row


def _eliminate(
    row: dict[int, Fraction],
    j: int,
    pivot: dict[int, Fraction],
    b: int,
    column: dict[int, set[int]],
) -> None:
    """Row j -= row[b] * pivot (pivot[b] == 1), keeping `column` (block -> rows) up to date."""
    factor = row[b]
    for c, v in pivot.items():
        new = row.get(c, 0) - factor * v
        if new:
            row[c] = new
            column[c].add(j)
        elif c in row:
            del row[c]
            column[c].discard(j)
