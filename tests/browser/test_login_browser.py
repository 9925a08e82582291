"""Login end to end: a real OIDC provider (oidc-provider-mock), `chefskartan serve` configured
against it, and headless Chromium logging in as a workshop user, an HR user and a stranger.

One OIDC server and one dashboard server serve every case (module fixtures); each user logs in
from a fresh browser context, so no cookie is shared between them. The warehouse is the small
hand-made publication of the dashboard tests (Burlöv and Lomma) with its per-kommun files, so
this module needs no refresh run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Browser, Page, expect, sync_playwright

from pipelines.processes import free_port
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, MENU, _wait_healthy
from tests.dashboards import published_fixture as fx
from warehouse.build import build_kommun_file

pytestmark = pytest.mark.browser

USERS = [
    User(sub="lomma-workshop", claims={"email": "ledning@lomma.se", "groups": ["lomma-lg"]}),
    User(sub="lomma-hr", claims={"email": "HR@lomma.se", "name": "Hanna HR"}),
    User(sub="stranger", claims={"email": "okand@example.se", "groups": ["annan-grupp"]}),
]
RULES = """\
rules:
  - {role: workshop, kommuner: ["1262"], groups: [lomma-lg]}
  - {role: hr, kommuner: ["1262"], users: [hr@lomma.se]}
"""
SECRETS = """\
[auth]
redirect_uri = "{app}oauth2callback"
cookie_secret = "test-cookie-secret-not-a-real-one-0123456789"
client_id = "chefskartan-test"
client_secret = "test-client-secret"
server_metadata_url = "{oidc}/.well-known/openid-configuration"
"""
WAIT = 60_000  # ms; the first run of a page on a busy 2-core machine can take many seconds


@pytest.fixture(scope="module")
def oidc() -> Iterator[str]:
    """A real OpenID Connect provider on a free port, with the three users registered."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on localhost
        with run_server_in_thread(user_claims=USERS) as server:
            yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def login_server(oidc: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`chefskartan serve` on a small publication, login configured by the
    .streamlit/secrets.toml of its working directory, rules in WAREHOUSE/access.yaml."""
    root = tmp_path_factory.mktemp("login")
    warehouse = root / "warehouse"
    (warehouse / "published").mkdir(parents=True)
    combined = fx.write_published_db(warehouse / "published" / "chefskartan.duckdb")
    for code in (fx.BURLOV, fx.LOMMA):
        build_kommun_file(combined, combined.with_name(f"kommun_{code}.duckdb"), code)
    (warehouse / "access.yaml").write_text(RULES, encoding="utf-8")
    port = free_port()
    app = f"http://127.0.0.1:{port}/"
    (root / ".streamlit").mkdir()
    (root / ".streamlit" / "secrets.toml").write_text(SECRETS.format(app=app, oidc=oidc))
    log = (root / "serve.log").open("wb")
    command = [sys.executable, "-m", "pipelines.cli", "serve", "--warehouse", str(warehouse)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--address", "127.0.0.1"],
        cwd=root,
        env={**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # serve and its streamlit child: one group to stop
    )
    try:
        _wait_healthy(f"{app}_stcore/health", server, timeout_s=60)
        yield app, warehouse
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def log_in(browser: Browser, app: str, sub: str) -> Page:
    """Open the app in a fresh context, press Logga in, pick the user at the provider."""
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    page.goto(app, wait_until="domcontentloaded")
    page.get_by_role("button", name="Logga in").click(timeout=WAIT)
    page.get_by_role("button", name=sub, exact=True).click(timeout=WAIT)  # the provider's form
    page.wait_for_url(f"{app}**", timeout=WAIT)
    return page


def nav_titles(page: Page) -> list[str]:
    expect(page.locator(MENU).first).to_be_visible(timeout=WAIT)
    return page.locator(MENU).all_inner_texts()


def test_workshop_user_sees_lommas_wall_without_per_manager_rows(
    login_server: tuple[str, Path], browser: Browser
) -> None:
    app, _ = login_server
    page = log_in(browser, app, "lomma-workshop")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Faktavägg")).to_be_visible(timeout=WAIT)
    expect(main.get_by_text("Lomma").first).to_be_visible(timeout=WAIT)
    expect(main.get_by_text("visas bara för HR-rollen")).to_be_visible(timeout=WAIT)
    expect(page.locator("#fler-nyckeltal")).to_be_visible(timeout=WAIT)
    assert page.locator("#chefer").count() == 0
    titles = nav_titles(page)
    assert "Faktavägg" in titles and "Workshop" in titles
    assert "Datakvalitet" not in titles and "Jämförelse" not in titles

    # Tampering: the HR page and another kommun by URL. Nothing from Burlöv or Kävlinge.
    page.goto(f"{app}datakvalitet?kommun=1231", wait_until="domcontentloaded")
    expect(main.get_by_role("heading", name="Faktavägg")).to_be_visible(timeout=WAIT)
    assert page.url.startswith(f"{app}faktavagg?")  # forwarded, not "Page not found"
    page.goto(f"{app}jamforelse?kommun=1231&kommun=1261", wait_until="domcontentloaded")
    expect(main.get_by_role("heading", name="Faktavägg")).to_be_visible(timeout=WAIT)
    expect(main.get_by_text("Lomma").first).to_be_visible(timeout=WAIT)
    body = page.locator("body").inner_text()
    assert "Burlöv" not in body and "Hemtjänst" not in body
    assert "Datakvalitet" not in page.locator("h1").all_inner_texts()


def test_hr_user_sees_per_manager_rows_then_logs_out(
    login_server: tuple[str, Path], browser: Browser
) -> None:
    app, _ = login_server
    page = log_in(browser, app, "lomma-hr")
    expect(page.locator("#chefer tbody tr").first).to_be_visible(timeout=WAIT)
    rows = page.locator("#chefer tbody tr").all_inner_texts()
    assert len(rows) == 2 and any("Daglig verksamhet" in r for r in rows)  # Lomma's managers
    assert "Datakvalitet" in nav_titles(page)
    expect(page.get_by_text("Inloggad som HR@lomma.se")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()
    # Streamlit clears its cookie and sends the browser to the provider's end_session page
    page.wait_for_url("**/oauth2/end_session**", timeout=WAIT)
    page.goto(app, wait_until="domcontentloaded")
    expect(page.get_by_role("button", name="Logga in")).to_be_visible(timeout=WAIT)
    assert page.locator("#chefer").count() == 0


def test_unknown_user_sees_the_refusal_and_nothing_else(
    login_server: tuple[str, Path], browser: Browser
) -> None:
    app, warehouse = login_server
    page = log_in(browser, app, "stranger")
    expect(page.get_by_text("har ingen behörighet i Chefskartan")).to_be_visible(timeout=WAIT)
    assert page.locator(MENU).count() == 0
    assert page.locator('[data-testid="stMetricValue"]').count() == 0

    # The audit trail: who logged in, refused, opened which page of which kommun; no figures.
    log = warehouse / "logs" / "access.log"
    assert log.stat().st_mode & 0o777 == 0o600
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    said = {(e["event"], e["user"]) for e in events}
    assert {("login", "ledning@lomma.se"), ("login", "HR@lomma.se")} <= said
    assert {("logout", "HR@lomma.se"), ("refused", "okand@example.se")} <= said
    pages = {(e["user"], e["page"], e.get("kommun")) for e in events if e["event"] == "page"}
    assert ("ledning@lomma.se", "faktavagg", "1262") in pages
    allowed = {"time", "event", "user", "session", "role", "page", "kommun", "reason", "login"}
    assert all(set(e) <= allowed for e in events)
