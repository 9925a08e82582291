"""One broken org tree per defect: errors stop the refresh naming file and row, warnings load."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.refresh import RefreshFailed
from tests.hr.tiny_kommun import TinyKommun, mart

STAFF = [(10, "E1", "Tillsvidare", 100, ""), (11, "E2", "Tillsvidare", 100, "")]


def kommun(units: list[tuple], employments: list[tuple] | None = None) -> TinyKommun:
    managers = [(u[5], u[0], "Tillsvidare", 100, "C") for u in units if u[5] is not None]
    return TinyKommun(units, managers + (employments if employments is not None else STAFF))


def refresh_error(tiny: TinyKommun, tmp_path: Path) -> str:
    with pytest.raises(RefreshFailed) as failed:
        tiny.refresh(tmp_path)
    assert not (tmp_path / "warehouse" / "published").exists(), "nothing may be published"
    return str(failed.value)


def test_cycle_is_an_error(tmp_path: Path) -> None:
    units = [
        ("F1", None, "F", "Förvaltning", "x", 1),
        ("E1", "E2", "Ett", "Enhet", "x", 2),
        ("E2", "E1", "Två", "Enhet", "x", 3),
    ]
    report = refresh_error(kommun(units), tmp_path)
    assert "org.csv" in report
    assert "fel: rad 3" in report and "enheten ingår i en cirkel av överordnade enheter" in report


def test_missing_parent_is_an_error(tmp_path: Path) -> None:
    units = [
        ("F1", None, "F", "Förvaltning", "x", 1),
        ("E1", "F1", "Ett", "Enhet", "x", 2),
        ("E2", "X9", "Två", "Enhet", "x", 3),
    ]
    report = refresh_error(kommun(units), tmp_path)
    assert 'fel: rad 4 = "X9": överordnad enhet saknas i organisationen' in report


def test_employment_in_unknown_unit_is_an_error(tmp_path: Path) -> None:
    units = [("F1", None, "F", "Förvaltning", "x", 1), ("E1", "F1", "Ett", "Enhet", "x", 2)]
    staff = [(10, "E1", "Tillsvidare", 100, ""), (11, "E7", "Tillsvidare", 100, "")]
    report = refresh_error(kommun(units, staff), tmp_path)
    assert "roster.csv" in report
    assert 'fel: rad 5 = "E7": anställningen hör till en enhet som saknas' in report


def test_manager_in_two_forvaltningar_is_a_warning(tmp_path: Path) -> None:
    units = [
        ("F1", None, "Första", "Förvaltning", "x", 1),
        ("F2", None, "Andra", "Förvaltning", "x", 2),
        ("E1", "F1", "Ett", "Enhet", "x", 3),
        ("E2", "F2", "Två", "Enhet", "x", 3),
    ]
    published = kommun(units).refresh(tmp_path)
    found = mart(published, "SELECT check_name, severity, detail FROM mart_data_quality")
    row = found[found.check_name == "manager_in_two_forvaltningar"].iloc[0]
    assert (row["severity"], row["detail"]) == ("varning", "Andra, Första")
    span = mart(
        published,
        "SELECT employees_monthly_paid FROM mart_span_of_control WHERE unit_ids = 'E1; E2'",
    )
    assert span["employees_monthly_paid"].tolist() == [2]  # staff of both units


def test_unit_without_any_manager_above_is_a_warning_saying_staff_are_not_counted(
    tmp_path: Path,
) -> None:
    units = [
        ("F1", None, "F", "Förvaltning", "x", None),
        ("E1", "F1", "Ett", "Enhet", "x", 2),
        ("E2", "F1", "Två", "Enhet", "x", None),
    ]
    published = kommun(units).refresh(tmp_path)
    rules = mart(
        published,
        "SELECT unit_id, rule FROM mart_data_quality "
        "WHERE check_name = 'unit_without_manager' ORDER BY unit_id",
    )
    assert rules["unit_id"].tolist() == ["E2", "F1"]
    assert all("personalen räknas inte" in r for r in rules["rule"])
