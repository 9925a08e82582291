"""Fixtures for the browser tests: which published file the running app reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboards.published_fixture import write_published_db


@pytest.fixture(scope="session")
def fact_wall_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published file behind the browser test: the one place to swap it.

    For now the hand-made file of tests/dashboards; once tests/conftest.py provides the
    generated demo warehouse, return its published file here instead (and adjust
    test_fact_wall_browser.EXPECTED to figures from it).
    """
    return write_published_db(tmp_path_factory.mktemp("browser") / "chefskartan.duckdb")
