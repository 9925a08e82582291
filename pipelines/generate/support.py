"""Support functions: which HR, finance, IT and admin staff serve which units, with time shares."""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipelines.generate.config import MONTHLY_FORMS, SupportFunctionSpec, SupportSpec
from pipelines.generate.org import AVDELNING, FORVALTNING, Unit
from pipelines.generate.people import Person
from pipelines.generate.staffing import Employment

SHARE_STEP = 5  # time shares are whole multiples of 5 %
MAX_SHARE = 100  # per person, over everything they serve


@dataclass(frozen=True)
class SupportAssignment:
    """One support person serving one unit (Lomma's file names the unit's manager instead)."""

    person: Person
    funktion: str
    unit: Unit
    share_pct: int


def assign_support(
    spec: SupportSpec | None, units: list[Unit], jobs: list[Employment], rng: random.Random
) -> list[SupportAssignment]:
    """Support staff are employees of the support förvaltning; each person serves one function."""
    if spec is None:
        return []
    home = next(u for u in units if u.level == FORVALTNING and u.name == spec.forvaltning)
    used: set[Person] = set()
    out: list[SupportAssignment] = []
    for fn in spec.functions:
        pool = _candidates(fn, home, units, jobs, used, rng)
        served = _served_units(fn, units, rng)
        out += _pack(fn, pool, served, rng)
        used.update(a.person for a in out)
    return out


def _candidates(
    fn: SupportFunctionSpec,
    home: Unit,
    units: list[Unit],
    jobs: list[Employment],
    used: set[Person],
    rng: random.Random,
) -> list[Person]:
    """Monthly-paid staff (not managers) of the source avdelning, those with the AID code first.

    At small scales the source avdelning may be gone; then anyone in the support förvaltning.
    """
    children = {u.unit_id: u.parent_id for u in units}
    source = next(
        (u for u in units if u.level == AVDELNING and u.parent_id == home.unit_id
         and u.name == fn.source),
        home,
    )  # fmt: skip

    def inside(unit_id: str | None) -> bool:
        while unit_id and unit_id != source.unit_id:
            unit_id = children[unit_id]
        return unit_id == source.unit_id

    staff = [
        j for j in jobs if not j.ansvarskod and j.form in MONTHLY_FORMS and inside(j.unit.unit_id)
    ]
    persons: dict[Person, bool] = {}
    for j in staff:
        if j.person not in used:
            persons[j.person] = persons.get(j.person, False) or j.aid_code == fn.aid
    matching = [p for p, match in persons.items() if match]
    others = [p for p, match in persons.items() if not match]
    rng.shuffle(matching)
    rng.shuffle(others)
    return matching + others


def _served_units(fn: SupportFunctionSpec, units: list[Unit], rng: random.Random) -> list[Unit]:
    targets = [u for u in units if u.level == fn.serves]
    n = len(targets)
    if fn.coverage < 1:
        n = min(n - 1, round(fn.coverage * n))
    chosen = {u.unit_id for u in rng.sample(targets, max(0, n))}
    return [u for u in targets if u.unit_id in chosen]  # in tree order


def _pack(
    fn: SupportFunctionSpec, pool: list[Person], served: list[Unit], rng: random.Random
) -> list[SupportAssignment]:
    """Fill one person's time with neighbouring units, then the next person's; up to 100 % each.

    If the pool runs out, the remaining units go unserved.
    """
    low, high = (s // SHARE_STEP for s in fn.share)
    out: list[SupportAssignment] = []
    people = iter(pool)
    person, load = next(people, None), 0
    for unit in served:
        share = rng.randint(low, high) * SHARE_STEP
        if person is not None and load + share > MAX_SHARE:
            person, load = next(people, None), 0
        if person is None:
            break
        out.append(SupportAssignment(person, fn.funktion, unit, share))
        load += share
    return out
