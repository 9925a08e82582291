"""Generate a small kommun, run the real refresh flow, and check the published figures."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import TEST_KEY
from tests.flows.independent import expected_kommun_totals, expected_spans
from tests.hr.tiny_kommun import TinyKommun

pytestmark = pytest.mark.flow
KOMMUNER = ["1231", "1261", "1262"]
LATEST = "2026-10-01"  # the raw files the independent figures read are this period's


def test_every_period_of_every_kommun_is_published(demo_published_db: Path) -> None:
    periods = query(
        demo_published_db,
        "SELECT DISTINCT kommun_code, period_date::VARCHAR AS p "
        "FROM mart_span_rollup ORDER BY 1, 2",
    )
    assert periods.groupby("kommun_code")["p"].apply(list).to_dict() == {
        k: ["2025-10-01", "2026-04-01", LATEST] for k in KOMMUNER
    }


def query(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


@pytest.mark.parametrize("kommun", KOMMUNER)
def test_span_per_manager_matches_raw_files(
    demo_published_db: Path, demo_inbox: Path, kommun: str
) -> None:
    published = query(
        demo_published_db,
        "SELECT manager_id, employees_monthly_paid, employees_hourly, fte_monthly_paid,"
        " is_first_line FROM mart_span_of_control WHERE kommun_code = ? AND period_date = ?",
        [kommun, LATEST],
    )
    expected = expected_spans(demo_inbox, kommun, TEST_KEY)

    published = published.set_index("manager_id").sort_index()
    assert list(published.index) == list(expected.index)
    for column in ["employees_monthly_paid", "employees_hourly", "is_first_line"]:
        assert published[column].tolist() == expected[column].tolist(), column
    assert published["fte_monthly_paid"].round(2).tolist() == expected["fte_monthly_paid"].tolist()


@pytest.mark.parametrize("kommun", KOMMUNER)
def test_kommun_rollup_matches_raw_files(
    demo_published_db: Path, demo_inbox: Path, kommun: str
) -> None:
    row = query(
        demo_published_db,
        "SELECT * FROM mart_span_rollup WHERE scope_type = 'kommun' AND kommun_code = ?"
        " AND period_date = ?",
        [kommun, LATEST],
    ).iloc[0]
    expected = expected_kommun_totals(demo_inbox, kommun, TEST_KEY, threshold=30)
    for column, value in expected.items():
        assert row[column] == pytest.approx(value), column


def test_published_file_is_readable_by_duckdb_1x_tools(demo_published_db: Path) -> None:
    con = duckdb.connect(str(demo_published_db), read_only=True)
    try:
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE NOT internal").fetchone()[0]
    finally:
        con.close()
    assert tags["storage_version"].startswith("v1.0")


def test_each_kommun_file_holds_only_its_own_rows(demo_warehouse: Path) -> None:
    for kommun in KOMMUNER:
        db = demo_warehouse / "published" / f"kommun_{kommun}.duckdb"
        codes = query(db, "SELECT DISTINCT kommun_code FROM mart_span_of_control")
        assert codes["kommun_code"].tolist() == [kommun]


def test_no_personnummer_or_names_in_the_store(demo_warehouse: Path, demo_inbox: Path) -> None:
    con = duckdb.connect(str(demo_warehouse / "store.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in con.execute("SHOW TABLES").fetchall()]
        dump = " ".join(con.execute(f"SELECT * FROM {t}").df().astype(str).to_csv() for t in tables)
    finally:
        con.close()
    raw = (demo_inbox / "Personal_Burlov_202610.csv").read_text(encoding="cp1252").splitlines()
    first_row = raw[1].split(";")
    assert first_row[0] not in dump and first_row[0].replace("-", "") not in dump
    assert first_row[2] not in dump  # last name


def test_summary_is_a_prefect_artifact(prefect_harness: None, tmp_path: Path) -> None:
    """The flow's summary is a Prefect table artifact under a one-line headline.

    A refresh of its own: the shared demo warehouse may have been built by another xdist worker,
    whose Prefect API this worker cannot see.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from pipelines.cli import main

    units = [("F1", None, "Förvaltningen", "Förvaltning", "administration", 1)]
    staff = [
        (1, "F1", "Tillsvidare", 100, "A"),
        *[(n, "F1", "Tillsvidare", 100, "") for n in (2, 3)],
    ]
    inbox = TinyKommun(units, staff).write(tmp_path / "inbox")
    warehouse = tmp_path / "warehouse"
    assert main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["refresh-summary"]))
        )
    published = [a for a in artifacts if a.description.startswith("**Publicerat: ")]
    assert all(a.type == "table" for a in published)
    tables = [json.loads(a.data) for a in published]
    ours = [rows for rows in tables if {r["fil"] for r in rows} == {"roster.csv", "org.csv"}]
    assert ours, "the refresh left a summary table under a one-line headline"
    assert all(r["status"] == "OK" and r["avvisade rader"] == 0 for rows in ours for r in rows)
