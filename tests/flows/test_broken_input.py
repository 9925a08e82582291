"""A broken export: a clear report, nothing published, the last good warehouse left as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from pipelines.flows.refresh import refresh_flow
from warehouse.lock import refresh_lock

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def refreshed(demo_warehouse: Path, demo_inbox: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the demo inbox and warehouse, for tests that break things."""
    inbox, warehouse = tmp_path / "inbox", tmp_path / "warehouse"
    shutil.copytree(demo_inbox, inbox)
    shutil.copytree(demo_warehouse, warehouse)
    return inbox, warehouse


def break_burlov_roster(inbox: Path) -> None:
    path = inbox / "Personal_Burlov_202610.csv"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    fields = lines[3].split(";")
    fields[8] = "sjuttiofem"  # Sysselsättningsgrad on file row 4
    lines[3] = ";".join(fields)
    fields = lines[5].split(";")
    fields[0] = fields[0][:-1] + str((int(fields[0][-1]) + 1) % 10)  # wrong check digit, row 6
    lines[5] = ";".join(fields)
    path.write_bytes("\r\n".join(lines).encode("cp1252"))


def test_broken_file_is_reported_and_nothing_is_published(
    refreshed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, warehouse = refreshed
    published = sorted((warehouse / "published").glob("*.duckdb"))
    before = {p.name: digest(p) for p in published}
    break_burlov_roster(inbox)

    status = main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)])

    out = capsys.readouterr()
    assert status == 1
    assert "Traceback" not in out.out + out.err
    assert "Personal_Burlov_202610.csv" in out.out
    assert 'rad 4, kolumn "Sysselsättningsgrad" = "sjuttiofem": inte ett tal' in out.out
    assert 'rad 6, kolumn "Personnummer" = "(dolt)": ogiltigt personnummer' in out.out
    assert "Inget publicerades" in out.out
    assert {p.name: digest(p) for p in published} == before
    con = duckdb.connect(str(warehouse / "store.duckdb"), read_only=True)
    try:
        quarantined = con.execute(
            "SELECT row_number, column_name, rule FROM quarantine WHERE file_name = ? AND severity = 'fel' "
            "ORDER BY row_number",
            ["Personal_Burlov_202610.csv"],
        ).fetchall()
    finally:
        con.close()
    assert [(r, c) for r, c, _ in quarantined] == [(4, "Sysselsättningsgrad"), (6, "Personnummer")]


def test_validate_is_a_dry_run(
    refreshed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, warehouse = refreshed
    store_before = digest(warehouse / "store.duckdb")
    break_burlov_roster(inbox)

    assert main(["validate", "--inbox", str(inbox)]) == 1

    assert 'rad 4, kolumn "Sysselsättningsgrad"' in capsys.readouterr().out
    assert digest(warehouse / "store.duckdb") == store_before


def test_a_second_refresh_stops_while_one_holds_the_lock(
    refreshed: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, warehouse = refreshed
    before = digest(warehouse / "published" / "chefskartan.duckdb")
    with refresh_lock(warehouse):
        status = main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)])
    assert status == 1
    assert "En annan uppdatering skriver redan" in capsys.readouterr().err
    assert digest(warehouse / "published" / "chefskartan.duckdb") == before


def test_refreshing_the_same_period_again_replaces_it(refreshed: tuple[Path, Path]) -> None:
    inbox, warehouse = refreshed
    sql = "SELECT count(*), sum(employees_monthly_paid) FROM mart_span_of_control"
    db = warehouse / "published" / "chefskartan.duckdb"

    def figures() -> tuple:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql).fetchone()
        finally:
            con.close()

    before = figures()
    command = ["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse), "--full"]
    assert main(command) == 0
    assert figures() == before


def test_an_unchanged_inbox_is_not_read_again(
    demo_warehouse: Path, demo_inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The flow decides as run_steps does (pipelines/unchanged.py): nothing read, nothing new."""
    inbox, warehouse = demo_inbox, tmp_path / "warehouse"
    shutil.copytree(demo_warehouse, warehouse, symlinks=True)  # `published` stays a link
    live = (warehouse / "published").resolve()
    assert main(["refresh", "--inbox", str(inbox), "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "Personal_Burlov_202610.csv" in out and "lästes inte om" in out
    assert "Inget har ändrats sedan" in out and "Traceback" not in out
    assert (warehouse / "published").resolve() == live
    state = refresh_flow(inbox, warehouse, return_state=True)  # as a deployment runs it
    assert state.is_completed() and state.message.startswith("Inget har ändrats sedan")
    assert (warehouse / "published").resolve() == live
