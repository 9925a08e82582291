"""Fixtures for the browser tests: one streamlit server on the warehouse the real refresh published."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.processes import free_port

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MENU = '[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]'  # the app's page menu


@pytest.fixture(scope="session")
def fact_wall_db(demo_published_db: Path) -> Path:
    """The published file of the small generated kommuner, built by the real refresh flow."""
    return demo_published_db


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
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


@pytest.fixture(scope="session")
def app_url(fact_wall_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One `streamlit run` of the app for every browser test (starting one costs seconds)."""
    tmp_path = tmp_path_factory.mktemp("streamlit")
    port = free_port()
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
