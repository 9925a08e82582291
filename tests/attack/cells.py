"""The attacker's reader: every published count cell of a file as a set of atoms.

A *system* is one population the attacker can do arithmetic on: a survey's respondents for one
measure (kommun x period x survey x respondent role x item/construct/category), or one kommun's
monthly-paid staff in one period (sick leave). Its *atoms* are the finest sets the org chart and
the group file can tell apart: (unit, manager group) for surveys, (units, sex, age band, is
manager) for sick leave. Every published cell is a sum over atoms; so is every hidden one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from tests.attack.knowledge import Knowledge, OrgChart

INF = float("inf")
Cell = tuple  # ("kommun", code) | ("unit", id) | ("group", name) | sick-leave ids


@dataclass
class System:
    name: tuple
    k: int
    atoms: list[tuple]
    ub: np.ndarray  # known upper bound per atom (inf: none)
    members: dict[Cell, np.ndarray]  # every cell the attacker can name -> atom mask
    published: dict[Cell, float] = field(default_factory=dict)
    missing: set[Cell] = field(default_factory=set)  # named cells with no row at all
    caps: dict[Cell, float] = field(default_factory=dict)  # respondents <= managers
    measures: list[str] = field(default_factory=list)  # measures sharing this exact system
    extras: dict[Cell, dict[str, float]] = field(default_factory=dict)  # sums per cell
    atom_counts: np.ndarray | None = None  # per-atom counts the attacker already knows
    families: list[list[Cell]] | None = None  # search only within these (None: all)
    mismatches: list[Cell] = field(default_factory=list)  # published counts the model misses

    @property
    def hidden(self) -> list[Cell]:
        return [c for c in self.members if c not in self.published]

    def value(self, cell: Cell) -> float:
        if self.atom_counts is not None:
            return float(self.atom_counts[self.members[cell]].sum())
        return self.published[cell]


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# One row per (population, cell): its count, or NULL when hidden; every survey mart.
SURVEY_CELLS = """
SELECT kommun_code, period_date, survey_id, respondent_role, 'respondents', scope_type, scope_id,
       respondents, NULL, NULL FROM mart_survey_responses
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, 'item:' || question_id, scope_type,
       scope_id, respondents, answer_label, answers FROM mart_survey_distribution
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, 'item:' || question_id, scope_type,
       scope_id, respondents, 'sum', mean_score * respondents FROM mart_survey_item
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, 'construct:' || construct,
       scope_type, scope_id, respondents, 'sum', mean_score * respondents FROM mart_survey_index
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, 'time:' || category, scope_type,
       scope_id, respondents, 'sum_pct', mean_share_pct * respondents FROM mart_survey_time_use
UNION ALL
SELECT kommun_code, period_date, survey_id, role, measure_type || ':' || measure_id, 'kommun',
       kommun_code, n, NULL, NULL
FROM mart_survey_dela_varld,
     LATERAL (VALUES ('manager', managers_respondents, managers_suppressed),
                     ('top_management', top_management_respondents, top_management_suppressed))
     v(role, n, hidden)
"""


def _cell_id(scope_type: str, scope_id: str) -> Cell:
    if scope_type == "kommun":
        return ("kommun", scope_id)
    return ("group", scope_id) if scope_type == "manager_group" else ("unit", scope_id)


def survey_atoms(org: OrgChart, role: str) -> tuple[list[tuple], np.ndarray]:
    """(unit, group) atoms with at most how many respondents each can hold.

    A manager's answer lands on their highest unit and their group; an answer tagged with a unit
    (or förvaltning) lands there with the unit's group; one with neither on the kommun alone.
    """
    bound: Counter = Counter()
    if role == "manager":
        for m, unit in org.home.items():
            bound[(unit, org.group_of(m, unit))] += 1
    homes = Counter(org.home.values())
    for unit in org.parent:
        below = sum(homes[u] for u in org.subtree[unit]) + (unit not in org.own_manager)
        key = (unit, org.group_by_unit.get(unit))
        bound[key] = max(bound[key], below)
    atoms = sorted(bound, key=str) + [(None, None)]
    ub = np.array([bound[a] if role == "manager" else INF for a in atoms[:-1]] + [INF])
    return atoms, ub


def survey_members(org: OrgChart, kommun: str, atoms: list[tuple]) -> dict[Cell, np.ndarray]:
    members = {("kommun", kommun): np.ones(len(atoms), bool)}
    for unit in org.parent:
        below = org.subtree[unit]
        members[("unit", unit)] = np.array([a[0] in below for a in atoms])
    for group in sorted(org.groups):
        members[("group", group)] = np.array([a[1] == group for a in atoms])
    return members


def survey_caps(org: OrgChart, kommun: str, members: dict, atoms: list, ub: np.ndarray) -> dict:
    """A cell's respondents are at most its managers (manager surveys only)."""
    caps = {("kommun", kommun): float(len(org.managers)) + 0.0}
    for cell, mask in members.items():
        if cell[0] != "kommun":
            caps[cell] = float(ub[mask & np.isfinite(ub)].sum())
    return caps


def survey_systems(db: Path, know: Knowledge) -> list[System]:
    """Every survey population in the file, one System per distinct published pattern."""
    k_of = dict(_query(db, "SELECT kommun_code, anonymity_k FROM mart_kommun"))
    rows: dict[tuple, dict[Cell, float | None]] = defaultdict(dict)
    extras: dict[tuple, dict[Cell, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for kommun, period, survey, role, measure, st, sid, n, label, x in _query(db, SURVEY_CELLS):
        key = (kommun, period, survey, role, measure)
        cell = _cell_id(st, sid)
        if n is not None or cell not in rows[key]:
            rows[key][cell] = None if n is None else float(n)
        if label is not None and x is not None:
            extras[key][cell][label] = float(x)
    systems: dict[tuple, System] = {}
    populations: dict[tuple, tuple] = {}
    for (kommun, period, survey, role, measure), cells in sorted(rows.items(), key=str):
        org = know.org(kommun, period)
        if (kommun, period, role) not in populations:
            atoms, ub = survey_atoms(org, role)
            members = survey_members(org, kommun, atoms)
            populations[(kommun, period, role)] = (atoms, ub, members)
        atoms, ub, members = populations[(kommun, period, role)]
        members = dict(members)
        for cell in cells:  # a scope the chart does not know (e.g. another period's unit)
            members.setdefault(cell, np.zeros(len(atoms), bool))
        published = {c: n for c, n in cells.items() if n is not None}
        sig = (
            kommun,
            period,
            survey,
            role,
            tuple(sorted(published.items(), key=str)),
            tuple(sorted(cells, key=str)),
        )
        if sig in systems:
            systems[sig].measures.append(measure)
            continue
        systems[sig] = System(
            name=("survey", kommun, str(period), survey, role),
            k=int(k_of[kommun]),
            atoms=atoms,
            ub=ub,
            members=members,
            published=published,
            missing={c for c in members if c not in cells},
            caps=survey_caps(org, kommun, members, atoms, ub) if role == "manager" else {},
            measures=[measure],
            extras=dict(extras[(kommun, period, survey, role, measure)]),
        )
    return list(systems.values())


SICK_CELLS = """
SELECT kommun_code, period_date, scope_type, scope_id, breakdown, breakdown_group,
       is_shown AND sick_leave_pct IS NOT NULL, sick_leave_pct, persons FROM mart_sick_leave
UNION ALL
SELECT kommun_code, period_date, scope_type, scope_id, 'alla', 'alla', sick_leave_pct IS NOT NULL,
       sick_leave_pct, NULL FROM mart_span_rollup
UNION ALL
SELECT kommun_code, period_date, 'staff', manager_id, 'alla', 'alla', sick_leave_pct IS NOT NULL,
       sick_leave_pct, NULL FROM mart_span_of_control
"""


def sick_atoms(org: OrgChart) -> tuple[list[tuple], np.ndarray]:
    """(units, sex, age band, is manager) with the number of persons, from the roster."""
    counts = Counter((*v, p in org.managers) for p, v in org.persons.items())
    atoms = sorted(counts, key=str)
    return atoms, np.array([counts[a] for a in atoms], float)


class SickMembers:
    """Which sick-leave atoms a cell holds, as matrix products (thousands of cells per file)."""

    def __init__(self, org: OrgChart, atoms: list[tuple]):
        self.org, self.atoms = org, atoms
        self.unit_index = {u: i for i, u in enumerate(sorted(org.parent))}
        self.incidence = np.zeros((len(atoms), len(self.unit_index)), bool)
        for i, atom in enumerate(atoms):
            for u in atom[0]:
                if u in self.unit_index:
                    self.incidence[i, self.unit_index[u]] = True
        self.is_manager = np.array([a[3] for a in atoms], bool)
        self.field = {
            1: np.array([a[1] for a in atoms], object),
            2: np.array([a[2] for a in atoms], object),
        }
        self.leads: dict[str, set[str]] = {}
        for u, m in org.leader.items():
            self.leads.setdefault(m, set()).add(u)

    def _in_units(self, units) -> np.ndarray:
        pick = np.zeros(len(self.unit_index), bool)
        pick[[self.unit_index[u] for u in units if u in self.unit_index]] = True
        return (self.incidence & pick).any(axis=1)

    def __call__(self, cell: Cell, rollup_staff: bool = False) -> np.ndarray:
        scope_type, scope_id, breakdown, group = cell
        if scope_type == "staff" and rollup_staff:  # everyone below the manager's own units
            own = [u for u, m in self.org.own_manager.items() if m == scope_id]
            return self._in_units({v for u in own for v in self.org.subtree[u]})
        if scope_type == "staff":  # a manager's staff: non-managers in the units they lead
            return self._in_units(self.leads.get(scope_id, ())) & ~self.is_manager
        org = self.org
        units = org.parent if scope_type == "kommun" else org.subtree.get(scope_id, ())
        mask = self._in_units(units)
        index = {"alla": None, "kön": 1, "ålder": 2}[breakdown]
        return mask if index is None else mask & (self.field[index] == group)


def sick_systems(db: Path, know: Knowledge) -> list[System]:
    """One System per kommun and period: every sick-leave figure, shown or hidden."""
    k_of = dict(_query(db, "SELECT kommun_code, anonymity_k FROM mart_kommun"))
    shown: dict[tuple, dict[Cell, bool]] = defaultdict(dict)
    pct: dict[tuple, dict[Cell, float]] = defaultdict(dict)
    persons: dict[tuple, dict[Cell, int]] = defaultdict(dict)
    for kommun, period, st, sid, breakdown, group, is_shown, value, n in _query(db, SICK_CELLS):
        if n is not None:
            persons[(kommun, period)][(st, sid, breakdown, group)] = int(n)
        cell = (st, sid, breakdown, group)
        shown[(kommun, period)][cell] = bool(is_shown) or shown[(kommun, period)].get(cell, False)
        if value is not None:
            pct[(kommun, period)][cell] = float(value)
    out = []
    for (kommun, period), cells in sorted(shown.items(), key=str):
        org = know.org(kommun, period)
        atoms, counts = sick_atoms(org)
        member = SickMembers(org, atoms)
        rollup = staff_is_rollup(org, pct[(kommun, period)])
        members = {c: member(c, rollup) for c in cells}
        system = System(
            name=("sick", kommun, str(period)),
            k=int(k_of[kommun]),
            atoms=atoms,
            ub=counts,
            members=members,
            atom_counts=counts,
        )
        system.published = {c: system.value(c) for c, s in cells.items() if s}
        # The roster must give the published head counts, or the attacker's model is wrong.
        system.mismatches = [
            c for c, n in persons[(kommun, period)].items() if system.value(c) != n
        ]
        system.families = sick_families(org, kommun, list(cells))
        out.append(system)
    return out


def staff_is_rollup(org: OrgChart, pct: dict[Cell, float]) -> bool:
    """Which population the per-manager figure covers, read from the figures themselves: when
    it always equals the rollup of the manager's (single) unit, it is that rollup (managers
    included); otherwise the README's definition, the manager's staff without managers."""
    pairs = [
        (value, pct.get((scope_type, unit, "alla", "alla")))
        for (kind, m, _, _), value in pct.items()
        if kind == "staff"
        for unit in [org.home.get(m)]
        if unit is not None and [u for u, o in org.own_manager.items() if o == m] == [unit]
        for scope_type in ("enhet", "avdelning", "forvaltning")
        if (scope_type, unit, "alla", "alla") in pct
    ]
    return bool(pairs) and all(a == b for a, b in pairs)


def sick_families(org: OrgChart, kommun: str, cells: list[Cell]) -> list[list[Cell]]:
    """Related cells, where the search looks: a scope's own figures (every breakdown) with its
    manager's staff; and one breakdown group of a scope with the same group of its children."""
    by_scope: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        scope = kommun if cell[0] == "kommun" else cell[1]
        if cell[0] == "staff":
            scope = org.home.get(cell[1], cell[1])
        by_scope[scope].append(cell)
    out = []
    for scope in [kommun, *org.parent]:
        own = by_scope.get(scope, [])
        if own:
            out.append(own)
        kids = org.children[None] if scope == kommun else org.children.get(scope, [])
        for cell in own:
            if cell[0] != "staff":
                same = [c for kid in kids for c in by_scope.get(kid, []) if c[2:] == cell[2:]]
                if same:
                    out.append([cell, *same])
    return out


def period(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
