"""Every page of the running app in headless Chromium: opens at its own URL, in Swedish, without
an error element or a raw code, shows the mart's figures in Swedish formats, and leaves
screenshots in test-artifacts/ (page_<url>.png at 1280×720; <page>.png of the whole page)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from dashboards import format as fmt
from dashboards.matrix import breakable
from dashboards.widgets import CONSTRUCT_LABEL
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, MENU

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium missing: `make test` installs it"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def mart(fact_wall_db: Path) -> dict:
    """Expected values for the first kommun by name (the pages' default), read from the marts."""
    con = duckdb.connect(str(fact_wall_db), read_only=True)
    try:
        code, name = con.execute(
            "SELECT kommun_code, kommun_name FROM mart_kommun ORDER BY kommun_name LIMIT 1"
        ).fetchone()
        period = con.execute(
            "SELECT max(period_date) FROM mart_span_rollup WHERE kommun_code = ?", [code]
        ).fetchone()[0]
        forv = [
            r[0]
            for r in con.execute(
                "SELECT scope_name FROM mart_span_rollup WHERE kommun_code = ? AND period_date = ?"
                " AND scope_type = 'forvaltning' ORDER BY scope_name, scope_id",
                [code, period],
            ).fetchall()
        ]
        flag = con.execute(
            "SELECT forvaltning_name, metric_label, value, unit, decimals, reason"
            " FROM mart_strengths_challenges WHERE kommun_code = ? AND period_date = ?"
            " AND assessment = 'utmaning' AND basis = 'referenspunkt' AND NOT is_suppressed"
            " ORDER BY forvaltning_name LIMIT 1",
            [code, period],
        ).fetchone()
        kommuner = con.execute(
            "SELECT kommun_name, chefstathet FROM mart_span_rollup WHERE scope_type = 'kommun'"
            " QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)"
        ).fetchall()
        files = [
            r[0]
            for r in con.execute(
                "SELECT file_name FROM mart_refresh_log WHERE kommun_code = ?", [code]
            ).fetchall()
        ]
        # The last kommun by name (not the default) and its first förvaltning, for the links.
        other = con.execute(
            "SELECT r.kommun_code, k.kommun_name, r.scope_name FROM mart_span_rollup r"
            " JOIN mart_kommun k USING (kommun_code) WHERE r.scope_type = 'forvaltning'"
            " QUALIFY r.period_date = max(r.period_date) OVER (PARTITION BY r.kommun_code)"
            " ORDER BY k.kommun_name DESC, r.scope_name, r.scope_id LIMIT 1"
        ).fetchone()
        # Codes a user must never read: mart and column names, the manifest's source kinds.
        codes = {
            c
            for (c,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'mart_%'"
                " UNION SELECT column_name FROM duckdb_columns()"
                " WHERE table_name LIKE 'mart_%' AND column_name LIKE '%\\_%' ESCAPE '\\'"
                " UNION SELECT source FROM mart_refresh_log"
            ).fetchall()
        }
    finally:
        con.close()
    return {
        "kommun": name,
        "forvaltningar": forv,
        "flag": flag,
        "kommuner": kommuner,
        "files": files,
        "codes": codes,
        "other": other,
    }


# Every page of the menu (app.py) and the heading it opens with; None: the first förvaltning's name.
PAGE_HEADINGS = {
    "faktavagg": "Faktavägg",
    "styrkor-och-utmaningar": "Styrkor och utmaningar",
    "dela-varld": "Dela värld",
    "jamforelse": "Jämförelse",
    "workshop": None,
    "datakvalitet": "Datakvalitet",
    "handlingsplan": "Handlingsplan",
    "uppfoljning": "Uppföljning",
}
MENU_TITLES = [h or "Workshop" for h in PAGE_HEADINGS.values()]
PROJECTED = ("workshop", "styrkor-och-utmaningar")


def test_every_page_opens_at_its_own_url(browser: Browser, app_url: str, mart: dict) -> None:
    """A copied link to any page opens that page (never "Page not found"), keeps the kommun
    of its query string, says it is Swedish and shows no code; a 1280×720 screenshot each.
    First in the module: it also proves a fresh server's first session opens a page URL."""
    page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="sv-SE")
    raw_code = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, mart["codes"])) + r")(?![\w-])")
    code, name, first_forvaltning = mart["other"]
    ARTIFACTS.mkdir(exist_ok=True)
    for path, heading in PAGE_HEADINGS.items():
        page.goto(f"{app_url}{path}?kommun={code}", wait_until="domcontentloaded")
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_role("heading", name=heading or first_forvaltning).first).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=60_000)
        expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=60_000)
        assert page.url.startswith(f"{app_url}{path}?kommun={code}"), page.url
        page.wait_for_function("document.documentElement.lang === 'sv'", timeout=15_000)
        assert page.get_by_text("Page not found").count() == 0, path
        assert page.locator('[data-testid="stException"]').count() == 0, path
        picker = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Kommun")
        if picker.count():
            expect(picker).to_have_value(name)
        if path not in PROJECTED:  # a projected page opens with its sidebar closed
            expect(page.locator(MENU)).to_have_text(MENU_TITLES)
        if path in TABLE_PAGES:  # the page's own figures, and its tables' downloads
            TABLE_PAGES[path](main, mart)
            expect(main.get_by_role("button", name="Ladda ner Excel").first).to_be_visible()
        shown = raw_code.findall(page.locator("body").inner_text())
        assert shown == [], (path, shown)
        page.wait_for_timeout(300)  # charts draw after the script finishes
        page.screenshot(path=str(ARTIFACTS / f"page_{path}.png"))
    page.close()


def comparison_shows_each_kommun(main: Locator, mart: dict) -> None:
    table = main.locator("#jamforelse")
    for name, density in mart["kommuner"]:
        expect(table.get_by_text(name, exact=True)).to_be_visible()
        expect(table.get_by_text(fmt.number(density, 1), exact=True).first).to_be_visible()


def data_quality_shows_files_and_warnings(main: Locator, _mart: dict) -> None:
    grid = main.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible(timeout=30_000)  # the grid draws late on a busy machine
    expect(main.get_by_text("Varningar från kontrollerna").first).to_be_visible()


TABLE_PAGES = {
    "jamforelse": comparison_shows_each_kommun,
    "datakvalitet": data_quality_shows_files_and_warnings,
    "uppfoljning": lambda main, _mart: None,
}


def open_page(browser: Browser, url: str, heading: str) -> Page:
    page = browser.new_page(viewport={"width": 1600, "height": 1200}, locale="sv-SE")
    page.goto(url, wait_until="domcontentloaded")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name=heading).first).to_be_visible(timeout=20_000)
    return page


def finish(page: Page, name: str) -> None:
    page.wait_for_timeout(300)
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.close()


def test_strengths_and_challenges(browser: Browser, app_url: str, mart: dict) -> None:
    forv, label, value, unit, decimals, reason = mart["flag"]
    page = open_page(browser, app_url + "styrkor-och-utmaningar", "Styrkor och utmaningar")
    main = page.locator('[data-testid="stMain"]')
    matrix = main.locator("#matris")
    row = matrix.locator("tr").filter(has_text=label).first
    cell = row.locator(f'td[title="{reason}"]').first
    expect(cell).to_have_text(f"▲ {fmt.figure(value, unit, decimals)}")  # the reason on hover
    expect(matrix.locator("thead")).to_contain_text(breakable(forv))  # soft hyphens
    main.get_by_text(forv + ": ▲").first.click()  # the detail row: sentences only here
    expect(main.get_by_text(f"{label}: {fmt.figure(value, unit, decimals)}").first).to_be_visible()
    expect(main.get_by_text(reason[:40]).first).to_be_visible()
    finish(page, "styrkor_och_utmaningar")


def test_workshop_advances_with_the_arrow_key(browser: Browser, app_url: str, mart: dict) -> None:
    first, second = mart["forvaltningar"][:2]
    page = open_page(browser, app_url + "workshop", first)
    main = page.locator('[data-testid="stMain"]')
    # large type for the projector: 3.2 % of the width (51 px here), against Streamlit's 44 px
    heading = main.get_by_role("heading", name=first)
    expect(heading).to_have_css("font-size", re.compile(r"^(4[89]|[5-9]\d)(\.\d+)?px$"))
    expect(main.get_by_role("button", name="Nästa")).to_be_visible()  # shortcuts registered
    main.get_by_role("heading", name=first).click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    expect(main.get_by_role("heading", name=second)).to_be_visible(timeout=10_000)
    finish(page, "workshop")


def test_a_suppressed_survey_group_is_not_shown(
    browser: Browser, app_url: str, fact_wall_db: Path
) -> None:
    """A förvaltning whose managers' index is hidden in the mart shows "dolt (< k)" instead."""
    con = duckdb.connect(str(fact_wall_db), read_only=True)
    try:
        hidden = con.execute(
            "SELECT i.scope_name, i.survey_title, i.construct, i.anonymity_k"
            " FROM mart_survey_index i JOIN mart_kommun k USING (kommun_code)"
            " WHERE i.scope_type = 'forvaltning' AND i.respondent_role = 'manager'"
            " AND i.is_suppressed AND k.kommun_name = (SELECT min(kommun_name) FROM mart_kommun)"
            " ORDER BY i.scope_name, i.survey_id, i.construct LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert hidden, "the demo data must hide some förvaltning's survey results"
    forv, _survey, construct, k = hidden
    page = open_page(browser, app_url, "Faktavägg")
    combo = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Förvaltning")
    combo.click()
    page.get_by_role("option", name=forv).click()
    table = page.locator("#enkatindex")
    expect(table).to_be_visible(timeout=15_000)
    row = table.locator("tr").filter(has_text=CONSTRUCT_LABEL.get(construct, construct)).first
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text(fmt.suppressed(k))  # the index
    expect(cells.nth(2)).to_have_text(fmt.suppressed(k))  # and the response count
    finish(page, "faktavagg_dolt")


def test_shared_world_shows_the_gaps(browser: Browser, app_url: str, fact_wall_db: Path) -> None:
    con = duckdb.connect(str(fact_wall_db), read_only=True)
    try:
        gaps = con.execute(
            "SELECT managers_index_0_100, top_management_index_0_100, gap_0_100"
            " FROM mart_survey_dela_varld d JOIN mart_kommun k USING (kommun_code)"
            " WHERE measure_type = 'construct' AND gap_0_100 IS NOT NULL"
            " AND k.kommun_name = (SELECT min(kommun_name) FROM mart_kommun)"
        ).fetchall()
    finally:
        con.close()
    page = open_page(browser, app_url + "dela-varld", "Dela värld")
    table = page.locator("#dela-varld-construct")
    expect(table).to_be_visible(timeout=15_000)
    for managers, top, gap in gaps:
        expect(table.get_by_text(fmt.number(managers, 1), exact=True).first).to_be_visible()
        expect(table.get_by_text(fmt.number(top, 1), exact=True).first).to_be_visible()
        shown = ("+" if gap > 0 else "") + fmt.number(gap, 1)
        expect(table.get_by_text(shown, exact=True).first).to_be_visible()
    finish(page, "dela_varld")
