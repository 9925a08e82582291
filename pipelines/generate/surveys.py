"""Demo survey responses: who answers and what, linked to the generated org, spans and verksamhet."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import yaml

from pipelines.generate.config import DATA_DIR, MONTHLY_FORMS, load_rules
from pipelines.generate.org import AVDELNING, ENHET, FORVALTNING, Unit
from pipelines.generate.people import Person
from pipelines.generate.staffing import Employment
from schemas.questionnaire import Question, Questionnaire, builtin

# Typical share of a manager's logged hours per activity category; elderly care carries more
# administration (schedules, documentation, staffing systems) and large spans more staff matters.
TIME_WEIGHTS = {"PERS": 0.30, "BUDG": 0.12, "ADM": 0.23, "VERK": 0.35}


@cache
def load_survey_plan() -> dict:
    return yaml.safe_load((DATA_DIR / "surveys.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Manager:
    person: Person
    unit: Unit
    forvaltning: Unit
    span: int  # monthly-paid staff in the manager's own unit
    level: int  # 1 first line (enhet), 2 avdelning, 3 förvaltning

    @property
    def group_key(self) -> str:
        return "avdelning" if self.unit.level == AVDELNING else self.unit.verksamhet


@dataclass
class Response:
    """One respondent's answers: question id -> the cell text as a survey tool would export it."""

    manager: Manager | None
    answers: dict[str, str | float] = field(default_factory=dict)
    complete: bool = True
    submitted: dt.datetime | None = None


def managers(units: list[Unit], jobs: list[Employment]) -> list[Manager]:
    """Every unit's manager with the size of the staff in their own unit."""
    by_id = {u.unit_id: u for u in units}
    staff = Counter(j.unit.unit_id for j in jobs if not j.ansvarskod and j.form in MONTHLY_FORMS)
    out = []
    for job in sorted((j for j in jobs if j.ansvarskod), key=lambda j: j.unit.unit_id):
        top = job.unit
        while top.parent_id:
            top = by_id[top.parent_id]
        level = {ENHET: 1, AVDELNING: 2, FORVALTNING: 3}[job.unit.level]
        out.append(Manager(job.person, job.unit, top, staff[job.unit.unit_id], level))
    return out


def strain(manager: Manager) -> float:
    """How stretched the manager is: grows with the span (about 0 at 25 staff, 1 at 45)."""
    return max(-1.0, min(1.5, (manager.span - 25) / 20))


def _ordinal(rng: random.Random, question: Question, good: float, vet_ej: float) -> str:
    """A label on the question's scale; `good` is the latent score on 0..1 (1 = best conditions)."""
    if rng.random() < vet_ej:
        return "Vet ej"
    scored = question.scale.scored  # highest score first
    low, high = question.scale.score_range
    value = low + (high - low) * min(1.0, max(0.0, rng.gauss(good, 0.18)))
    score = round(value)
    if question.reverse:  # agreeing with a demand statement means worse conditions
        score = low + high - score
    return next(o.label for o in scored if o.score == score)


def _latent(rng: random.Random, manager: Manager | None, questionnaire: Questionnaire) -> float:
    base = {"krav_resurser": 0.62, "kommunikation_stod": 0.55, "rummet": 0.6}.get(
        questionnaire.id, 0.6
    )
    if manager is None:
        return base + 0.2  # top management sees the managers' conditions more brightly
    return base - 0.22 * strain(manager) + rng.gauss(0, 0.06)


def answer_questionnaire(
    rng: random.Random, questionnaire: Questionnaire, manager: Manager | None, top: bool
) -> dict[str, str | float]:
    vet_ej = load_survey_plan()["vet_ej_share"]
    good = _latent(rng, None if top else manager, questionnaire)
    answers: dict[str, str | float] = {}
    if questionnaire.id == "tidsdagbok" and manager is not None:
        return logbook(rng, manager)
    for q in questionnaire.questions:
        if q.is_free_text:
            if rng.random() < 0.2:
                answers[q.id] = rng.choice(
                    ["Mer administrativt stöd", "Färre medarbetare per chef", "Tid för dialog"]
                )
            continue
        if q.scale.kind == "ordinal":
            answers[q.id] = _ordinal(rng, q, good, vet_ej)
    return answers


def logbook(rng: random.Random, manager: Manager) -> dict[str, str | float]:
    """Five days of hours per category (to the half hour) and the three reported shares."""
    weights = dict(TIME_WEIGHTS)
    if manager.unit.verksamhet == "äldreomsorg":
        weights["ADM"] += 0.12
        weights["VERK"] -= 0.08
    weights["PERS"] += 0.08 * max(0.0, strain(manager))
    answers: dict[str, str | float] = {}
    for day in range(1, 6):
        hours = rng.uniform(7.5, 10.0)
        for category, weight in weights.items():
            share = max(0.0, weight + rng.gauss(0, 0.04))
            answers[f"T{day}_{category}"] = round(hours * share * 2) / 2
    travel = (6, 15) if manager.unit.verksamhet in ("äldreomsorg", "LSS") else (1, 7)
    answers["A_MOTE"] = round(rng.uniform(30, 55))
    answers["A_DATOR"] = round(rng.uniform(20, 45))
    answers["A_RESA"] = round(rng.uniform(*travel))
    return answers


def respondents(
    rng: random.Random, questionnaire: Questionnaire, staff: list[Manager], top: bool
) -> list[Response]:
    """The responses of one survey export, in the order a tool would list them (by time)."""
    plan = load_survey_plan()
    period = load_rules().period
    start = dt.datetime.combine(period, dt.time(8, 0)) + dt.timedelta(days=3)
    if top:
        leaders = [m for m in staff if m.level == 3]
        chosen: list[Manager | None] = [*leaders, None, None]  # + kommundirektör and HR-chef
    elif questionnaire.id == "rummet":
        chosen = [m for m in staff if m.level < 3 and rng.random() < plan["in_room_share"]]
    else:
        chosen = [m for m in staff if m.level < 3 and rng.random() < plan["response_rate"]]
    rng.shuffle(chosen)
    out = []
    for i, manager in enumerate(chosen):
        response = Response(manager, answer_questionnaire(rng, questionnaire, manager, top))
        response.submitted = start + dt.timedelta(minutes=17 * i + rng.randint(0, 16))
        out.append(response)
    return out


def mark_incomplete(rng: random.Random, responses: list[Response]) -> None:
    """A few respondents started but never pressed Submit: half their answers, no submit time."""
    share = load_survey_plan()["incomplete_share"]
    for response in responses:
        if rng.random() < share:
            response.complete = False
            response.submitted = None
            keep = list(response.answers)[: len(response.answers) // 2]
            response.answers = {q: response.answers[q] for q in keep}


def survey_responses(
    code: str, seed: int, questionnaire_id: str, top: bool, staff: list[Manager]
) -> list[Response]:
    rng = random.Random(f"chefskartan-survey:{seed}:{code}:{questionnaire_id}:{top}")
    return respondents(rng, builtin(questionnaire_id), staff, top)


def group_of(manager: Manager) -> str | None:
    """Manager group by verksamhet; heads of förvaltning belong to top management, not a group."""
    if manager.level == 3:
        return None
    return load_survey_plan()["groups"].get(manager.group_key)
