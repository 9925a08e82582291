"""Swedish labels for action-plan codes (areas, statuses, follow-up answers), shared by pages and exports."""

from __future__ import annotations

import pandas as pd

from dashboards import format as fmt

AREAS = {
    "chefsuppdrag": "Chefsuppdrag och rollbeskrivningar",
    "stod": "Verksamhetsnära stöd",
    "medarbetare_per_chef": "Antal medarbetare per chef",
    "ledarutveckling": "Ledarutveckling",
    "dialog": "Forum för dialog",
    "processer": "Interna processer",
}
# A symbol as well as a word, so the status reads in black and white too.
STATUSES = {
    "klar": "✔ Klar",
    "i_fas": "● I fas",
    "risk": "▲ Risk",
    "ur_fas": "✖ Ur fas",
    "ej_matt": "○ Ej mätt än",
}
STATUS_ORDER = ["ur_fas", "risk", "ej_matt", "i_fas", "klar"]
ANSWERS = {"ja": "Ja", "delvis": "Delvis", "nej": "Nej", "vet_ej": "Vet ej"}


def area(code: str) -> str:
    """The area's Swedish name; a kommun's own area ('Eget: ...') reads as written."""
    return AREAS.get(code, code)


def area_order(codes: object) -> list[str]:
    """The six areas in their usual order, then the kommun's own areas by name."""
    present = set(codes)
    return [a for a in AREAS if a in present] + sorted(present - set(AREAS))


def status(code: str) -> str:
    return STATUSES.get(code, code)


# Decimals by the unit the indicator's field declares (schemas/model.UNITS): a number of
# managers is a whole number ("16", not "16,0"), support per manager needs two decimals.
UNIT_DECIMALS = {"chefer": 0, "månader": 0, "dagar": 0, "årsarbetare": 2}


def indicator_value(value: object, unit: str) -> str:
    """An indicator's value as its unit reads: '12,3 %', '16' managers, '0,45' FTE, else '27,6'."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    if unit == "%":
        return fmt.percent(value)
    return fmt.number(value, UNIT_DECIMALS.get(unit, 1))


def answer(code: object) -> str:
    return ANSWERS.get(code, "–") if isinstance(code, str) else "–"
