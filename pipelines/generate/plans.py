"""Action plans and follow-ups (Åtgärda och följ upp) as the kommun's leadership group writes
them: one CSV per kommun each, UTF-8 with BOM, semicolons, ISO dates, targets with a decimal
comma."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pipelines.generate.config import ActionPlans, KommunPlans
from pipelines.generate.org import Unit
from pipelines.generate.writers import _write_csv

ACTION_PLAN, FOLLOW_UP = "action_plan", "follow_up"
WHOLE_KOMMUN = "Hela kommunen"
AREAS = (
    "Chefsuppdrag och rollbeskrivningar",
    "Verksamhetsnära stöd",
    "Antal medarbetare per chef",
    "Ledarutveckling",
    "Forum för dialog",
    "Interna processer",
)
# The columns of the published mart_span_rollup a measure can be followed up with.
INDICATORS = (
    "mean_span_first_line",
    "median_span_first_line",
    "share_first_line_above_threshold_pct",
    "chefstathet",
    "admin_support_fte_per_manager",
    "managers_without_hr_partner",
    "manager_turnover_pct",
    "sick_leave_pct",
    "share_visstid_pct",
    "mean_tenure_months",
)
MAX_INDICATORS = 2
YES_NO = ("ja", "nej")
ANSWERS = ("ja", "delvis", "nej", "vet ej")

PLAN_TEXT = (
    "Åtgärds-id",
    "Omfattning",
    "Område",
    "Utvecklingsområde",
    "Åtgärd",
    "Mål och förväntad nytta",
    "Ansvarig roll",
)
PLAN_YES_NO = (
    "Mandat och resurser bekräftade",
    "Riskbedömning gjord",
    "Medarbetare och fack involverade",
)
PLAN_DATES = ("Beslutsdatum", "Startdatum", "Klart senast")
PLAN_HEADER = [
    *PLAN_TEXT,
    *PLAN_YES_NO,
    *PLAN_DATES,
    "Indikator 1",
    "Målvärde 1",
    "Indikator 2",
    "Målvärde 2",
]
FOLLOW_UP_ANSWERS = ("Genomförd som planerat", "Avsedd effekt", "Bidragit till målet")
FOLLOW_UP_HEADER = [
    "Åtgärds-id",
    "Uppföljningsdatum",
    *FOLLOW_UP_ANSWERS,
    "Nya insikter",
    "Sidoeffekter",
    "Nästa uppföljning",
]


def target_text(value: float) -> str:
    """30 -> "30", 0.2 -> "0,2": Swedish decimal comma, no trailing zeros."""
    return f"{value:g}".replace(".", ",")


def check_plans(
    code: str,
    plans: KommunPlans,
    own_areas: Sequence[str],
    units: Sequence[Unit],
    latest_period: dt.date,
) -> None:
    """Refuse a plan the pipeline would: every problem names the measure."""
    names = [u.name for u in units]
    seen: set[str] = set()
    for m in plans.measures:
        mid = m["Åtgärds-id"]
        where = f"handlingsplaner.yaml: {code} {mid}"
        if mid in seen:
            raise ValueError(f"{where}: Åtgärds-id used twice")
        seen.add(mid)
        if missing := [c for c in (*PLAN_TEXT, *PLAN_YES_NO, *PLAN_DATES) if not m.get(c)]:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        scope = m["Omfattning"]
        if scope != WHOLE_KOMMUN and names.count(scope) != 1:
            raise ValueError(f"{where}: Omfattning {scope!r} is not one unit of the kommun")
        if m["Område"] not in AREAS and m["Område"] not in own_areas:
            raise ValueError(f"{where}: unknown Område {m['Område']!r}")
        if bad := [c for c in PLAN_YES_NO if m[c] not in YES_NO]:
            raise ValueError(f"{where}: {', '.join(bad)} must be ja or nej")
        decided, start, due = (m[c] for c in PLAN_DATES)
        if not decided <= start <= due:
            raise ValueError(f"{where}: dates must run Beslutsdatum <= Startdatum <= Klart senast")
        indicators = m.get("Indikatorer") or {}
        if not 1 <= len(indicators) <= MAX_INDICATORS or set(indicators) - set(INDICATORS):
            raise ValueError(f"{where}: 1-{MAX_INDICATORS} indicators from {INDICATORS}")
        for f in m.get("Uppföljningar", ()):
            day, following = f["Uppföljningsdatum"], f["Nästa uppföljning"]
            if not decided <= day <= latest_period or following <= day:
                raise ValueError(f"{where}: follow-up {day} out of order")
            if bad := [c for c in FOLLOW_UP_ANSWERS if f[c] not in ANSWERS]:
                raise ValueError(f"{where}: {', '.join(bad)} must be one of {ANSWERS}")


def plan_rows(plans: KommunPlans) -> list[list[str]]:
    rows = [PLAN_HEADER]
    for m in plans.measures:
        indicators = [
            cell
            for name, target in (m["Indikatorer"] or {}).items()
            for cell in (name, target_text(target))
        ]
        indicators += [""] * (2 * MAX_INDICATORS - len(indicators))
        rows.append(
            [
                *(str(m[c]) for c in (*PLAN_TEXT, *PLAN_YES_NO)),
                *(m[c].isoformat() for c in PLAN_DATES),
                *indicators,
            ]
        )
    return rows


def follow_up_rows(plans: KommunPlans) -> list[list[str]]:
    rows = [FOLLOW_UP_HEADER]
    for m in plans.measures:
        for f in m.get("Uppföljningar", ()):
            rows.append(
                [
                    m["Åtgärds-id"],
                    f["Uppföljningsdatum"].isoformat(),
                    *(f[c] for c in FOLLOW_UP_ANSWERS),
                    f["Nya insikter"],
                    f["Sidoeffekter"],
                    f["Nästa uppföljning"].isoformat(),
                ]
            )
    return rows


def write_plans(
    out: Path,
    code: str,
    plans: ActionPlans,
    units: Sequence[Unit],
    periods: Sequence[dt.date],
) -> list[tuple[str, str, dt.date]]:
    """The kommun's plan and follow-up files: [(file, source kind, period)], none without a plan.

    The plan belongs to the last period on or before its adoption, the follow-ups to the latest.
    """
    kommun = plans.kommuner.get(code)
    if kommun is None:
        return []
    check_plans(code, kommun, plans.own_areas, units, periods[-1])
    adopted = min(m["Beslutsdatum"] for m in kommun.measures)
    plan_period = max((p for p in periods if p <= adopted), default=periods[0])
    written = []
    for kind, rows, period in (
        (ACTION_PLAN, plan_rows(kommun), plan_period),
        (FOLLOW_UP, follow_up_rows(kommun), periods[-1]),
    ):
        name = kommun.files[kind]
        _write_csv(out / name, rows, encoding="utf-8-sig", delimiter=";")
        written.append((name, kind, period))
    return written
