"""Key-figures template: figures per unit, expanded into anonymous employments.

A kommun that cannot send a roster fills the template (`chefskartan template key-figures`).
Each unit's counts become that many anonymous persons (FTE and hours spread evenly), its
manager one employment, so every mart is computed by the same SQL as for a roster. Persons
in different units are assumed to be different people (the template cannot say otherwise).
"""

from __future__ import annotations

import hashlib
import hmac
import math

import pandas as pd

from pipelines.extract.export import Export, require_columns, typed_table
from pipelines.normalise import validate_table
from schemas.tables import EMPLOYMENT, KEY_FIGURES, ORG_UNIT, SUPPORT_ASSIGNMENT


def extract(export: Export, key: bytes) -> None:
    if not require_columns(
        export, ("unit_id",), ("unit_name",), ("employees_monthly_paid",), ("fte_monthly_paid",)
    ):
        return
    units = typed_table(export, KEY_FIGURES, {})
    if not export.report.ok:
        return
    tables = expand(units, key)
    for name, table in (
        ("org_unit", ORG_UNIT),
        ("employment", EMPLOYMENT),
        ("support_assignment", SUPPORT_ASSIGNMENT),
    ):
        valid, issues = validate_table(
            tables[name], table, tables[name]["source_row"], tables[name], {}, export.entry.name
        )
        export.report.issues += issues
        export.tables[name] = valid


def anonymous_id(key: bytes, *parts: object) -> str:
    """A keyed id for a person the template only counts (or a manager by the kommun's own id)."""
    message = "|".join(str(p) for p in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def expand(units: pd.DataFrame, key: bytes) -> dict[str, pd.DataFrame]:
    lineage = ["kommun_code", "period_date", "source_sha256", "source_row"]
    managers = {
        k: anonymous_id(key, u.kommun_code, "chef", k)
        for u in units.itertuples()
        for k in [u.manager_key]
        if pd.notna(k)
    }
    org = units[["unit_id", "parent_unit_id", "unit_name", "unit_level", "verksamhet", *lineage]]
    org = org.assign(manager_person_id=units["manager_key"].map(managers).astype("string"))
    employments, support = [], []
    first_unit_of: dict[str, str] = {}
    for u in units.itertuples():
        employments += _staff(u, key)
        if pd.notna(u.manager_key) and u.manager_key not in first_unit_of:
            first_unit_of[u.manager_key] = u.unit_id
            employments.append(
                _row(
                    u,
                    managers[u.manager_key],
                    "tillsvidare",
                    100.0,
                    responsibility_code="C",
                    start_date=u.manager_start_date,
                )
            )
        support += _support(u, key)
    return {
        "org_unit": org.reset_index(drop=True),
        "employment": pd.DataFrame(employments, columns=EMPLOYMENT.column_names),
        "support_assignment": pd.DataFrame(support, columns=SUPPORT_ASSIGNMENT.column_names),
    }


def _row(u: object, person_id: str, form: str, fte_pct: float, **values: object) -> dict:
    row = dict.fromkeys(EMPLOYMENT.column_names)
    row.update(
        kommun_code=u.kommun_code,
        period_date=u.period_date,
        person_id=person_id,
        unit_id=u.unit_id,
        employment_form=form,
        fte_pct=fte_pct,
        source_sha256=u.source_sha256,
        source_row=u.source_row,
        **values,
    )
    return row


def _staff(u: object, key: bytes) -> list[dict]:
    monthly = int(u.employees_monthly_paid)
    visstid = int(u.employees_visstid) if pd.notna(u.employees_visstid) else 0
    hourly = int(u.employees_hourly) if pd.notna(u.employees_hourly) else 0
    workplaces = int(u.workplaces) if pd.notna(u.workplaces) else 0

    def per_person(total: object) -> float | None:
        return float(total) / monthly if pd.notna(total) and monthly else None

    hours = {
        "contracted_hours": per_person(u.contracted_hours),
        "sick_leave_hours": per_person(u.sick_leave_hours),
        "long_term_sick_leave_hours": per_person(u.long_term_sick_leave_hours),
    }
    rows = []
    for i in range(monthly + hourly):
        person = anonymous_id(key, u.kommun_code, u.period_date, u.unit_id, i)
        workplace = f"{u.unit_id}#{i % workplaces + 1}" if workplaces else None
        if i < monthly:
            form = "visstid" if i < visstid else "tillsvidare"
            rows.append(
                _row(
                    u,
                    person,
                    form,
                    100.0 * u.fte_monthly_paid / monthly,
                    workplace_id=workplace,
                    **hours,
                )
            )
        else:
            rows.append(_row(u, person, "timavlonad", 0.0, workplace_id=workplace))
    return rows


def _support(u: object, key: bytes) -> list[dict]:
    """Support to the unit: admin FTE as whole-time anonymous assistants, named partners."""
    base = {
        "kommun_code": u.kommun_code,
        "period_date": u.period_date,
        "served_unit_id": u.unit_id,
        "served_manager_id": None,
        "source_sha256": u.source_sha256,
        "source_row": u.source_row,
    }
    rows = []
    fte = float(u.admin_support_fte) if pd.notna(u.admin_support_fte) else 0.0
    for i in range(math.ceil(fte)):
        rows.append(
            {
                **base,
                "support_function": "administration",
                "share_pct": 100.0,
                "fte_pct": 100.0 * min(1.0, fte - i),
                "support_person_id": anonymous_id(key, u.kommun_code, u.unit_id, "stöd", i),
            }
        )
    for flag, function in ((u.has_hr_partner, "hr"), (u.has_controller, "ekonomi")):
        if pd.notna(flag) and flag == "ja":
            rows.append(
                {
                    **base,
                    "support_function": function,
                    "share_pct": 0.0,
                    "fte_pct": None,
                    "support_person_id": anonymous_id(key, u.kommun_code, function),
                }
            )
    return rows
