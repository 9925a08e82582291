"""Session fixtures: a pseudonymisation key, one Prefect test harness, the generated demo kommuner."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

TEST_KEY = "test-key-not-secret"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["CHEFSKARTAN_PSEUDONYM_KEY"] = TEST_KEY
os.environ["CHEFSKARTAN_VALIDATE_CHARTS"] = "1"  # pages skip Vega-Lite validation in production
os.environ.pop("CHEFSKARTAN_PSEUDONYM_KEY_FILE", None)
# A suite started in the background by a non-interactive shell (`make test &`) has Ctrl-C
# ignored, and every process a test starts inherits that: the tests that stop a refresh or a
# worker with Ctrl-C (tests/ops) would see it ignored. A terminal or systemd gives a process the
# default, so the tests' processes get it too (a handler, unlike "ignore", is reset on exec).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


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
    request: pytest.FixtureRequest, demo_inbox: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A warehouse refreshed once from demo_inbox by the real refresh flow (via the CLI).

    Built once per test run: under pytest-xdist the first worker that needs it builds it in the
    run's shared temp root while the others wait on a lock (each build costs ~45 s of CPU).
    Tests only read it or copy it.
    """
    shared = shared_temp_root(tmp_path_factory)
    warehouse, done = shared / "demo-warehouse", shared / "demo-warehouse.done"
    with open(shared / "demo-warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build_demo_warehouse(request, demo_inbox, warehouse)
            done.touch()
    return warehouse


def shared_temp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temp folder all xdist workers of this run share (the worker's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_demo_warehouse(request: pytest.FixtureRequest, inbox: Path, warehouse: Path) -> None:
    from pipelines.cli import main

    request.getfixturevalue("prefect_harness")  # only the building worker starts an API
    shutil.rmtree(warehouse, ignore_errors=True)  # a build a crashed worker left half done
    warehouse.mkdir()
    assert main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0


@pytest.fixture(scope="session")
def demo_published_db(demo_warehouse: Path) -> Path:
    return demo_warehouse / "published" / "chefskartan.duckdb"
