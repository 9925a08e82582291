"""Fixtures for the browser tests: the running app reads the warehouse the real refresh published."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def fact_wall_db(demo_published_db: Path) -> Path:
    """The published file of the small generated kommuner, built by the real refresh flow."""
    return demo_published_db
