"""The action-plan and follow-up templates, with drop-down lists for area, status and indicator."""

from __future__ import annotations

from pathlib import Path

from pipelines.templates.columns import columns, headers
from pipelines.templates.workbook import write_csv, write_xlsx
from schemas.indicators import catalogue

PLAN_COLUMNS = Path(__file__).with_name("action_plan_columns.csv")
FOLLOW_UP_COLUMNS = Path(__file__).with_name("follow_up_columns.csv")
AREA_NAMES = (
    "Chefsuppdrag och rollbeskrivningar",
    "Verksamhetsnära stöd",
    "Antal medarbetare per chef",
    "Ledarutveckling",
    "Forum för dialog",
    "Interna processer",
)
YES_NO = '"ja,nej"'
ANSWER = '"ja,delvis,nej,vet ej"'
PLAN_NOTE = (
    "En rad per åtgärd; upp till tre indikatorer med målvärde. Lista filen i "
    "manifest.yaml med source: action_plan, kommun och perioden då planen beslutades."
)
FOLLOW_UP_NOTE = (
    "En rad per åtgärd och uppföljning. Lista filen i manifest.yaml med source: follow_up."
)


def plan_headers() -> dict[str, str]:
    return headers(PLAN_COLUMNS)


def follow_up_headers() -> dict[str, str]:
    return headers(FOLLOW_UP_COLUMNS)


def write(out_dir: Path) -> list[Path]:
    """handlingsplan_mall.xlsx/.csv and uppfoljning_mall.xlsx/.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = catalogue()
    indicator_sheet = [["Indikator", "Namn", "Enhet", "Bättre när", "Beskrivning"]] + [
        [
            e.indicator_id,
            e.label,
            e.unit,
            "lägre" if e.better == "lower" else "högre",
            e.description,
        ]
        for e in entries
    ]
    indicator_list = f"Indikatorer!$A$2:$A${len(entries) + 1}"
    plan_lists = {
        "area": '"' + ",".join(AREA_NAMES) + '"',
        "status": '"planerad,pågår,genomförd,avbruten"',
        "mandate_confirmed": YES_NO,
        "risk_assessed": YES_NO,
        "staff_and_unions_involved": YES_NO,
        **{f"indicator_{n}": indicator_list for n in (1, 2, 3)},
    }
    follow_up_lists = {
        "done_as_planned": ANSWER,
        "intended_effect": ANSWER,
        "helped_reach_goal": ANSWER,
    }
    plan, follow_up = columns(PLAN_COLUMNS), columns(FOLLOW_UP_COLUMNS)
    return [
        write_xlsx(
            out_dir / "handlingsplan_mall.xlsx",
            "Handlingsplan",
            plan,
            plan_lists,
            {"Indikatorer": indicator_sheet},
            PLAN_NOTE,
        ),
        write_csv(out_dir / "handlingsplan_mall.csv", plan),
        write_xlsx(
            out_dir / "uppfoljning_mall.xlsx",
            "Uppföljning",
            follow_up,
            follow_up_lists,
            {},
            FOLLOW_UP_NOTE,
        ),
        write_csv(out_dir / "uppfoljning_mall.csv", follow_up),
    ]
