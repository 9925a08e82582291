"""A refresh that fails after validation (here: while building) leaves published files untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines import refresh as steps
from pipelines.unchanged import FULL_ENV
from tests.conftest import TEST_KEY
from tests.hr.tiny_kommun import TinyKommun


def run_steps(inbox: Path, warehouse: Path) -> None:
    steps.run_steps(inbox, warehouse, TEST_KEY.encode())


def small_kommun() -> TinyKommun:
    units = [
        ("F1", None, "Förvaltningen", "Förvaltning", "administration", 1),
        ("E1", "F1", "Enheten", "Enhet", "äldreomsorg", 2),
    ]
    staff = [(n, "E1", "Tillsvidare", 100, "") for n in range(3, 9)]
    return TinyKommun(
        units, [(1, "F1", "Tillsvidare", 100, "A"), (2, "E1", "Tillsvidare", 100, "C"), *staff]
    )


def test_failure_while_building_keeps_the_last_good_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = small_kommun().write(tmp_path / "inbox")
    run_steps(inbox, tmp_path)
    files = sorted((tmp_path / "published").glob("*.duckdb")) + [tmp_path / "store.duckdb"]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    def disk_full(*_args: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(steps, "write_kommun_files", disk_full)
    monkeypatch.setenv(FULL_ENV, "1")  # the same inbox again: built again, not skipped
    with pytest.raises(OSError):
        run_steps(inbox, tmp_path)

    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    assert not list((tmp_path / "published").glob(".*")), "no half-built file left behind"
    assert not list((tmp_path / "work").iterdir())
