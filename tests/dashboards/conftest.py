"""Fixtures for the dashboard tests: a small hand-made published database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboards.published_fixture import publish, write_published_db


@pytest.fixture(scope="session")
def published_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published file with the hand-chosen rows of published_fixture (never modified)."""
    return write_published_db(tmp_path_factory.mktemp("published") / "chefskartan.duckdb")


@pytest.fixture
def replaceable_db(tmp_path: Path) -> Path:
    """A published file of this test's own, which the test may replace via os.replace."""
    return publish(tmp_path / "chefskartan.duckdb")


@pytest.fixture
def published_env(monkeypatch: pytest.MonkeyPatch, published_db: Path) -> Path:
    """CHEFSKARTAN_PUBLISHED_DB pointing at the shared published file."""
    monkeypatch.setenv("CHEFSKARTAN_PUBLISHED_DB", str(published_db))
    return published_db
