"""Attack (a): linear combinations of up to four published cells, coefficients +-1, that leave
exactly a set of 1..k-1 respondents or persons (their total, and with it their figures, is then
known).

Pruned as a meet in the middle: every combination of up to four cells is a "left half" of one
or two cells plus a "right half" of one or two cells with higher indices. Halves are sorted by
their published total, so for each left half only right halves whose total brings the sum into
1..k-1 are checked against the atoms (the sum must be 0 or 1 on every atom).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from tests.attack.cells import Cell, System


@dataclass(frozen=True)
class Derivation:
    system: tuple
    terms: tuple[tuple[int, Cell], ...]  # (+1 or -1, cell)
    atoms: frozenset[int]
    value: float

    def text(self) -> str:
        parts = " ".join(("+" if s > 0 else "-") + ":".join(map(str, c)) for s, c in self.terms)
        return f"{'/'.join(self.system)}: {parts} = {self.value:g}"


@dataclass
class Halves:
    terms: list[tuple[tuple[int, int], ...]]  # ((sign, cell index), ...)
    vec: np.ndarray  # halves x atoms
    val: np.ndarray
    lo: np.ndarray  # smallest cell index
    hi: np.ndarray  # largest cell index


def _halves(mat: np.ndarray, vals: np.ndarray) -> Halves:
    """Every signed single cell and pair of cells, sorted by published total."""
    n = len(vals)
    i, j = np.triu_indices(n, 1)
    one = np.arange(n)
    second = np.concatenate([one, one, np.tile(j, 4)])
    s1 = np.concatenate(
        [np.ones(n), -np.ones(n), np.repeat(np.array([[1, 1, -1, -1]]), len(i), 0).T.ravel()]
    )
    s2 = np.concatenate(
        [np.zeros(2 * n), np.repeat(np.array([[1, -1, 1, -1]]), len(i), 0).T.ravel()]
    )
    first = np.concatenate([one, one, np.tile(i, 4)])
    vec = (s1[:, None] * mat[first] + s2[:, None] * mat[second]).astype(np.int8)
    val = s1 * vals[first] + s2 * vals[second]
    pair = s2 != 0
    order = np.argsort(val, kind="stable")
    terms = [
        ((int(a), int(f)), (int(b), int(g))) if p else ((int(a), int(f)),)
        for a, f, b, g, p in zip(
            s1[order], first[order], s2[order], second[order], pair[order], strict=True
        )
    ]
    hi = np.where(pair, second, first)
    return Halves(terms, vec[order], val[order], first[order], hi[order])


def _unique(system: System, cells: list[Cell]) -> list[Cell]:
    """Published cells with distinct non-empty atom sets (a copy adds no combination)."""
    seen: dict[bytes, Cell] = {}
    for c in sorted(set(cells), key=str):
        mask = system.members[c]
        if c in system.published and mask.any():
            seen.setdefault(mask.tobytes(), c)
    return list(seen.values())


def _pairs(h: Halves, k: int, max_terms: int, chunk: int = 200_000):
    """(left, right) index arrays, in chunks: right after left, totals summing to 1..k-1."""
    size = np.array([len(t) for t in h.terms])
    start = np.searchsorted(h.val, 1 - h.val, side="left")
    count = np.searchsorted(h.val, k - 1 - h.val, side="right") - start
    lefts = np.flatnonzero(count > 0)
    bounds = np.cumsum(count[lefts])
    first = 0
    while first < len(lefts):
        last = int(np.searchsorted(bounds, (bounds[first - 1] if first else 0) + chunk)) + 1
        part = lefts[first:last]
        left = np.repeat(part, count[part])
        offsets = np.arange(len(left)) - np.repeat(
            np.cumsum(count[part]) - count[part], count[part]
        )
        right = start[left] + offsets
        keep = (h.lo[right] > h.hi[left]) & (size[left] + size[right] <= max_terms)
        yield left[keep], right[keep]
        first = last


def search_cells(system: System, cells: list[Cell], max_terms: int = 4) -> tuple[list, int]:
    """Derivations among `cells`; and how many signed combinations that covers."""
    cells = _unique(system, cells)
    n, k = len(cells), system.k
    covered = sum(comb(n, s) * 2**s for s in range(1, max_terms + 1))
    if n == 0:
        return [], 0
    mat = np.array([system.members[c] for c in cells], dtype=np.int8)
    atoms = np.flatnonzero(mat.any(axis=0))
    mat = mat[:, atoms]  # only the atoms these cells touch
    vals = np.array([system.value(c) for c in cells])
    h = _halves(mat, vals)
    found: list[Derivation] = []

    def emit(terms: tuple[tuple[int, int], ...], vec: np.ndarray, value: float) -> None:
        if any(s > 0 for s, _ in terms):
            found.append(
                Derivation(
                    system.name,
                    tuple((s, cells[i]) for s, i in terms),
                    frozenset(atoms[np.flatnonzero(vec)].tolist()),
                    float(value),
                )
            )

    ok_alone = ((h.vec >= 0) & (h.vec <= 1)).all(axis=1) & (h.val >= 1) & (h.val <= k - 1)
    for i in np.flatnonzero(ok_alone):
        emit(h.terms[i], h.vec[i], h.val[i])
    if max_terms > 2:
        for left, right in _pairs(h, k, max_terms):
            sums = h.vec[left] + h.vec[right]
            for i, j in zip(
                *(x[((sums >= 0) & (sums <= 1)).all(axis=1)] for x in (left, right)), strict=True
            ):
                emit(h.terms[i] + h.terms[j], h.vec[i] + h.vec[j], h.val[i] + h.val[j])
    return found, covered


def search(
    system: System, max_terms: int = 4, exhaustive: bool = True
) -> tuple[list[Derivation], int]:
    """All derivations in the system (or, not exhaustive, those of the first family with one)."""
    families = system.families or [list(system.published)]
    found: list[Derivation] = []
    covered = 0
    for family in families:
        f, c = search_cells(system, family, max_terms)
        found += f
        covered += c
        if found and not exhaustive:
            break
    unique = {(d.terms): d for d in found}
    return list(unique.values()), covered
