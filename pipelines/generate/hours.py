"""Arbetsställen, contracted hours and sick leave per employment, 12 months up to the period."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from pipelines.generate.config import TIMAVLONAD, HoursRules, SickLeaveRules
from pipelines.generate.org import ENHET, Unit
from pipelines.generate.people import Person
from pipelines.generate.staffing import Employment

ADMINISTRATION = "administration"
# A long spell needs room inside the window: employed at least this long before the period.
LONG_SPELL_MIN_EMPLOYED = dt.timedelta(days=90)


def assign_workplaces(units: list[Unit], rules: HoursRules, rng: random.Random) -> dict[str, list]:
    """Unit id -> its arbetsställenummer (8 digits), first one the main.

    Enheter have 1-3 by verksamhet; other units one. Administration, at every level, shares the
    kommunhus, so a förvaltningschef and the kansli have the same number.
    """
    taken: set[str] = set()

    def new_number() -> str:
        while (number := str(rng.randrange(10_000_000, 100_000_000))) in taken:
            pass
        taken.add(number)
        return number

    kommunhus = new_number()
    workplaces: dict[str, list] = {}
    for u in units:
        if u.verksamhet == ADMINISTRATION:
            workplaces[u.unit_id] = [kommunhus]
        elif u.level == ENHET:
            weights = rules.workplaces.get(u.verksamhet) or rules.workplaces["default"]
            n = rng.choices(range(1, len(weights) + 1), weights)[0]
            workplaces[u.unit_id] = [new_number() for _ in range(n)]
        else:
            workplaces[u.unit_id] = [new_number()]
    return workplaces


def add_hours(
    jobs: list[Employment],
    units: list[Unit],
    rules: HoursRules,
    period: dt.date,
    rng: random.Random,
    workplaces: dict[str, list] | None = None,
    known_sick: dict[Person, tuple[float, float]] | None = None,
) -> list[Employment]:
    """The employments with workplace, contracted hours and sick hours filled in.

    Sick leave is drawn per person (a long spell keeps a person off all their jobs) and spread
    over their employments in proportion to contracted hours. Given `workplaces` (for an earlier
    period), an employment that already has one of its unit's workplaces keeps it; a person in
    `known_sick` has those (short-term, long-term) shares instead of new ones.
    """
    if workplaces is None:
        workplaces = assign_workplaces(units, rules, rng)
    by_person: dict[Person, list[Employment]] = {}
    for j in jobs:
        by_person.setdefault(j.person, []).append(j)
    known_sick = known_sick or {}
    shares = {
        person: known_sick[person]
        if person in known_sick
        else _sick_shares(js, rules.sick, period, rng)
        for person, js in by_person.items()
    }

    out = []
    for j in jobs:
        places = workplaces[j.unit.unit_id]
        if j.workplace in places:
            workplace = j.workplace
        elif j.ansvarskod or len(places) == 1:
            workplace = places[0]  # managers sit at their unit's main workplace
        else:
            workplace = rng.choices(places, rules.staff_weights[: len(places)])[0]
        short, long = shares[j.person]
        if j.form == TIMAVLONAD:
            hours = rng.randint(*rules.hourly_hours)
            long = 0.0  # an hourly worker on long leave is simply not booked
        else:
            hours = round(j.fte_pct * rules.hours_per_fte_year / 100)
        long_hours = _quarter(long * hours)
        short_hours = min(_quarter(short * hours), hours - long_hours)
        out.append(
            replace(
                j,
                workplace=workplace,
                contracted_hours=hours,
                sick_hours=long_hours + short_hours,
                long_sick_hours=long_hours,
            )
        )
    return out


def sick_shares_of(jobs: list[Employment]) -> dict[Person, tuple[float, float]]:
    """Per person, the (short-term, long-term) sick hours as shares of contracted hours."""
    hours: dict[Person, list[float]] = {}
    for j in jobs:
        h = hours.setdefault(j.person, [0.0, 0.0, 0.0])
        h[0] += j.contracted_hours
        h[1] += j.sick_hours - j.long_sick_hours
        h[2] += j.long_sick_hours
    return {p: (short / c, long / c) for p, (c, short, long) in hours.items() if c}


def _sick_shares(
    jobs: list[Employment], sick: SickLeaveRules, period: dt.date, rng: random.Random
) -> tuple[float, float]:
    """(short-term, long-term) sick hours as shares of the person's contracted hours."""
    primary = jobs[0]  # the first employment: a second job is always added after it
    person = primary.person
    factor = sick.verksamhet.get(primary.unit.verksamhet, sick.verksamhet["default"])
    factor *= sick.sex["man" if person.serial % 2 else "kvinna"]
    factor *= _age_factor(sick, person, period)
    if primary.ansvarskod:
        factor *= sick.manager
    hourly = all(j.form == TIMAVLONAD for j in jobs)
    if hourly:
        factor *= sick.hourly

    short = 0.0
    if rng.random() >= sick.no_short_share:
        mean = sick.short_rate * factor / (1 - sick.no_short_share)
        short = min(sick.short_cap, rng.expovariate(1 / mean))
    long = 0.0
    first_start = min(j.start_date for j in jobs)
    can_be_long = not hourly and first_start <= period - LONG_SPELL_MIN_EMPLOYED
    if can_be_long and rng.random() < min(0.5, sick.long_probability * factor):
        long = rng.uniform(*sick.long_fraction)
        short = min(short, 1 - long)
    return short, long


def _age_factor(sick: SickLeaveRules, person: Person, period: dt.date) -> float:
    b = person.birth_date
    age = period.year - b.year - ((period.month, period.day) < (b.month, b.day))
    return [f for from_age, f in sick.age if age >= from_age][-1]


def _quarter(hours: float) -> float:
    """Time reporting is in quarter hours."""
    return round(hours * 4) / 4
