"""The fast path: one survey export refreshed alone replaces only that survey, then publishes."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.generate import build_kommun
from pipelines.generate.survey_writers import SURVEY_WRITERS
from pipelines.generate.surveys import managers, survey_responses
from schemas.questionnaire import builtin

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]
ROOM = "Utforska Burlöv(1-40).xlsx"


def figures(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_only_the_room_survey_is_replaced(
    demo_inbox: Path, demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    shutil.copytree(demo_inbox, inbox)
    shutil.copytree(demo_warehouse, warehouse, symlinks=True)  # the versions and the link
    db = warehouse / "published" / "chefskartan.duckdb"
    others = "SELECT * FROM mart_survey_index WHERE survey_id <> 'rummet' ORDER BY ALL"
    hr = "SELECT * FROM mart_span_of_control ORDER BY ALL"
    room = (
        "SELECT respondents FROM mart_survey_responses WHERE kommun_code = '1231' "
        "AND survey_id = 'rummet' AND scope_type = 'kommun'"
    )
    before_others, before_hr = figures(db, others), figures(db, hr)
    files = {k: warehouse / "published" / f"kommun_{k}.duckdb" for k in ("1231", "1261", "1262")}
    inodes = {k: path.stat().st_ino for k, path in files.items()}
    demo = build_kommun("1231", seed=7)
    responses = survey_responses(
        "1231", 99, "rummet", False, managers(demo.units, demo.employments)
    )
    SURVEY_WRITERS["msforms_sv"][1](inbox / ROOM, builtin("rummet"), responses, "room")
    (inbox / "Personal_Burlov_202610.csv").write_text("trasig", encoding="utf-8")  # not read

    status = main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--only", ROOM])

    out, err = capsys.readouterr()
    assert status == 0, out
    assert f"[1/1] {ROOM}: {len(responses)} rader, OK" in err  # progress while it runs
    assert f"{ROOM} (survey_msforms, 1231, 2026-10-01): {len(responses)} rader, OK" in out
    assert "Personal_Burlov" not in out
    assert figures(db, room) == [(len(responses),)]
    assert figures(db, others) == before_others
    assert figures(db, hr) == before_hr
    after = {k: path.stat().st_ino for k, path in files.items()}
    assert after["1231"] != inodes["1231"]
    assert figures(files["1231"], room) == [(len(responses),)]
    # the other kommuner's files are carried into the new version as they were (hard links)
    assert {k: after[k] for k in ("1261", "1262")} == {k: inodes[k] for k in ("1261", "1262")}


def test_only_names_a_file_of_the_manifest(
    demo_inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "refresh",
            "--inbox",
            str(demo_inbox),
            "--warehouse",
            str(tmp_path),
            "--only",
            "saknas.xlsx",
        ]
    )
    assert status == 1
    assert "saknas.xlsx finns inte under 'files' i manifestet" in capsys.readouterr().err
