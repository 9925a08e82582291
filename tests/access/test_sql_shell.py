"""`chefskartan sql`: the DuckDB CLI on a published file prints tables and refuses to write or escape."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.analyst import sql_shell

CHEFSKARTAN = str(Path(sys.executable).parent / "chefskartan")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_query_on_a_kommun_file_prints_only_that_kommun(demo_warehouse: Path) -> None:
    query = "SELECT DISTINCT kommun_code, kommun_name FROM mart_span_rollup ORDER BY 1"
    done = subprocess.run(
        [CHEFSKARTAN, "sql", "--warehouse", str(demo_warehouse), "--kommun", "1262", "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "│ 1262" in done.stdout and "Lomma" in done.stdout
    assert "1231" not in done.stdout and "Burlöv" not in done.stdout


@pytest.mark.parametrize(
    "attack",
    [
        "CREATE TABLE mart_x AS SELECT 1 AS a",
        "DELETE FROM mart_kommun",
        "ATTACH '{out}/new.duckdb' AS w",
        "COPY mart_kommun TO '{out}/copy.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        ".shell touch {out}/shell",
        ".output {out}/output.txt",
        ".open {out}/opened.duckdb",
    ],
)
def test_writes_and_ways_out_are_refused(demo_warehouse: Path, tmp_path: Path, attack: str) -> None:
    published = demo_warehouse / "published" / "kommun_1262.duckdb"
    before = _digest(published)
    cli = sql_shell.duckdb_cli()
    assert cli is not None, "duckdb-cli is in the lock: .venv/bin/duckdb"
    sql = attack.format(out=tmp_path) + (";\nSELECT 1" if attack.startswith(".") else "")
    done = subprocess.run(
        sql_shell.cli_command(cli, published, sql), capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0, done.stdout
    assert list(tmp_path.iterdir()) == []
    assert _digest(published) == before


def test_without_the_cli_a_query_runs_in_process_as_locked_down(
    demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setattr(sql_shell, "duckdb_cli", lambda: None)
    assert sql_shell.cli_main(demo_warehouse, "1231", "SELECT kommun_name FROM mart_kommun") == 0
    assert "Burlöv" in capsys.readouterr().out
    attack = f"COPY mart_kommun TO '{tmp_path}/copy.csv'"
    assert sql_shell.cli_main(demo_warehouse, "1231", attack) == 1
    assert "disabled" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert sql_shell.cli_main(demo_warehouse, None, None) == 1  # no shell without the CLI


def test_the_shell_opens_the_files_the_build_publishes(tmp_path: Path) -> None:
    from pipelines.analyst.published import COMBINED_NAME, NoPublishedFile, published_file
    from warehouse.build import COMBINED_NAME as BUILT
    from warehouse.build import kommun_file_name

    assert COMBINED_NAME == BUILT
    (tmp_path / "published").mkdir()
    for name in (BUILT, kommun_file_name("1262")):
        (tmp_path / "published" / name).touch()
    assert published_file(tmp_path, "1262").name == kommun_file_name("1262")
    with pytest.raises(NoPublishedFile, match="Publicerade kommuner: 1262"):
        published_file(tmp_path, "1231")
