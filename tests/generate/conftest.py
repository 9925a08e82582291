"""Session fixtures: one full demo inbox, read back per kommun."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.generate import generate_inbox
from tests.generate.inbox_readers import KOMMUNER, LATEST, PERIODS, READERS, Kommun


@pytest.fixture(scope="session")
def full_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full demo inbox at scale 1, seed 1 (generated once per test session)."""
    out = tmp_path_factory.mktemp("inbox")
    generate_inbox(out, seed=1)
    return out


@pytest.fixture(scope="session")
def exports(full_inbox: Path) -> dict[str, Kommun]:
    return {code: READERS[code](full_inbox) for code in KOMMUNER}


@pytest.fixture(scope="session")
def periods(full_inbox: Path, exports: dict[str, Kommun]) -> dict[str, dict[str, Kommun]]:
    """Kommun code -> period ("2025-10") -> its exports, read back."""
    return {
        code: {p: exports[code] if p == LATEST else READERS[code](full_inbox, p) for p in PERIODS}
        for code in KOMMUNER
    }
