"""Incremental publication: a kommun's file is rewritten only when its rows changed, and a build
scoped to one kommun (the survey fast path) gives exactly the full build's rows for it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from schemas.marts import MARTS
from warehouse.build import COMBINED_NAME, build_marts, kommun_file_name
from warehouse.kommun_files import write_kommun_files

KOMMUNER = ("1231", "1261", "1262")


def rows(db: Path, mart: str, kommun: str | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        where = " WHERE kommun_code = ?" if kommun else ""
        params = [kommun] if kommun else []
        return con.execute(f"SELECT * FROM {mart}{where} ORDER BY ALL", params).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("carry", [False, True], ids=["all-marts", "survey-only"])
def test_a_build_scoped_to_one_kommun_equals_the_full_build_for_it(
    demo_warehouse: Path, tmp_path: Path, carry: bool
) -> None:
    """Survey-only: the HR marts are copied from the live file, the rest built: same rows."""
    scoped = tmp_path / "scoped.duckdb"
    full = demo_warehouse / "published" / COMBINED_NAME
    store = demo_warehouse / "store.duckdb"
    build_marts(store, scoped, kommuner=["1262"], spill=tmp_path, carry=full if carry else None)
    for mart in MARTS:
        own = "kommun_code" in mart.column_names
        expected = rows(full, mart.name, "1262" if own else None)
        assert rows(scoped, mart.name) == expected, mart.name
    assert rows(scoped, "mart_span_of_control"), "the kommun has rows at all"


def inodes(folder: Path) -> dict[str, int]:
    return {k: (folder / kommun_file_name(k)).stat().st_ino for k in KOMMUNER}


def test_only_changed_kommun_files_are_written_again(demo_warehouse: Path, tmp_path: Path) -> None:
    combined = tmp_path / COMBINED_NAME
    shutil.copyfile(demo_warehouse / "published" / COMBINED_NAME, combined)
    first, second, third, fourth = (tmp_path / f"v{i}" for i in range(1, 5))
    for folder in (first, second, third, fourth):
        folder.mkdir()
    assert write_kommun_files(combined, first, tmp_path, None)
    write_kommun_files(combined, second, tmp_path, first)
    assert inodes(second) == inodes(first), "nothing changed: every file carried"

    con = duckdb.connect(str(combined))
    con.execute("UPDATE mart_span_of_control SET employees_hourly = employees_hourly + 1 "
                "WHERE kommun_code = '1231'")  # fmt: skip
    con.close()
    write_kommun_files(combined, third, tmp_path, second)
    changed = {k for k in KOMMUNER if inodes(third)[k] != inodes(second)[k]}
    assert changed == {"1231"}
    db = third / kommun_file_name("1231")
    assert rows(db, "mart_span_of_control") == rows(combined, "mart_span_of_control", "1231")

    # a carried file altered after publication (a read-write client) is not trusted
    lomma = third / kommun_file_name("1262")
    os.utime(lomma, ns=(lomma.stat().st_atime_ns, lomma.stat().st_mtime_ns + 10**9))
    write_kommun_files(combined, fourth, tmp_path, third)
    changed = {k for k in KOMMUNER if inodes(fourth)[k] != inodes(third)[k]}
    assert changed == {"1262"}
