"""`chefskartan generate --seed N` refreshes cleanly for any seed: the plan's targets follow that
seed's own baselines (pipelines/generate/baselines.py), never seed 1's."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.refresh import run_steps
from tests.conftest import TEST_KEY

PLAN = {"1231": "Handlingsplan_Burlov.csv", "1262": "Handlingsplan_Lomma.csv"}


@pytest.mark.parametrize(("seed", "kommun"), [(7, "1231"), (23, "1262")])
def test_other_seeds_refresh_with_targets_beyond_their_baselines(
    tmp_path: Path, seed: int, kommun: str
) -> None:
    inbox = tmp_path / "inbox"
    args = ["generate", "--out", str(inbox), "--seed", str(seed), "--kommun", kommun]
    assert main([*args, "--scale", "0.2"]) == 0

    run_steps(inbox, tmp_path / "warehouse", TEST_KEY.encode())  # raises if any file is rejected

    con = duckdb.connect(str(tmp_path / "warehouse/published/chefskartan.duckdb"), read_only=True)
    try:
        plan = con.execute(
            "SELECT indicator_id, baseline_value, target_value, is_target_wrong_direction "
            "FROM mart_action_plan WHERE kommun_code = ?",
            [kommun],
        ).fetchall()
    finally:
        con.close()
    with open(inbox / PLAN[kommun], encoding="utf-8-sig", newline="") as f:
        measures = list(csv.DictReader(f, delimiter=";"))
    assert len({r[0] for r in plan}) >= 2 and len(measures) >= 3
    assert not any(wrong for *_, wrong in plan)
