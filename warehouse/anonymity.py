"""Anonymity: which survey cells to suppress so no group under k respondents can be seen or derived.

A *cell* is a published group of respondents (kommun, förvaltning, avdelning, enhet, manager group)
with its respondent count n for one figure. An *equation* says a parent cell is the sum of disjoint
child cells plus a remainder nobody publishes (respondents registered on the parent itself, or in
no child): the org tree gives one per unit, manager groups one under the kommun, and a cell wholly
inside another cell of a different hierarchy gives one more (a group that holds all of a
förvaltning's respondents: group minus förvaltning would otherwise reveal the few others).

Primary suppression hides every cell with n < k. Complementary suppression then hides more cells
until nothing an attacker can compute by adding and subtracting published figures isolates between
1 and k-1 respondents: no hidden cell and no remainder becomes derivable when it is that small, and
no parent minus its visible children leaves that few. Figures are weighted sums over respondents
(n and n x mean), so this is the linear algebra of those sums, solved on the tree structure.

Public entry points: `suppress` (the rule, on plain counts) and `apply_suppression` (the warehouse
step that reads `int_survey_cell` and writes `int_survey_suppression`). Dashboards, posters and
exports read the published marts, which already carry the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

Equation = tuple[
    str, tuple[str, ...]
]  # parent cell = sum of these disjoint child cells + remainder


@dataclass(frozen=True)
class Cell:
    """One group of respondents for one figure: its id, its parent in its hierarchy, and n."""

    id: str
    parent: str | None
    hierarchy: str
    n: int


def tree_equations(cells: Iterable[Cell]) -> list[Equation]:
    """Parent = its children in each hierarchy (the kommun is parent in the org tree and of groups)."""
    children: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cell in cells:
        if cell.parent is not None:
            children[(cell.parent, cell.hierarchy)].append(cell.id)
    return [(parent, tuple(sorted(kids))) for (parent, _), kids in sorted(children.items())]


def suppress(counts: Mapping[str, int], equations: Sequence[Equation], k: int) -> frozenset[str]:
    """The cells to hide. `counts` holds every cell's n; each equation's children are disjoint
    subsets of its parent. The result hides every cell with n < k, plus complementary cells."""
    eqs = [(p, kids, counts[p] - sum(counts[c] for c in kids)) for p, kids in equations]
    for parent, _, remainder in eqs:
        if remainder < 0:
            raise ValueError(f"children of {parent} hold more respondents than it does")
    hidden = {c for c, n in counts.items() if n < k}
    roots = set(counts) - {c for _, kids, _ in eqs for c in kids}
    while True:
        violation = _first_violation(counts, eqs, hidden, k)
        if violation is None:
            return frozenset(hidden)
        hidden.add(_next_to_hide(violation, counts, eqs, hidden, roots))


def _closure(
    counts: Mapping[str, int], eqs: list[tuple[str, tuple[str, ...], int]], hidden: set[str]
) -> tuple[set[str], set[int]]:
    """Cells and remainders (by equation index) an attacker can compute from the published cells."""
    known = set(counts) - hidden
    known_rest = {i for i, (_, _, rest) in enumerate(eqs) if rest == 0}
    changed = True
    while changed:
        changed = False
        for i, (parent, kids, _) in enumerate(eqs):
            unknown = [c for c in kids if c not in known]
            rest_unknown = i not in known_rest
            missing = len(unknown) + rest_unknown
            if parent in known and missing == 1:
                if unknown:
                    known.add(unknown[0])
                else:
                    known_rest.add(i)
                changed = True
            elif parent not in known and missing == 0:
                known.add(parent)
                changed = True
    return known, known_rest


def _first_violation(
    counts: Mapping[str, int],
    eqs: list[tuple[str, tuple[str, ...], int]],
    hidden: set[str],
    k: int,
) -> tuple[str, int, str | None] | None:
    """('cell', eq, cell), ('rest', eq, None) or ('residual', eq, None); None when all is safe."""
    known, known_rest = _closure(counts, eqs, hidden)
    for cell in sorted(c for c in known if 0 < counts[c] < k):
        owner = next((i for i, (_, kids, _) in enumerate(eqs) if cell in kids), -1)
        return ("cell", owner, cell)
    for i, (parent, kids, rest) in enumerate(eqs):
        if i in known_rest and 0 < rest < k:
            return ("rest", i, None)
        if parent in known:
            unknown = sum(counts[c] for c in kids if c not in known)
            unknown += 0 if i in known_rest else rest
            if 0 < unknown < k:
                return ("residual", i, None)
    return None


def _next_to_hide(
    violation: tuple[str, int, str | None],
    counts: Mapping[str, int],
    eqs: list[tuple[str, tuple[str, ...], int]],
    hidden: set[str],
    roots: set[str],
) -> str:
    """The smallest published sibling in the broken equation; else the parent; else the smallest
    published cell below the parent; else the smallest published cell that is not a root."""
    _, index, cell = violation

    def smallest(cells: Iterable[str]) -> str | None:
        open_cells = sorted((counts[c], c) for c in cells if c not in hidden and c != cell)
        return open_cells[0][1] if open_cells else None

    if index >= 0:
        parent, kids, _ = eqs[index]
        choice = smallest(kids)
        if choice is None and parent not in roots and parent not in hidden:
            choice = parent
        if choice is None:
            choice = smallest(_descendants(parent, eqs))
        if choice is not None:
            return choice
    choice = smallest(c for c in counts if c not in roots)
    if choice is None:
        raise RuntimeError("nothing left to suppress")  # unreachable: all hidden is always safe
    return choice


def _descendants(parent: str, eqs: list[tuple[str, tuple[str, ...], int]]) -> set[str]:
    below: set[str] = set()
    todo = [parent]
    while todo:
        node = todo.pop()
        for p, kids, _ in eqs:
            if p == node:
                new = set(kids) - below
                below |= new
                todo += list(new)
    return below


# ---- the warehouse step -------------------------------------------------------------------------

TABLE_KEY = ("kommun_code", "period_date", "survey_id", "respondent_role", "measure_id")


def suppress_frame(cells: pd.DataFrame, nested: pd.DataFrame | None = None) -> pd.Series:
    """is_suppressed for each row of `cells` (TABLE_KEY, cell_id, parent_cell_id, hierarchy, n, k).

    `nested` (TABLE_KEY, outer_cell_id, inner_cell_id) adds an equation per cell wholly inside a
    cell of another hierarchy. Tables with the same shape share one computation.
    """
    result = pd.Series(False, index=cells.index, dtype="boolean")
    nested_by_table: dict[tuple, list[Equation]] = defaultdict(list)
    if nested is not None:
        for row in nested.itertuples(index=False):
            key = tuple(getattr(row, c) for c in TABLE_KEY)
            nested_by_table[key].append((row.outer_cell_id, (row.inner_cell_id,)))
    memo: dict[tuple, frozenset[str]] = {}
    for key, table in cells.groupby(list(TABLE_KEY), sort=False, dropna=False):
        tree = [
            Cell(
                r.cell_id,
                None if pd.isna(r.parent_cell_id) else r.parent_cell_id,
                r.hierarchy,
                int(r.n),
            )
            for r in table.itertuples(index=False)
        ]
        equations = tree_equations(tree) + sorted(nested_by_table.get(tuple(key), []))
        counts = {c.id: c.n for c in tree}
        k = int(table["k"].iloc[0])
        shape = (k, tuple(sorted(counts.items())), tuple(equations))
        if shape not in memo:
            memo[shape] = suppress(counts, equations, k)
        result[table.index] = table["cell_id"].isin(memo[shape]).to_numpy()
    return result


def apply_suppression(con: duckdb.DuckDBPyConnection) -> None:
    """Read int_survey_cell (+ int_survey_nested_cell), write TEMP table int_survey_suppression."""
    cells = con.execute("SELECT * FROM int_survey_cell").df()
    nested = con.execute("SELECT * FROM int_survey_nested_cell").df()
    cells["is_suppressed"] = suppress_frame(cells, nested) if len(cells) else pd.Series(dtype=bool)
    out = cells[[*TABLE_KEY, "cell_id", "is_suppressed"]].astype({"is_suppressed": bool})
    con.register("suppression_frame", out)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE int_survey_suppression AS SELECT * FROM suppression_frame"
        )
    finally:
        con.unregister("suppression_frame")
