"""The survey step: protect every survey's cells (org tree x manager groups) before the marts.

One linked table per kommun, period, survey and respondent role: atoms are respondents per unit
they are registered on x manager group, cells are the kommun, every unit (with the units below
it) and every manager group. The 'respondents' measure is protected first (with the group-cut
rule); every other measure (item, construct, time category: its own respondents, those with an
answer) starts from those hidden cells and is audited on its own counts, so a cell hidden for
the survey is hidden in every figure of it.

Group-cut rule: when protecting the manager groups would leave fewer than half of the org cells
shown that could be shown without them, the groups are not published for that survey (all hidden)
and a warning naming them goes to mart_data_quality and mart_disclosure_report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from warehouse.disclosure import pool
from warehouse.disclosure.cache import (
    CATALOG,
    ResultCache,
    fingerprint,
    key_of,
    registered,
    writable,
)
from warehouse.disclosure.linked import LinkedTable, Protection, protect
from warehouse.disclosure.releases import (
    SURVEY_KEY_TYPES,
    History,
    ensure_tables,
    read_histories,
    record,
    response_batches,
)
from warehouse.disclosure.republication import LayeredSurvey, current
from warehouse.disclosure.survey_inputs import (
    SURVEY_KEY,
    Columns,
    batch_digests,
    input_digests,
    read_kommun,
    read_layers,
)

RELEASED_SQL = Path(__file__).parent.parent / "sql" / "disclosure" / "survey_released.sql"
GROUP_CUT_SHARE = 0.5  # keep groups only if at least this share of showable org cells stays shown
REPUBLICATION = "republication"  # held back: shown as at an earlier publication
ROWS, CUT_ROWS = "int_survey_suppression_rows", "int_survey_group_cut_rows"  # results so far
_ROW_COLUMNS = {"measure_id": "VARCHAR", "cell_id": "VARCHAR", "suppression": "VARCHAR",
                "snapshot": "INTEGER"}  # fmt: skip
_CUT_COLUMNS = {"group_name": "VARCHAR"}
# Cell rows to protect before workers pay for their start (the demo's 19k take 1.7 s in one process)
MIN_POOL_CELLS = 60_000


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
) -> tuple[pd.DataFrame, list[str]]:
    """(cell_id, measure_id, suppression reason or None, snapshot) for one survey, and dropped
    groups. With a `history` of earlier publications (and the answers per batch, `layers`),
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
    frame = pd.DataFrame(columns)
    frame["snapshot"] = frame["snapshot"].astype("Int64")
    return frame, [g.removeprefix("group:") for g in groups] if dropped else []


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


def protect_surveys(con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
    """Read the survey cells and atoms, write TEMP tables int_survey_suppression (one row per
    cell and measure: is_suppressed, suppression reason, snapshot), int_survey_group_cut and the
    released respondents and figures the marts read (int_survey_released_*).

    With the store attached (`catalog`), every earlier publication of a survey is audited with
    the new one (releases.py) and this one is recorded. Each survey table whose inputs and
    history are unchanged since a result was cached reuses it; the others are protected one
    kommun at a time (only that kommun's inputs in memory) and their results cached.
    """
    catalog = catalog if catalog and writable(con, catalog) else None
    if catalog:
        ensure_tables(con, catalog)
    response_batches(con, catalog)
    histories = read_histories(con, catalog) if catalog else {}
    layered = {key for key, h in histories.items() if h.last_batch > 0}
    # every table with a history, published before or not: a result stays valid once recorded
    batches = batch_digests(con, {key: h.now for key, h in histories.items()})
    prints = {
        key: fingerprint([], digest, _digest(histories.get(key)), batches.get(key))
        for key, digest in input_digests(con).items()
    }
    suppression_cache, cut_cache = _caches(con, catalog)
    for table, columns in ((ROWS, _ROW_COLUMNS), (CUT_ROWS, _CUT_COLUMNS)):
        spec = ", ".join(f"{n} {t}" for n, t in {**SURVEY_KEY_TYPES, **columns}.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({spec})")
    hits = suppression_cache.copy_hits(prints, ROWS)
    cut_cache.copy_hits({key: f for key, f in prints.items() if key_of(key) in hits}, CUT_ROWS)
    by_kommun: dict[str, list[tuple]] = defaultdict(list)
    for key in prints:
        if key_of(key) not in hits:
            by_kommun[key[0]].append(key)
    _protect_kommuner(con, by_kommun, histories, layered)
    computed = {key: prints[key] for keys in by_kommun.values() for key in keys}
    suppression_cache.store_table(computed, ROWS)
    cut_cache.store_table(computed, CUT_ROWS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE int_survey_suppression AS SELECT {', '.join(SURVEY_KEY)}, "
        "measure_id, cell_id, coalesce(suppression <> 'republication', false) AS is_suppressed, "
        f"suppression, CAST(snapshot AS BIGINT) AS snapshot FROM {ROWS}"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE int_survey_group_cut AS FROM {CUT_ROWS}")
    con.execute(f"DROP TABLE {ROWS}; DROP TABLE {CUT_ROWS}")
    if catalog:
        record(con, catalog, histories, "int_survey_suppression")
    con.execute(RELEASED_SQL.read_text())


def _protect_kommuner(
    con: duckdb.DuckDBPyConnection,
    by_kommun: dict[str, list[tuple]],
    histories: dict[tuple, History],
    layered: set[tuple],
) -> None:
    """Protect each kommun's survey tables `by_kommun[kommun]`, on the worker pool when it pays
    (pool.py); their rows go to the TEMP row tables as each kommun is done."""
    cells = dict(
        con.execute("SELECT kommun_code, count(*) FROM int_survey_cell GROUP BY ALL").fetchall()
    )
    order = sorted(by_kommun)
    count = pool.workers_for(len(order), sum(cells.get(k, 0) for k in order), MIN_POOL_CELLS)
    if count > 1:
        order = pool.largest_first(order, lambda kommun: cells.get(kommun, 0))
    jobs = (_kommun_job(con, kommun, by_kommun[kommun], histories, layered) for kommun in order)
    for _, (rows, cuts) in pool.run(count, protect_kommun, jobs):
        _append(con, ROWS, rows)
        _append(con, CUT_ROWS, cuts)


def _kommun_job(
    con: duckdb.DuckDBPyConnection,
    kommun: str,
    keys: list[tuple],
    histories: dict[tuple, History],
    layered: set[tuple],
) -> tuple:
    """protect_kommun's arguments for one kommun: its inputs as read from DuckDB."""
    inputs = read_kommun(con, kommun)
    layers = read_layers(con, kommun) if layered.intersection(keys) else {}
    return (
        {key: inputs[key] for key in keys},
        {key: layers[key] for key in keys if key in layered and key in layers},
        {key: histories[key] for key in keys if key in histories},
    )


def protect_kommun(
    inputs: dict[tuple, dict[str, Columns]],
    layers: dict[tuple, Columns],
    histories: dict[tuple, History],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The suppression rows and dropped groups of one kommun's survey tables (`inputs`' keys),
    with their `histories` and, for tables published before, `layers`: a pure function of its
    arguments, so it runs in a worker process as well as in this one."""
    parts, cuts = [], []
    for key, picked in inputs.items():
        frame, dropped = protect_survey(
            picked["cells"], picked["atoms"], picked["bounds"], picked["ancestors"],
            histories.get(key), layers.get(key),
        )  # fmt: skip
        parts.append(frame.assign(**dict(zip(SURVEY_KEY, key, strict=True))))
        cuts += [(*key, group) for group in dropped]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return rows, pd.DataFrame(cuts, columns=[*SURVEY_KEY, "group_name"])


def _digest(history: History | None) -> str | None:
    return history.digest() if history is not None else None


def _caches(con: duckdb.DuckDBPyConnection, catalog: str | None) -> tuple[ResultCache, ...]:
    return (
        ResultCache(con, "survey_suppression_v2", SURVEY_KEY_TYPES, _ROW_COLUMNS, catalog),
        ResultCache(con, "survey_group_cut", SURVEY_KEY_TYPES, _CUT_COLUMNS, catalog),
    )


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    with registered(con, f"{table}_frame", frame):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {table}_frame")


def _write(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    with registered(con, f"{name}_frame", frame):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * REPLACE "
            f"(CAST(period_date AS DATE) AS period_date) FROM {name}_frame"
        )
