"""A scheduled refresh of a mostly unchanged inbox: unchanged files are not read again, only the
kommuner whose files changed are rebuilt, and the published figures equal a full refresh's."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines import refresh as steps
from pipelines import run_report, unchanged
from pipelines.generate import generate_inbox
from pipelines.manifest import load_manifest
from pipelines.unchanged import UnchangedReport
from schemas.marts import MARTS
from warehouse import publication
from warehouse.build import kommun_file_name
from warehouse.store import StagedTable

KEY = b"test-key-unchanged"
# columns that name the run, not the data: a file's row keeps the refresh that loaded it
RUN_COLUMNS = {"refresh_id", "refreshed_at"}


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two small kommuner (HR and surveys), refreshed once: (inbox, warehouse)."""
    root = tmp_path_factory.mktemp("steady")
    generate_inbox(root / "inbox", seed=1, national=2, max_employments=120)
    steps.run_steps(root / "inbox", root / "wh", KEY)
    return root / "inbox", root / "wh"


def copy(warehouse: Path, to: Path) -> Path:
    shutil.copytree(warehouse, to, symlinks=True)
    return to


def published_rows(warehouse: Path, mart: str) -> list[tuple]:
    spec = next(m for m in MARTS if m.name == mart)
    columns = ", ".join(c for c in spec.column_names if c not in RUN_COLUMNS)
    con = duckdb.connect(str(warehouse / "published" / "chefskartan.duckdb"), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM {mart} ORDER BY ALL").fetchall()
    finally:
        con.close()


def log(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "store.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT refresh_id, file_name FROM refresh_log ORDER BY refresh_id"
        ).fetchall()
    finally:
        con.close()


def test_nothing_changed_reads_nothing_and_publishes_nothing(
    refreshed: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, first = refreshed
    warehouse = copy(first, tmp_path / "wh")
    live = publication.current_version(warehouse)
    results = steps.run_steps(inbox, warehouse, KEY)
    assert results and all(isinstance(r.report, UnchangedReport) for r in results)
    assert all("lästes inte om" in r.report.text() for r in results)
    assert publication.current_version(warehouse) == live, "the live version stays"
    assert log(warehouse) == log(first), "no file logged as loaded again"


def test_a_changed_roster_is_read_alone_and_the_figures_equal_a_full_refresh(
    refreshed: tuple[Path, Path], tmp_path: Path
) -> None:
    source, first = refreshed
    inbox = shutil.copytree(source, tmp_path / "inbox")
    roster = next(f for f in load_manifest(inbox).files if f.source == "hr_roster")
    lines = roster.path.read_bytes().rstrip(b"\r\n").split(b"\n")
    roster.path.write_bytes(b"\n".join(lines[:-1]) + b"\n")  # one employment less
    incremental = copy(first, tmp_path / "incremental")
    full = copy(first, tmp_path / "full")

    previous = publication.current_version(incremental)
    results = steps.run_steps(inbox, incremental, KEY)
    read = [r.report.file for r in results if not isinstance(r.report, UnchangedReport)]
    assert read == [roster.name], "only the changed file was read"
    before = set(log(first))
    new = [name for refresh, name in log(incremental) if (refresh, name) not in before]
    assert new == [roster.name], "refresh_log: the changed file alone was loaded again"
    others = {k for k in load_manifest(inbox).kommuner if k != roster.kommun_code}
    assert others, "a kommun whose files did not change"
    live = publication.current_version(incremental)
    for code in others:  # its file carried from the previous version, not written again
        name = kommun_file_name(code)
        assert (live / name).stat().st_ino == (previous / name).stat().st_ino

    results = steps.run_steps(inbox, full, KEY, full=True)
    assert not any(isinstance(r.report, UnchangedReport) for r in results), "--full reads all"
    for mart in (m.name for m in MARTS):
        assert published_rows(incremental, mart) == published_rows(full, mart), mart
    old = published_rows(first, "mart_span_of_control")
    assert published_rows(incremental, "mart_span_of_control") != old, "the change shows"


def test_a_new_key_or_changed_settings_mean_a_full_refresh(refreshed: tuple[Path, Path]) -> None:
    inbox, warehouse = refreshed
    manifest = load_manifest(inbox)
    store = warehouse / "store.duckdb"
    same = unchanged.decide(store, warehouse, manifest, KEY)
    assert same.full is None and len(same.unchanged) == len(manifest.files)
    other_key = unchanged.decide(store, warehouse, manifest, b"another key")
    assert other_key.full and not other_key.unchanged
    code = next(iter(manifest.kommuner))
    stricter = {**manifest.kommuner, code: replace(manifest.kommuner[code], anonymity_k=7)}
    changed = unchanged.decide(store, warehouse, replace(manifest, kommuner=stricter), KEY)
    assert changed.full and "anonymitetsgräns" in changed.full
    forced = unchanged.decide(store, warehouse, manifest, KEY, full=True)
    assert forced.full and forced.scope(manifest) is None
    assert "Alla filer lästes: hela inkorgen" in run_report.summary_text([], None, forced)


def test_an_unchanged_part_of_a_changed_export_is_read_again(tmp_path: Path) -> None:
    """Loading a file replaces its (table, kommun, period, partition) whole: an unchanged file
    whose rows live in the same partition (another part of one export) must be loaded with it."""
    import datetime as dt

    def loaded(name: str, keys: str) -> unchanged.Loaded:
        day = dt.date(2026, 10, 1)
        return unchanged.Loaded(
            name, name, "1231", day, "hr_roster", "x", "k", "s", keys, 1, 1, "r", dt.datetime.now()
        )

    plan = unchanged.Plan([], [], "k", "s", None)
    plan.unchanged = {
        1: loaded("part 2", "hist_employment|1231|2026-10-01"),
        2: loaded("org", "hist_org_unit|1231|2026-10-01"),
        3: loaded("other kommun", "hist_employment|1261|2026-10-01"),
    }
    part_one = StagedTable("employment", "1231", "2026-10-01", tmp_path / "a.parquet")
    assert unchanged.rereads(plan, {0: [part_one]}) == [1]
    assert set(plan.unchanged) == {2, 3}
    assert unchanged.rereads(plan, {0: [part_one]}) == []


def test_after_a_rejected_file_the_next_refresh_still_reads_only_what_changed(
    refreshed: tuple[Path, Path], tmp_path: Path
) -> None:
    """A failed refresh writes its logs to the store, not its history: the fix is read alone."""
    source, first = refreshed
    inbox = shutil.copytree(source, tmp_path / "inbox")
    warehouse = copy(first, tmp_path / "wh")
    roster = next(f for f in load_manifest(inbox).files if f.source == "hr_roster")
    good = roster.path.read_bytes()
    roster.path.write_bytes(good.rstrip(b"\r\n") + b"\nnot;a;valid;row\n")
    with pytest.raises(steps.RefreshFailed):
        steps.run_steps(inbox, warehouse, KEY)
    lines = good.rstrip(b"\r\n").split(b"\n")
    roster.path.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    live = publication.current_version(warehouse)
    results = steps.run_steps(inbox, warehouse, KEY)
    read = [r.report.file for r in results if not isinstance(r.report, UnchangedReport)]
    assert read == [roster.name]
    assert publication.current_version(warehouse) != live, "published"
