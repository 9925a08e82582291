"""Deterministic demo inbox: HR exports for Burlöv, Kävlinge and Lomma plus a manifest."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.generate.config import (
    KommunSpec,
    load_hours_rules,
    load_kommuner,
    load_rules,
    load_support,
)
from pipelines.generate.hours import add_hours
from pipelines.generate.manifest import ManifestEntry, write_manifest
from pipelines.generate.org import Unit, build_org
from pipelines.generate.placeholders import add_placeholders
from pipelines.generate.staffing import Employment, staff_kommun
from pipelines.generate.support import SupportAssignment, assign_support
from pipelines.generate.survey_writers import SURVEY_WRITERS, write_groups
from pipelines.generate.surveys import load_survey_plan, managers, mark_incomplete, survey_responses
from pipelines.generate.writers import WRITERS
from schemas.questionnaire import builtin

__all__ = ["DemoKommun", "build_kommun", "generate_inbox"]


@dataclass(frozen=True)
class DemoKommun:
    """The generated truth for one kommun, before it is written in the kommun's export shape."""

    spec: KommunSpec
    units: list[Unit]
    employments: list[Employment]
    support: list[SupportAssignment]


def build_kommun(code: str, seed: int = 1, scale: float = 1.0) -> DemoKommun:
    """Org tree and employments for one kommun; depends only on (code, seed, scale)."""
    specs = load_kommuner()
    if code not in specs:
        raise ValueError(f"unknown kommun {code!r}; known: {', '.join(specs)}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    spec = specs[code]
    # A string seed is hashed with SHA-512 by random.Random: stable across runs and platforms,
    # and each kommun's data does not depend on which other kommuner are generated.
    rng = random.Random(f"chefskartan-demo:{seed}:{code}")
    units = build_org(spec, rng, scale)
    jobs = staff_kommun(spec, load_rules(), units, rng, scale)
    # Hours, placeholders and support draw from streams of their own, so adding them left the
    # org tree and the employments of a seed exactly as they were.
    hours = load_hours_rules()
    jobs = add_hours(jobs, units, hours, load_rules().period, _stream(seed, code, "hours"))
    placeholders = hours.placeholders.get(code, {})
    jobs = add_placeholders(jobs, placeholders, _stream(seed, code, "placeholders"))
    support = assign_support(load_support().get(code), units, jobs, _stream(seed, code, "support"))
    return DemoKommun(spec, units, jobs, support)


def _stream(seed: int, code: str, part: str) -> random.Random:
    return random.Random(f"chefskartan-demo:{seed}:{code}:{part}")


def generate_inbox(
    out_dir: Path, seed: int = 1, scale: float = 1.0, kommuner: Sequence[str] | None = None
) -> Path:
    """Write demo exports + manifest.yaml into out_dir; return the manifest path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    codes = list(load_kommuner()) if kommuner is None else list(dict.fromkeys(kommuner))
    period = load_rules().period
    specs, entries = [], []
    for code in codes:
        demo = build_kommun(code, seed, scale)
        write = WRITERS[demo.spec.format]
        written = write(out_dir, demo.spec, demo.units, demo.employments, demo.support)
        specs.append(demo.spec)
        entries += [ManifestEntry(file, source, code, period) for file, source in written]
        entries += write_surveys(out_dir, demo, seed, period)
    return write_manifest(out_dir, specs, entries)


def write_surveys(out_dir: Path, demo: DemoKommun, seed: int, period) -> list[ManifestEntry]:
    """The kommun's manager groups and its four surveys in the export formats of surveys.yaml."""
    import random

    plan = load_survey_plan()["kommuner"].get(demo.spec.code)
    if not plan:
        return []
    staff = managers(demo.units, demo.employments)
    code = demo.spec.code
    write_groups(out_dir / plan["groups"]["file"], staff, plan["groups"]["by"])
    entries = [ManifestEntry(plan["groups"]["file"], "manager_groups", code, period)]
    for survey in plan["surveys"]:
        questionnaire = builtin(survey["questionnaire"])
        top = survey.get("respondents") == "top_management"
        responses = survey_responses(code, seed, questionnaire.id, top, staff)
        if survey["format"].startswith("limesurvey"):
            mark_incomplete(
                random.Random(f"incomplete:{seed}:{code}:{questionnaire.id}"), responses
            )
        source, writer = SURVEY_WRITERS[survey["format"]]
        extra = writer(out_dir / survey["file"], questionnaire, responses, survey["identity"])
        extra = {"questionnaire": questionnaire.id, **extra}
        if top:
            extra["respondents"] = "top_management"
        entries.append(ManifestEntry(survey["file"], source, code, period, extra))
    return entries
