"""Manager turnover and tenure across periods: history keeps every period."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.hr.tiny_kommun import TinyKommun, mart


def kommun(period: str, enhet_managers: tuple[int, int]) -> TinyKommun:
    units = [
        ("F1", None, "F", "Förvaltning", "x", 1),
        ("E1", "F1", "Ett", "Enhet", "x", enhet_managers[0]),
        ("E2", "F1", "Två", "Enhet", "x", enhet_managers[1]),
    ]
    staff = [(m, u[0], "Tillsvidare", 100, "C") for u in units for m in [u[5]]]
    staff += [(10 + i, "E1", "Tillsvidare", 100, "") for i in range(3)]
    return TinyKommun(units, staff, period=period)


def test_a_manager_who_left_counts_in_turnover(tmp_path: Path) -> None:
    kommun("2026-03-01", (2, 3)).refresh(tmp_path)
    published = kommun("2026-10-01", (2, 4)).refresh(tmp_path)  # manager 3 left, 4 new

    rows = mart(
        published,
        "SELECT period_date, managers, managers_left, manager_turnover_pct,"
        " previous_period_date FROM mart_span_rollup"
        " WHERE scope_type = 'kommun' ORDER BY period_date",
    )
    assert rows["period_date"].astype(str).tolist() == ["2026-03-01", "2026-10-01"]
    first, second = rows.iloc[0], rows.iloc[1]
    assert pd.isna(first["managers_left"])  # no previous period: empty
    assert str(second["previous_period_date"])[:10] == "2026-03-01"
    assert second["managers_left"] == 1
    assert second["manager_turnover_pct"] == pytest.approx(round(100 * 1 / 3, 1))  # 1 of 3 avg


def test_refreshing_an_old_period_again_keeps_the_newer_one(tmp_path: Path) -> None:
    kommun("2026-03-01", (2, 3)).refresh(tmp_path)
    kommun("2026-10-01", (2, 4)).refresh(tmp_path)
    published = kommun("2026-03-01", (2, 3)).refresh(tmp_path)
    periods = mart(published, "SELECT DISTINCT period_date FROM mart_span_of_control ORDER BY 1")
    assert periods["period_date"].astype(str).tolist() == ["2026-03-01", "2026-10-01"]
