"""Linked tables and the suppression rule: primary below k, greedy secondary, audited until safe.

A linked table is a set of *atoms* (the finest groups of people anyone could publish: for a
survey, the respondents of one org unit (registered on it) x one manager group) with their true
counts, and *cells*, the published groups, each a union of atoms (a förvaltning, an enhet, a
manager group, the kommun). Every published figure of a cell is a sum over its atoms, so an
attacker's knowledge is the linear system "published cell = sum of its atoms" plus bounds.

`protect` hides every non-empty cell under k (primary) and every empty cell (so a hidden row and
a row nobody answered read the same), then adds secondary cells, smallest first among the cells
the attacker's derivation uses, until `audit.audit` finds nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain

import numpy as np


@dataclass
class LinkedTable:
    """Atoms with true counts and attacker-known upper bounds; cells as sets of atom indices."""

    atoms: list[str]
    atom_counts: np.ndarray
    cells: dict[str, frozenset[int]]
    roots: frozenset[str] = frozenset()  # published totals hidden only as a last resort
    atom_bounds: list[int | None] = field(default_factory=list)  # None: no bound known
    cell_bounds: dict[str, int | None] = field(default_factory=dict)
    # parent = disjoint children + a remainder nobody publishes: a cheap first pass (the audit
    # alone would find the same derivations, one LP/MIP at a time)
    equations: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # cells an earlier publication already showed: published whatever this one hides
    fixed: frozenset[str] = frozenset()
    # attacker-known upper bounds on sums of atoms (a unit's managers over every batch of answers)
    extra_bounds: list[tuple[frozenset[int], int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.atom_counts = np.asarray(self.atom_counts, dtype=np.int64)
        if not self.atom_bounds:
            self.atom_bounds = [None] * len(self.atoms)
        self._matrix = cell_matrix(self.cells)
        self._counts = dict(
            zip(self._matrix.names, self._matrix.sums(self.atom_counts).tolist(), strict=True)
        )

    def count(self, cell: str) -> int:
        return self._counts[cell]

    def upper(self) -> np.ndarray:
        """The atoms' upper bounds as floats (inf where none is known); computed once."""
        if "_upper" not in self.__dict__:
            self._upper = np.array([np.inf if b is None else float(b) for b in self.atom_bounds])
        return self._upper

    def matrix(self) -> CellMatrix:
        """The cells as one sparse matrix (shared by tables with the very same cells)."""
        if "_matrix" not in self.__dict__:
            self._matrix = cell_matrix(self.cells)
        return self._matrix

    def binding_bounds(self) -> set[str]:
        """Cells whose upper bound is tighter than the sum of their atoms' bounds; computed once."""
        if "_binding" not in self.__dict__:
            matrix, upper = self.matrix(), self.upper()
            unbounded = np.isinf(upper)
            room = np.where(
                matrix.sums(unbounded.astype(np.int64)) > 0,
                np.inf,
                matrix.sums(np.where(unbounded, 0.0, upper)),
            )
            self._binding = {
                c for c, b in self.cell_bounds.items()
                if b is not None and not room[matrix.row[c]] <= b
            }  # fmt: skip
        return self._binding

    def restricted(self, cells: Iterable[str]) -> LinkedTable:
        """The same atoms with only `cells` published or hidden: what an attacker holding just
        those cells knows (any derivation there is one in the whole table too)."""
        wanted = set(cells)
        keep = [c for c in self.cells if c in wanted]
        part = LinkedTable.__new__(LinkedTable)
        part.atoms, part.atom_counts, part.atom_bounds = (
            self.atoms,
            self.atom_counts,
            self.atom_bounds,
        )
        part.cells = {c: self.cells[c] for c in keep}
        part.roots = self.roots & set(keep)
        part.cell_bounds = {c: b for c, b in self.cell_bounds.items() if c in part.cells}
        part.equations = [(p, kids) for p, kids in self.equations if p in part.cells]
        part.fixed = self.fixed & set(keep)
        part.extra_bounds = self.extra_bounds
        part._counts = {c: self._counts[c] for c in keep}
        return part

    def shape(self) -> tuple:
        """Everything the rule depends on: equal shapes get equal suppression."""
        return (
            tuple(self.atom_counts.tolist()),
            tuple(sorted((c, tuple(sorted(a))) for c, a in self.cells.items())),
            self.roots,
            tuple(self.atom_bounds),
            tuple(sorted(self.cell_bounds.items())),
            self.fixed,
            tuple(self.extra_bounds),
        )


def flat_sets(sets: Collection[Collection[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Sets of atom indices as two arrays (as a sparse row matrix holds them): each set's size,
    and all their members one set after the other, each set in its own iteration order."""
    sizes = np.fromiter((len(s) for s in sets), np.int64, len(sets))
    return sizes, np.fromiter(chain.from_iterable(sets), np.int64, int(sizes.sum()))


class CellMatrix:
    """Cells as a sparse 0/1 matrix (cells x atoms, CSR): each cell's atoms sorted, in a row."""

    def __init__(self, cells: dict[str, frozenset[int]]) -> None:
        self.names = list(cells)
        self.row = {c: i for i, c in enumerate(self.names)}
        self.sizes, flat = flat_sets(cells.values())
        owner = np.repeat(np.arange(len(self.names)), self.sizes)
        self.flat = flat[np.lexsort((flat, owner))]  # each row's atoms sorted, in one go
        self.starts = np.r_[0, np.cumsum(self.sizes)]

    def atoms(self, cell: str) -> np.ndarray:
        """The cell's atoms, sorted."""
        i = self.row[cell]
        return self.flat[self.starts[i] : self.starts[i + 1]]

    def rows(self, cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(sizes, atoms) of `cells`, one after the other, as `flat_sets` gives them."""
        picked = np.fromiter((self.row[c] for c in cells), np.int64, len(cells))
        sizes = self.sizes[picked]
        begin = np.repeat(self.starts[picked] - np.r_[0, np.cumsum(sizes)[:-1]], sizes)
        return sizes, self.flat[begin + np.arange(int(sizes.sum()))]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Each cell's sum of `values` (finite) over its atoms."""
        total = np.r_[0, np.cumsum(values[self.flat])]
        return total[self.starts[1:]] - total[self.starts[:-1]]


# The matrices of the last few cell dicts, with a copy to check the dict is unchanged: every
# measure of a survey has the same cells, so this builds each survey's matrix once.
_MATRICES: list[tuple[dict, dict, CellMatrix]] = []


def cell_matrix(cells: dict[str, frozenset[int]]) -> CellMatrix:
    """The CellMatrix of `cells`, reused while the very same dict is passed again unchanged."""
    for held, copy, matrix in _MATRICES:
        if held is cells and copy == cells:
            return matrix
    matrix = CellMatrix(cells)
    _MATRICES[:] = [(cells, dict(cells), matrix), *_MATRICES[:3]]
    return matrix


@dataclass(frozen=True)
class Protection:
    """Which cells are hidden and why; `violations` is empty when the audit passed."""

    empty: frozenset[str]
    primary: frozenset[str]
    secondary: frozenset[str]
    forced: frozenset[str]

    @cached_property
    def hidden(self) -> frozenset[str]:
        """Every hidden cell (formed once: each measure's cells ask for it)."""
        return self.empty | self.primary | self.secondary | self.forced


def protect(
    table: LinkedTable,
    k: int,
    forced: Iterable[str] = (),
    intervals: bool = True,
    parts: Iterable[Iterable[str]] = (),
) -> Protection:
    """Hide cells until the attacker's audit passes (see the module docstring and `audit`).

    `parts` are groups of cells (e.g. one förvaltning's scopes and managers), smallest first, to
    audit on their own before the whole table. A derivation from a part's published cells is
    one from the whole table's too, so fixing it there is what the whole audit would ask for;
    the small MIPs are much cheaper, and the whole table's audit still has the last word.
    """
    free = [c for c in table.cells if c not in table.fixed]
    empty = frozenset(c for c in free if table.count(c) == 0)
    primary = frozenset(c for c in free if 0 < table.count(c) < k)
    forced_set = (frozenset(forced) & set(table.cells)) - table.fixed
    hidden = set(empty | primary | forced_set)
    _close_remainders(table, hidden, k)
    for cells in [*parts, None]:
        part = table if cells is None else table.restricted(cells)
        if part.cells:
            _audit_until_safe(part, hidden, k, intervals)
    secondary = frozenset(hidden - empty - primary - forced_set)
    return Protection(empty, primary, secondary, forced_set - empty - primary)


def _audit_until_safe(table: LinkedTable, hidden: set[str], k: int, intervals: bool) -> None:
    """Add to `hidden` (cells of `table` and others) until the audit of `table` finds nothing."""
    from warehouse.disclosure.audit import audit

    while True:
        added: set[str] = set()
        choose = partial(_choose_into, table, hidden, added)
        violations = audit(table, hidden, k, choose, intervals)
        if not violations:
            return
        for violation in violations:
            if violation.kind == "interval" and not added & set(violation.uses):
                choose(violation.uses)  # unless this round's choices already break it
        hidden |= added


def _choose_into(table: LinkedTable, hidden: set[str], added: set[str], uses: tuple) -> str:
    """Choose the cell to hide for one derivation and note it in this round's `added`."""
    cell = _choose(table, hidden | added, uses)
    added.add(cell)
    return cell


def _close_remainders(table: LinkedTable, hidden: set[str], k: int) -> None:
    """Hide cells until no published parent minus its published children leaves 1..k-1."""
    changed = True
    while changed:
        changed = False
        for parent, kids in table.equations:
            if parent in hidden:
                continue
            shown = [c for c in kids if c not in hidden]
            rest = table.count(parent) - sum(table.count(c) for c in shown)
            free = [c for c in shown if c not in table.fixed]
            if 0 < rest < k and free:
                hidden.add(min(free, key=lambda c: (table.count(c), c)))
                changed = True


def _choose(table: LinkedTable, hidden: set[str], uses: Iterable[str]) -> str:
    """The smallest published cell the derivation uses, roots last; any published cell if none."""
    uses = [c for c in uses if c not in hidden and c not in table.fixed]
    for pool in ([c for c in uses if c not in table.roots], uses):
        if pool:
            return min(pool, key=lambda c: (table.count(c), c))
    free = [c for c in table.cells if c not in hidden and c not in table.fixed]  # rarely needed
    for pool in ([c for c in free if c not in table.roots], free):
        if pool:
            return min(pool, key=lambda c: (table.count(c), c))
    raise RuntimeError("audit fails with every cell hidden")  # unreachable: nothing to derive
