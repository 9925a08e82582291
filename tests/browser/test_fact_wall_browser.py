"""The running app in headless Chromium: the fact wall renders, without errors, in Swedish."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from dashboards import format as fmt
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


def expected_figures(db: Path) -> dict[str, str]:
    """What the page must show, read from the published mart and formatted as the page does.

    The page opens on the first kommun and förvaltning by name; the test then picks the
    förvaltning with the largest first-line span, which is above the threshold.
    """
    con = duckdb.connect(str(db), read_only=True)
    try:
        kommun = con.execute(
            "SELECT kommun_code FROM mart_kommun ORDER BY kommun_name LIMIT 1"
        ).fetchone()[0]
        scopes = con.execute(
            "SELECT scope_type, scope_name, chefstathet, share_first_line_above_threshold_pct,"
            " max_span_first_line FROM mart_span_rollup WHERE kommun_code = ?"
            " AND period_date = (SELECT max(period_date) FROM mart_span_rollup)"
            " AND scope_type IN ('kommun', 'forvaltning') ORDER BY scope_name",
            [kommun],
        ).df()
        top = con.execute(
            "SELECT forvaltning_name, unit_names, employees_monthly_paid FROM mart_span_of_control"
            " WHERE kommun_code = ? AND is_first_line"
            " AND period_date = (SELECT max(period_date) FROM mart_span_rollup)"
            " ORDER BY employees_monthly_paid DESC, unit_names LIMIT 1",
            [kommun],
        ).fetchone()
        lowest = con.execute(
            "SELECT unit_names FROM mart_span_of_control WHERE kommun_code = ?"
            " AND period_date = (SELECT max(period_date) FROM mart_span_rollup)"
            " AND forvaltning_name = ? AND NOT is_above_threshold"
            " ORDER BY employees_monthly_paid, unit_names LIMIT 1",
            [kommun, top[0]],
        ).fetchone()
    finally:
        con.close()
    whole = scopes[scopes["scope_type"] == "kommun"].iloc[0]
    first = scopes[scopes["scope_type"] == "forvaltning"].iloc[0]
    chosen = scopes[scopes["scope_name"] == top[0]].iloc[0]
    assert top[2] > 30, "the demo data must have a first-line manager above the threshold"
    return {
        "forvaltning": first["scope_name"],
        "kommun_chefstathet": fmt.number(whole["chefstathet"], 1),
        "kommun_share_above": fmt.percent(whole["share_first_line_above_threshold_pct"]),
        "above_forvaltning": top[0],
        "above_share": fmt.percent(chosen["share_first_line_above_threshold_pct"]),
        "highlighted_unit": top[1],
        "plain_unit": lowest[0],
    }


def test_fact_wall_renders_in_chromium(app_url: str, fact_wall_db: Path) -> None:
    assert CHROMIUM.exists(), "Debian chromium missing: `make test` installs it"
    from playwright.sync_api import sync_playwright

    want = expected_figures(fact_wall_db)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1400}, locale="sv-SE")
            page.goto(app_url, wait_until="domcontentloaded")
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_role("heading", name="Faktavägg")).to_be_visible(timeout=60_000)
            metrics = page.locator('[data-testid="stMetricValue"]')
            expect(metrics.filter(has_text=want["kommun_chefstathet"]).first).to_be_visible(
                timeout=30_000
            )
            expect(metrics.filter(has_text=want["kommun_share_above"]).first).to_be_visible()
            # The Vega chart draws into a canvas or svg once its JavaScript has run.
            # (the key-figures chart waits in a closed expander: look at the visible ones)
            chart = page.locator('[data-testid="stVegaLiteChart"] >> visible=true')
            expect(chart.locator("canvas, svg").first).to_be_visible(timeout=10_000)
            sidebar = page.locator('[data-testid="stSidebar"]')
            combo = sidebar.get_by_role("combobox", name="Förvaltning")
            expect(combo).to_have_value(want["forvaltning"])
            assert page.locator('[data-testid="stException"]').count() == 0

            # Choose the förvaltning with the largest span, as a user would.
            combo.click()
            page.get_by_role("option", name=want["above_forvaltning"]).click()
            expect(metrics.filter(has_text=want["above_share"]).first).to_be_visible(timeout=10_000)
            highlighted = _cell_style(page, want["highlighted_unit"])
            plain = _cell_style(page, want["plain_unit"])
            assert int(highlighted["fontWeight"]) >= 700 and int(plain["fontWeight"]) < 700
            assert plain["backgroundColor"] != highlighted["backgroundColor"]
            expect(chart.locator("canvas, svg").first).to_be_visible()
            page.wait_for_timeout(500)  # let the chart finish drawing for the picture
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "fact_wall.png"), full_page=True)
        finally:
            browser.close()


def _cell_style(page: Page, text: str) -> dict[str, str]:
    """Computed font weight and background of the manager table cell holding `text`."""
    exact = re.compile(rf"^\s*{re.escape(text)}\s*$")
    cell = page.locator("td.gt_row").filter(has_text=exact).first
    expect(cell).to_be_visible()
    return cell.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {fontWeight: s.fontWeight, backgroundColor: s.backgroundColor}; }"
    )
