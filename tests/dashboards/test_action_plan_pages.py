"""Handlingsplan and Uppföljning pages on a refreshed hand-built plan (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.hr.test_action_plans import kommun, measure, refresh_plan


@pytest.fixture(scope="module")
def plan_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("plan_pages")
    kommun("2026-03-01", 40).refresh(root / "history")
    kommun("2026-10-01", 30).refresh(root / "history")
    plans = [
        measure("M1", "max_span_first_line", "30"),
        measure("M2", "max_span_first_line", "20"),
        measure("M3", "sick_leave_pct", "4,5", area="Ledarutveckling"),
    ]
    follow_ups = ["M1;2026-09-15;ja;ja;2027-01-15", "M2;2026-05-10;delvis;ja;2026-06-01"]
    return refresh_plan(root / "history", root / "plan", plans, follow_ups)


def test_action_plan_page_shows_measures_by_area_with_status(
    plan_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHEFSKARTAN_PUBLISHED_DB", str(plan_db))
    from dashboards.views import action_plan

    app = AppTest.from_function(_render, args=(action_plan.__name__,), default_timeout=30)
    app.run()
    assert not app.exception
    assert [h.value for h in app.subheader] == ["Antal medarbetare per chef", "Ledarutveckling"]
    html = " ".join(str(h.proto.body) for h in app.get("html"))
    assert "M1 Dela enheter" in html and "✔ Klar" in html and "○ Ej mätt än" in html
    assert "⚠ försenad" in html  # M2's follow-up date has passed
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["✔ Klar"] == "1" and metrics["● I fas"] == "1"


def test_follow_up_page_shows_answers_and_overdue(
    plan_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHEFSKARTAN_PUBLISHED_DB", str(plan_db))
    from dashboards.views import follow_up

    app = AppTest.from_function(_render, args=(follow_up.__name__,), default_timeout=30)
    app.run()
    assert not app.exception
    assert any("M2" in m.value for m in app.markdown)
    assert any("Uppföljningen är försenad" in w.value for w in app.warning)
    table = app.dataframe[0].value
    assert table["Genomförd som planerat"].tolist() == ["Ja"]


def _render(module_name: str) -> None:
    import importlib

    importlib.import_module(module_name).render()
