"""The steady-state refresh: refreshing a store again must fit the memory limit, and DuckDB out of
memory anywhere is a readable failure that publishes nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

import warehouse.intermediate as intermediate
from pipelines import refresh as steps
from tests.hostile.corpus import MANAGERS, STAFF, UNITS
from tests.hr.tiny_kommun import TinyKommun
from warehouse.store import StagedTable, ensure_schema, load_history

SURVEY = (("survey_id", "rummet"), ("respondent_role", "manager"))


def answers(tmp: Path, kommuner: int, per_kommun: int) -> list[StagedTable]:
    """Staged survey answers: a table with a primary key, as hist_survey_answer is."""
    staged = []
    for k in range(kommuner):
        code = f"12{k:02d}"
        frame = pd.DataFrame(
            {
                "kommun_code": code,
                "period_date": pd.Timestamp("2026-10-01"),
                "survey_id": "rummet",
                "respondent_role": "manager",
                "response_id": [f"r{i // 20}" for i in range(per_kommun)],
                "question_id": [f"q{i % 20}" for i in range(per_kommun)],
                "answer_label": "Stämmer helt",
                "score": 1.0,
                "source_sha256": "0" * 64,
                "source_row": range(per_kommun),
            }
        )
        path = tmp / f"answers_{code}.parquet"
        frame.to_parquet(path, index=False)
        staged.append(StagedTable("survey_answer", code, "2026-10-01", path, SURVEY))
    return staged


def test_replacing_every_partition_fits_the_memory_the_first_load_did(tmp_path: Path) -> None:
    """The national store's second refresh ran out of memory in load_history at 1GB, its first
    did not: replacing every partition in one transaction held the old and the new primary keys
    at once. The same, small: 60,000 answers at 25MB (the old load failed its second round)."""
    staged = answers(tmp_path, 10, 6_000)
    config = {"memory_limit": "25MB", "threads": "2", "temp_directory": str(tmp_path / "spill")}
    for _ in ("first refresh", "second refresh"):
        con = duckdb.connect(str(tmp_path / "store.duckdb"), config=config)
        try:
            ensure_schema(con)
            assert load_history(con, staged) == {"hist_survey_answer": 60_000}
            assert con.execute("SELECT count(*) FROM hist_survey_answer").fetchone() == (60_000,)
        finally:
            con.close()


def test_out_of_memory_is_a_swedish_failure_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = TinyKommun(UNITS, MANAGERS + STAFF).write(tmp_path / "inbox")
    monkeypatch.setattr(intermediate, "MEMORY_LIMIT", "1MB")
    with pytest.raises(steps.RefreshFailed) as failed:
        steps.run_steps(inbox, tmp_path / "wh", b"test-key")
    message = str(failed.value)
    assert "slut på minne" in message and "CHEFSKARTAN_DUCKDB_MEMORY" in message
    assert "Traceback" not in message
    assert not (tmp_path / "wh" / "published").exists(), "nothing published"
    assert not list((tmp_path / "wh" / "work").iterdir()), "the work copy is gone"
