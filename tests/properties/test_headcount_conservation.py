"""Properties over random org trees: headcount is distinct persons, FTE is conserved."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hr.tiny_kommun import TinyKommun, mart

FORMS = ["Tillsvidare", "Visstid", "Timavlönad"]


@st.composite
def kommuner(draw: st.DrawFn) -> TinyKommun:
    n_units = draw(st.integers(2, 7))
    units = []
    for i in range(n_units):
        parent = None if i == 0 else f"U{draw(st.integers(0, i - 1))}"
        level = "Förvaltning" if parent is None else "Enhet"
        has_manager = i == 0 or draw(st.booleans())
        units.append((f"U{i}", parent, f"Enhet {i}", level, "x", 1000 + i if has_manager else None))
    managers = [(u[5], u[0], "Tillsvidare", 100, "C") for u in units if u[5] is not None]
    staff = []
    for person in range(draw(st.integers(1, 25))):
        for _ in range(draw(st.integers(1, 2))):  # some persons have two employments
            form = draw(st.sampled_from(FORMS))
            fte = 0 if form == "Timavlönad" else draw(st.sampled_from([20, 50, 75, 100]))
            staff.append((person, f"U{draw(st.integers(0, n_units - 1))}", form, fte, ""))
    return TinyKommun(units, managers + staff)


@pytest.mark.slow_property
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kommuner())
def test_headcount_is_distinct_persons_and_fte_is_conserved(tiny: TinyKommun) -> None:
    # An exact copy of a roster row is one employment counted once (with a warning).
    staff = list(dict.fromkeys(e for e in tiny.employments if e[4] == ""))
    monthly = {e[0] for e in staff if e[2] != "Timavlönad"}
    hourly = {e[0] for e in staff} - monthly
    fte = sum(e[3] for e in staff if e[2] != "Timavlönad") / 100

    with tempfile.TemporaryDirectory() as tmp:
        db = tiny.refresh(Path(tmp))
        scopes = mart(
            db,
            "SELECT scope_type, employees_monthly_paid, employees_hourly, "
            "fte_monthly_paid FROM mart_span_rollup",
        )

    kommun = scopes[scopes.scope_type == "kommun"].iloc[0]
    assert kommun["employees_monthly_paid"] == len(monthly)
    assert kommun["employees_hourly"] == len(hourly)
    assert kommun["fte_monthly_paid"] == pytest.approx(fte, abs=0.01)
    forvaltningar = scopes[scopes.scope_type == "forvaltning"]
    assert forvaltningar["fte_monthly_paid"].sum() == pytest.approx(fte, abs=0.01)
