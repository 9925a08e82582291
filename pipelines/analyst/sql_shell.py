"""`chefskartan sql`: the DuckDB CLI on a published file, read-only, with no way out of it.

The CLI (package duckdb-cli, pinned in uv.lock) opens the file with -readonly; before any of
the analyst's statements it runs SAFE_COMMANDS: external access off (no files, no network, no
extensions) and the CLI's safe mode (no .shell, .output, .open, .read; configuration locked).
Safe mode locks every setting, but the CLI itself sets extension_directories on each command,
so that one setting stays allowed (it is harmless with external access off).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

SAFE_COMMANDS = (
    "SET allowed_configs = ['extension_directories']",
    "SET enable_external_access = false",
    ".safe_mode",
)


def duckdb_cli() -> str | None:
    """The DuckDB CLI beside this Python (the venv's), else one on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    if beside.is_file():
        return str(beside)
    return shutil.which("duckdb")


def cli_command(cli: str, database: Path, sql: str | None = None) -> list[str]:
    """The CLI's argument list: read-only, no init file, the safe commands, then `sql` if any."""
    command = [cli, "-readonly", "-no-init"]
    for safe in SAFE_COMMANDS:
        command += ["-cmd", safe]
    command.append(str(database))
    if sql is not None:
        command += ["-c", sql]
    return command


def run_sql(database: Path, sql: str | None) -> int:
    """Open the shell on `database`, or run `sql` and print its result as a table."""
    cli = duckdb_cli()
    if cli is not None:
        return subprocess.call(cli_command(cli, database, sql))
    if sql is None:
        print(
            "chefskartan sql: DuckDB-kommandot (duckdb) saknas; installera paketet duckdb-cli "
            "(make env) eller kör en fråga med -c.",
            file=sys.stderr,
        )
        return 1
    return run_in_process(database, sql)


def run_in_process(database: Path, sql: str) -> int:
    """Without the CLI: the same query in this process, read-only and locked down."""
    config = {"enable_external_access": False, "lock_configuration": True}
    try:
        with duckdb.connect(str(database), read_only=True, config=config) as con:
            relation = con.sql(sql)
            if relation is not None:
                relation.show(max_rows=10_000, max_width=10_000)
    except duckdb.Error as exc:
        print(f"chefskartan sql: {exc}", file=sys.stderr)
        return 1
    return 0


def cli_main(warehouse: Path, kommun: str | None, sql: str | None) -> int:
    """The command: find the published file, then the shell or the query."""
    from pipelines.analyst.published import NoPublishedFile, published_file

    try:
        database = published_file(warehouse, kommun)
    except NoPublishedFile as exc:
        print(f"chefskartan sql: {exc}", file=sys.stderr)
        return 1
    return run_sql(database, sql)
