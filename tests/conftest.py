"""Session fixtures: a pseudonymisation key, one Prefect test harness, the generated demo kommuner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

TEST_KEY = "test-key-not-secret"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["CHEFSKARTAN_PSEUDONYM_KEY"] = TEST_KEY
os.environ.pop("CHEFSKARTAN_PSEUDONYM_KEY_FILE", None)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for every flow test (starting one costs ~20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo inbox exactly as `make demo` makes it (seed 1): every export shape, three periods."""
    from pipelines.generate import generate_inbox

    return generate_inbox(tmp_path_factory.mktemp("inbox"), seed=1).parent


@pytest.fixture(scope="session")
def demo_warehouse(
    prefect_harness: None, demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A warehouse refreshed once from demo_inbox by the real refresh flow (via the CLI)."""
    from pipelines.cli import main

    warehouse = tmp_path_factory.mktemp("warehouse")
    assert main(["refresh", "--inbox", str(demo_inbox), "--warehouse", str(warehouse)]) == 0
    return warehouse


@pytest.fixture(scope="session")
def demo_published_db(demo_warehouse: Path) -> Path:
    return demo_warehouse / "published" / "chefskartan.duckdb"
