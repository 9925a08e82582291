"""The running app in headless Chromium: the fact wall renders, without errors, in Swedish."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Figures the page must show for the fixture's default choice (Burlöv, 2024-03-01, Barn- och
# utbildningsförvaltningen, with the whole kommun beside it).
EXPECTED = {
    "title": "Faktavägg",
    "forvaltning": "Barn- och utbildningsförvaltningen",
    "kommun_chefstathet": "22,3",
    "kommun_share_above": "33,3\u00a0%",
    "table_unit": "Tågarps skola",
}
# After choosing Vård- och omsorgsförvaltningen: a förvaltning with managers above 30.
ABOVE = {
    "forvaltning": "Vård- och omsorgsförvaltningen",
    "share_above": "50,0\u00a0%",
    "highlighted_unit": "Hemtjänst Arlöv",  # 42 > 30
    "plain_unit": "Hemtjänst Åkarp",  # exactly 30: not above
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout_s} s")


@pytest.fixture
def app_url(fact_wall_db: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CHEFSKARTAN_PUBLISHED_DB": str(fact_wall_db)}
    log = (tmp_path / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "dashboards" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", server)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_fact_wall_renders_in_chromium(app_url: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1400}, locale="sv-SE")
            page.goto(app_url, wait_until="domcontentloaded")
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_role("heading", name=EXPECTED["title"])).to_be_visible(
                timeout=15_000
            )
            metrics = page.locator('[data-testid="stMetricValue"]')
            expect(metrics.filter(has_text=EXPECTED["kommun_chefstathet"])).to_have_count(1)
            expect(metrics.filter(has_text=EXPECTED["kommun_share_above"])).to_have_count(1)
            expect(main.get_by_text(EXPECTED["table_unit"])).to_be_visible()
            # The Vega chart draws into a canvas or svg once its JavaScript has run.
            chart = page.locator('[data-testid="stVegaLiteChart"]')
            expect(chart.locator("canvas, svg").first).to_be_visible(timeout=10_000)
            sidebar = page.locator('[data-testid="stSidebar"]')
            expect(sidebar.get_by_role("combobox", name="Förvaltning")).to_have_value(
                EXPECTED["forvaltning"]
            )
            assert page.locator('[data-testid="stException"]').count() == 0

            # Choose another förvaltning as a user would; the page reruns with its figures.
            sidebar.get_by_role("combobox", name="Förvaltning").click()
            page.get_by_role("option", name=ABOVE["forvaltning"]).click()
            expect(metrics.filter(has_text=ABOVE["share_above"])).to_have_count(1, timeout=10_000)
            highlighted = _cell_style(page, ABOVE["highlighted_unit"])
            plain = _cell_style(page, ABOVE["plain_unit"])
            assert int(highlighted["fontWeight"]) >= 700 and int(plain["fontWeight"]) < 700
            assert highlighted["backgroundColor"] == "rgb(255, 217, 168)"  # fact_wall.ABOVE_FILL
            assert plain["backgroundColor"] != highlighted["backgroundColor"]
            expect(chart.locator("canvas, svg").first).to_be_visible()
            page.wait_for_timeout(500)  # let the chart finish drawing for the picture
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "fact_wall.png"), full_page=True)
        finally:
            browser.close()


def _cell_style(page: Page, text: str) -> dict[str, str]:
    """Computed font weight and background of the manager table cell holding `text`."""
    cell = page.locator("td.gt_row", has_text=text).first
    expect(cell).to_be_visible()
    return cell.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {fontWeight: s.fontWeight, backgroundColor: s.backgroundColor}; }"
    )
