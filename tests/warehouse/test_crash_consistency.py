"""Kill the refresh at every stage: readers see one whole publication, the store opens, and the
next refresh converges to the marts of a clean run. Also: stale WAL files and file modes."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from pipelines import refresh as steps
from pipelines.faults import KILL_ENV, STAGES
from tests.conftest import TEST_KEY
from tests.hostile.corpus import MANAGERS, STAFF, UNITS, roster_cell
from tests.hr.tiny_kommun import TinyKommun

KEY = TEST_KEY.encode()
MARTS = ("mart_kommun", "mart_span_of_control", "mart_span_rollup", "mart_sick_leave")


def inbox(root: Path, threshold: int, broken: bool = False) -> Path:
    path = TinyKommun(UNITS, MANAGERS + STAFF, threshold=threshold).write(
        root / f"in{threshold}{broken}"
    )
    if broken:  # rejected at validation: the failed refresh's logging runs
        roster_cell(3, "Sjukfrånvaro (tim)", "99999")(path)
    return path


def read(db: Path, sql: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def marts(warehouse: Path) -> dict[str, list]:
    db = warehouse / "published" / "chefskartan.duckdb"
    return {m: read(db, f"SELECT * FROM {m} ORDER BY ALL") for m in MARTS}


def killed_refresh(source: Path, warehouse: Path, stage: str) -> int:
    """Run the refresh steps in a forked child that exits at `stage` as kill -9 would."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.environ[KILL_ENV] = stage
            steps.run_steps(source, warehouse, KEY)
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def consistent_publication(warehouse: Path) -> int:
    """Every published file of the live version holds the same refresh; returns its threshold."""
    published = warehouse / "published"
    thresholds = {
        read(db, "SELECT span_threshold FROM mart_kommun")[0][0]
        for db in published.glob("*.duckdb")
    }
    refreshes = {
        read(db, "SELECT max(refresh_id) FROM mart_refresh_log")[0][0]
        for db in published.glob("*.duckdb")
    }
    assert len(thresholds) == 1 and len(refreshes) == 1, (thresholds, refreshes)
    return thresholds.pop()


def test_a_kill_at_any_stage_leaves_one_consistent_publication(tmp_path: Path) -> None:
    sources = {30: inbox(tmp_path, 30), 12: inbox(tmp_path, 12)}
    broken = inbox(tmp_path, 30, broken=True)
    warehouse, expected = tmp_path / "warehouse", {}
    for threshold in (30, 12):  # what a clean run publishes for each inbox
        steps.run_steps(sources[threshold], warehouse, KEY)
        expected[threshold] = marts(warehouse)
    current = 12
    for stage in STAGES:
        target = 12 if current == 30 else 30
        history = read(warehouse / "store.duckdb", "SELECT count(*) FROM hist_employment")

        source = broken if stage == "failed-logging" else sources[target]
        assert killed_refresh(source, warehouse, stage) == 137, stage

        assert consistent_publication(warehouse) == (
            target if stage == "publish-switch" else current
        ), stage
        assert read(warehouse / "store.duckdb", "SELECT count(*) FROM hist_employment") == history
        if stage in ("publish-store", "publish-switch"):  # store ahead of readers: converge
            steps.run_steps(sources[target], warehouse, KEY)
            assert marts(warehouse) == expected[target], stage
            current = target
    steps.run_steps(sources[30 if current == 12 else 12], warehouse, KEY)
    assert marts(warehouse) == expected[30 if current == 12 else 12]
    assert not any((warehouse / "work").iterdir()), "crash leftovers cleaned"
    assert len(list((warehouse / "versions").iterdir())) == 2, "live and previous version kept"


def test_a_stale_wal_is_never_replayed_and_private_files_stay_private(tmp_path: Path) -> None:
    source, warehouse = inbox(tmp_path, 30), tmp_path / "warehouse"
    with pytest.raises(steps.RefreshFailed):  # a failed refresh records its quarantine too
        steps.run_steps(inbox(tmp_path, 30, broken=True), warehouse, KEY)
    steps.run_steps(source, warehouse, KEY)
    live = (warehouse / "published" / "chefskartan.duckdb").resolve()
    # A read-write client (e.g. DBeaver) deletes rows and dies: a .wal beside the published file.
    pid = os.fork()
    if pid == 0:
        os.chmod(live, 0o600)
        con = duckdb.connect(str(live))
        con.execute("DELETE FROM mart_span_of_control")
        os._exit(0)
    os.waitpid(pid, 0)
    assert live.with_name(live.name + ".wal").exists()
    # A WAL of another database beside the store (a crash of an older release, a copy).
    other = tmp_path / "other.duckdb"
    pid = os.fork()
    if pid == 0:
        con = duckdb.connect(str(other))
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
        con.execute("CHECKPOINT")
        con.execute("INSERT INTO t VALUES (2)")
        os._exit(0)
    os.waitpid(pid, 0)
    shutil.copyfile(other.with_name("other.duckdb.wal"), warehouse / "store.duckdb.wal")

    results = steps.run_steps(source, warehouse, KEY)

    db = warehouse / "published" / "chefskartan.duckdb"
    assert read(db, "SELECT count(*) FROM mart_span_of_control")[0][0] > 0
    assert list(warehouse.glob("store.duckdb.wal.stale-*")), "the foreign WAL is set aside"
    assert any("loggfil" in i.rule for r in results for i in r.report.issues)
    assert_private(warehouse)


def assert_private(warehouse: Path) -> None:
    """Store, archive and reports owner-only; published files read-only for everyone."""
    steps.write_report(steps.WarehousePaths(warehouse), "x", "rapport")

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(warehouse / "store.duckdb") == 0o600
    for folder in ("archive", "reports"):
        assert mode(warehouse / folder) == 0o700
        for path in (warehouse / folder).rglob("*"):
            assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert all(mode(p) == 0o444 for p in (warehouse / "published").glob("*.duckdb"))
