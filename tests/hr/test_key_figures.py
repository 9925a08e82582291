"""Every key figure on a hand-built tree, against values worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hr.tiny_kommun import KOMMUN, TinyKommun, mart, pid

W = "Arbetsställenummer"
HOURS = {"Ordinarie arbetstid (tim)": 1700, "Sjukfrånvaro (tim)": 100}


def tree() -> TinyKommun:
    """F1 (chef 1) → A1 (chef 2) → E1, E2 (both chef 3), E3 (no chef); F1 → A2 (chef 4)."""
    units = [
        ("F1", None, "Förvaltningen", "Förvaltning", "administration", 1),
        ("A1", "F1", "Omsorg", "Avdelning", "äldreomsorg", 2),
        ("E1", "A1", "Hemtjänst", "Enhet", "äldreomsorg", 3),
        ("E2", "A1", "Boende", "Enhet", "äldreomsorg", 3),  # a manager of two units
        ("E3", "A1", "Natt", "Enhet", "äldreomsorg", None),  # no manager: rolls up to chef 2
        ("A2", "F1", "Kök", "Avdelning", "teknik", 4),  # hourly-heavy
    ]
    employments = [
        (1, "F1", "Tillsvidare", 100, "A"),
        (2, "A1", "Tillsvidare", 100, "A"),
        (3, "E1", "Tillsvidare", 100, "C"),
        (4, "A2", "Tillsvidare", 100, "B"),
        (
            10,
            "E1",
            "Tillsvidare",
            100,
            "",
            {W: "11111111", **HOURS, "Varav sjukfrånvaro 60+ dagar (tim)": 80},
        ),
        (10, "E2", "Visstid", 20, ""),  # the same person again: counts once, FTE summed
        (11, "E1", "Tillsvidare", 100, "", {W: "11111111", **HOURS}),
        (12, "E1", "Tillsvidare", 100, "", {W: "22222222", **HOURS}),
        (13, "E1", "Visstid", 100, "", {W: "22222222", **HOURS}),
        (14, "E1", "Tillsvidare", 100, "", {W: "22222222", **HOURS}),
        (15, "E1", "Timavlönad", 0, "", {W: "11111111"}),
        (16, "E2", "Tillsvidare", 100, ""),
        (17, "E2", "Tillsvidare", 100, ""),
        (18, "E3", "Tillsvidare", 100, ""),
        (19, "E3", "Tillsvidare", 100, ""),
        (20, "A2", "Tillsvidare", 100, ""),
        (21, "A2", "Timavlönad", 0, ""),
        (22, "A2", "Timavlönad", 0, ""),
        (23, "A2", "Timavlönad", 0, ""),
        (30, "F1", "Tillsvidare", 100, "", {"AID-kod": "152011"}),  # named HR partner
        (31, "A2", "Tillsvidare", 100, "", {"AID-kod": "152011"}),  # administrator by AID
    ]
    support = [(30, "HR-partner", "A1", 50)]
    return TinyKommun(units, employments, support)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tree().refresh(tmp_path_factory.mktemp("tree"))


def manager(db: Path, serial: int) -> dict:
    rows = mart(db, "SELECT * FROM mart_span_of_control WHERE manager_id = ?", [pid(serial)])
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def test_manager_of_two_units_counts_a_double_employed_person_once(published: Path) -> None:
    m = manager(published, 3)
    # E1 ∪ E2 monthly: 10, 11, 12, 13, 14, 16, 17; hourly: 15
    assert (m["employees_monthly_paid"], m["employees_hourly"]) == (7, 1)
    assert m["has_hr_partner"] and m["admin_support_fte"] == pytest.approx(0.25)
    assert m["fte_monthly_paid"] == pytest.approx(7.2)  # person 10: 1.0 + 0.2
    # units ordered by name: Boende (E2), Hemtjänst (E1)
    assert m["unit_ids"] == "E2; E1" and m["manager_level"] == 1 and m["is_first_line"]
    assert m["share_visstid_pct"] == pytest.approx(100 / 8)  # person 13 only (10 has tillsvidare)
    assert m["workplaces"] == 2
    assert m["sick_leave_pct"] == pytest.approx(round(100 * 500 / 8500, 1))
    assert m["long_term_sick_leave_share_pct"] == pytest.approx(16.0)  # 80 of 500 hours
    assert m["tenure_months"] == 81  # 2020-01-01 → 2026-10-01


def test_unit_without_manager_rolls_up_to_the_second_line_manager(published: Path) -> None:
    m = manager(published, 2)
    assert m["employees_monthly_paid"] == 2  # 18, 19 in E3
    assert (m["manager_level"], m["managers_led"], m["is_first_line"]) == (2, 1, False)
    # 50 % of HR partner 30's 100 % to A1, split over A1's managers: chef 2 and chef 3
    assert m["admin_support_fte"] == pytest.approx(0.25)
    assert m["has_hr_partner"] and not m["has_controller"]
    # sick leave covers A1 and everything below it, the manager included: exactly A1's rollup
    # (issue 9: the two figures must never differ by one person); it was 2 persons, hidden
    rollup = mart(published, "SELECT * FROM mart_span_rollup WHERE scope_id = 'A1'")
    assert m["sick_leave_pct"] == rollup.iloc[0]["sick_leave_pct"] == pytest.approx(5.9)


def test_hourly_heavy_unit_and_roster_administrator(published: Path) -> None:
    m = manager(published, 4)
    assert (m["employees_monthly_paid"], m["employees_hourly"]) == (2, 3)  # 20, 31; 21-23
    assert m["share_hourly_pct"] == pytest.approx(60.0)
    assert m["admin_support_fte"] == pytest.approx(1.0)  # administrator 31 found by AID 1520
    assert not m["has_hr_partner"]  # the HR partner serves A1, not A2


def test_head_of_department_is_level_three(published: Path) -> None:
    m = manager(published, 1)
    assert (m["manager_level"], m["managers_led"], m["employees_monthly_paid"]) == (3, 2, 1)


def test_kommun_rollup(published: Path) -> None:
    k = mart(published, "SELECT * FROM mart_span_rollup WHERE scope_type = 'kommun'").iloc[0]
    # monthly non-managers: 10-14, 16-20, 30, 31 = 12; hourly 15, 21-23 = 4
    assert (k["employees_monthly_paid"], k["employees_hourly"]) == (12, 4)
    assert k["fte_monthly_paid"] == pytest.approx(12.2)
    assert (k["managers"], k["first_line_managers"]) == (4, 2)
    assert k["chefstathet"] == pytest.approx(12 / 4)
    assert k["workplaces"] == 2
    assert k["admin_support_fte_per_manager"] == pytest.approx(1.5 / 4, abs=0.01)  # rounded to 2
    assert k["managers_without_hr_partner"] == 2  # chefs 1 and 4; A1 covers chefs 2 and 3
    assert k["mean_span_first_line"] == pytest.approx((7 + 2) / 2)
    assert k["first_line_above_threshold"] == 0
    # SKR sick leave over all monthly-paid with hours (10-14): 500 / 8500
    assert k["sick_leave_pct"] == pytest.approx(round(100 * 500 / 8500, 1))


def test_avdelning_scope_includes_the_units_below(published: Path) -> None:
    a = mart(published, "SELECT * FROM mart_span_rollup WHERE scope_id = 'A1'").iloc[0]
    assert (a["scope_type"], a["employees_monthly_paid"], a["managers"]) == ("avdelning", 9, 2)


def test_warnings_are_listed_on_the_data_quality_view(published: Path) -> None:
    found = mart(published, "SELECT check_name, unit_id, detail FROM mart_data_quality")
    assert ("unit_without_manager", "E3") in set(zip(found.check_name, found.unit_id, strict=True))
    several = found[found.check_name == "person_with_several_employments"]
    assert len(several) == 1 and several.iloc[0]["detail"].startswith("rader ")
    assert mart(published, "SELECT DISTINCT kommun_code FROM mart_kommun")[
        "kommun_code"
    ].tolist() == [KOMMUN]
