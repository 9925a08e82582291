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

from warehouse.disclosure.cache import (
    CATALOG,
    ResultCache,
    canonical,
    fingerprint,
    key_of,
    key_set,
    with_cached,
    writable,
)
from warehouse.disclosure.linked import LinkedTable, Protection, protect
from warehouse.disclosure.releases import (
    History,
    ensure_tables,
    layered_atoms,
    read_histories,
    record,
    response_batches,
)
from warehouse.disclosure.republication import LayeredSurvey, current

SURVEY_KEY = ["kommun_code", "period_date", "survey_id", "respondent_role"]
RELEASED_SQL = Path(__file__).parent.parent / "sql" / "disclosure" / "survey_released.sql"
GROUP_CUT_SHARE = 0.5  # keep groups only if at least this share of showable org cells stays shown
REPUBLICATION = "republication"  # held back: shown as at an earlier publication


def _survey_table(
    cells: pd.DataFrame, atoms: pd.DataFrame, bounds: pd.DataFrame, ancestors: pd.DataFrame
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
    everyone = atoms[atoms["measure_id"] == "respondents"]
    answered = dict.fromkeys(keys, 0)
    for u, g, n in zip(everyone["atom_unit"], everyone["atom_group"], everyone["n"], strict=True):
        answered[(u, g)] = int(n)
    bounded = len(bounds) > 0
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
) -> tuple[Protection, bool]:
    """`rule`'s protection; if nothing new can pass beside earlier publications (their figures
    no longer match today's data, e.g. an answer withdrawn), every current cell is held back."""
    try:
        return rule(table, k, forced)
    except RuntimeError:
        free = frozenset(current(c for c in table.cells if c not in table.fixed))
        return Protection(frozenset(), frozenset(), free, frozenset()), False


def protect_survey(
    cells: pd.DataFrame,
    atoms: pd.DataFrame,
    bounds: pd.DataFrame,
    ancestors: pd.DataFrame,
    history: History | None = None,
    layers: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """(cell_id, measure_id, suppression reason or None, snapshot) for one survey, and dropped
    groups. With a `history` of earlier publications (and the answers per batch, `layers`),
    they are audited together (republication.py); a cell held back shows its figures as at its
    latest shown snapshot (reason 'republication', `snapshot` that batch)."""
    keys, cell_atoms, atom_bounds, cell_bounds = _survey_table(cells, atoms, bounds, ancestors)
    k = int(cells["k"].iloc[0])
    roots = frozenset(cells.loc[cells["hierarchy"] == "root", "cell_id"])
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
    base, dropped = _protect_or_hold(
        first, k, held, lambda t, k, f: protect_with_group_rule(t, k, groups, org, f)
    )
    forced = frozenset(current(base.hidden))
    memo: dict[tuple, Protection] = {}
    rows = []
    now = history.now if history is not None else None
    for measure in sorted(set(cells["measure_id"])):
        if measure == "respondents":
            protection = base
        else:
            table = table_for(measure)
            key = (tuple(table.atom_counts.tolist()), tuple(sorted(table.fixed)))
            if key not in memo:
                memo[key] = _protect_or_hold(
                    table, k, forced, lambda t, k, f: (protect(t, k, f), 0)
                )[0]
            protection = memo[key]
        for cell in cell_atoms:
            reason = _reason(protection, cell, dropped)
            snapshot = now if reason is None else None
            if reason is not None and layered and cell in forced:
                earlier = history.latest("respondents", cell)
                if earlier is not None and earlier in history.shown.get(measure, {}).get(cell, ()):
                    reason, snapshot = REPUBLICATION, earlier
            rows.append((cell, measure, reason, snapshot))
    frame = pd.DataFrame(rows, columns=["cell_id", "measure_id", "suppression", "snapshot"])
    frame["snapshot"] = frame["snapshot"].astype("Int64")
    return frame, [g.removeprefix("group:") for g in groups] if dropped else []


def _counts_by_measure(atoms: pd.DataFrame, keys: list[tuple]) -> dict[str, np.ndarray]:
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


def survey_inputs(con: duckdb.DuckDBPyConnection) -> dict[tuple, dict[str, pd.DataFrame]]:
    """Per survey table (SURVEY_KEY) its cells, atoms, bounds and ancestors, rows in canonical
    order: all its protection depends on."""
    cells = con.execute(
        "SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, measure_id, "
        "cell_id, parent_cell_id, hierarchy, k FROM int_survey_cell"
    ).df()
    atoms = con.execute("SELECT * FROM int_survey_atom").df()
    bounds = con.execute("SELECT * FROM int_survey_atom_bound").df()
    ancestors = con.execute(
        "SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, a.unit_id, "
        "a.ancestor_id FROM int_survey_table s JOIN int_unit_ancestor a "
        "ON a.kommun_code = s.kommun_code AND a.period_date = s.hr_period"
    ).df()
    for frame in (atoms, bounds):
        _atom_keys_as_none(frame)
    frames = {"atoms": atoms, "bounds": bounds, "ancestors": ancestors}
    by = {name: dict(iter(f.groupby(SURVEY_KEY, sort=False))) for name, f in frames.items()}
    inputs = {}
    for key, survey_cells in cells.groupby(SURVEY_KEY, sort=True):
        picked = {"cells": survey_cells}
        picked |= {name: by[name].get(key, frames[name].iloc[0:0]) for name in by}
        inputs[key] = {
            name: canonical(f[[c for c in f.columns if c not in SURVEY_KEY]])
            for name, f in picked.items()
        }
    return inputs


def protect_surveys(con: duckdb.DuckDBPyConnection, catalog: str | None = CATALOG) -> None:
    """Read the survey cells and atoms, write TEMP tables int_survey_suppression (one row per
    cell and measure: is_suppressed, suppression reason, snapshot), int_survey_group_cut and the
    released respondents and figures the marts read (int_survey_released_*).

    With the store attached (`catalog`), every earlier publication of a survey is audited with
    the new one (releases.py) and this one is recorded. Each survey table whose inputs and
    history are unchanged since a result was cached reuses it; the others are protected and their
    results cached.
    """
    inputs = survey_inputs(con)
    catalog = catalog if catalog and writable(con, catalog) else None
    if catalog:
        ensure_tables(con, catalog)
    response_batches(con, catalog)
    histories = read_histories(con, catalog) if catalog else {}
    layers = _layers_by_key(con, list(histories))
    prints = {
        key: fingerprint(
            list(parts.values()),
            _digest(histories.get(key)),
            _batches_digest(layers.get(key), histories.get(key)),
        )
        for key, parts in inputs.items()
    }
    suppression_cache, cut_cache = _caches(con, catalog)
    cached = suppression_cache.lookup(prints)
    have = key_set(cached, SURVEY_KEY)
    hits = {key: f for key, f in prints.items() if key_of(key) in have}
    cached_cuts = cut_cache.lookup(hits)
    misses = [key for key in inputs if key not in hits]
    parts, cuts = [], []
    for key in misses:
        picked = inputs[key]
        frame, dropped = protect_survey(
            picked["cells"], picked["atoms"], picked["bounds"], picked["ancestors"],
            histories.get(key), layers.get(key),
        )  # fmt: skip
        parts.append(frame.assign(**dict(zip(SURVEY_KEY, key, strict=True))))
        cuts += [(*key, group) for group in dropped]
    columns = [*SURVEY_KEY, "measure_id", "cell_id", "suppression", "snapshot"]
    new = pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    new_cuts = pd.DataFrame(cuts, columns=[*SURVEY_KEY, "group_name"])
    computed = {key: f for key, f in prints.items() if key not in hits}
    suppression_cache.store(computed, new)
    cut_cache.store(computed, new_cuts)
    out = with_cached(cached, new)
    out["snapshot"] = out["snapshot"].astype("Int64")
    out["is_suppressed"] = out["suppression"].notna() & (out["suppression"] != REPUBLICATION)
    out = out[[*SURVEY_KEY, "measure_id", "cell_id", "is_suppressed", "suppression", "snapshot"]]
    texts = dict.fromkeys(["kommun_code", "survey_id", "respondent_role", "group_name"], str)
    cut_frame = with_cached(cached_cuts, new_cuts).astype(texts)
    cut_frame["period_date"] = pd.to_datetime(cut_frame["period_date"])
    _write(con, "int_survey_suppression", out)
    _write(con, "int_survey_group_cut", cut_frame)
    if catalog:
        shown = out[~out["is_suppressed"] & out["snapshot"].notna()]
        record(con, catalog, histories, shown)
    con.execute(RELEASED_SQL.read_text())


def _digest(history: History | None) -> str | None:
    return history.digest() if history is not None else None


def _batches_digest(layers: pd.DataFrame | None, history: History | None) -> str | None:
    """The answers per atom and batch (the batch now published and new answers alike as 'now')."""
    if layers is None or history is None:
        return None
    batch = layers["batch"].astype("Int64")
    now = batch.isna() | (batch >= history.now)
    frame = layers.drop(columns=SURVEY_KEY).assign(batch=batch.astype(str).where(~now, "now"))
    frame = frame.groupby(["measure_id", "atom_unit", "atom_group", "batch"], dropna=False)["n"]
    return fingerprint([canonical(frame.sum().reset_index())])


def _caches(con: duckdb.DuckDBPyConnection, catalog: str | None) -> tuple[ResultCache, ...]:
    key_types = {"kommun_code": "VARCHAR", "period_date": "DATE", "survey_id": "VARCHAR",
                 "respondent_role": "VARCHAR"}  # fmt: skip
    columns = {"measure_id": "VARCHAR", "cell_id": "VARCHAR", "suppression": "VARCHAR",
               "snapshot": "INTEGER"}  # fmt: skip
    return (
        ResultCache(con, "survey_suppression_v2", key_types, columns, catalog),
        ResultCache(con, "survey_group_cut", key_types, {"group_name": "VARCHAR"}, catalog),
    )


def _atom_keys_as_none(frame: pd.DataFrame) -> None:
    """Atom keys as Python objects with None for NULL, so they match the keys _survey_table builds."""
    keys = frame[["atom_unit", "atom_group"]].astype(object)
    frame[["atom_unit", "atom_group"]] = keys.where(keys.notna(), None)


def _layers_by_key(con: duckdb.DuckDBPyConnection, keys: list[tuple]) -> dict[tuple, pd.DataFrame]:
    """Answers per atom and batch of the survey tables published before, by table."""
    if not keys:
        return {}
    frame = layered_atoms(con)
    _atom_keys_as_none(frame)
    wanted = set(keys)
    return {key: f for key, f in frame.groupby(SURVEY_KEY, sort=False) if key in wanted}


def _write(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_frame", frame)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * REPLACE "
            f"(CAST(period_date AS DATE) AS period_date) FROM {name}_frame"
        )
    finally:
        con.unregister(f"{name}_frame")
