"""Span of control computed straight from the generated raw files, independently of the pipeline.

Written for the generator's exports, where every unit has its own manager: a manager's span is
the distinct monthly-paid non-managers employed in the manager's own units.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import openpyxl
import pandas as pd

MONTHLY = {
    "1 tillsvidare",
    "2 visstid",
    "tillsvidare",
    "visstid",
    "tillsvidareanställd",
    "visstidsanställd",
}


def person_hash(pnr: str, key: str) -> str:
    digits = pnr.replace("-", "").replace("+", "")
    if len(digits) == 10:
        digits = ("19" if int(digits[:2]) > 26 else "20") + digits
    return hmac.new(key.encode(), digits.encode(), hashlib.sha256).hexdigest()


def _xlsx(path: Path) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def roster_and_units(inbox: Path, kommun: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(employments: person, unit, form, fte) and (units: unit, parent, manager) for a kommun."""
    if kommun == "1231":
        r = pd.read_csv(inbox / "Personal_Burlov_202610.csv", sep=";", encoding="cp1252", dtype=str)
        u = pd.read_csv(inbox / "Organisation_Burlov.csv", sep=";", encoding="cp1252", dtype=str)
        emp = pd.DataFrame(
            {
                "person": r["Personnummer"],
                "unit": r["Org.enhet"],
                "form": r["Anställningsform"],
                "fte": r["Sysselsättningsgrad"].str.replace(",", ".").astype(float),
            }
        )
        units = pd.DataFrame(
            {"unit": u["Enhet"], "parent": u["Överordnad enhet"], "manager": u["Chef personnummer"]}
        )
    elif kommun == "1262":
        r = _xlsx(inbox / "Lomma_anstallda.xlsx")
        u = _xlsx(inbox / "Lomma_organisation.xlsx")
        emp = pd.DataFrame(
            {
                "person": r["Personnummer"].astype(str),
                "unit": r["Enhetskod"],
                "form": r["Anställningsform"],
                "fte": r["Sysselsättningsgrad"].astype(float),
            }
        )
        units = pd.DataFrame(
            {
                "unit": u["Enhetskod"],
                "parent": u["Överordnad enhetskod"],
                "manager": u["Chefens personnummer"].astype(str),
            }
        )
    else:
        r = pd.read_csv(
            inbox / "Heroma_personal_2026-10.csv", encoding="utf-8-sig", dtype=str
        ).fillna("")
        path = r[["Förvaltning", "Avdelning", "Enhet"]].apply(
            lambda row: "/".join(v for v in row if v), axis=1
        )
        emp = pd.DataFrame(
            {
                "person": r["Personnr"],
                "unit": path,
                "form": r["Anst.form"],
                "fte": r["Syss.grad"].str.replace(",", ".").astype(float),
            }
        )
        heads = r[r["Chefskod"].isin(["A", "B", "C"])]
        units = pd.DataFrame({"unit": path[heads.index], "manager": heads["Personnr"]})
        units["parent"] = units["unit"].map(lambda p: "/".join(p.split("/")[:-1]) or None)
    emp["monthly"] = emp["form"].str.lower().isin(MONTHLY)
    return emp, units


def expected_spans(inbox: Path, kommun: str, key: str) -> pd.DataFrame:
    """Per manager id: monthly-paid headcount, hourly headcount, FTE, first-line flag."""
    emp, units = roster_and_units(inbox, kommun)
    managers = set(units["manager"])
    staff = emp[~emp["person"].isin(managers)]
    managed_parents = set(units["parent"].dropna())
    rows = []
    for manager, own in units.groupby("manager")["unit"]:
        mine = staff[staff["unit"].isin(set(own))]
        monthly = set(mine.loc[mine["monthly"], "person"])
        hourly = set(mine["person"]) - monthly
        rows.append(
            {
                "manager_id": person_hash(manager, key),
                "employees_monthly_paid": len(monthly),
                "employees_hourly": len(hourly),
                "fte_monthly_paid": round(mine.loc[mine["monthly"], "fte"].sum() / 100, 2),
                "is_first_line": not (set(own) & managed_parents),
            }
        )
    return pd.DataFrame(rows).set_index("manager_id").sort_index()


def expected_kommun_totals(inbox: Path, kommun: str, key: str, threshold: int) -> dict:
    emp, units = roster_and_units(inbox, kommun)
    managers = set(units["manager"])
    staff = emp[~emp["person"].isin(managers)]
    monthly = set(staff.loc[staff["monthly"], "person"])
    spans = expected_spans(inbox, kommun, key)
    first = spans[spans["is_first_line"]]
    return {
        "employees_monthly_paid": len(monthly),
        "managers": len(managers),
        "first_line_managers": len(first),
        "first_line_above_threshold": int((first["employees_monthly_paid"] > threshold).sum()),
        "chefstathet": round(len(monthly) / len(managers), 1),
    }
