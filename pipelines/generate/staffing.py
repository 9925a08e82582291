"""Staff an org tree: one manager per unit, staff per enhet, a few administrators, second jobs."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, replace

from pipelines.generate.config import (
    TILLSVIDARE,
    TIMAVLONAD,
    VISSTID,
    KommunSpec,
    Rules,
    load_aid_labels,
    load_comments,
    load_job_mix,
)
from pipelines.generate.org import AVDELNING, ENHET, FORVALTNING, Unit
from pipelines.generate.people import Person, PersonFactory, add_years, random_date

MANAGER_ROLE = {FORVALTNING: "förvaltningschef", AVDELNING: "avdelningschef", ENHET: "enhetschef"}
MIN_STAFF_PER_ENHET = 3  # a tiny demo kommun still has a few employees per enhet
SECOND_JOB_FTE = (20, 25, 30, 40)
COMMENT_SHARE = 0.04
EARLIEST_START = dt.date(1985, 1, 1)
MANAGER_EARLIEST_START = dt.date(1995, 1, 1)
MANAGER_MIN_AGE = 27
MANAGER_BORN = {"born_from": 1960, "born_to": 1992}
HOURLY_BORN = {"born_from": 1970}


@dataclass(frozen=True)
class Employment:
    person: Person
    unit: Unit
    aid_code: str
    aid_label: str
    ansvarskod: str  # A, B, C for managers; "" for staff
    form: str  # tillsvidare | visstid | timavlönad
    fte_pct: int  # sysselsättningsgrad; 0 for hourly staff
    start_date: dt.date
    comment: str = ""
    # Filled in by hours.py, over the 12 months up to the period date.
    workplace: str = ""  # 8-digit SCB-like arbetsställenummer
    contracted_hours: int = 0  # ordinarie arbetstid; hours worked for timavlönade
    sick_hours: float = 0.0
    long_sick_hours: float = 0.0  # the part of sick_hours in spells of 60+ days
    # (field, value) pairs the export shows instead of the value: placeholders.py
    placeholders: tuple[tuple[str, str | int], ...] = ()

    def shown(self, field: str) -> object:
        """The field's value as the export shows it: the placeholder where there is one."""
        return dict(self.placeholders).get(field, getattr(self, field))


def earliest_start(form: str, *, manager: bool = False) -> dt.date:
    """The first start date drawn for an employment (half of them are moved to 2017 or later)."""
    if manager:
        return MANAGER_EARLIEST_START
    return {TIMAVLONAD: dt.date(2019, 1, 1), VISSTID: dt.date(2023, 1, 1)}.get(form, EARLIEST_START)


class _Staffer:
    def __init__(self, spec: KommunSpec, rules: Rules, rng: random.Random):
        self.spec, self.rules, self.rng = spec, rules, rng
        self.people = PersonFactory(rng, spec.serial_range)
        self.last_start = rules.period - dt.timedelta(days=1)

    def aid(self, verksamhet: str, role: str) -> str:
        mix = load_job_mix()
        # Most specific first; hourly staff fall back to the verksamhet's ordinary job mix.
        keys = ((verksamhet, role), ("*", role), (verksamhet, "personal"))
        codes, weights = mix[next(k for k in keys if k in mix)]
        return self.rng.choices(codes, weights)[0]

    def person(self, verksamhet: str, **born) -> Person:
        share = self.rules.women_share.get(verksamhet, self.rules.women_share["default"])
        return self.people.new(is_woman=self.rng.random() < share, **born)

    def start(self, person: Person, first: dt.date, min_age: int = 18) -> dt.date:
        first = max(first, add_years(person.birth_date, min_age))
        if first < dt.date(2017, 1, 1) and self.rng.random() < 0.5:
            first = dt.date(2017, 1, 1)  # half of the staff started in the last ten years
        return random_date(self.rng, first, self.last_start)

    def employ(
        self,
        person: Person,
        unit: Unit,
        role: str,
        form: str,
        *,
        ansvarskod: str = "",
        fte_pct: int | None = None,
        start_date: dt.date | None = None,
    ) -> Employment:
        code = self.aid(unit.verksamhet, role)
        fte = 0 if form == TIMAVLONAD else self.rng.choices((100, 80, 75, 50), (72, 12, 10, 6))[0]
        return Employment(
            person,
            unit,
            code,
            load_aid_labels()[code],
            ansvarskod,
            form,
            fte if fte_pct is None else fte_pct,
            self.start(person, earliest_start(form)) if start_date is None else start_date,
        )

    def manager(self, unit: Unit) -> Employment:
        person = self.person(unit.verksamhet, **MANAGER_BORN)
        if unit.level == ENHET:
            codes = self.rules.enhetschef_ansvarskod
            ansvarskod = self.rng.choices(list(codes), list(codes.values()))[0]
        else:
            ansvarskod = "A"
        start = self.start(person, MANAGER_EARLIEST_START, min_age=MANAGER_MIN_AGE)
        return self.employ(
            person,
            unit,
            MANAGER_ROLE[unit.level],
            TILLSVIDARE,
            ansvarskod=ansvarskod,
            fte_pct=100,
            start_date=start,
        )

    def monthly_form(self) -> str:
        return VISSTID if self.rng.random() < self.rules.visstid_share else TILLSVIDARE


def span_factor(spec: KommunSpec, units: list[Unit], scale: float) -> float:
    """Below scale 1 the tree cannot shrink past one enhet per avdelning; shrink spans instead."""
    if scale >= 1:
        return 1.0
    enheter = [u for u in units if u.level == ENHET]
    expected = sum(sum(spec.span_range(u.verksamhet)) / 2 for u in enheter)
    room = spec.employees * scale - (len(units) - len(enheter)) * 2.5 - len(enheter)
    return max(0.0, min(1.0, room / expected)) if expected else 1.0


def staff_kommun(
    spec: KommunSpec, rules: Rules, units: list[Unit], rng: random.Random, scale: float
) -> list[Employment]:
    """Every employment in the kommun; each enhet's monthly-paid headcount is in its span range."""
    s = _Staffer(spec, rules, rng)
    factor = span_factor(spec, units, scale)
    enheter = [u for u in units if u.level == ENHET]
    monthly = {}
    for u in enheter:
        drawn = rng.randint(*spec.span_range(u.verksamhet))
        monthly[u.unit_id] = max(MIN_STAFF_PER_ENHET, round(drawn * factor))
    # Decide up front which enheter take a second employment, so the person who fills that slot
    # still counts once and each enhet's distinct monthly-paid headcount stays as drawn.
    n_second = max(1, round(rules.second_employment_share * spec.employees * scale))
    drawn_slots = Counter(rng.choice(enheter).unit_id for _ in range(n_second))
    second_slots = {uid: min(n, monthly[uid] - 1) for uid, n in drawn_slots.items()}

    jobs: list[Employment] = []
    for unit in units:
        jobs.append(s.manager(unit))
        if unit.level == ENHET:
            jobs += _enhet_staff(s, unit, monthly[unit.unit_id] - second_slots.get(unit.unit_id, 0))
        else:
            admins = rules.admin_per_forvaltning if unit.level == FORVALTNING else None
            for _ in range(rng.randint(*(admins or rules.admin_per_avdelning))):
                jobs.append(s.employ(s.person("administration"), unit, "admin", s.monthly_form()))

    jobs += _second_jobs(s, jobs, second_slots)
    _add_comments(rng, jobs)
    return jobs


def _enhet_staff(s: _Staffer, unit: Unit, n_monthly: int) -> list[Employment]:
    """Monthly-paid staff, then hourly staff as a share of them where the verksamhet has any."""
    jobs = [
        s.employ(s.person(unit.verksamhet), unit, "personal", s.monthly_form())
        for _ in range(n_monthly)
    ]
    low, high = s.rules.hourly_share.get(unit.verksamhet, (0.0, 0.0))
    for _ in range(round(n_monthly * s.rng.uniform(low, high))):
        person = s.person(unit.verksamhet, **HOURLY_BORN)
        jobs.append(s.employ(person, unit, "timavlönad", TIMAVLONAD))
    return jobs


def _second_jobs(s: _Staffer, jobs: list[Employment], slots: dict[str, int]) -> list[Employment]:
    """Visstid 20-40 % in another enhet for staff who already work somewhere in the kommun."""
    staff = [j for j in jobs if not j.ansvarskod]
    by_id = {j.unit.unit_id: j.unit for j in jobs}
    taken: set[Person] = set()
    extra = []
    for unit_id in sorted(slots):
        for _ in range(slots[unit_id]):
            candidates = [j for j in staff if j.unit.unit_id != unit_id and j.person not in taken]
            if not candidates:
                continue
            primary = s.rng.choice(candidates)
            taken.add(primary.person)
            fte = s.rng.choice(SECOND_JOB_FTE)
            extra.append(s.employ(primary.person, by_id[unit_id], "personal", VISSTID, fte_pct=fte))
    return extra


def _add_comments(rng: random.Random, jobs: list[Employment]) -> None:
    """Free-text comments on a few rows; one row always gets the first (euro, dash) comment."""
    texts, weights = load_comments()
    for i in range(len(jobs)):
        if rng.random() < COMMENT_SHARE:
            jobs[i] = _with_comment(jobs[i], rng.choices(texts, weights)[0])
    if jobs:
        i = rng.randrange(len(jobs))
        jobs[i] = _with_comment(jobs[i], texts[0])


def _with_comment(job: Employment, comment: str) -> Employment:
    return replace(job, comment=comment)
