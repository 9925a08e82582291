"""Deterministic demo inbox: HR exports for Burlöv, Kävlinge and Lomma per period, their action
plans and follow-ups, plus a manifest; or every Swedish kommun shaped like them (national.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipelines.generate.baselines import fit_targets, seed_baselines
from pipelines.generate.config import (
    HoursRules,
    KommunSpec,
    load_action_plans,
    load_history,
    load_hours_rules,
    load_kommuner,
    load_rules,
    load_support,
)
from pipelines.generate.history import (
    carried_sick_leave,
    employments_at,
    hire_split_managers,
    predecessors,
    split_units,
    support_at,
    units_at,
)
from pipelines.generate.hours import add_hours, assign_workplaces, sick_shares_of
from pipelines.generate.manifest import ManifestEntry, write_manifest
from pipelines.generate.national import Profile, demo_profile, pick, profile
from pipelines.generate.org import Unit, build_org
from pipelines.generate.placeholders import add_placeholders
from pipelines.generate.plans import write_plans
from pipelines.generate.staffing import Employment, staff_kommun
from pipelines.generate.support import SupportAssignment, assign_support
from pipelines.generate.survey_writers import SURVEY_WRITERS, write_groups
from pipelines.generate.surveys import load_survey_plan, managers, mark_incomplete, survey_responses
from pipelines.generate.writers import WRITERS
from schemas.questionnaire import builtin

__all__ = ["DemoKommun", "build_kommun", "build_periods", "generate_inbox"]


@dataclass(frozen=True)
class DemoKommun:
    """The generated truth for one kommun, before it is written in the kommun's export shape."""

    spec: KommunSpec
    units: list[Unit]
    employments: list[Employment]
    support: list[SupportAssignment]


def build_kommun(
    code: str, seed: int = 1, scale: float = 1.0, prof: Profile | None = None
) -> DemoKommun:
    """Org tree and employments for one kommun; depends only on (code, seed, scale, profile)."""
    prof = prof or demo_profile(code)
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    spec, template, scale = prof.spec, prof.template, scale * prof.scale
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and platforms,
    # and each kommun's data does not depend on which other kommuner are generated.
    rng = random.Random(f"chefskartan-demo:{seed}:{code}")
    units = build_org(spec, rng, scale)
    jobs = staff_kommun(spec, load_rules(), units, rng, scale)
    history = load_history().kommuner.get(template)
    if history and history.splits:  # the new enheter's chefer started shortly before them
        splits = split_units(units, history.splits)
        jobs = hire_split_managers(jobs, splits, _stream(seed, code, "history"))
    # Hours, placeholders and support draw from streams of their own, so adding them left the
    # org tree and the employments of a seed exactly as they were.
    hours = load_hours_rules()
    jobs = add_hours(jobs, units, hours, load_rules().period, _stream(seed, code, "hours"))
    placeholders = hours.placeholders.get(template, {})
    jobs = add_placeholders(jobs, placeholders, _stream(seed, code, "placeholders"))
    support = load_support().get(template)
    support = assign_support(support, units, jobs, _stream(seed, code, "support"))
    return DemoKommun(spec, units, jobs, support)


def _stream(seed: int, code: str, part: str) -> random.Random:
    return random.Random(f"chefskartan-demo:{seed}:{code}:{part}")


def build_periods(
    code: str,
    seed: int = 1,
    scale: float = 1.0,
    prof: Profile | None = None,
    periods: int | None = None,
) -> list[tuple[dt.date, DemoKommun]]:
    """The kommun at every period (or the last `periods`), ascending; the latest is
    build_kommun's, the earlier ones derived from it backwards (history.py), each from streams
    of its own."""
    prof = prof or demo_profile(code)
    latest = build_kommun(code, seed, scale, prof)
    rules = load_rules()
    history = load_history()
    kommun = history.kommuner.get(prof.template)
    if periods is not None and not 1 <= periods <= len(history.periods) + 1:
        raise ValueError(f"periods must be 1..{len(history.periods) + 1}, got {periods}")
    earlier = (
        history.periods
        if periods is None
        else history.periods[len(history.periods) + 1 - periods :]
    )
    if kommun is None or periods == 1:
        return [(rules.period, latest)]
    spec, units, jobs = latest.spec, latest.units, latest.employments
    splits = split_units(units, kommun.splits)
    preds = predecessors(
        spec, rules, jobs, history.periods[0], splits, _stream(seed, code, "predecessors")
    )
    hours = load_hours_rules()
    placeholders = hours.placeholders.get(prof.template, {})
    latest_sick = sick_shares_of(jobs)
    # The latest's workplaces (the first draw of its hours stream): arbetsställen persist.
    workplaces = assign_workplaces(units, hours, _stream(seed, code, "hours"))
    out = []
    for period in earlier:
        p_units = units_at(units, splits, period)
        p_jobs = employments_at(jobs, preds, splits, period)
        factor = (kommun.sick_leave or {}).get(period, 1.0)
        known = carried_sick_leave(
            p_jobs, latest_sick, period, factor, history, _stream(seed, code, f"sick:{period}")
        )
        p_jobs = add_hours(
            p_jobs,
            p_units,
            _sick_leave_at(hours, factor),
            period,
            _stream(seed, code, f"hours:{period}"),
            workplaces,
            known,
        )
        p_jobs = add_placeholders(
            p_jobs, placeholders, _stream(seed, code, f"placeholders:{period}")
        )
        support = support_at(latest.support, jobs, preds, p_units, kommun.support_added, period)
        files = {kind: prof.rename(file) for kind, file in kommun.files_for(period).items()}
        out.append((period, DemoKommun(replace(spec, files=files), p_units, p_jobs, support)))
    return [*out, (rules.period, latest)]


def _sick_leave_at(hours: HoursRules, factor: float) -> HoursRules:
    sick = hours.sick
    return replace(
        hours,
        sick=replace(
            sick,
            short_rate=sick.short_rate * factor,
            long_probability=sick.long_probability * factor,
        ),
    )


def generate_inbox(
    out_dir: Path,
    seed: int = 1,
    scale: float = 1.0,
    kommuner: Sequence[str] | None = None,
    *,
    national: int | None = None,
    periods: int | None = None,
    max_employments: int | None = None,
    plans: bool = True,
) -> Path:
    """Write demo exports + manifest.yaml into out_dir; return the manifest path.

    With `national`, that many Swedish kommuner (all 290 at 290; `kommuner` picks among them),
    one period unless `periods` says more, without action plans (a workshop's local matter).
    `plans=False` leaves the plans out of the demo too (for another seed they cost a refresh).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if national is not None:
        codes = list(dict.fromkeys(kommuner)) if kommuner else pick(national)
        profiles = [profile(code, max_employments) for code in codes]
        periods = periods or 1
    else:
        codes = list(load_kommuner()) if kommuner is None else list(dict.fromkeys(kommuner))
        profiles = [demo_profile(code) for code in codes]
    specs, entries = [], []
    for prof in profiles:
        code = prof.spec.code
        periods_of = build_periods(code, seed, scale, prof, periods)
        for period, demo in periods_of:
            write = WRITERS[demo.spec.format]
            written = write(
                out_dir, demo.spec, demo.units, demo.employments, demo.support, period=period
            )
            entries += [ManifestEntry(file, source, code, period) for file, source in written]
        if plans and national is None and periods is None:
            entries += _plans(out_dir, code, seed, scale, entries, periods_of)
        # The manager surveys and the workshop survey belong to the latest period.
        latest_period, latest = periods_of[-1]
        entries += write_surveys(out_dir, latest, seed, latest_period, prof)
        specs.append(prof.spec)
    return write_manifest(out_dir, specs, entries)


def _plans(
    out_dir: Path, code: str, seed: int, scale: float, entries, periods
) -> list[ManifestEntry]:
    """The kommun's action plan and follow-ups; plans name units that exist from the first
    period on."""
    first_units = periods[0][1].units
    action_plans = load_action_plans()
    # The YAML's targets fit seed 1 at scale 1: any other scale draws other units and people,
    # as another seed does, so its baselines may lie past a target (the refresh rejects that).
    if (seed != 1 or scale != 1) and code in action_plans.kommuner:
        action_plans = _fitted_plans(out_dir, code, action_plans, entries, periods)
    plans = write_plans(out_dir, code, action_plans, first_units, [p for p, _ in periods])
    return [ManifestEntry(file, source, code, period) for file, source, period in plans]


def _fitted_plans(out_dir: Path, code: str, plans, entries, periods):
    """The kommun's plan with targets moved where this seed's baseline is already past them."""
    kommun = plans.kommuner[code]
    adopted = min(m["Beslutsdatum"] for m in kommun.measures)
    period = max((p for p, _ in periods if p <= adopted), default=periods[0][0])
    baselines = seed_baselines(out_dir, load_kommuner()[code], entries, period)
    fitted = fit_targets(kommun, baselines)
    return replace(plans, kommuner={**plans.kommuner, code: fitted})


def write_surveys(
    out_dir: Path, demo: DemoKommun, seed: int, period, prof: Profile | None = None
) -> list[ManifestEntry]:
    """The kommun's manager groups and its four surveys in the export formats of surveys.yaml."""
    import random

    prof = prof or demo_profile(demo.spec.code)
    plan = load_survey_plan()["kommuner"].get(prof.template)
    if not plan:
        return []
    staff = managers(demo.units, demo.employments)
    code = demo.spec.code
    groups = prof.rename(plan["groups"]["file"])
    write_groups(out_dir / groups, staff, plan["groups"]["by"])
    entries = [ManifestEntry(groups, "manager_groups", code, period)]
    for survey in plan["surveys"]:
        questionnaire = builtin(survey["questionnaire"])
        top = survey.get("respondents") == "top_management"
        responses = survey_responses(code, seed, questionnaire.id, top, staff)
        if survey["format"].startswith("limesurvey"):
            mark_incomplete(
                random.Random(f"incomplete:{seed}:{code}:{questionnaire.id}"), responses
            )
        source, writer = SURVEY_WRITERS[survey["format"]]
        file = prof.rename(survey["file"])
        extra = writer(out_dir / file, questionnaire, responses, survey["identity"])
        extra = {"questionnaire": questionnaire.id, **extra}
        if top:
            extra["respondents"] = "top_management"
        entries.append(ManifestEntry(file, source, code, period, extra))
    return entries
