"""Attacks on the demo warehouse and on the hand-built traps, each run once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.attack.attacker import Report, attack
from tests.attack.knowledge import Knowledge
from tests.attack.traps import TRAPS
from tests.attack.world import refresh


@pytest.fixture(scope="session")
def demo_attack(demo_warehouse: Path, demo_published_db: Path) -> Report:
    """The attacker on the demo's combined published file (a superset of each kommun's file).
    Not exhaustive: each system stops at its first disclosure (tests assert there is none)."""
    know = Knowledge.from_store(demo_warehouse / "store.duckdb")
    return attack(demo_published_db, know, exhaustive=False)


@pytest.fixture(scope="session")
def trap_attack(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The three hand-built traps, one kommun each, refreshed together by the real refresh."""
    published, know = refresh(TRAPS, tmp_path_factory.mktemp("traps"))
    return attack(published, know, exhaustive=False)
