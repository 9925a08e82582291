"""Earlier periods, derived backwards from the latest one.

A person whose first employment started after a period was not there yet: someone else (a
leaver) held their jobs, one predecessor per person, employed since before the first period.
Employments that started later were not there either; enheter split off later were still part
of the enhet they came from; support added later was missing. Everything else carries over, so
persons, units and start dates persist and tenure grows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from pipelines.generate.config import (
    TIMAVLONAD,
    History,
    KommunSpec,
    Rules,
    SplitSpec,
    SupportAddedSpec,
)
from pipelines.generate.org import AVDELNING, FORVALTNING, Unit
from pipelines.generate.people import Person
from pipelines.generate.staffing import (
    HOURLY_BORN,
    MANAGER_BORN,
    MANAGER_MIN_AGE,
    Employment,
    _Staffer,
    earliest_start,
)
from pipelines.generate.support import SupportAssignment

NEW_MANAGER_LEAD_DAYS = (1, 45)  # a split-off enhet's chef started this many days before it
# A long spell needs room inside the window (as in hours.py): employed this long before.
LONG_SPELL_MIN_EMPLOYED = dt.timedelta(days=90)


def split_units(
    units: list[Unit], splits: tuple[SplitSpec, ...]
) -> dict[str, tuple[Unit, dt.date]]:
    """Split-off enhet id -> (the enhet it was part of, the day it started).

    The avdelning's last enheter are the new ones, at most half of them (a scaled-down avdelning
    may have none), each taken from the old ones in turn.
    """
    out: dict[str, tuple[Unit, dt.date]] = {}
    for s in splits:
        forv = next(u for u in units if u.level == FORVALTNING and u.name == s.forvaltning)
        avd = next(
            (u for u in units
             if u.level == AVDELNING and u.parent_id == forv.unit_id and u.name == s.avdelning),
            None,
        )  # fmt: skip
        if avd is None:
            continue  # scaled away
        enheter = [u for u in units if u.parent_id == avd.unit_id]
        n_new = min(s.new, len(enheter) // 2)
        old, new = enheter[: len(enheter) - n_new], enheter[len(enheter) - n_new :]
        for i, u in enumerate(new):
            out[u.unit_id] = (old[i % len(old)], s.date)
    return out


def hire_split_managers(
    jobs: list[Employment], splits: dict[str, tuple[Unit, dt.date]], rng: random.Random
) -> list[Employment]:
    """The chefer of split-off enheter started in the weeks before their enhet did."""
    out = []
    for j in jobs:
        if j.ansvarskod and j.unit.unit_id in splits:
            lead = dt.timedelta(days=rng.randint(*NEW_MANAGER_LEAD_DAYS))
            j = replace(j, start_date=splits[j.unit.unit_id][1] - lead)
        out.append(j)
    return out


def first_starts(jobs: list[Employment]) -> dict[Person, dt.date]:
    first: dict[Person, dt.date] = {}
    for j in jobs:
        first[j.person] = min(first.get(j.person, j.start_date), j.start_date)
    return first


def predecessors(
    spec: KommunSpec,
    rules: Rules,
    jobs: list[Employment],
    first_period: dt.date,
    splits: dict[str, tuple[Unit, dt.date]],
    rng: random.Random,
) -> list[Employment | None]:
    """Per latest employment, who held it at the first period, if its holder came later.

    One predecessor per person (taking all their jobs), started before the first period; new
    personnummer, never one of the latest's. The chef of a split-off enhet has none: the post
    is new.
    """
    staffer = _Staffer(spec, replace(rules, period=first_period), rng)
    staffer.people.reserve(j.person for j in jobs)
    first = first_starts(jobs)
    persons: dict[Person, Person] = {}
    out: list[Employment | None] = []
    for j in jobs:
        new_post = j.ansvarskod and j.unit.unit_id in splits
        if first[j.person] < first_period or new_post:
            out.append(None)
            continue
        if j.person not in persons:
            born = MANAGER_BORN if j.ansvarskod else HOURLY_BORN if j.form == TIMAVLONAD else {}
            persons[j.person] = staffer.person(j.unit.verksamhet, **born)
        person = persons[j.person]
        start = staffer.start(
            person,
            earliest_start(j.form, manager=bool(j.ansvarskod)),
            min_age=MANAGER_MIN_AGE if j.ansvarskod else 18,
        )
        out.append(replace(j, person=person, start_date=start, comment=""))
    return out


def units_at(
    units: list[Unit], splits: dict[str, tuple[Unit, dt.date]], period: dt.date
) -> list[Unit]:
    return [u for u in units if u.unit_id not in splits or splits[u.unit_id][1] <= period]


def employments_at(
    jobs: list[Employment],
    preds: list[Employment | None],
    splits: dict[str, tuple[Unit, dt.date]],
    period: dt.date,
) -> list[Employment]:
    """The employments at `period` (started before it), in the latest's order, without hours
    or placeholders."""
    merged = {uid: mother for uid, (mother, day) in splits.items() if day > period}
    first = first_starts(jobs)
    out, seen = [], set()
    for j, pred in zip(jobs, preds, strict=True):
        if j.ansvarskod and j.unit.unit_id in merged:
            continue  # the enhet is not split off yet: no chef of its own
        if first[j.person] >= period:
            assert pred is not None
            j = pred
        elif j.start_date >= period:
            continue  # a second employment taken later
        if j.unit.unit_id in merged:
            j = replace(j, unit=merged[j.unit.unit_id])
        if (j.person, j.unit.unit_id) in seen:
            continue  # a second employment in the enhet it was split off
        seen.add((j.person, j.unit.unit_id))
        out.append(replace(j, placeholders=()))
    return out


def support_at(
    support: list[SupportAssignment],
    jobs: list[Employment],
    preds: list[Employment | None],
    units: list[Unit],
    added: tuple[SupportAddedSpec, ...],
    period: dt.date,
) -> list[SupportAssignment]:
    """The latest support with the predecessors of later starters; support added later is out."""
    first = first_starts(jobs)
    was = {j.person: p.person for j, p in zip(jobs, preds, strict=True) if p is not None}
    parent = {u.unit_id: u.parent_id for u in units}
    later: set[tuple[str, str]] = set()
    for a in added:
        if a.date > period:
            later |= {(a.funktion, u.unit_id) for u in units if u.name == a.unit}

    def added_later(funktion: str, unit_id: str | None) -> bool:
        while unit_id:
            if (funktion, unit_id) in later:
                return True
            unit_id = parent[unit_id]
        return False

    present = {u.unit_id for u in units}
    out = []
    for s in support:
        if s.unit.unit_id not in present or added_later(s.funktion, s.unit.unit_id):
            continue
        if first[s.person] >= period:
            s = replace(s, person=was[s.person])
        out.append(s)
    return out


def carried_sick_leave(
    jobs: list[Employment],
    latest: dict[Person, tuple[float, float]],
    period: dt.date,
    factor: float,
    history: History,
    rng: random.Random,
) -> dict[Person, tuple[float, float]]:
    """Sick-leave shares a person keeps from the latest period (times the period's factor).

    Sickness persists: the 12-month windows overlap, and the long-term sick stay long-term sick.
    Persons employed less than the time a long spell needs get new shares.
    """
    first = first_starts(jobs)
    out = {}
    for person in sorted(first, key=lambda p: p.pnr12):
        keep = rng.random() < history.sick_leave_persistence
        if keep and person in latest and first[person] <= period - LONG_SPELL_MIN_EMPLOYED:
            short, long = latest[person]
            long = min(1.0, long * factor)
            out[person] = (min(short * factor, 1.0 - long), long)
    return out
