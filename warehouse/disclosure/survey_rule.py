"""Survey protection as pure functions of plain columns: what a disclosure worker runs.

The rule of surveys.py (its docstring says what is protected and how), kept free of pandas and
DuckDB so that a worker process imports only numpy and HiGHS (~30 MiB instead of ~115 MiB each):
its inputs arrive as column lists, its results leave as column lists, and the main process
reads and writes DuckDB.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

import numpy as np

from warehouse.disclosure.linked import LinkedTable, Protection, protect
from warehouse.disclosure.republication import History, LayeredSurvey, current

Columns = dict[str, list]  # column name -> values, one list per column
GROUP_CUT_SHARE = 0.5  # keep groups only if at least this share of showable org cells stays shown
REPUBLICATION = "republication"  # held back: shown as at an earlier publication


def _survey_table(
    cells: Columns, atoms: Columns, bounds: Columns, ancestors: Columns
) -> tuple[list[tuple], dict[str, frozenset[int]], list[int | None], dict[str, int | None]]:
    """Atom keys, cells as atom sets, and the attacker's bounds for one survey."""
    keys = sorted(
        {(u, g) for u, g in zip(atoms["atom_unit"], atoms["atom_group"], strict=True)}
        | {(u, g) for u, g in zip(bounds["atom_unit"], bounds["atom_group"], strict=True)},
        key=lambda x: (str(x[0]), str(x[1])),
    )
    index = {key: i for i, key in enumerate(keys)}
    above: dict[str, list[str]] = defaultdict(list)
    for unit, ancestor in zip(ancestors["unit_id"], ancestors["ancestor_id"], strict=True):
        above[unit].append(ancestor)
    members: dict[str, set[int]] = defaultdict(set)
    for (unit, group), i in index.items():
        if unit is not None:
            for ancestor in above.get(unit, [unit]):
                members[f"unit:{ancestor}"].add(i)
        if group is not None:
            members[f"group:{group}"].add(i)
    cell_atoms = {
        c: (frozenset(range(len(keys))) if h == "root" else frozenset(members.get(c, ())))
        for c, h in zip(cells["cell_id"], cells["hierarchy"], strict=True)
    }
    managers = dict.fromkeys(keys, 0)
    for u, g, m in zip(bounds["atom_unit"], bounds["atom_group"], bounds["managers"], strict=True):
        managers[(u, g)] = int(m)
    answered = dict.fromkeys(keys, 0)
    for m, u, g, n in zip(
        atoms["measure_id"], atoms["atom_unit"], atoms["atom_group"], atoms["n"], strict=True
    ):
        if m == "respondents":
            answered[(u, g)] = int(n)
    bounded = len(bounds["managers"]) > 0
    atom_bounds = [
        managers[key] if bounded and managers[key] >= answered[key] else None for key in keys
    ]
    cell_bounds: dict[str, int | None] = {}
    for cell, atom_set in cell_atoms.items():
        total = sum(managers[keys[i]] for i in atom_set)
        cell_bounds[cell] = (
            total if bounded and total >= sum(answered[keys[i]] for i in atom_set) else None
        )
    return keys, cell_atoms, atom_bounds, cell_bounds


def protect_with_group_rule(
    table: LinkedTable, k: int, groups: list[str], org: list[str], forced: Iterable[str] = ()
) -> tuple[Protection, bool]:
    """Protection of the whole table, or of the org tree alone with every group hidden."""
    full = protect(table, k, forced=forced)
    shown = [c for c in org if c not in full.hidden]
    showable = [c for c in org if table.count(c) >= k]
    if not groups or len(shown) >= GROUP_CUT_SHARE * len(showable):
        return full, False
    org_only = protect(table, k, forced=[*groups, *forced])
    shown_without = [c for c in org if c not in org_only.hidden]
    if len(shown) < GROUP_CUT_SHARE * len(shown_without):
        return org_only, True
    return full, False


def _reason(protection: Protection, cell: str, dropped: bool) -> str | None:
    if cell in protection.empty:
        return "empty"
    if cell in protection.primary:
        return "primary"
    if cell in protection.forced and dropped and cell.startswith("group:"):
        return "group_cut"
    if cell in protection.hidden:
        return "secondary"
    return None


def _protect_or_hold(
    table: LinkedTable, k: int, forced: Iterable[str], rule: Callable[..., tuple[Protection, bool]]
) -> tuple[Protection, bool, bool]:
    """`rule`'s protection, whether groups were dropped, and whether everything was held back:
    if nothing new can pass beside earlier publications (their figures no longer match today's
    data, e.g. an answer withdrawn), every current cell is held back."""
    try:
        return (*rule(table, k, forced), False)
    except RuntimeError:
        free = frozenset(current(c for c in table.cells if c not in table.fixed))
        return Protection(frozenset(), frozenset(), free, frozenset()), False, True


def protect_survey(
    cells: Columns,
    atoms: Columns,
    bounds: Columns,
    ancestors: Columns,
    history: History | None = None,
    layers: Columns | None = None,
) -> tuple[Columns, list[str]]:
    """(cell_id, measure_id, suppression reason or None, snapshot) columns for one survey, and
    dropped groups. With a `history` of earlier publications (and the answers per batch, `layers`),
    they are audited together (republication.py); a cell held back shows its figures as at its
    latest shown snapshot (reason 'republication', `snapshot` that batch)."""
    keys, cell_atoms, atom_bounds, cell_bounds = _survey_table(cells, atoms, bounds, ancestors)
    k = int(cells["k"][0])
    roots = frozenset(c for c, h in zip(cells["cell_id"], cells["hierarchy"], strict=True)
                      if h == "root")  # fmt: skip
    children: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cell, parent, kind in zip(
        cells["cell_id"], cells["parent_cell_id"], cells["hierarchy"], strict=True
    ):
        if isinstance(parent, str) and cell not in children.get((parent, kind), ()):
            children[(parent, kind)].append(cell)
    equations = [(parent, tuple(kids)) for (parent, _), kids in sorted(children.items())]
    layered = history is not None and history.last_batch > 0
    if layered:
        survey = LayeredSurvey(keys, cell_atoms, atom_bounds, cell_bounds, layers, history)
        table_for = partial(survey.table, roots=roots, equations=equations)
    else:
        counts = _counts_by_measure(atoms, keys)
        table_for = partial(
            _plain_table, keys, counts, cell_atoms, roots, atom_bounds, cell_bounds, equations
        )
    kinds = dict(zip(cells["cell_id"], cells["hierarchy"], strict=False))
    groups = sorted(c for c, h in kinds.items() if h == "group")
    org = sorted(c for c, h in kinds.items() if h == "org")
    first = table_for("respondents")
    held = survey.changed_by_few(first, "respondents", k) if layered else set()
    base, dropped, held_all = _protect_or_hold(
        first, k, held, lambda t, k, f: protect_with_group_rule(t, k, groups, org, f)
    )
    forced = frozenset(current(base.hidden))
    memo: dict[tuple, Protection] = {}
    if not held_all:
        # A measure whose table is the respondents' own (everyone answered it) would start
        # from exactly the cells the respondents' audit passed with last: nothing to add.
        start = (forced & set(first.cells)) - first.fixed
        memo[_memo_key(first)] = Protection(
            base.empty, base.primary, frozenset(), start - base.empty - base.primary
        )
    cell_ids = list(cell_atoms)
    columns: dict[str, list] = {"cell_id": [], "measure_id": [], "suppression": [], "snapshot": []}
    now = history.now if history is not None else None
    for measure in sorted(set(cells["measure_id"])):
        if measure == "respondents":
            protection = base
        else:
            table = table_for(measure)
            key = _memo_key(table)
            if key not in memo:
                memo[key] = _protect_or_hold(
                    table, k, forced, lambda t, k, f: (protect(t, k, f), 0)
                )[0]
            protection = memo[key]
        reasons = _reasons(protection, cell_ids, dropped)
        snapshots = [now if reason is None else None for reason in reasons]
        if layered:
            shown = history.shown.get(measure, {})
            for i, cell in enumerate(cell_ids):
                if reasons[i] is not None and cell in forced:
                    earlier = history.latest("respondents", cell)
                    if earlier is not None and earlier in shown.get(cell, ()):
                        reasons[i], snapshots[i] = REPUBLICATION, earlier
        columns["cell_id"] += cell_ids
        columns["measure_id"] += [measure] * len(cell_ids)
        columns["suppression"] += reasons
        columns["snapshot"] += snapshots
    return columns, [g.removeprefix("group:") for g in groups] if dropped else []


def _memo_key(table: LinkedTable) -> tuple:
    """Measures with equal keys have equal tables (their cells follow from counts and history)."""
    return (tuple(table.atom_counts.tolist()), tuple(sorted(table.fixed)))


def _reasons(protection: Protection, cells: list[str], dropped: bool) -> list[str | None]:
    """`_reason` of each cell, with the hidden set formed once."""
    hidden = protection.hidden
    return [_reason(protection, c, dropped) if c in hidden else None for c in cells]


def _counts_by_measure(atoms: Columns, keys: list[tuple]) -> dict[str, np.ndarray]:
    index = {key: i for i, key in enumerate(keys)}
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(keys), int))
    for m, u, g, n in zip(
        atoms["measure_id"], atoms["atom_unit"], atoms["atom_group"], atoms["n"], strict=True
    ):
        counts[m][index[(u, g)]] = int(n)
    return counts


def _plain_table(keys, counts, cell_atoms, roots, atom_bounds, cell_bounds, equations, measure):
    """One measure's linked table of a survey never published before."""
    return LinkedTable(
        [f"{u}|{g}" for u, g in keys], counts[measure], cell_atoms, roots, atom_bounds,
        cell_bounds, equations,
    )  # fmt: skip


def protect_tables(
    tables: list[tuple[dict[str, Columns], Columns | None, History | None]],
    kommun: str | None = None,
) -> list[tuple[Columns, list[str]]]:
    """`protect_survey` of each table's (inputs, layers, history), in order: one kommun's survey
    tables (`kommun` only names the job), a pure function of its arguments, so it runs in a
    worker process as in this one."""
    return [
        protect_survey(
            inputs["cells"], inputs["atoms"], inputs["bounds"], inputs["ancestors"], history, layers
        )
        for inputs, layers, history in tables
    ]
