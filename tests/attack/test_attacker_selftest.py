"""The attacker works: it finds leaks planted in a hand-made published file, and nothing in a
file where the same figures are properly hidden (so a clean result means something)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from schemas.marts import MARTS
from tests.attack.attacker import attack
from tests.attack.knowledge import Knowledge

pytestmark = pytest.mark.attack

K, P = "1262", dt.date(2026, 10, 1)
# F1 -> A1 -> E1..E5, F1 -> A2 -> E6..E10, F2 -> E11..E16; every unit has its own manager.
UNITS = {"F1": None, "F2": None, "A1": "F1", "A2": "F1"}
UNITS |= {f"E{i}": "A1" if i <= 5 else "A2" if i <= 10 else "F2" for i in range(1, 17)}
GROUPS = {f"E{i}": "G" if i <= 9 else "H" for i in range(1, 17)}  # E10 is in H, not G
STAFF = {"E11": [("K", "30-49")] * 6, "E12": [("M", "30-49")] * 6 + [("K", "-29"), ("M", "50-")]}


def knowledge() -> Knowledge:
    key = {"kommun_code": K, "period_date": P}
    units = pd.DataFrame(
        [
            {**key, "unit_id": u, "parent_unit_id": p, "manager_person_id": f"m{u}"}
            for u, p in UNITS.items()
        ]  # fmt: skip
    )
    people = [(f"m{u}", u, "K", "30-49") for u in UNITS]
    people += [
        (f"s{u}{i}", u, sex, age) for u, s in STAFF.items() for i, (sex, age) in enumerate(s)
    ]
    employments = pd.DataFrame(
        [
            {
                **key,
                "person_id": p,
                "unit_id": u,
                "responsibility_code": None,
                "employment_form": "tillsvidare",
                "start_date": P,
                "sex": sex,
                "age_band": age,
                "has_hours": True,
            }
            for p, u, sex, age in people
        ]  # fmt: skip
    )
    groups = pd.DataFrame(
        [{**key, "person_id": None, "unit_id": u, "group_name": g} for u, g in GROUPS.items()]
    )
    return Knowledge(units, employments, groups)


def publish(path: Path, responses: dict[tuple[str, str], int | None], sick: list[tuple]) -> Path:
    """Only the columns the attacker reads are filled; the rest of each row stays empty."""
    con = duckdb.connect(str(path))
    try:
        for mart in MARTS:
            con.execute(mart.ddl())
        con.execute("INSERT INTO mart_kommun (kommun_code, kommun_name, span_threshold, "
                    "anonymity_k, support_aid_prefixes) VALUES (?, 'Lomma', 30, 5, '1520')", [K])  # fmt: skip
        for (scope_type, scope_id), n in responses.items():
            con.execute(
                "INSERT INTO mart_survey_responses (kommun_code, kommun_name, period_date, "
                "survey_id, survey_title, respondent_role, scope_type, scope_id, respondents, "
                "is_suppressed, is_held_back, anonymity_k) VALUES (?, 'Lomma', ?, 's', 'S', "
                "'manager', ?, ?, ?, ?, false, 5)",
                [K, P, scope_type, scope_id, n, n is None],
            )
        for scope_type, scope_id, breakdown, group, persons in sick:
            con.execute(
                "INSERT INTO mart_sick_leave (kommun_code, period_date, scope_type, scope_id, scope_name, "
                "breakdown, breakdown_group, is_shown, persons, sick_leave_pct) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [K, P, scope_type, scope_id, scope_id, breakdown, group, persons is not None, persons,
                 None if persons is None else 4.2],
            )  # fmt: skip
    finally:
        con.close()
    return path


def responses(shown: set[str]) -> dict[tuple[str, str], int | None]:
    """Every manager of E1..E15 answered (E16's did not); a row for every cell."""
    counts = {("kommun", K): 15, ("forvaltning", "F1"): 10, ("forvaltning", "F2"): 5,
              ("avdelning", "A1"): 5, ("avdelning", "A2"): 5, ("manager_group", "G"): 9,
              ("manager_group", "H"): 6}  # fmt: skip
    counts |= {("enhet", f"E{i}"): 1 if i <= 15 else 0 for i in range(1, 17)}
    return {cell: (n if cell[1] in shown else None) for cell, n in counts.items()}


def test_the_attacker_finds_a_planted_three_cell_derivation_and_pins_it_by_lp(
    tmp_path: Path,
) -> None:
    db = publish(tmp_path / "leaky.duckdb", responses({K, "F1", "F2", "A1", "A2", "G", "H"}), [])
    report = attack(db, knowledge())
    assert report.broken_models == []
    texts = [d.text() for d in report.derivations]
    assert "survey/1262/2026-10-01/s/manager: -group:G +unit:A1 +unit:A2 = 1" in texts
    assert "survey/1262/2026-10-01/s/manager: -group:G +unit:F1 = 1" in texts  # nested
    assert ("cell", ("unit", "E10")) in {b.target for b in report.bounds}


def test_the_attacker_finds_participation_manager_and_breakdown_leaks(tmp_path: Path) -> None:
    cells = responses({K, "F1", "F2"})
    del cells[("enhet", "E16")]  # a row only where someone answered
    sick = [("enhet", "E12", "alla", "alla", 9), ("enhet", "E12", "ålder", "30-49", 7),
            ("enhet", "E12", "ålder", "-29", None), ("enhet", "E12", "ålder", "50-", None),
            ("enhet", "E11", "alla", "alla", 7)]  # fmt: skip
    db = publish(tmp_path / "leaky.duckdb", cells, sick)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO mart_span_of_control (kommun_code, kommun_name, period_date, manager_id, "
            "unit_ids, unit_names, manager_level, is_first_line, employees_monthly_paid, "
            "employees_hourly, fte_monthly_paid, managers_led, span_threshold, "
            "is_above_threshold, workplaces, admin_support_fte, sick_leave_pct, co_managers) "
            "VALUES (?, 'Lomma', ?, 'mE11', 'E11', 'E11', 1, true, 6, 0, 6, 0, 30, false, 1, 0, "
            "3.0, 0)",
            [K, P],
        )
    report = attack(db, knowledge())
    kinds = {f.attack for f in report.findings}
    assert {"c-absent", "d-manager", "e-breakdown"} <= kinds, report.disclosures
    assert any("E16" in f.detail for f in report.findings if f.attack == "c-absent")
    assert any("-29" in f.detail and "2 persons" in f.detail for f in report.findings)


def test_the_attacker_finds_nothing_when_the_same_figures_are_properly_hidden(
    tmp_path: Path,
) -> None:
    db = publish(tmp_path / "clean.duckdb", responses({K, "F1", "F2"}), [])
    report = attack(db, knowledge())
    assert report.broken_models == []
    assert report.reach["lp_solves"] > 0 and report.reach["combinations_covered"] > 0
    assert report.disclosures == []
