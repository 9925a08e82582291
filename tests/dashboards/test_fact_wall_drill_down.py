"""Faktavägg drilled down: kommun → förvaltning → a unit or a manager group (AppTest, demo data)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import format as fmt

WHOLE = "Hela förvaltningen"
GROUP = "Chefsgrupp: "


def fact_wall() -> None:
    from dashboards.views import fact_wall as page

    page.render()


@pytest.fixture
def app(demo_published_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHEFSKARTAN_PUBLISHED_DB", str(demo_published_db))
    at = AppTest.from_function(fact_wall, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def choose(app: AppTest, label: str) -> None:
    box = app.sidebar.selectbox(key="drill_down")
    box.select_index(list(box.options).index(label)).run()
    assert not app.exception


def test_a_unit_shows_its_own_figures_beside_the_forvaltning(
    app: AppTest, demo_published_db: Path
) -> None:
    options = list(app.sidebar.selectbox(key="drill_down").options)
    label = next(o for o in options if o.startswith("Enhet: "))
    unit = label.removeprefix("Enhet: ")
    choose(app, label)
    kommun = app.sidebar.selectbox(key="kommun").value
    con = duckdb.connect(str(demo_published_db), read_only=True)
    try:
        managers = con.execute(
            "SELECT managers FROM mart_span_rollup WHERE kommun_code = ? AND scope_name = ?"
            " AND scope_type = 'enhet'"
            " AND period_date = (SELECT max(period_date) FROM mart_span_rollup)",
            [kommun, unit],
        ).fetchone()[0]
    finally:
        con.close()
    assert any(m.value == fmt.integer(managers) for m in app.metric if m.label == "Antal chefer")
    assert any(label in m.value for m in app.markdown)


def test_a_manager_group_shows_survey_indices_and_hides_small_groups(app: AppTest) -> None:
    groups = [o for o in app.sidebar.selectbox(key="drill_down").options if o.startswith(GROUP)]
    assert groups, "the demo has manager groups"
    seen_hidden = False
    for group in groups:
        choose(app, group)
        html = " ".join(str(h.proto.body) for h in app.get("html"))
        assert "Chefsgruppen (0–100)" in html
        seen_hidden |= "dolt" in html
    assert seen_hidden, "some demo groups are below k and must read 'dolt'"
