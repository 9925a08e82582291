"""Sick-leave protection as pure functions of plain columns: what a disclosure worker runs.

The rule of sick_leave.py (its docstring says what the linked table holds), kept free of pandas
and DuckDB so that a worker process imports only numpy and HiGHS: its inputs arrive as column
lists (any mapping of column name to values), its rows leave as tuples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from warehouse.disclosure.linked import LinkedTable, Protection, protect

Columns = Mapping[str, Sequence]  # column name -> values (a dict of lists, or a DataFrame)


def _reason(protection: Protection, cell: str) -> str | None:
    for name in ("empty", "primary", "secondary"):
        if cell in getattr(protection, name):
            return name
    return "secondary" if cell in protection.forced else None


def _joint_table(
    atoms: Columns, scope_units: dict, led: dict, parents: dict
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


def _scope_parents(scopes: Columns, tree: Columns) -> dict[tuple, tuple]:
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
    atoms: Columns, scopes: Columns, leaders: Columns, tree: Columns, k: int
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


def protect_job(
    atoms: Columns, scopes: Columns, leaders: Columns, tree: Columns, k: int, index: int = 0
) -> list[tuple]:
    """`protect_kommun_period` as a worker's job (`index` only names the job)."""
    return protect_kommun_period(atoms, scopes, leaders, tree, k)
