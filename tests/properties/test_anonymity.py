"""Anonymity properties over random org trees, manager groups and response counts.

1. No published figure for a group with fewer than k respondents.
2. No hidden group can be derived by subtraction: for every published parent, in the org tree and
   among manager groups, parent minus its published children leaves 0 or at least k respondents;
   and an attacker who adds and subtracts published counts (any linear combination) cannot isolate
   any single respondent, nor any hidden group under k.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.properties.survey_world import KOMMUN, World, suppressed_cells
from warehouse.anonymity import Cell, suppress, tree_equations

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def worlds(draw: st.DrawFn, with_groups: bool = True) -> World:
    n_units = draw(st.integers(1, 9))
    parents = tuple(
        None if i == 0 or draw(st.booleans()) and i < 3 else draw(st.integers(0, i - 1))
        for i in range(n_units)
    )
    n = draw(st.integers(1, 18))
    units = tuple(draw(st.one_of(st.none(), st.integers(0, n_units - 1))) for _ in range(n))
    n_groups = draw(st.integers(1, 4)) if with_groups else 0
    groups = tuple(
        draw(st.one_of(st.none(), st.integers(0, n_groups - 1))) if with_groups else None
        for _ in range(n)
    )
    return World(parents, units, groups, draw(st.integers(2, 5)))


def published(world: World) -> dict[str, frozenset[int]]:
    cells = suppressed_cells(world)
    members = world.members()
    assert set(cells["cell_id"]) == set(members)  # every non-empty group is a row
    for row in cells.itertuples():
        assert row.n == len(members[row.cell_id])
    return {c: members[c] for c in cells.loc[~cells["is_suppressed"], "cell_id"]}


def disclosed_sets(world: World, visible: dict[str, frozenset[int]]) -> list[frozenset[int]]:
    """Small sets (1..k-1 respondents) whose total a linear combination of published counts gives.

    Checked: every single respondent, and every cell with fewer than k respondents. An indicator
    vector lies in the span of the published cells' vectors iff projecting it changes nothing.
    """
    n = len(world.units)
    matrix = np.array([[1.0 if r in m else 0.0 for r in range(n)] for m in visible.values()])
    projector = np.linalg.pinv(matrix) @ matrix if len(matrix) else np.zeros((n, n))
    candidates = [frozenset([r]) for r in range(n)]
    candidates += [m for m in world.members().values() if 0 < len(m) < world.k]
    found = []
    for members in candidates:
        v = np.array([1.0 if r in members else 0.0 for r in range(n)])
        if np.allclose(v @ projector, v, atol=1e-8):
            found.append(members)
    return found


def residuals(world: World, visible: dict[str, frozenset[int]]) -> list[tuple[str, int]]:
    """(parent, respondents left) for each published parent minus its published children."""
    parents = {f"unit:U{u}": (f"unit:U{p}" if p is not None else f"kommun:{KOMMUN}")
               for u, p in enumerate(world.parents)}  # fmt: skip
    children: dict[tuple[str, str], list[str]] = {}
    for cell in visible:
        if cell.startswith("unit:"):
            children.setdefault((parents[cell], "org"), []).append(cell)
        elif cell.startswith("group:"):
            children.setdefault((f"kommun:{KOMMUN}", "group"), []).append(cell)
    out = []
    for parent in visible:
        for hierarchy in ("org", "group"):
            kids = children.get((parent, hierarchy), [])
            left = len(visible[parent]) - sum(len(visible[c]) for c in kids)
            out.append((parent, left))
    return out


@SETTINGS
@given(worlds())
def test_no_small_group_is_published_or_left_as_parent_minus_visible_children(
    world: World,
) -> None:
    visible = published(world)
    assert all(len(members) >= world.k for members in visible.values())
    for parent, left in residuals(world, visible):
        assert left == 0 or left >= world.k, (parent, left)


@SETTINGS
@given(worlds(with_groups=False))
def test_no_linear_combination_isolates_anyone_in_the_org_tree(world: World) -> None:
    visible = published(world)
    assert all(len(members) >= world.k for members in visible.values())
    assert disclosed_sets(world, visible) == []


@pytest.mark.xfail(
    strict=True,
    reason="known gap: across the org tree and manager groups, only parent-minus-children and "
    "cell-inside-cell differences are protected; longer chains (a derived unit remainder inside a "
    "group) can still isolate a respondent. See README, Anonymity.",
)
# Derandomized: the same examples every run, so the known gap is found every time and the
# strict xfail cannot flip to a (failing) XPASS by chance.
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure is expected
    suppress_health_check=[HealthCheck.too_slow],
)
@given(worlds())
def test_no_linear_combination_isolates_anyone_across_tree_and_groups(world: World) -> None:
    visible = published(world)
    assert disclosed_sets(world, visible) == []


def test_a_parent_with_one_small_hidden_child_hides_a_sibling_too() -> None:
    # kommun 12 = A 7 + B 3 + C 2 (direct 0): hiding B and C alone would leave 5 = B + C ≥ k...
    # but with k = 6, the remainder 5 is too small, so A must be hidden as well.
    cells = [Cell("K", None, "org", 12), Cell("A", "K", "org", 7), Cell("B", "K", "org", 3),
             Cell("C", "K", "org", 2)]  # fmt: skip
    assert suppress({c.id: c.n for c in cells}, tree_equations(cells), 6) == {"A", "B", "C"}
    assert suppress({c.id: c.n for c in cells}, tree_equations(cells), 3) == {"B", "C"}


def test_a_hidden_parent_is_not_left_derivable_from_its_children() -> None:
    # K 20 = F 10 + G 10; F hidden (complementary); F = a 5 + b 5 would expose F, and then
    # K - G - F would expose nothing new — but F's own remainder must stay consistent.
    cells = [Cell("K", None, "org", 20), Cell("F", "K", "org", 12), Cell("G", "K", "org", 6),
             Cell("a", "F", "org", 6), Cell("b", "F", "org", 6)]  # fmt: skip
    hidden = suppress({c.id: c.n for c in cells}, tree_equations(cells), 5)
    # remainder of K (2, registered on the kommun itself) must not be derivable: something hides
    assert hidden
    visible = {c.id for c in cells} - hidden
    assert not {"K", "F", "G"} <= visible
    assert not ({"K", "G", "a", "b"} <= visible)
