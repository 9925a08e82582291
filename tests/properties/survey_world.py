"""A random kommun for the anonymity properties: an org tree, manager groups, respondents.

`suppressed_cells` runs the warehouse's own cell SQL (12_survey_cell.sql) and disclosure step on
it, so the properties test what the build publishes, not a copy of the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.build import SQL_DIR
from warehouse.disclosure.surveys import protect_surveys

PERIOD = dt.date(2026, 10, 1)
KOMMUN = "1231"


@dataclass(frozen=True)
class World:
    parents: tuple[int | None, ...]  # unit i's parent unit (None: a förvaltning under the kommun)
    units: tuple[int | None, ...]  # respondent r's unit (None: no unit known)
    groups: tuple[int | None, ...]  # respondent r's manager group (None: in no group)
    k: int

    def members(self) -> dict[str, frozenset[int]]:
        """Cell id -> respondents, exactly as the warehouse names cells."""
        cells: dict[str, set[int]] = {f"kommun:{KOMMUN}": set(range(len(self.units)))}
        cells |= {f"unit:U{u}": set() for u in range(len(self.parents))}  # a row for every unit
        for r, unit in enumerate(self.units):
            while unit is not None:
                cells.setdefault(f"unit:U{unit}", set()).add(r)
                unit = self.parents[unit]
            if self.groups[r] is not None:
                cells.setdefault(f"group:G{self.groups[r]}", set()).add(r)
        return {c: frozenset(m) for c, m in cells.items()}


def _frames(world: World) -> dict[str, pd.DataFrame]:
    key = {"kommun_code": KOMMUN, "period_date": PERIOD}
    depth = []
    for unit, _ in enumerate(world.parents):
        d, p = 0, world.parents[unit]
        while p is not None:
            d, p = d + 1, world.parents[p]
        depth.append(d)
    top = []
    for unit in range(len(world.parents)):
        while world.parents[unit] is not None:
            unit = world.parents[unit]
        top.append(unit)
    units = pd.DataFrame(
        [
            {
                **key,
                "unit_id": f"U{u}",
                "parent_unit_id": None if p is None else f"U{p}",
                "unit_name": f"Enhet {u}",
                "unit_level": "enhet" if depth[u] else "forvaltning",
                "forvaltning_id": f"U{top[u]}",
                "depth": depth[u],
            }
            for u, p in enumerate(world.parents)
        ]  # fmt: skip
    )
    ancestors = []
    for u in range(len(world.parents)):
        a: int | None = u
        while a is not None:
            ancestors.append({**key, "unit_id": f"U{u}", "ancestor_id": f"U{a}"})
            a = world.parents[a]
    respondents = pd.DataFrame(
        [
            {
                **key,
                "survey_id": "s",
                "respondent_role": "manager",
                "response_id": f"r{r}",
                "person_id": None,
                "hr_period": PERIOD,
                "group_period": PERIOD,
                "unit_id": None if u is None else f"U{u}",
                "forvaltning_id": None if u is None else f"U{top[u]}",
                "manager_level": 1,
                "group_name": None if g is None else f"G{g}",
            }
            for r, (u, g) in enumerate(zip(world.units, world.groups, strict=True))
        ]  # fmt: skip
    )
    values = respondents[[*key, "survey_id", "respondent_role", "response_id"]].assign(
        measure_type="construct", measure_ref="c", value=3.0
    )
    return {
        "kommun": pd.DataFrame(
            [
                {
                    "kommun_code": KOMMUN,
                    "kommun_name": "K",
                    "span_threshold": 30,
                    "anonymity_k": world.k,
                }
            ]  # fmt: skip
        ),
        "hist_org_unit": units.drop(columns=["forvaltning_id", "depth"]),
        "int_unit_tree": units[[*key, "unit_id", "parent_unit_id", "forvaltning_id", "depth"]],
        "int_unit_ancestor": pd.DataFrame(
            ancestors, columns=["kommun_code", "period_date", "unit_id", "ancestor_id"]
        ),
        "int_survey_respondent": respondents,
        "int_survey_value": values,
        # no managers list: the attacker's bounds are non-negativity only
        "hist_manager_group": pd.DataFrame(
            columns=["kommun_code", "period_date", "person_id", "unit_id", "group_name"]
        ).astype(str),
        "int_manager_unit": pd.DataFrame(
            columns=["kommun_code", "period_date", "manager_id", "unit_id", "depth"]
        ).astype(str),
    }


def survey_connection(world: World) -> duckdb.DuckDBPyConnection:
    """A connection holding the world's tables and the warehouse's survey cells and atoms."""
    con = duckdb.connect(config={"threads": 1})  # tiny tables: threads only add overhead
    for name, frame in _frames(world).items():
        con.register(f"{name}_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_frame")
    con.execute("ALTER TABLE int_survey_respondent ALTER unit_id TYPE VARCHAR")
    con.execute("ALTER TABLE int_survey_respondent ALTER group_name TYPE VARCHAR")
    con.execute("ALTER TABLE int_unit_tree ALTER parent_unit_id TYPE VARCHAR")
    con.execute("ALTER TABLE hist_manager_group ALTER period_date TYPE DATE")
    con.execute("ALTER TABLE int_manager_unit ALTER period_date TYPE DATE")
    con.execute("ALTER TABLE int_manager_unit ALTER depth TYPE INTEGER")
    con.execute((SQL_DIR / "intermediate" / "12_survey_cell.sql").read_text(encoding="utf-8"))
    return con


def suppressed_cells(world: World) -> pd.DataFrame:
    """cell_id, n, is_suppressed for the construct figure, as the warehouse decides them: one
    row per unit, manager group and the kommun, also where nobody answered."""
    con = survey_connection(world)
    try:
        protect_surveys(con)
        return con.execute(
            "SELECT c.cell_id, c.n, s.is_suppressed FROM int_survey_cell c "
            "JOIN int_survey_suppression s USING (kommun_code, period_date, survey_id, "
            "respondent_role, measure_id, cell_id) WHERE c.measure_id = 'construct:c'"
        ).df()
    finally:
        con.close()
