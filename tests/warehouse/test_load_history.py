"""Loading history: each (kommun, period[, partition]) a refresh brings is replaced whole, and
nothing else; several files for one key (parts of one export) are all kept. One statement per
table (warehouse/store.py), so these are the promises the batching must keep."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse.intermediate import divide_memory
from warehouse.store import StagedTable, ensure_schema, load_history

SURVEY = (("survey_id", "rummet"), ("respondent_role", "manager"))
OTHER_SURVEY = (("survey_id", "krav_resurser"), ("respondent_role", "manager"))


def staged(tmp: Path, name: str, kommun: str, period: str, labels: list[str], partition=SURVEY):
    """A staged survey_option file with one row per label."""
    frame = pd.DataFrame(
        {
            "kommun_code": kommun,
            "period_date": pd.Timestamp(period),
            "survey_id": dict(partition)["survey_id"],
            "respondent_role": "manager",
            "scale_id": "agree5",
            "answer_label": labels,
            "answer_score": [float(i) for i in range(len(labels))],
            "position": list(range(len(labels))),
        }
    )
    path = tmp / f"{name}.parquet"
    frame.to_parquet(path, index=False)
    return StagedTable("survey_option", kommun, period, path, partition)


def labels(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT kommun_code, period_date::VARCHAR, survey_id, answer_label FROM hist_survey_option "
        "ORDER BY ALL"
    ).fetchall()


def test_a_reload_replaces_its_keys_only_and_keeps_every_part(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    ensure_schema(con)
    first = [
        staged(tmp_path, "a", "1231", "2026-10-01", ["old A"]),
        staged(tmp_path, "b", "1231", "2026-10-01", ["old B"], OTHER_SURVEY),
        staged(tmp_path, "c", "1261", "2026-10-01", ["old C"]),
        staged(tmp_path, "d", "1231", "2026-04-01", ["old D"]),
    ]
    assert load_history(con, first) == {"hist_survey_option": 4}
    again = [  # 1231's rummet for 2026-10 in two parts, and 1261 with no rows left
        staged(tmp_path, "e", "1231", "2026-10-01", ["new 1", "new 2"]),
        staged(tmp_path, "f", "1231", "2026-10-01", ["new 3"]),
        staged(tmp_path, "g", "1261", "2026-10-01", []),
    ]
    assert load_history(con, again) == {"hist_survey_option": 3}
    assert labels(con) == [
        ("1231", "2026-04-01", "rummet", "old D"),  # another period
        ("1231", "2026-10-01", "krav_resurser", "old B"),  # another partition
        ("1231", "2026-10-01", "rummet", "new 1"),
        ("1231", "2026-10-01", "rummet", "new 2"),
        ("1231", "2026-10-01", "rummet", "new 3"),
    ]


def test_a_failing_file_leaves_history_as_it_was(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    ensure_schema(con)
    load_history(con, [staged(tmp_path, "a", "1231", "2026-10-01", ["kept"])])
    broken = staged(tmp_path, "b", "1231", "2026-10-01", ["lost"])
    broken.parquet.write_bytes(b"not parquet")
    with pytest.raises(duckdb.Error):
        load_history(con, [staged(tmp_path, "c", "1231", "2026-10-01", ["new"]), broken])
    assert labels(con) == [("1231", "2026-10-01", "rummet", "kept")]


def test_memory_limit_is_split_between_instances() -> None:
    assert divide_memory("1GB", 2) == "488281KiB"
    assert divide_memory("1GiB", 4) == "262144KiB"
    assert divide_memory("512 MB", 1) == "500000KiB"
    assert divide_memory("80%", 2) == "80%"  # not a size we can divide: DuckDB reads it as is
