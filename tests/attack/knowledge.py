"""What the attacker knows besides the published file: HR's own deliveries (org chart, roster, groups).

The attacker is an HR analyst: they delivered the org units, the roster (who works where, who
manages which unit, sex and age band) and the manager-group file themselves. Nothing here is
read from survey answers or sick-leave hours: those are what the attacker tries to learn.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd

CODE_ORDER = {"A": 0, "B": 1, "C": 2, "L": 3}


@dataclass
class OrgChart:
    """One kommun's org chart, managers and groups at one HR period (README's definitions)."""

    parent: dict[str, str | None]
    own_manager: dict[str, str]  # unit -> its own manager (registered, else first A/B/C/L)
    group_by_person: dict[str, str] = field(default_factory=dict)
    group_by_unit: dict[str, str] = field(default_factory=dict)
    # monthly-paid persons with contracted hours: (units, sex, age band)
    persons: dict[str, tuple[tuple[str, ...], str | None, str | None]] = field(default_factory=dict)

    @cached_property
    def children(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = defaultdict(list)
        for unit, parent in sorted(self.parent.items()):
            out[parent if parent in self.parent else None].append(unit)
        return out

    @cached_property
    def depth(self) -> dict[str, int]:
        out: dict[str, int] = {}
        stack = [(u, 0) for u in self.children[None]]
        while stack:
            unit, d = stack.pop()
            out[unit] = d
            stack += [(c, d + 1) for c in self.children.get(unit, [])]
        return out

    def ancestors(self, unit: str) -> list[str]:
        out: list[str] = []
        while unit in self.parent and unit not in out:
            out.append(unit)
            unit = self.parent[unit]  # type: ignore[assignment]
        return out

    @cached_property
    def subtree(self) -> dict[str, frozenset[str]]:
        below: dict[str, set[str]] = defaultdict(set)
        for unit in self.parent:
            for a in self.ancestors(unit):
                below[a].add(unit)
        return {u: frozenset(below[u]) for u in self.parent}

    @cached_property
    def leader(self) -> dict[str, str | None]:
        """The manager who leads each unit: its own, else the nearest one above."""
        return {
            u: next((self.own_manager[a] for a in self.ancestors(u) if a in self.own_manager), None)
            for u in self.parent
        }

    @cached_property
    def managers(self) -> frozenset[str]:
        return frozenset(self.own_manager.values())

    @cached_property
    def home(self) -> dict[str, str]:
        """Each manager's highest own unit (where an HR-tagged survey answer lands)."""
        out: dict[str, str] = {}
        for unit, m in sorted(self.own_manager.items(), key=lambda x: (self.depth[x[0]], x[0])):
            out.setdefault(m, unit)
        return out

    def group_of(self, person: str | None, unit: str | None) -> str | None:
        if person is not None and person in self.group_by_person:
            return self.group_by_person[person]
        return self.group_by_unit.get(unit) if unit is not None else None

    @property
    def groups(self) -> set[str]:
        return set(self.group_by_person.values()) | set(self.group_by_unit.values())


class Knowledge:
    """HR's deliveries per kommun and period, read from plain frames (or a warehouse store)."""

    def __init__(self, org_units: pd.DataFrame, employments: pd.DataFrame, groups: pd.DataFrame):
        self.org_units, self.employments, self.groups = org_units, employments, groups
        self._cache: dict[tuple[str, dt.date], OrgChart] = {}

    @classmethod
    def from_store(cls, store: Path) -> Knowledge:
        """Only the HR deliveries of the store: org units, roster columns, manager groups."""
        con = duckdb.connect(str(store), read_only=True)
        try:
            units = con.execute(
                "SELECT kommun_code, period_date, unit_id, parent_unit_id, manager_person_id "
                "FROM hist_org_unit"
            ).df()
            employments = con.execute(
                "SELECT kommun_code, period_date, person_id, unit_id, responsibility_code, "
                "employment_form, start_date, sex, age_band, contracted_hours > 0 AS has_hours "
                "FROM hist_employment"
            ).df()
            groups = con.execute(
                "SELECT kommun_code, period_date, person_id, unit_id, group_name "
                "FROM hist_manager_group"
            ).df()
        finally:
            con.close()
        return cls(units, employments, groups)

    @staticmethod
    def _period(frame: pd.DataFrame, kommun: str, period: dt.date) -> dt.date | None:
        """The latest period at or before `period`, else the earliest (as the README says)."""
        dates = sorted(
            pd.to_datetime(frame.loc[frame.kommun_code == kommun, "period_date"]).dt.date.unique()
        )
        before = [d for d in dates if d <= period]
        return before[-1] if before else (dates[0] if dates else None)

    def org(self, kommun: str, period: dt.date) -> OrgChart:
        key = (kommun, period)
        if key not in self._cache:
            self._cache[key] = self._build(kommun, period)
        return self._cache[key]

    def _rows(self, frame: pd.DataFrame, kommun: str, period: dt.date | None) -> pd.DataFrame:
        if period is None:
            return frame.iloc[0:0]
        dates = pd.to_datetime(frame.period_date).dt.date
        return frame[(frame.kommun_code == kommun) & (dates == period)]

    def _build(self, kommun: str, period: dt.date) -> OrgChart:
        hr = self._period(self.org_units, kommun, period)
        units = self._rows(self.org_units, kommun, hr)
        emp = self._rows(self.employments, kommun, hr)
        parent = {
            r.unit_id: (None if pd.isna(r.parent_unit_id) else r.parent_unit_id)
            for r in units.itertuples()
        }
        own = {
            r.unit_id: r.manager_person_id
            for r in units.itertuples()
            if not pd.isna(r.manager_person_id)
        }
        coded = emp[emp.responsibility_code.isin(list(CODE_ORDER))].assign(
            rank=lambda f: f.responsibility_code.map(CODE_ORDER)
        )
        for r in coded.sort_values(
            ["rank", "start_date", "person_id"], na_position="last"
        ).itertuples():
            if r.unit_id in parent:
                own.setdefault(r.unit_id, r.person_id)
        org = OrgChart(parent, own)
        grp = self._rows(self.groups, kommun, self._period(self.groups, kommun, period))
        for r in grp.itertuples():
            if not pd.isna(r.person_id):
                org.group_by_person[r.person_id] = r.group_name
            elif not pd.isna(r.unit_id):
                org.group_by_unit[r.unit_id] = r.group_name
        paid = emp[
            emp.employment_form.isin(["tillsvidare", "visstid"]) & emp.has_hours.fillna(False)
        ]
        con = duckdb.connect()
        try:
            con.register("paid", paid[["person_id", "unit_id", "sex", "age_band"]])
            rows = con.execute(
                "SELECT person_id, list(DISTINCT unit_id ORDER BY unit_id), any_value(sex), "
                "any_value(age_band) FROM paid GROUP BY person_id"
            ).fetchall()
        finally:
            con.close()
        org.persons = {p: (tuple(units), sex, age) for p, units, sex, age in rows}
        return org
